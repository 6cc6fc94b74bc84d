"""Population margins matched to the levels of a data column, for calibration.

R ``postStratify`` merges the sample's weighted table with the population table by level
label and refuses levels found on one side only; :func:`match_margin` does the same and
names the levels missing on each side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from govindex.errors import CalibrationError
from govindex.survey.arrays import FloatArray, IntArray, frozen, group_sum
from govindex.survey.design import SurveyDesign

__all__ = ["Margin", "Population", "level_key", "match_margin"]

Population = Mapping[Any, float] | pl.DataFrame


@dataclass(frozen=True, eq=False)
class Margin:
    """A column's levels, each row's level code and each level's population count."""

    groups: IntArray
    n_groups: int
    levels: tuple[Any, ...]
    totals: FloatArray


def level_key(value: object) -> str:
    """A label that matches a level however it was typed (``1``, ``1.0`` and ``"1"`` agree).

    Examples
    --------
    >>> level_key(2.0), level_key(2), level_key("2")
    ('2', '2', '2')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def match_margin(
    design: SurveyDesign, column: str, population: Population, *, partial: bool = False
) -> Margin:
    """Match ``population`` counts to the levels of ``column``.

    Population levels with a zero count that do not occur in the data are dropped, as R
    does; any other level found on one side only is an error, except that ``partial``
    (R's ``postStratify(partial=TRUE)``) drops population levels absent from the sample.

    Examples
    --------
    >>> frame = pl.DataFrame({"psu": [1, 2, 3], "w": [1.0, 1, 1], "g": ["b", "a", "b"]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> margin = match_margin(design, "g", {"a": 4, "b": 6, "c": 0})
    >>> margin.groups.tolist(), margin.totals.tolist()
    ([1, 0, 1], [4.0, 6.0])
    """
    counts = _population_counts(column, population)
    series = design.column(column)
    if isinstance(series.dtype, pl.Categorical | pl.Enum):
        series = series.cast(pl.String)
    if series.null_count():
        row = int(series.is_null().arg_true()[0]) + 1
        msg = f"calibration column `{column}` has a missing value in row {row}; margins need a level in every row."
        raise CalibrationError(msg, where=column, found="missing", expected="a level in every row")
    distinct = series.unique().sort().to_list()
    keys = [level_key(value) for value in distinct]
    in_data_only = [value for value, key in zip(distinct, keys, strict=True) if key not in counts]
    in_population_only = [
        value
        for key, (value, count) in counts.items()
        if key not in keys and count != 0 and not partial
    ]
    if in_data_only or in_population_only:
        msg = (
            f"margin `{column}` does not match the data: levels in the data but not in the "
            f"population: {_listing(in_data_only)}; levels in the population but not in the "
            f"data: {_listing(in_population_only)}."
        )
        raise CalibrationError(
            msg,
            where=column,
            found={"data_only": in_data_only, "population_only": in_population_only},
            expected="the same levels in the data and the population",
        )
    codes = series.replace_strict(
        old=pl.Series(distinct, dtype=series.dtype),
        new=pl.Series(np.arange(len(distinct), dtype=np.int64)),
        return_dtype=pl.Int64,
    ).to_numpy()
    groups = np.asarray(codes, dtype=np.int64)
    totals = np.array([counts[key][1] for key in keys], dtype=np.float64)
    sample = group_sum(design.weights[:, None], groups, len(distinct))[:, 0]
    unwanted = (totals == 0) & (sample > 0)
    if unwanted.any():
        level = distinct[int(np.flatnonzero(unwanted)[0])]
        msg = (
            f"margin `{column}` level {level!r} has a population count of 0 but weight "
            "in the sample; a sampled level must have a positive population count."
        )
        raise CalibrationError(msg, where=column, found=level, expected="a positive count")
    return Margin(
        groups=frozen(groups),
        n_groups=len(distinct),
        levels=tuple(distinct),
        totals=frozen(totals),
    )


def _population_counts(column: str, population: Population) -> dict[str, tuple[Any, float]]:
    """``{level key: (level, count)}`` from a mapping or a (level, count) data frame."""
    if isinstance(population, pl.DataFrame):
        others = [name for name in population.columns if name != column]
        if column not in population.columns or len(others) != 1:
            msg = (
                f"the population table for `{column}` must have the column `{column}` and one "
                f"count column (such as `Freq`); it has {', '.join(population.columns)}."
            )
            raise CalibrationError(
                msg, where=column, found=population.columns, expected=[column, "Freq"]
            )
        pairs = list(
            zip(population[column].to_list(), population[others[0]].to_list(), strict=True)
        )
    else:
        pairs = list(population.items())
    counts: dict[str, tuple[Any, float]] = {}
    for level, count in pairs:
        key = level_key(level)
        if key in counts:
            msg = f"the population for `{column}` lists level {level!r} twice."
            raise CalibrationError(msg, where=column, found=level, expected="each level once")
        value = float("nan") if count is None else float(count)
        if not np.isfinite(value) or value < 0:
            msg = f"the population count of `{column}` level {level!r} is {count!r}; counts must be finite and >= 0."
            raise CalibrationError(msg, where=column, found=count, expected="a count >= 0")
        counts[key] = (level, value)
    return counts


def _listing(levels: list[Any]) -> str:
    return ", ".join(repr(level) for level in levels) if levels else "none"
