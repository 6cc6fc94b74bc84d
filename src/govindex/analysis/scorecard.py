"""The scorecard's two tables, computed from the instruments' totals: one province across
PAPI, SIPAS, the PAR Index and the one-stop 766 index, and how the instruments agree.

For every province, instrument and year there is one row per source of a value:

* ``computed``: a run govindex computed and stored (a survey run, a PAR assessment run, a
  one-stop records run), newest run per instrument and period; of a run scored by period,
  the year's own period if it has one, else its newest longest period (a quarter before a
  month before a week);
* ``official``: the official PAPI record;
* ``reported``: a SIPAS or PAR Index value quoted by the press or a province, with its link
  (:mod:`govindex.official.reported_indices`), never mixed with computed values.

``change`` is the difference from the previous year of the same instrument and source,
left empty where the instrument's method changed between the two years (SIPAS in 2022).
The agreement table gives Spearman's rank correlation of each pair of instruments over the
provinces both score in a year (:func:`govindex.analysis.agreement.rank_agreement`).

These functions only compute; the store writes their tables whenever a run is stored
(:mod:`govindex.storage.scorecard_tables`), and pages and commands read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import polars as pl

from govindex.analysis.agreement import rank_agreement
from govindex.official.provinces import province_key
from govindex.official.reported_indices import comparable
from govindex.scores import registered
from govindex.scores.scorecard_columns import AGREEMENT_COLUMNS, SCORECARD_COLUMNS

__all__ = [
    "AGREEMENT_COLUMNS",
    "SCORECARD_COLUMNS",
    "agreement_table",
    "run_totals",
    "scorecard_table",
]

_PROVINCE_GEOGRAPHIES = ("province63", "unit34")


def run_totals(score_table: pl.DataFrame, *, source_kind: str, sequence: int) -> pl.DataFrame:
    """The province totals of one run's score table, with how many units it ranks per
    period, its ``source_kind`` (``computed`` or ``official``) and its ``sequence`` (its
    place among the store's runs, oldest first: the newest run of a period speaks for it).

    Examples
    --------
    >>> table = pl.DataFrame({"geography": ["province63", "national"], "level": ["total"] * 2,
    ...                       "code": ["total"] * 2, "period": ["2024"] * 2,
    ...                       "estimate": [40.0, 41.0]})
    >>> run_totals(table, source_kind="official", sequence=1).select(
    ...     "estimate", "ranked", "source_kind").rows()
    [(40.0, 1, 'official')]
    """
    totals = score_table.filter(
        (pl.col("level") == "total")
        & (pl.col("code") == "total")
        & pl.col("geography").is_in(_PROVINCE_GEOGRAPHIES)
    )
    return totals.with_columns(
        pl.lit(source_kind).alias("source_kind"),
        pl.lit(sequence).alias("_sequence"),
        pl.col("estimate").is_not_null().sum().over("period").cast(pl.Int32).alias("ranked"),
    )


def scorecard_table(totals: Sequence[pl.DataFrame], reported: pl.DataFrame) -> pl.DataFrame:
    """The scorecard of every province from the stored runs' ``totals`` (:func:`run_totals`
    of each run no other run supersedes) and the ``reported`` record
    (:func:`govindex.official.reported_indices.reported_scores`).

    The newest run of an instrument, period and source speaks for it; a province carries
    the spelling its first row uses.

    Examples
    --------
    >>> reported = pl.DataFrame({"geography": ["province63"], "code": ["total"],
    ...     "unit": ["Quảng Ninh"], "instrument": ["par"], "period": ["2023"],
    ...     "estimate": [92.18], "rank": [1], "provenance": ["https://example.org"],
    ...     "status": ["published"], "reason": [None], "synthetic": [False]})
    >>> table = scorecard_table([], reported)
    >>> table.select("province_key", "instrument", "year", "estimate", "source_kind").rows()
    [('quangninh', 'par', 2023, 92.18, 'reported')]
    """
    frames = [_stored_rows(totals), _reported_rows(reported)]
    rows = pl.concat([frame for frame in frames if frame.height], how="diagonal_relaxed")
    rows = _with_changes(rows) if rows.height else pl.DataFrame(schema=SCORECARD_COLUMNS)
    # Columns only runs have (se, group ...) are empty where no run is stored yet.
    rows = rows.with_columns(
        pl.lit(None, dtype).alias(name)
        for name, dtype in SCORECARD_COLUMNS.items()
        if name not in rows.columns
    )
    rows = rows.select(list(SCORECARD_COLUMNS)).cast(SCORECARD_COLUMNS)  # type: ignore[arg-type]
    spelled = rows.group_by("province_key").agg(pl.col("province").first().alias("spelled"))
    return (
        rows.join(spelled, on="province_key")
        .with_columns(pl.col("spelled").alias("province"))
        .drop("spelled")
        .sort("province_key", "instrument", "year", "source_kind", "run_id", nulls_last=True)
    )


def _stored_rows(totals: Sequence[pl.DataFrame]) -> pl.DataFrame:
    frames = [frame for frame in totals if frame.height]
    if not frames:
        return pl.DataFrame()
    stored = pl.concat(frames, how="diagonal_relaxed")
    # The newest run of an instrument and period speaks for it; older ones stay in the store.
    newest = stored.group_by("instrument", "period", "source_kind").agg(
        pl.col("run_id").sort_by("_sequence").last().alias("_newest")
    )
    stored = stored.join(newest, on=["instrument", "period", "source_kind"])
    stored = stored.filter(pl.col("run_id") == pl.col("_newest"))
    stored = stored.with_columns(pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"))
    # A run scored by period (the one-stop index: weeks, months, quarters and the year)
    # speaks for a year with one period: the year itself, else its newest longest period.
    length = (
        pl.when(pl.col("period").str.contains(r"^\d{4}$"))
        .then(0)
        .when(pl.col("period").str.contains(r"^\d{4}-Q\d$"))
        .then(1)
        .when(pl.col("period").str.contains(r"^\d{4}-\d{2}$"))
        .then(2)
        .when(pl.col("period").str.contains(r"^\d{4}-W\d{2}$"))
        .then(3)
        .otherwise(4)
    )
    keys = ["instrument", "source_kind", "geography", "unit", "year"]
    # Filters, not a sort: the rows keep their order (a province is spelled as its first).
    stored = (
        stored.with_columns(length.alias("_length"))
        .filter(pl.col("_length") == pl.col("_length").min().over(keys))
        .filter(pl.col("period") == pl.col("period").max().over(keys))
    )
    return stored.with_columns(
        pl.col("unit").alias("province"),
        pl.col("unit").map_elements(province_key, return_dtype=pl.String).alias("province_key"),
        pl.coalesce("source_url", "source_file").alias("source_url"),
    ).drop("_sequence", "_newest", "_length")


def _reported_rows(reported: pl.DataFrame) -> pl.DataFrame:
    chosen = reported.filter((pl.col("geography") == "province63") & (pl.col("code") == "total"))
    return chosen.select(
        pl.col("unit").alias("province"),
        pl.col("unit").map_elements(province_key, return_dtype=pl.String).alias("province_key"),
        "instrument",
        pl.col("period").cast(pl.Int32).alias("year"),
        "period",
        "estimate",
        pl.col("rank").cast(pl.Int32),
        pl.lit(63, pl.Int32).alias("ranked"),
        pl.lit("reported").alias("source_kind"),
        pl.col("provenance").alias("source_url"),
        "status",
        pl.when(pl.col("status") == "published")
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("reason"))
        .alias("reason"),
        pl.col("synthetic"),
    )


def _with_changes(rows: pl.DataFrame) -> pl.DataFrame:
    previous = rows.select(
        "province_key",
        "instrument",
        "source_kind",
        (pl.col("year") + 1).alias("year"),
        pl.col("estimate").alias("_previous"),
    ).unique(subset=["province_key", "instrument", "source_kind", "year"], keep="first")
    joined = rows.join(
        previous, on=["province_key", "instrument", "source_kind", "year"], how="left"
    )
    breaks = [
        comparable(name.upper(), year - 1, year) if name in ("sipas", "par") else True
        for name, year in zip(joined["instrument"], joined["year"], strict=True)
    ]
    return (
        joined.with_columns(pl.Series("_comparable", breaks, pl.Boolean))
        .with_columns(
            pl.when(pl.col("_comparable"))
            .then(pl.col("estimate") - pl.col("_previous"))
            .otherwise(None)
            .alias("change"),
            pl.when(~pl.col("_comparable") & pl.col("_previous").is_not_null())
            .then(pl.lit("not comparable: the method changed between the two years"))
            .otherwise(None)
            .alias("change_note"),
        )
        .drop("_previous", "_comparable")
    )


def agreement_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Spearman's correlation of each pair of instruments in each year, for every pair of
    series (an instrument's official record or its computed run): series are never mixed,
    and a pair needs 5 provinces.

    Examples
    --------
    >>> agreement_table(pl.DataFrame(schema=SCORECARD_COLUMNS)).height
    0
    """
    chosen = rows.filter(
        pl.col("source_kind").is_in(["official", "computed"]) & pl.col("estimate").is_not_null()
    )
    order: dict[str, int] = {entry.id: position for position, entry in enumerate(registered())}
    records: list[dict[str, Any]] = []
    for year in sorted(chosen["year"].unique().to_list()):
        in_year = chosen.filter(year=year)
        series = sorted(
            {(str(a), str(b)) for a, b in in_year.select("instrument", "source_kind").iter_rows()},
            key=lambda item: (order.get(item[0], 99), item[1]),
        )
        for (first, first_kind), (second, second_kind) in combinations(series, 2):
            if first == second:
                continue
            pair = in_year.filter(instrument=first, source_kind=first_kind).join(
                in_year.filter(instrument=second, source_kind=second_kind),
                on="province_key",
                suffix="_2",
            )
            if pair.height < 5:
                continue
            has_se = pair["se"].null_count() == 0 and pair["se_2"].null_count() == 0
            result = rank_agreement(
                pair["estimate"].to_numpy(),
                pair["estimate_2"].to_numpy(),
                first_se=pair["se"].to_numpy() if has_se else None,
                second_se=pair["se_2"].to_numpy() if has_se else None,
            )
            records.append(
                {
                    "year": year,
                    "first": first,
                    "second": second,
                    "first_source": _series(pair, ""),
                    "second_source": _series(pair, "_2"),
                    "provinces": result.n,
                    "rho": result.rho,
                    "low": result.low,
                    "high": result.high,
                    "level": result.level if result.low is not None else None,
                    "method": result.method,
                    "synthetic": bool(pair["synthetic"].any() or pair["synthetic_2"].any()),
                }
            )
    return pl.DataFrame(records, schema=AGREEMENT_COLUMNS)


def _series(pair: pl.DataFrame, suffix: str) -> str:
    kind = str(pair[f"source_kind{suffix}"][0])
    runs = sorted(set(pair[f"run_id{suffix}"].drop_nulls().to_list()))
    return f"{kind} run {', '.join(runs)}" if kind == "computed" else f"{kind} ({', '.join(runs)})"
