"""The long table every official PAPI value travels in, and the dimension list behind it.

The workbook importer and the CSV loader both return this shape, so one arithmetic check
serves both.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import polars as pl

__all__ = [
    "LEVELS",
    "RECORD_SCHEMA",
    "STATISTICS",
    "Dimension",
    "Level",
    "Statistic",
    "empty_record",
    "load_dimensions",
    "parse_scale",
]

Level = Literal["indicator", "subdimension", "dimension", "total"]
Statistic = Literal["score", "ci_low", "ci_high", "se", "variance", "observations"]
LEVELS: tuple[Level, ...] = ("indicator", "subdimension", "dimension", "total")
STATISTICS: tuple[Statistic, ...] = (
    "score",
    "ci_low",
    "ci_high",
    "se",
    "variance",
    "observations",
)

RECORD_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int32(),
    "province": pl.String(),
    "level": pl.String(),
    "code": pl.String(),
    "dimension": pl.String(),
    "label_en": pl.String(),
    "label_vi": pl.String(),
    "scale": pl.String(),
    "scale_low": pl.Float64(),
    "scale_high": pl.Float64(),
    "statistic": pl.String(),
    "estimate": pl.Float64(),
    "withheld": pl.Boolean(),
    "withheld_marker": pl.String(),
    "source_file": pl.String(),
    "source_url": pl.String(),
    "sheet": pl.String(),
    "source_row": pl.Int32(),
    "source_column": pl.String(),
}
"""Columns of an official record.

``code`` is ``"total"``/``"total_weighted"`` for aggregates, ``"k"`` for dimension *k*,
``"k.j"`` for a sub-dimension and ``"k.j.n"`` for the *n*-th indicator row of sub-dimension
``k.j`` in its sheet. ``withheld`` is true where the source publishes no number (blank cell,
"KCDL", row absent from a CSV); ``estimate`` is then null, never zero. ``source_row`` is 1-based
(the spreadsheet row, or the CSV line counting the header as line 1).
"""


@dataclass(frozen=True)
class Dimension:
    """One PAPI dimension: its number as a code, a snake_case name and both labels."""

    code: str
    name: str
    label_en: str
    label_vi: str


def load_dimensions() -> tuple[Dimension, ...]:
    """Return the eight PAPI dimensions from the package's ``dimensions.csv``.

    Examples
    --------
    >>> [dimension.name for dimension in load_dimensions()][:2]
    ['participation', 'transparency']
    """
    text = resources.files("govindex.official").joinpath("dimensions.csv").read_text("utf-8")
    return tuple(Dimension(**row) for row in csv.DictReader(text.splitlines()))


def empty_record() -> pl.DataFrame:
    """Return an official record with no rows.

    Examples
    --------
    >>> empty_record().height
    0
    """
    return pl.DataFrame(schema=RECORD_SCHEMA)


_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_RANGE = re.compile(_NUMBER + r"\s*%?\s*[-–]\s*" + _NUMBER)


def parse_scale(text: str | None) -> tuple[float | None, float | None]:
    """Return the (low, high) bounds written in a scale label, or ``(None, None)``.

    The label is read as printed: ``"0%-100%"`` gives ``(0, 100)`` even though such rows
    publish proportions, and ``"Tối thiểu - Tối đa"`` (min-max) has no bounds.

    Examples
    --------
    >>> parse_scale("0.25-2.5 điểm/points")
    (0.25, 2.5)
    >>> parse_scale("0-150,000VND")
    (0.0, 150000.0)
    >>> parse_scale("Tối thiểu - Tối đa")
    (None, None)
    """
    if not text:
        return None, None
    match = _RANGE.search(text)
    if match is None:
        return None, None
    low, high = (float(part.replace(",", "")) for part in match.groups())
    return low, high
