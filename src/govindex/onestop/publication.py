"""What the one-stop dashboard pages publish, computed once when a run is stored.

The pages only select from these tables (producers compute, pages read): the ranking of
every unit with its five group scores, band and rank among its peers; each unit's trend
from one period to the next of the same kind; the service KPIs under the unit's name with
their numerator and denominator; the channel mix; and every indicator's points with the
ratio, numerator and denominator behind them. A number without a denominator stays
``null`` (never 0) with its reason.

Examples
--------
>>> import polars as pl
>>> table = pl.DataFrame({
...     "period": ["2025-01", "2025-02", "2025-01", "2025-02"],
...     "geography": ["unit34"] * 4, "unit": ["A", "A", "B", "B"],
...     "level": ["total"] * 4, "code": ["total"] * 4,
...     "estimate": [80.0, 84.5, 90.0, None], "rank": [2, 1, 1, None],
...     "group_label": ["good", "good", "good", None],
...     "status": ["published", "published", "published", "missing"],
...     "reason": [None, None, None, "no_denominator"], "n": [10, 12, 9, 0]})
>>> trend = onestop_trend(table)
>>> trend.filter(pl.col("unit") == "A").select("period", "total", "change").rows()
[('2025-01', 80.0, None), ('2025-02', 84.5, 4.5)]
>>> trend.filter(pl.col("unit") == "B")["change"].to_list()
[None, None]
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from govindex.onestop.periods import parse_period

__all__ = [
    "AGENCY_LEVELS",
    "GROUP_CODES",
    "PUBLISHED_TABLES",
    "onestop_agencies",
    "onestop_agency_late",
    "onestop_channels",
    "onestop_indicators",
    "onestop_kpi_tiles",
    "onestop_page_tables",
    "onestop_ranking",
    "onestop_trend",
]

GROUP_CODES: tuple[str, ...] = ("publicity", "progress", "online", "digitisation", "satisfaction")
"""The five groups of Decision 766, in the decision's order."""

PUBLISHED_TABLES: tuple[str, ...] = (
    "onestop_ranking",
    "onestop_trend",
    "onestop_kpi_tiles",
    "onestop_channels",
    "onestop_indicators",
    "onestop_agencies",
    "onestop_agency_late",
)
"""The tables :func:`onestop_page_tables` adds to a stored one-stop run (the agency tables
only when the run scored the agencies)."""

AGENCY_LEVELS: tuple[str, ...] = ("department", "commune", "legacy_district", "agency")
"""The scorer's geographies below the province (a department, a commune, a district of
before July 2025, or an agency missing from the tree)."""


def _period_kinds(periods: pl.Series) -> pl.DataFrame:
    rows = []
    for text in sorted(set(periods.to_list())):
        period = parse_period(str(text))
        rows.append(
            {
                "period": str(text),
                "period_kind": period.kind,
                "period_start": period.start,
                "period_end": period.end,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "period": pl.String,
            "period_kind": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
        },
    )


def onestop_ranking(score_table: pl.DataFrame) -> pl.DataFrame:
    """One row per period, geography and unit: the total, the five groups, band and rank,
    and how many units were ranked (the rank's peers). Best first within each period."""
    totals = score_table.filter(pl.col("level") == "total").select(
        "period",
        "geography",
        "unit",
        pl.col("estimate").alias("total"),
        pl.col("group_label").alias("band"),
        pl.col("rank").cast(pl.Int64),
        pl.col("n").cast(pl.Int64),
        "status",
        "reason",
    )
    groups = (
        score_table.filter((pl.col("level") == "group") & pl.col("code").is_in(GROUP_CODES))
        .select("period", "geography", "unit", "code", "estimate")
        .pivot(on="code", index=["period", "geography", "unit"], values="estimate")
    )
    for code in GROUP_CODES:
        if code not in groups.columns:
            groups = groups.with_columns(pl.lit(None, pl.Float64).alias(code))
    ranking = totals.join(groups, on=["period", "geography", "unit"], how="left").with_columns(
        pl.col("rank")
        .is_not_null()
        .sum()
        .over("period", "geography")
        .cast(pl.Int64)
        .alias("ranked")
    )
    ranking = ranking.join(_period_kinds(ranking["period"]), on="period", how="left")
    return ranking.select(
        "period",
        "period_kind",
        "period_start",
        "period_end",
        "geography",
        "unit",
        "total",
        *GROUP_CODES,
        "band",
        "rank",
        "ranked",
        "n",
        "status",
        "reason",
    ).sort("period_start", "period_kind", "geography", pl.col("rank").fill_null(1_000_000), "unit")


def onestop_trend(score_table: pl.DataFrame) -> pl.DataFrame:
    """Each unit's total period by period, within each kind of period (weeks with weeks,
    months with months), with the change from the previous period of that kind (``null``
    for the first period, or when either total is missing)."""
    totals = score_table.filter(pl.col("level") == "total").select(
        "period",
        "geography",
        "unit",
        pl.col("estimate").alias("total"),
        pl.col("group_label").alias("band"),
        pl.col("rank").cast(pl.Int64),
    )
    totals = totals.join(_period_kinds(totals["period"]), on="period", how="left").sort(
        "geography", "unit", "period_kind", "period_start"
    )
    keys = ("geography", "unit", "period_kind")
    return totals.with_columns(
        pl.col("period").shift(1).over(keys).alias("previous_period"),
        (pl.col("total") - pl.col("total").shift(1).over(keys)).alias("change"),
    ).select(
        "geography",
        "unit",
        "period_kind",
        "period",
        "period_start",
        "period_end",
        "total",
        "band",
        "rank",
        "previous_period",
        "change",
    )


_TILES: tuple[str, ...] = (
    "handled",
    "early",
    "on_due_day",
    "late",
    "online_share",
    "noncash_payment",
    "online_payment",
    "postal_return",
    "counter_minutes",
    "processing_days",
    "digitised_reuse",
    "survey_satisfaction",
    "rating_coverage",
    "overdue_pending",
    "days_overdue",
)


def onestop_kpi_tiles(kpis: pl.DataFrame, unit_names: Mapping[str, str]) -> pl.DataFrame:
    """The service KPIs of every unit and period under the unit's published name, each with
    its numerator and denominator; ``on_time`` (early + on the due day) is added with the
    counts it sums."""
    frame = kpis.filter(pl.col("code").is_in(_TILES)).with_columns(
        pl.col("unit").cast(pl.String).replace(dict(unit_names)),
        pl.col("geography").replace({"province": "unit34"}),
    )
    frame = frame.filter(pl.col("geography") == "unit34")
    keys = ["period", "geography", "unit"]
    on_time = (
        frame.filter(pl.col("code").is_in(["early", "on_due_day"]))
        .group_by(keys)
        .agg(
            pl.col("numerator").sum().alias("numerator"),
            pl.col("denominator").first().alias("denominator"),
        )
        .with_columns(
            pl.lit("on_time").alias("code"),
            pl.lit("Hồ sơ giải quyết trước hạn và đúng hạn").alias("name_vi"),
            pl.lit("Share finished early or on the due day").alias("name_en"),
            pl.when(pl.col("denominator") > 0)
            .then(pl.col("numerator") / pl.col("denominator"))
            .otherwise(None)
            .alias("estimate"),
            pl.when(pl.col("denominator") > 0)
            .then(pl.lit("published"))
            .otherwise(pl.lit("missing"))
            .alias("status"),
            pl.when(pl.col("denominator") > 0)
            .then(None)
            .otherwise(pl.lit("no_denominator"))
            .alias("reason"),
        )
    )
    columns = [
        *keys,
        "code",
        "name_vi",
        "name_en",
        "estimate",
        "numerator",
        "denominator",
        "status",
        "reason",
    ]
    tiles = pl.concat(
        [
            frame.select(
                *keys,
                "code",
                "name_vi",
                "name_en",
                "estimate",
                pl.col("numerator").cast(pl.Float64),
                pl.col("denominator").cast(pl.Int64),
                "status",
                pl.col("reason").cast(pl.String),
            ),
            on_time.select(
                *keys,
                "code",
                "name_vi",
                "name_en",
                pl.col("estimate").cast(pl.Float64),
                pl.col("numerator").cast(pl.Float64),
                pl.col("denominator").cast(pl.Int64),
                "status",
                pl.col("reason").cast(pl.String),
            ),
        ],
        how="vertical_relaxed",
    )
    return tiles.select(columns).sort(*keys, "code")


def onestop_channels(kpis: pl.DataFrame, unit_names: Mapping[str, str]) -> pl.DataFrame:
    """How each unit's handled dossiers came in: online, by post, or at the counter
    (``direct``: neither online nor by post, a missing channel included), with counts
    and shares of the dossiers handled."""
    keys = ["period", "geography", "unit"]
    frame = kpis.filter(
        pl.col("code").is_in(["handled", "online_share", "postal_submission"])
        & (pl.col("geography") == "province")
    ).with_columns(
        pl.col("unit").cast(pl.String).replace(dict(unit_names)),
        pl.col("geography").replace({"province": "unit34"}),
    )
    wide = frame.pivot(on="code", index=keys, values="numerator", aggregate_function="first")
    for code in ("handled", "online_share", "postal_submission"):
        if code not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(code))
    wide = wide.with_columns(
        pl.col("online_share").alias("online"),
        pl.col("postal_submission").alias("postal"),
        (pl.col("handled") - pl.col("online_share") - pl.col("postal_submission")).alias("direct"),
    )
    long = wide.unpivot(
        on=["online", "postal", "direct"],
        index=[*keys, "handled"],
        variable_name="channel",
        value_name="dossiers",
    )
    return long.select(
        *keys,
        "channel",
        pl.col("dossiers").cast(pl.Int64),
        pl.col("handled").cast(pl.Int64).alias("denominator"),
        pl.when(pl.col("handled") > 0)
        .then(pl.col("dossiers") / pl.col("handled"))
        .otherwise(None)
        .alias("share"),
    ).sort(*keys, "channel")


def onestop_indicators(score_table: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Every indicator's points beside the ratio, numerator and denominator they came from
    and the indicator's maximum (a ``null`` ratio has no denominator: it is not a 0)."""
    keys = ["period", "geography", "unit", "level", "code"]
    rows = score_table.filter(pl.col("level").is_in(["indicator", "group"])).select(
        *keys, "name_vi", "name_en", pl.col("estimate").alias("points"), "status", "reason"
    )
    extras = points.select(
        *keys,
        "parent_unit",
        "ratio",
        "numerator",
        pl.col("denominator").cast(pl.Int64),
        "max_points",
    )
    return (
        rows.join(extras, on=keys, how="left")
        .select(
            "period",
            "geography",
            "unit",
            "parent_unit",
            "level",
            "code",
            "name_vi",
            "name_en",
            "points",
            "max_points",
            "ratio",
            "numerator",
            "denominator",
            "status",
            "reason",
        )
        .sort("period", "geography", "unit", "level", "code")
    )


def onestop_agencies(
    scores: pl.DataFrame, agency_names: Mapping[str, str], unit_names: Mapping[str, str]
) -> pl.DataFrame:
    """The drill-down below each province: every agency's total, five groups, band and rank
    among the province's agencies of its level (``ranked`` counts them), by period. Built
    from the scorer's own rows (``scores``), whose agency ranks are among siblings."""
    agencies = scores.filter(pl.col("geography").is_in(AGENCY_LEVELS))
    keys = ["period", "geography", "unit"]
    totals = agencies.filter(pl.col("level") == "total").select(
        *keys,
        "parent_unit",
        pl.col("estimate").alias("total"),
        pl.col("band").cast(pl.String),
        pl.col("rank").cast(pl.Int64),
        "status",
        pl.col("reason").cast(pl.String),
    )
    groups = (
        agencies.filter((pl.col("level") == "group") & pl.col("code").is_in(GROUP_CODES))
        .select(*keys, "code", "estimate")
        .pivot(on="code", index=keys, values="estimate")
    )
    for code in GROUP_CODES:
        if code not in groups.columns:
            groups = groups.with_columns(pl.lit(None, pl.Float64).alias(code))
    joined = totals.join(groups, on=keys, how="left").with_columns(
        pl.col("unit").replace_strict(dict(agency_names), default=pl.col("unit")).alias("name"),
        pl.col("parent_unit")
        .replace_strict(dict(unit_names), default=pl.col("parent_unit"))
        .alias("province"),
        pl.col("rank")
        .is_not_null()
        .sum()
        .over("period", "geography", "parent_unit")
        .cast(pl.Int64)
        .alias("ranked"),
    )
    return joined.select(
        "period",
        "province",
        "geography",
        "unit",
        "name",
        "total",
        *GROUP_CODES,
        "band",
        "rank",
        "ranked",
        "status",
        "reason",
    ).sort("period", "province", "geography", pl.col("rank").fill_null(1_000_000), "unit")


def onestop_agency_late(
    kpis: pl.DataFrame, agency_names: Mapping[str, str], unit_names: Mapping[str, str]
) -> pl.DataFrame:
    """Late dossiers of every agency by period (the agency × period heatmap): the count
    late, the dossiers handled, and the share (``null`` with nothing handled)."""
    late = kpis.filter(pl.col("geography").is_in(AGENCY_LEVELS) & (pl.col("code") == "late"))
    return late.select(
        "period",
        pl.col("parent_unit")
        .replace_strict(dict(unit_names), default=pl.col("parent_unit"))
        .alias("province"),
        "geography",
        "unit",
        pl.col("unit").replace_strict(dict(agency_names), default=pl.col("unit")).alias("name"),
        pl.col("numerator").cast(pl.Float64).alias("late"),
        pl.col("denominator").cast(pl.Int64),
        pl.col("estimate").alias("share"),
        "status",
        pl.col("reason").cast(pl.String),
    ).sort("province", "geography", "unit", "period")


def onestop_page_tables(
    score_table: pl.DataFrame,
    points: pl.DataFrame,
    kpis: pl.DataFrame | None,
    unit_names: Mapping[str, str],
    *,
    scores: pl.DataFrame | None = None,
    agency_names: Mapping[str, str] | None = None,
) -> dict[str, pl.DataFrame]:
    """Every table of :data:`PUBLISHED_TABLES` for one run (KPI tables only with KPIs; the
    agency tables only when the scorer's rows, ``scores``, hold agencies)."""
    tables = {
        "onestop_ranking": onestop_ranking(score_table),
        "onestop_trend": onestop_trend(score_table),
        "onestop_indicators": onestop_indicators(score_table, points),
    }
    if kpis is not None:
        tables["onestop_kpi_tiles"] = onestop_kpi_tiles(kpis, unit_names)
        tables["onestop_channels"] = onestop_channels(kpis, unit_names)
        # Each total beside the dossiers it was computed from (the ranking's n).
        handled = (
            tables["onestop_kpi_tiles"]
            .filter(pl.col("code") == "handled")
            .select("period", "geography", "unit", pl.col("denominator").alias("dossiers"))
        )
        ranking = tables["onestop_ranking"]
        tables["onestop_ranking"] = ranking.join(
            handled, on=["period", "geography", "unit"], how="left"
        ).select(*ranking.columns[: ranking.columns.index("n")], "dossiers", "status", "reason")
    has_agencies = scores is not None and scores["geography"].is_in(AGENCY_LEVELS).any()
    if scores is not None and has_agencies:
        names = agency_names or {}
        tables["onestop_agencies"] = onestop_agencies(scores, names, unit_names)
        if kpis is not None:
            tables["onestop_agency_late"] = onestop_agency_late(kpis, names, unit_names)
    return tables
