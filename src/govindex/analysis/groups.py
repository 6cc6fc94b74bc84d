"""National ranks and the four PAPI performance groups (quartiles of provincial scores).

PAPI colours provinces in four groups per dimension and for the total: best performers
(above the 75th percentile), high average, low average and poor performers (below the
25th). How a province sitting exactly on a cut is placed is not documented, so the cut
rule is a parameter (papi-methodology §5.2).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from govindex.scores.groups import GROUP_LABELS, GroupRule

__all__ = [
    "GROUP_LABELS",
    "GroupRule",
    "assign_groups",
    "group_cuts",
    "group_items",
    "rank_and_group",
]


def group_cuts(
    values: Sequence[float], rule: GroupRule | None = None
) -> tuple[float, float, float]:
    """Return the 25th, 50th and 75th percentiles of ``values`` under ``rule``.

    Examples
    --------
    >>> group_cuts([1.0, 2.0, 3.0, 4.0, 5.0])
    (2.0, 3.0, 4.0)
    """
    rule = rule or GroupRule()
    array = np.asarray(values, dtype=float)
    low, middle, high = np.percentile(array, [25, 50, 75], method=rule.percentile_method)
    return float(low), float(middle), float(high)


def _group_of(values: np.ndarray, cuts: tuple[float, float, float], rule: GroupRule) -> np.ndarray:
    low, middle, high = cuts
    if rule.inclusive == "upper":
        return np.where(
            values > high, 1, np.where(values > middle, 2, np.where(values > low, 3, 4))
        )
    return np.where(values >= high, 1, np.where(values >= middle, 2, np.where(values >= low, 3, 4)))


def assign_groups(
    values: Sequence[float | None], rule: GroupRule | None = None
) -> list[int | None]:
    """Return the performance group (1 best … 4 poor) of each value; ``None`` stays ``None``.

    Higher is better. Cuts are computed from the non-missing values only.

    Examples
    --------
    >>> assign_groups([1.0, 2.0, 3.0, 4.0, 5.0, None])
    [4, 4, 3, 2, 1, None]
    >>> assign_groups([1.0, 2.0, 3.0, 4.0, 5.0], GroupRule(inclusive="lower"))
    [4, 3, 2, 1, 1]
    """
    rule = rule or GroupRule()
    present = [value for value in values if value is not None and not np.isnan(value)]
    if not present:
        return [None for _ in values]
    cuts = group_cuts(present, rule)
    groups = _group_of(np.asarray(present, dtype=float), cuts, rule).tolist()
    iterator = iter(groups)
    return [None if value is None or np.isnan(value) else int(next(iterator)) for value in values]


def rank_and_group(
    scores: pl.DataFrame,
    *,
    by: Sequence[str] = ("year", "level", "code"),
    estimate: str = "estimate",
    direction: str | None = None,
    rule: GroupRule | None = None,
) -> pl.DataFrame:
    """Add national ``rank`` (1 = best, ties share the best rank), ``ranked`` and ``group``.

    Parameters
    ----------
    scores
        One row per province and item, e.g. from :func:`govindex.analysis.scores.score_table`.
    by
        Columns that define one comparison (each year's item is ranked on its own).
    estimate
        The score column; nulls (withheld) get no rank and no group.
    direction
        Optional column holding +1 (higher is better) or -1; rows whose direction is null
        get no rank and no group, since "better" is unknown. Without it, higher is better.
    rule
        The quartile rule for groups.

    Examples
    --------
    >>> frame = pl.DataFrame({"year": [2024] * 4, "level": ["total"] * 4,
    ...                       "code": ["total"] * 4, "estimate": [40.0, 42.0, None, 41.0]})
    >>> rank_and_group(frame)["rank"].to_list()
    [3, 1, None, 2]
    """
    rule = rule or GroupRule()
    sign = pl.col(direction) if direction is not None else pl.lit(1)
    oriented = (pl.col(estimate) * sign).alias("_oriented")
    frame = scores.with_row_index("_row").with_columns(oriented)
    parts = []
    for _, part in frame.group_by(list(by), maintain_order=True):
        oriented_values = part["_oriented"].to_list()
        groups = assign_groups(oriented_values, rule)
        parts.append(
            part.with_columns(
                pl.col("_oriented")
                .rank(method="min", descending=True)
                .cast(pl.Int32)
                .alias("rank"),
                pl.col("_oriented").count().cast(pl.Int32).alias("ranked"),
                pl.Series("group", groups, dtype=pl.Int8),
            )
        )
    if not parts:
        return scores.with_columns(
            pl.lit(None, pl.Int32).alias("rank"),
            pl.lit(None, pl.Int32).alias("ranked"),
            pl.lit(None, pl.Int8).alias("group"),
        )
    return pl.concat(parts).sort("_row").drop("_row", "_oriented")


def group_items(scores: pl.DataFrame, rule: GroupRule) -> pl.DataFrame:
    """``scores`` with the four performance groups of every item (one quartile split per
    level and code among the provinces published that year), as the dashboard shows them.

    Examples
    --------
    >>> frame = pl.DataFrame({"level": ["total"] * 4, "code": ["total"] * 4,
    ...                       "estimate": [40.0, 42.0, None, 41.0]})
    >>> group_items(frame, GroupRule())["group"].to_list()
    [4, 1, None, 3]
    """
    parts = [
        part.with_columns(
            pl.Series("group", assign_groups(part["estimate"].to_list(), rule), pl.Int32)
        )
        for part in scores.partition_by("level", "code", maintain_order=True)
    ]
    return pl.concat(parts) if parts else scores
