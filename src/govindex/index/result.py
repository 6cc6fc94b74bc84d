"""``IndexResult``: the frozen outcome of an index run, every stage kept as a polars table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from govindex.index.parameters import IndexParameters
from govindex.index.uncertainty import interval_bounds
from govindex.spec import PublicationRules

if TYPE_CHECKING:
    from govindex.index.secondary import DisclosureControl

__all__ = ["STAGE_COLUMNS", "IndexResult", "StageArrays", "national_frame", "stage_frame"]

FloatArray = np.ndarray

STAGE_COLUMNS = (
    "province", "level", "code", "name", "estimate", "se", "ci_low", "ci_high", "ci_level",
    "df", "n", "n_eff", "cv", "rank", "rank_low", "rank_high", "suppressed", "flags",
)  # fmt: skip
"""Columns of every stage table (indicator estimates, sub-dimensions, dimensions, totals)."""


@dataclass(frozen=True, eq=False)
class StageArrays:
    """Province × code arrays of one stage (estimate, SE, df, respondents, design effect)."""

    estimate: FloatArray
    se: FloatArray
    df: FloatArray
    n: FloatArray
    deff: FloatArray


@dataclass(frozen=True, eq=False)
class IndexResult:
    """Every stage of an index run with the parameters that made it.

    ``indicators`` holds the provincial indicator estimates (scores in [0, 1], higher is
    better; ``suppressed`` rows keep their value here for diagnosis), ``aggregates`` the
    sub-dimensions, dimensions, total and weighted totals; ``national`` the simple mean
    of provincial scores and the pooled national estimates. On replicate designs the
    replicate estimates (replicates × provinces × codes) are kept too.

    Examples
    --------
    >>> result.dimensions.filter(pl.col("province") == "Ha Noi").height
    8
    >>> result.scores().columns[:4]
    ['province', 'level', 'code', 'name']
    """

    spec_code: str
    year: int
    parameters: IndexParameters
    provinces: tuple[str, ...]
    indicators: pl.DataFrame
    aggregates: pl.DataFrame
    national: pl.DataFrame
    indicator_codes: tuple[str, ...]
    aggregate_codes: tuple[str, ...]
    replicate_indicators: FloatArray | None = None
    replicate_aggregates: FloatArray | None = None
    disclosure: DisclosureControl | None = None

    @property
    def subdimensions(self) -> pl.DataFrame:
        """Sub-dimension scores per province."""
        return self.aggregates.filter(pl.col("level") == "subdimension")

    @property
    def dimensions(self) -> pl.DataFrame:
        """Dimension scores per province (1–10 in PAPI)."""
        return self.aggregates.filter(pl.col("level") == "dimension")

    @property
    def totals(self) -> pl.DataFrame:
        """The total (and any weighted totals) per province."""
        return self.aggregates.filter(pl.col("level").is_in(["total", "weighted_total"]))

    def stages(self) -> dict[str, pl.DataFrame]:
        """Each stage's dataset, in pipeline order."""
        return {
            "indicators": self.indicators,
            "subdimensions": self.subdimensions,
            "dimensions": self.dimensions,
            "totals": self.totals,
            "national": self.national,
        }

    def scores(self) -> pl.DataFrame:
        """The publishable long table: totals, dimensions, sub-dimensions, then indicators.

        Suppressed cells (indicators with few respondents, and any cell hidden by
        secondary suppression) keep ``suppressed = true`` but lose their estimate, SE and
        interval (the value is kept out of the published table).
        """
        hidden = ("estimate", "se", "ci_low", "ci_high", "cv")
        blank = [
            pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(name)).alias(name)
            for name in hidden
        ]
        indicators = self.indicators.with_columns(blank)
        order = {"total": 0, "weighted_total": 1, "dimension": 2, "subdimension": 3}
        aggregates = (
            self.aggregates.with_columns(blank)
            .with_row_index("_row")
            .sort(pl.col("level").replace_strict(order, return_dtype=pl.Int8), "_row")
            .drop("_row")
        )
        return pl.concat([aggregates, indicators])


def stage_frame(
    kind: str,
    codes: Sequence[str],
    names: Sequence[str],
    provinces: Sequence[str],
    arrays: StageArrays,
    interval: dict[str, Any],
    ranking: tuple[FloatArray, FloatArray, FloatArray],
    *,
    suppressed: FloatArray,
    rules: PublicationRules,
    levels: Sequence[str] | None = None,
    incomplete: FloatArray | None = None,
    uses_suppressed: FloatArray | None = None,
    secondary: FloatArray | None = None,
) -> pl.DataFrame:
    """One stage as a long table, code-major (every province of a code, then the next code).

    ``kind`` is ``indicator`` or ``aggregate`` (then ``levels`` names each code's level).
    Flags, ``;``-separated: ``few_respondents`` (suppressed), ``no_respondents``,
    ``high_cv`` and ``low_effective_n`` (the spec's quality thresholds), ``incomplete``
    (a member indicator is missing), ``uses_suppressed`` (a member is suppressed but kept),
    ``secondary`` (hidden so that no suppressed cell can be recomputed; also ``suppressed``).
    """
    n_provinces = len(provinces)

    def flat(values: FloatArray) -> FloatArray:
        return np.asarray(values, dtype=np.float64).T.reshape(-1)

    estimate, se, df, n = flat(arrays.estimate), flat(arrays.se), flat(arrays.df), flat(arrays.n)
    low, high, ci_level = interval_bounds(estimate, se, df, interval["level"], interval["rule"])
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = se / np.abs(estimate)
        n_eff = n / flat(arrays.deff)
    marks: list[tuple[str, np.ndarray]] = [
        ("no_respondents", n == 0),
        ("few_respondents", flat(suppressed).astype(bool) & (n > 0)),
    ]
    if rules.maximum_cv is not None:
        marks.append(("high_cv", cv > rules.maximum_cv))
    if rules.minimum_effective_n is not None and kind == "indicator":
        marks.append(("low_effective_n", n_eff < rules.minimum_effective_n))
    if incomplete is not None:
        marks.append(("incomplete", flat(incomplete).astype(bool)))
    if uses_suppressed is not None:
        marks.append(("uses_suppressed", flat(uses_suppressed).astype(bool)))
    hidden = flat(suppressed).astype(bool)
    if secondary is not None:
        marks.append(("secondary", flat(secondary).astype(bool)))
        hidden = hidden | flat(secondary).astype(bool)
    flags = [";".join(name for name, mask in marks if mask[row]) for row in range(estimate.size)]
    level_of = list(levels) if levels is not None else ["indicator"] * len(codes)
    ranks, rank_low, rank_high = (flat(values) for values in ranking)

    def whole(values: FloatArray) -> pl.Series:
        return pl.Series(values, dtype=pl.Float64).fill_nan(None).cast(pl.Int32)

    return pl.DataFrame(
        {
            "province": list(provinces) * len(codes),
            "level": [level for level in level_of for _ in range(n_provinces)],
            "code": [code for code in codes for _ in range(n_provinces)],
            "name": [name for name in names for _ in range(n_provinces)],
            "estimate": estimate,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "ci_level": np.full(estimate.size, ci_level),
            "df": df,
            "n": n.astype(np.int64),
            "n_eff": n_eff,
            "cv": cv,
            "rank": whole(ranks),
            "rank_low": whole(rank_low),
            "rank_high": whole(rank_high),
            "suppressed": hidden,
            "flags": flags,
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))


def national_frame(
    figure: str,
    levels: Sequence[str],
    codes: Sequence[str],
    names: Sequence[str],
    arrays: StageArrays,
    interval: dict[str, Any],
) -> pl.DataFrame:
    """National figures of one kind (``mean_of_provinces`` or ``pooled``), one row per code."""
    estimate, se, df = arrays.estimate[0], arrays.se[0], arrays.df[0]
    low, high, ci_level = interval_bounds(estimate, se, df, interval["level"], interval["rule"])
    return pl.DataFrame(
        {
            "figure": [figure] * len(codes),
            "level": list(levels),
            "code": list(codes),
            "name": list(names),
            "estimate": estimate,
            "se": se,
            "ci_low": low,
            "ci_high": high,
            "ci_level": np.full(len(codes), ci_level),
            "df": df,
            "n": arrays.n[0].astype(np.int64),
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
