"""Score records with an engine: periods registered, counts collected, rows scored.

Examples
--------
>>> from govindex.onestop.periods import parse_period
>>> from govindex.onestop.profile import shipped_profile
>>> from govindex.onestop_engines.engines import DuckDBEngine
>>> card = score_records(DuckDBEngine({}), shipped_profile().resolve(), [parse_period("2025-01")])
>>> card.scores.height  # no records, no units
0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from govindex.onestop.aggregation import (
    FACT_TABLES,
    collect_counts,
    fact_queries,
    geography_rows,
)
from govindex.onestop.explain import explain_sql
from govindex.onestop.kpis import kpi_fact_queries, kpi_rows, ratings_sql, tickets_sql
from govindex.onestop.periods import Period, period_table
from govindex.onestop.profile import ResolvedProfile
from govindex.onestop.scoring import PeriodLabels, score_rows
from govindex.onestop_engines.engines import Engine

__all__ = [
    "Scorecard",
    "explain_records",
    "score_from_facts",
    "score_records",
    "with_agency_levels",
]


@dataclass(frozen=True)
class Scorecard:
    """Scores and KPIs in the shared vocabulary and the counts they came from."""

    scores: pl.DataFrame
    counts: pl.DataFrame
    engine: str
    kpis: pl.DataFrame | None = None

    def published(self) -> pl.DataFrame:
        """Index rows and KPI rows together (the columns they share)."""
        if self.kpis is None:
            return self.scores
        return pl.concat([self.scores, self.kpis], how="diagonal_relaxed")


def score_records(
    engine: Engine,
    profile: ResolvedProfile,
    periods: Sequence[Period],
    geographies: Sequence[str] = ("province", "agency", "procedure"),
    *,
    as_of: int | None = None,
    provenance: str = "records",
    synthetic: bool = False,
    remap_legacy_districts: bool = False,
) -> Scorecard:
    """Every indicator, group and total for every unit of ``geographies`` and every period."""
    engine.register("periods", period_table(periods, as_of))
    facts = fact_queries(remap_legacy_districts=remap_legacy_districts, with_record_codes=False)
    for name, text in facts.items():
        # The dossier facts are read twice (dossier and procedure counts) and are costly to
        # derive, so they are computed once; the other sources are read once, where defined.
        if name == FACT_TABLES["dossiers"]:
            engine.materialise(name, text)
        else:
            engine.define(name, text)
    return score_from_facts(
        engine, profile, periods, geographies, provenance=provenance, synthetic=synthetic
    )


def score_from_facts(
    engine: Engine,
    profile: ResolvedProfile,
    periods: Sequence[Period],
    geographies: Sequence[str],
    *,
    provenance: str = "records",
    synthetic: bool = False,
) -> Scorecard:
    """Scores and KPIs of ``periods`` once the ``periods`` table and the fact tables of
    :func:`govindex.onestop.aggregation.fact_queries` are in ``engine`` (computed from the
    records by :func:`score_records`, or kept up to date by an incremental refresh).

    Examples
    --------
    >>> from govindex.onestop.periods import parse_period, period_table
    >>> from govindex.onestop.profile import shipped_profile
    >>> from govindex.onestop_engines.engines import DuckDBEngine
    >>> engine, january = DuckDBEngine({}), parse_period("2025-01")
    >>> engine.register("periods", period_table([january]))
    >>> for name, text in fact_queries().items():
    ...     engine.define(name, text)
    >>> score_from_facts(engine, shipped_profile().resolve(), [january], ["province"]).scores.height
    0
    """
    levels = engine.query("SELECT agency_id AS unit, level FROM agencies")
    counts = with_agency_levels(collect_counts(profile, geographies, engine.query), levels)
    labels = PeriodLabels.of(periods)
    scores = score_rows(profile, counts, labels, provenance=provenance, synthetic=synthetic)
    for name, text in kpi_fact_queries().items():
        engine.define(name, text)
    ratings: dict[str, pl.DataFrame] = {}
    tickets: dict[str, pl.DataFrame] = {}
    if geographies:
        rated = engine.query(ratings_sql(geographies))
        ratings = {g: geography_rows(rated, g) for g in geographies}
    if any(g != "procedure" for g in geographies):
        served = engine.query(tickets_sql(geographies))
        tickets = {g: geography_rows(served, g) for g in geographies if g != "procedure"}
    kpis = with_agency_levels(
        kpi_rows(
            counts,
            labels,
            ratings=ratings,
            tickets=tickets,
            provenance=provenance,
            synthetic=synthetic,
        ),
        levels,
    )
    return Scorecard(scores, counts, engine.name, kpis)


def with_agency_levels(frame: pl.DataFrame, levels: pl.DataFrame) -> pl.DataFrame:
    """Name each agency row's geography by the agency's level (department, commune,
    legacy_district), so ranks compare departments with departments and communes with
    communes; agencies missing from the tree stay ``agency``."""
    is_agency = pl.col("geography") == "agency"
    agencies = (
        frame.filter(is_agency)
        .join(
            levels.select(
                pl.col("unit").cast(pl.String), pl.col("level").alias("agency_level")
            ).unique("unit"),
            on="unit",
            how="left",
        )
        .with_columns(pl.coalesce("agency_level", pl.lit("agency")).alias("geography"))
        .drop("agency_level")
    )
    return pl.concat([frame.filter(~is_agency), agencies], how="vertical_relaxed")


def explain_records(
    engine: Engine,
    profile: ResolvedProfile,
    code: str,
    geography: str,
    unit: str,
    period: Period,
    *,
    as_of: int | None = None,
    remap_legacy_districts: bool = False,
) -> pl.DataFrame:
    """The records behind one number (for the agency's staff; never for a public page)."""
    engine.register("periods", period_table([period], as_of))
    for name, text in fact_queries(remap_legacy_districts=remap_legacy_districts).items():
        engine.define(name, text)
    return engine.query(explain_sql(profile, code, geography, unit, period.period_id))
