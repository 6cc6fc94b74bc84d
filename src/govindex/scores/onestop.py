"""The one-stop 766 index's numbers as ScoreTable rows.

The one-stop scorer (:mod:`govindex.onestop.scoring`) writes indicator, group and total rows
with its own extras (ratio, numerator, denominator, maximum points, band). This adapter keeps
the published part as ScoreTable rows and the extras in a table beside them:

* geography ``province`` is the 34 provincial units after July 2025 (``unit34``);
* a unit's code becomes its name where the records name it;
* the reason ``no_denominator;on_empty=…`` keeps its code, ``no_denominator``, and the rule
  that decided the points (``on_empty``) stays in the extras; a published row keeps no
  reason (the rule awarded its points);
* the band (``good``, ``fair``, …) is the total's group: ``group`` its position among the
  profile's bands, best first, ``group_label`` its code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from govindex.errors import DataValidationError
from govindex.scores.table import SCORE_TABLE_SCHEMA, ScoreTable

__all__ = ["ONESTOP_EXTRA_COLUMNS", "onestop_extras", "onestop_score_table"]

_GEOGRAPHIES = {
    "province": "unit34",
    "agency": "agency",
    "commune": "commune",
    "procedure": "procedure",
}
_REASONS = {
    "input_not_in_records": "input_not_in_records",
    "no_denominator": "no_denominator",
    "not_applicable_to_geography": "not_applicable",
}
_KEY = ("period", "geography", "unit", "level", "code")
ONESTOP_EXTRA_COLUMNS = (
    "parent_unit",
    "ratio",
    "numerator",
    "denominator",
    "max_points",
    "band",
    "rule_note",
    "provenance",
)
"""The one-stop scorer's own columns, kept beside the ScoreTable rows."""


def _prepared(
    scores: pl.DataFrame, unit_names: Mapping[str, str], bands: Sequence[str]
) -> pl.DataFrame:
    unknown = sorted(set(scores["geography"].unique().to_list()) - set(_GEOGRAPHIES))
    if unknown:
        msg = f"one-stop scores: geography {unknown}; expected one of {sorted(_GEOGRAPHIES)}."
        raise DataValidationError(msg, where="geography", found=unknown)
    scores = scores.with_columns(pl.col("reason").cast(pl.String), pl.col("band").cast(pl.String))
    reason_code = pl.col("reason").str.split(";").list.first()
    odd = scores.filter(reason_code.is_not_null() & ~reason_code.is_in(list(_REASONS)))
    if odd.height:
        msg = f"one-stop scores: reason {odd['reason'][0]!r}; expected one of {sorted(_REASONS)}."
        raise DataValidationError(msg, where="reason", found=odd["reason"][0])
    positions = {band: position for position, band in enumerate(bands, start=1)}
    return scores.with_columns(
        pl.col("geography").replace_strict(_GEOGRAPHIES),
        pl.col("unit").replace(dict(unit_names)),
        pl.when(pl.col("status") == "published")
        .then(None)
        .otherwise(reason_code.replace_strict(_REASONS, default=None))
        .alias("reason"),
        pl.col("reason").alias("rule_note"),
        pl.col("band")
        .replace_strict(positions, default=None, return_dtype=pl.Int32)
        .alias("group"),
        pl.col("band").alias("group_label"),
    )


def onestop_score_table(
    scores: pl.DataFrame,
    *,
    run_id: str,
    unit_names: Mapping[str, str],
    bands: Sequence[str],
) -> ScoreTable:
    """The one-stop scorer's index rows (``level`` total, group, indicator) as a ScoreTable.

    Examples
    --------
    >>> import datetime as dt
    >>> rows = pl.DataFrame({"instrument": ["onestop"], "edition": ["766"], "period": ["2025"],
    ...     "period_start": [dt.date(2025, 1, 1)], "period_end": [dt.date(2025, 12, 31)],
    ...     "geography": ["province"], "unit": ["22"], "parent_unit": [None],
    ...     "level": ["total"], "code": ["total"], "estimate": [81.0], "rank": [1],
    ...     "status": ["published"], "reason": [None], "synthetic": [True], "band": ["good"]})
    >>> table = onestop_score_table(rows, run_id="r", unit_names={"22": "Quảng Ninh"},
    ...                             bands=["good", "fair"])
    >>> table.frame.select("geography", "unit", "group", "group_label").row(0)
    ('unit34', 'Quảng Ninh', 1, 'good')
    """
    prepared = _prepared(scores, unit_names, bands).with_columns(pl.lit(run_id).alias("run_id"))
    present = [column for column in SCORE_TABLE_SCHEMA if column in prepared.columns]
    return ScoreTable.from_frame(prepared.select(present), where="one-stop scores")


def onestop_extras(
    scores: pl.DataFrame, *, unit_names: Mapping[str, str], bands: Sequence[str]
) -> pl.DataFrame:
    """The scorer's own columns (ratio, counts, maximum, band, the rule that decided a
    number without a denominator) keyed like the ScoreTable rows."""
    prepared = _prepared(scores, unit_names, bands)
    present = [column for column in ONESTOP_EXTRA_COLUMNS if column in prepared.columns]
    return prepared.select(*_KEY, *present)
