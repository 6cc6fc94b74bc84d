"""Columns of the tables the PAPI producers store for pages to read: the 34-unit table and
the change tests of the stored diagnoses. The producers (:mod:`govindex.application`) write
them and the views select them, so their schema sits with the score model, below both.

Examples
--------
>>> UNIT_COLUMNS[:2], UNIT_COLUMNS.index("suppressed")
(('year', 'province'), 13)
>>> DIAGNOSIS_CHANGE_COLUMNS[2]
'previous_estimate'
"""

from __future__ import annotations

__all__ = ["DIAGNOSIS_CHANGE_COLUMNS", "UNIT_COLUMNS"]

UNIT_COLUMNS = (
    "year",
    "province",
    "level",
    "code",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "rank",
    "rank_low",
    "rank_high",
    "group",
    "suppressed",
    "withheld",
    "derived",
    "former_provinces",
    "missing_provinces",
    "method",
    "interval_note",
)
"""The stored ``units_2025`` table: one row per year, 34-unit province, level and code."""

DIAGNOSIS_CHANGE_COLUMNS = (
    "level",
    "code",
    "previous_estimate",
    "previous_change",
    "previous_status",
    "previous_reason",
    "baseline_estimate",
    "baseline_change",
    "baseline_status",
    "baseline_reason",
)
"""The stored ``diagnosis_changes`` table's change tests (beside the run and province)."""
