"""The province names SYNTHETIC assessments are made for: the 63 provinces of the bundled
official record."""

from __future__ import annotations

import polars as pl

from govindex.official import bundled_data_dir

__all__ = ["province_names"]


def province_names() -> list[str]:
    """The 63 provinces (canonical spelling), sorted.

    Examples
    --------
    >>> len(province_names()), province_names()[0]
    (63, 'An Giang')
    """
    names = pl.read_csv(bundled_data_dir() / "province_population_2019.csv")["province"]
    return sorted(names.to_list())
