"""Vietnamese names, with diacritics, of the 63 former provinces and the 34 units of July 2025.

The names live in ``data/province_names_vi.csv``, keyed by govindex's canonical (ASCII)
spelling; this module only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import polars as pl

from govindex.official.bundled import bundled_data_dir
from govindex.official.provinces import province_key

__all__ = ["NAMES_FILE", "province_names", "vietnamese_name"]

NAMES_FILE = "province_names_vi.csv"
"""The CSV (in the bundled data folder) with columns ``name``, ``name_vi`` and ``kind``."""


@cache
def _read_names() -> pl.DataFrame:
    return pl.read_csv(
        bundled_data_dir() / NAMES_FILE,
        schema={"name": pl.String, "name_vi": pl.String, "kind": pl.String},
    )


@cache
def _names_by_key() -> Mapping[str, str]:
    names = _read_names()
    return MappingProxyType(
        {
            province_key(name): name_vi
            for name, name_vi in zip(names["name"], names["name_vi"], strict=True)
        }
    )


def province_names() -> pl.DataFrame:
    """Return the Vietnamese names of the former provinces and the July-2025 units.

    One row per canonical name: ``name`` (govindex's spelling), ``name_vi`` (the official
    Vietnamese name) and ``kind`` (``former``, ``unit`` or ``both`` when a unit kept the name
    of a former province). The file is read once; each call returns a fresh copy.

    Examples
    --------
    >>> names = province_names()
    >>> names.filter(kind="unit")["name"].to_list()
    ['Hue']
    >>> names.filter(name="Dak Lak")["name_vi"].item()
    'Đắk Lắk'
    """
    return _read_names().clone()


def vietnamese_name(name: str) -> str:
    """Return the Vietnamese name of a province or unit, or ``name`` itself if it is unknown.

    The name is matched as :func:`~govindex.official.provinces.province_key` matches it, so
    case, spacing and the words "City"/"province" do not matter.

    Examples
    --------
    >>> vietnamese_name("Thua Thien-Hue"), vietnamese_name("Hue")
    ('Thừa Thiên Huế', 'Huế')
    >>> vietnamese_name("Ho Chi Minh City")
    'TP. Hồ Chí Minh'
    >>> vietnamese_name("Atlantis")
    'Atlantis'
    """
    return _names_by_key().get(province_key(name), name)
