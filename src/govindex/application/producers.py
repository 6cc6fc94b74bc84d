"""The producers the store asks for derived tables: what it publishes is worked out here.

Pages only read stored tables, so a store written by an older govindex gets, when it is
upgraded, the tables its runs' producers write today. The store itself computes nothing;
importing :mod:`govindex.application` registers these producers with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from govindex.analysis import GroupRule, group_items
from govindex.analysis.scorecard import agreement_table, run_totals, scorecard_table
from govindex.application.diagnosis_tables import diagnosis_tables
from govindex.application.unit_tables import unit_tables_of_run
from govindex.official.reported_indices import reported_scores
from govindex.scores.differences import national_differences
from govindex.scores.papi import run_instrument
from govindex.scores.registry import instrument
from govindex.storage.producers import register_producers

__all__ = ["StoreProducers"]


class StoreProducers:
    """The statistics a store upgrade needs, computed with :mod:`govindex.analysis`.

    Examples
    --------
    >>> scores = pl.DataFrame({"level": ["total"] * 4, "code": ["total"] * 4,
    ...                        "estimate": [40.0, 42.0, None, 41.0]})
    >>> StoreProducers().published_groups(scores, {})["group"].to_list()
    [4, 1, None, 3]
    """

    def published_groups(self, scores: pl.DataFrame, group_rule: Mapping[str, Any]) -> pl.DataFrame:
        """``scores`` of a published run with its groups, cut by the rule the run recorded."""
        return group_items(scores, GroupRule(**dict(group_rule)))

    def run_tables(
        self,
        kind: str,
        parameters: Mapping[str, Any],
        scores: pl.DataFrame,
        record: pl.DataFrame,
        score_table: pl.DataFrame | None,
    ) -> dict[str, pl.DataFrame]:
        """The derived tables a stored run's producer writes today: for PAPI the 34-unit
        table, and for a published year every province's diagnosis against ``record``; for
        an instrument with national differences (SIPAS) the differences."""
        entry = instrument(run_instrument(parameters))
        if "national_differences" in entry.derived_tables and score_table is not None:
            return {"national_differences": national_differences(score_table)}
        tables = unit_tables_of_run(parameters, scores)
        if kind == "published" and tables and scores.height and record.height:
            year = int(scores["year"][0])
            provinces = sorted(str(name) for name in scores["province"].unique().to_list())
            rule = GroupRule(**dict(parameters.get("group_rule") or {}))
            tables.update(diagnosis_tables(record, year, provinces, rule=rule))
        return tables

    def scorecard_tables(
        self, runs: Sequence[tuple[pl.DataFrame, str]]
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The scorecard and the instruments' rank agreement, from the province totals of
        the current runs (in the order they were stored) and the reported record."""
        totals = [
            run_totals(table, source_kind=source_kind, sequence=sequence)
            for sequence, (table, source_kind) in enumerate(runs)
        ]
        rows = scorecard_table(totals, reported_scores())
        return rows, agreement_table(rows)


register_producers(StoreProducers())
