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

from govindex.onestop.aggregation import collect_counts, fact_queries
from govindex.onestop.periods import Period, period_table
from govindex.onestop.profile import ResolvedProfile
from govindex.onestop.scoring import PeriodLabels, score_rows
from govindex.onestop_engines.engines import Engine

__all__ = ["Scorecard", "score_records"]


@dataclass(frozen=True)
class Scorecard:
    """Scores in the shared vocabulary and the counts they came from."""

    scores: pl.DataFrame
    counts: pl.DataFrame
    engine: str


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
    for name, text in fact_queries(remap_legacy_districts=remap_legacy_districts).items():
        engine.materialise(name, text)
    counts = collect_counts(profile, geographies, engine.query)
    scores = score_rows(
        profile, counts, PeriodLabels.of(periods), provenance=provenance, synthetic=synthetic
    )
    return Scorecard(scores, counts, engine.name)
