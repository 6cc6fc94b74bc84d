"""Counts to scores: indicator points, group and total sums, bands and ranks among peers.

Input is the long table of counts every engine returns (:func:`counts_from_wide`); output is
the shared score vocabulary, one row per published number. A ratio with no denominator is
``null`` with status ``missing`` and reason ``no_denominator`` — never 0 — unless the
indicator's rule awards points to an empty unit (``on_empty``), which the row then says.
Indicators whose inputs are not in the records are ``missing`` with reason
``input_not_in_records``; under the profile's ``missing_indicator: exclude`` they add no points
and the group's ``coverage`` (points available ÷ maximum) shows it.

Examples
--------
>>> import polars as pl
>>> from govindex.onestop.profile import shipped_profile
>>> profile = shipped_profile().resolve()
>>> counts = pl.DataFrame({"period_id": ["2025-01"], "geography": ["province"],
...     "unit": ["22"], "parent_unit": [None], "kind": ["indicator"], "code": ["2.1"],
...     "numerator": [998.0], "denominator": [1000]})
>>> rows = score_rows(profile, counts, PeriodLabels.of([]), provenance="example")
>>> rows.filter(pl.col("code") == "2.1")["estimate"].item()
19.96
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from govindex.onestop.periods import Period, parse_period
from govindex.onestop.profile import ResolvedProfile

__all__ = ["COUNT_SCHEMA", "PeriodLabels", "counts_from_wide", "score_rows"]

COUNT_SCHEMA: dict[str, pl.DataType] = {
    "period_id": pl.String(),
    "geography": pl.String(),
    "unit": pl.String(),
    "parent_unit": pl.String(),
    "kind": pl.String(),
    "code": pl.String(),
    "numerator": pl.Float64(),
    "denominator": pl.Int64(),
}


@dataclass(frozen=True)
class PeriodLabels:
    """Start and end dates of the periods scored, for the vocabulary's period columns."""

    periods: tuple[Period, ...]

    @classmethod
    def of(cls, periods: Iterable[Period]) -> PeriodLabels:
        """Wrap periods."""
        return cls(tuple(periods))

    def frame(self, ids: Sequence[str]) -> pl.DataFrame:
        """period_id → period_start, period_end (parsed from the id when not given)."""
        known = {period.period_id: period for period in self.periods}
        rows = [known.get(period_id) or parse_period(period_id) for period_id in ids]
        return pl.DataFrame(
            {
                "period": [period.period_id for period in rows],
                "period_start": [period.start for period in rows],
                "period_end": [period.end for period in rows],
            },
            schema={"period": pl.String, "period_start": pl.Date, "period_end": pl.Date},
        )


def counts_from_wide(
    wide: pl.DataFrame, geography: str, measures: Sequence[tuple[str, str]]
) -> pl.DataFrame:
    """Reshape one aggregate query's result (keys, n0, d0, n1, d1, …) to long counts.

    Examples
    --------
    >>> import polars as pl
    >>> wide = pl.DataFrame({"period_id": ["2025"], "province_code": ["22"], "n0": [3], "d0": [4]})
    >>> counts_from_wide(wide, "province", [("indicator", "2.1")]).row(0)
    ('2025', 'province', '22', None, 'indicator', '2.1', 3.0, 4)
    """
    if wide.is_empty() or not measures:
        return pl.DataFrame(schema=COUNT_SCHEMA)
    unit = {"province": "province_code", "agency": "agency_id", "procedure": "procedure_code"}[
        geography
    ]
    parent = pl.col("province_code") if geography == "agency" else pl.lit(None, pl.String)
    parts = [
        wide.select(
            pl.col("period_id").cast(pl.String),
            pl.lit(geography).alias("geography"),
            pl.col(unit).cast(pl.String).alias("unit"),
            parent.cast(pl.String).alias("parent_unit"),
            pl.lit(kind).alias("kind"),
            pl.lit(code).alias("code"),
            pl.col(f"n{index}").cast(pl.Float64).fill_null(0.0).alias("numerator"),
            pl.col(f"d{index}").cast(pl.Int64).fill_null(0).alias("denominator"),
        )
        for index, (kind, code) in enumerate(measures)
    ]
    return pl.concat(parts)


def _indicator_table(profile: ResolvedProfile) -> pl.DataFrame:
    rows = []
    for indicator in profile.indicators:
        rule = indicator.rule
        rows.append(
            {
                "code": indicator.code,
                "group": indicator.group,
                "name_vi": indicator.name_vi,
                "name_en": indicator.name_en,
                "max_points": indicator.max,
                "source": indicator.source,
                "rule_kind": rule.kind if rule else None,
                "threshold": rule.threshold if rule else None,
                "on_empty": rule.on_empty if rule else None,
                "unavailable_reason": indicator.reason,
                "not_applicable_at": list(indicator.not_applicable_at),
            }
        )
    return pl.DataFrame(rows, schema_overrides={"not_applicable_at": pl.List(pl.String)})


def _indicator_grid(counts: pl.DataFrame, indicators: pl.DataFrame) -> pl.LazyFrame:
    """Every unit × every indicator with its counts (0 where none were found).

    Counts from :func:`govindex.onestop.aggregation.collect_counts` already give every unit
    every computed indicator; then only the indicators absent from all counts (not computed
    from records) are added, unit by unit. Other counts (any unit missing any indicator) take
    the general path: the full grid joined with the counts.
    """
    unit_columns = ["period_id", "geography", "unit", "parent_unit"]
    found = counts.filter(pl.col("kind") == "indicator").select(
        *unit_columns, "code", "numerator", "denominator"
    )
    units = counts.select(unit_columns).unique()
    present = set(found["code"].unique().to_list())
    # Distinct (unit, code) pairs are counted by their 64-bit hashes, far cheaper than by the
    # strings: a collision can only make a complete table look incomplete, which takes the
    # general path below (same result, slower), never the reverse.
    complete = found.height == units.height * len(present) and (
        found.select(pl.struct(*unit_columns, "code").hash().n_unique()).item() == found.height
    )
    absent = indicators.filter(~pl.col("code").is_in(list(present)))
    if complete:
        computed = found.lazy().join(indicators.lazy(), on="code", how="inner")
        filler = (
            units.lazy()
            .join(absent.lazy(), how="cross")
            .with_columns(pl.lit(0.0).alias("numerator"), pl.lit(0, pl.Int64).alias("denominator"))
        )
        return pl.concat([computed, filler], how="diagonal")
    grid = units.lazy().join(indicators.lazy(), how="cross")
    return grid.join(
        found.lazy().drop("parent_unit"),
        on=["period_id", "geography", "unit", "code"],
        how="left",
        nulls_equal=True,
    ).with_columns(pl.col("numerator").fill_null(0.0), pl.col("denominator").fill_null(0))


def score_rows(
    profile: ResolvedProfile,
    counts: pl.DataFrame,
    labels: PeriodLabels,
    *,
    provenance: str,
    synthetic: bool = False,
) -> pl.DataFrame:
    """Indicator, group and total rows in the shared score vocabulary."""
    indicators = _indicator_table(profile)
    frame = _indicator_grid(counts, indicators)
    applicable = ~(
        pl.col("source").is_in(["petitions", "publications"]) & (pl.col("geography") == "procedure")
    )
    # An indicator that does not apply at the unit's level (a commune is not scored on what
    # only a province does) gets the profile's award, never a computed or missing value.
    level_exempt = pl.col("not_applicable_at").list.contains(pl.col("geography"))
    award_full = profile.not_applicable_award == "full"
    exempt_reason = pl.concat_str(
        pl.lit("not_applicable_at_"),
        pl.col("geography"),
        pl.lit(f";award={profile.not_applicable_award}"),
    )
    ratio = pl.when(~level_exempt & (pl.col("denominator") > 0)).then(
        pl.col("numerator") / pl.col("denominator")
    )
    frame = frame.with_columns(ratio.otherwise(None).alias("ratio"))
    clamped = pl.col("ratio").clip(0.0, 1.0)
    linear = pl.col("max_points") * clamped
    capped = pl.min_horizontal(
        pl.col("max_points"), pl.col("max_points") * clamped / pl.col("threshold")
    )
    empty = (
        pl.when(pl.col("on_empty") == "full")
        .then(pl.col("max_points"))
        .when(pl.col("on_empty") == "zero")
        .then(0.0)
        .otherwise(None)
    )
    computed = pl.col("source") != "unavailable"
    score = (
        pl.when(level_exempt)
        .then(pl.col("max_points") if award_full else None)
        .when(~computed | ~applicable)
        .then(None)
        .when(pl.col("ratio").is_null())
        .then(empty)
        .when(pl.col("rule_kind") == "linear")
        .then(linear)
        .otherwise(capped)
    )
    status = (
        pl.when(level_exempt)
        .then(pl.lit("published" if award_full else "missing"))
        .when(
            ~computed | ~applicable | (pl.col("ratio").is_null() & (pl.col("on_empty") == "null"))
        )
        .then(pl.lit("missing"))
        .otherwise(pl.lit("published"))
    )
    reason = (
        pl.when(level_exempt)
        .then(exempt_reason)
        .when(~computed)
        .then(pl.lit("input_not_in_records"))
        .when(~applicable)
        .then(pl.lit("not_applicable_to_geography"))
        .when(pl.col("ratio").is_null())
        .then(pl.concat_str(pl.lit("no_denominator;on_empty="), pl.col("on_empty")))
        .otherwise(None)
    )
    frame = frame.with_columns(
        score.cast(pl.Float64).alias("estimate"),
        status.alias("status"),
        reason.alias("reason"),
        pl.lit("indicator").alias("level"),
    )
    indicator_rows = frame.select(
        "period_id",
        "geography",
        "unit",
        "parent_unit",
        "level",
        "code",
        "name_vi",
        "name_en",
        "estimate",
        "ratio",
        "numerator",
        "denominator",
        "max_points",
        "group",
        "status",
        "reason",
    )
    # Collected once: groups, totals and the output all read it (a lazy plan would
    # recompute the indicator rows for each).
    indicator_rows = indicator_rows.collect().lazy()
    groups = pl.DataFrame(
        [
            {
                "group": group.code,
                "group_name_vi": group.name_vi,
                "group_name_en": group.name_en,
                "group_max": group.max,
            }
            for group in profile.groups
        ]
    )
    available = pl.when(pl.col("estimate").is_not_null()).then(pl.col("max_points")).otherwise(0.0)
    group_rows = (
        indicator_rows.group_by("period_id", "geography", "unit", "parent_unit", "group")
        .agg(
            pl.col("estimate").fill_null(0.0).sum().alias("estimate"),
            available.sum().alias("available"),
        )
        .join(groups.lazy(), on="group")
        .select(
            "period_id",
            "geography",
            "unit",
            "parent_unit",
            pl.lit("group").alias("level"),
            pl.col("group").alias("code"),
            pl.col("group_name_vi").alias("name_vi"),
            pl.col("group_name_en").alias("name_en"),
            "estimate",
            (pl.col("available") / pl.col("group_max")).alias("ratio"),
            pl.lit(None, pl.Float64).alias("numerator"),
            pl.lit(None, pl.Int64).alias("denominator"),
            pl.col("group_max").alias("max_points"),
            "group",
            pl.lit("published").alias("status"),
            pl.lit(None, pl.String).alias("reason"),
        )
        .collect()
        .lazy()
    )
    total_max = float(sum(group.max for group in profile.groups))
    totals = (
        group_rows.group_by("period_id", "geography", "unit", "parent_unit")
        .agg(
            pl.col("estimate").sum(),
            (pl.col("ratio") * pl.col("max_points")).sum().alias("available"),
        )
        .with_columns(
            # Ranks and bands compare totals at 1e-9: the sum of the same indicator scores in
            # another order may differ in the last bit (79.99999999999999 is 80).
            pl.col("estimate")
            .round(9)
            .rank(method="min", descending=True)
            .over("period_id", "geography", "parent_unit")
            .cast(pl.Int64)
            .alias("rank")
        )
        .with_columns(_band_expression(profile).alias("band"))
        .select(
            "period_id",
            "geography",
            "unit",
            "parent_unit",
            pl.lit("total").alias("level"),
            pl.lit("total").alias("code"),
            pl.lit(profile.profile).alias("name_vi"),
            pl.lit(profile.profile).alias("name_en"),
            "estimate",
            (pl.col("available") / total_max).alias("ratio"),
            pl.lit(None, pl.Float64).alias("numerator"),
            pl.lit(None, pl.Int64).alias("denominator"),
            pl.lit(total_max).alias("max_points"),
            pl.lit(None, pl.String).alias("group"),
            pl.lit("published").alias("status"),
            pl.lit(None, pl.String).alias("reason"),
            "rank",
            "band",
        )
    )
    rows = pl.concat([indicator_rows, group_rows], how="vertical").with_columns(
        pl.lit(None, pl.Int64).alias("rank"), pl.lit(None, pl.String).alias("band")
    )
    rows = pl.concat([rows, totals], how="vertical")
    period_ids = counts["period_id"].unique().sort().to_list()
    return (
        rows.join(
            labels.frame(period_ids).lazy(), left_on="period_id", right_on="period", how="left"
        )
        .select(
            pl.lit("onestop").alias("instrument"),
            pl.lit(profile.edition).alias("edition"),
            pl.col("period_id").alias("period"),
            "period_start",
            "period_end",
            "geography",
            "unit",
            "parent_unit",
            "level",
            "code",
            "name_vi",
            "name_en",
            "estimate",
            pl.lit(None, pl.Float64).alias("se"),
            pl.lit(None, pl.Float64).alias("ci_low"),
            pl.lit(None, pl.Float64).alias("ci_high"),
            pl.lit(None, pl.Float64).alias("ci_level"),
            pl.lit("census: complete records, no sampling error").alias("ci_rule"),
            pl.lit(None, pl.Float64).alias("df"),
            pl.col("denominator").alias("n"),
            "rank",
            pl.col("rank").alias("rank_low"),
            pl.col("rank").alias("rank_high"),
            "group",
            "status",
            "reason",
            pl.lit(synthetic).alias("synthetic"),
            pl.lit(provenance).alias("provenance"),
            "ratio",
            "numerator",
            "denominator",
            "max_points",
            "band",
        )
        .collect()
    )


def _band_expression(profile: ResolvedProfile) -> pl.Expr:
    """The band of ``estimate`` (at 1e-9): the highest band whose minimum it reaches."""
    expression: pl.Expr = pl.lit(None, pl.String)
    for band in sorted(profile.bands, key=lambda band: band.min):
        expression = (
            pl.when(pl.col("estimate").round(9) >= band.min)
            .then(pl.lit(band.code))
            .otherwise(expression)
        )
    return expression
