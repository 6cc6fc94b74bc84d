"""Analysis of official and derived scores: groups, change over time, the 2025 units, diagnoses."""

from govindex.analysis.comparability import (
    ComparabilityBreak,
    breaks_between,
    load_comparability_breaks,
)
from govindex.analysis.diagnostics import (
    Diagnosis,
    YearDiagnoses,
    default_baseline,
    diagnose,
    diagnose_provinces,
    diagnose_year,
)
from govindex.analysis.geography import derive_estimates, derive_units, population_check
from govindex.analysis.groups import (
    GROUP_LABELS,
    GroupRule,
    assign_groups,
    group_items,
    rank_and_group,
)
from govindex.analysis.responsibility import (
    Agency,
    ResponsibilityMap,
    action_sheets,
    load_responsibility,
    parse_responsibility,
    write_action_workbook,
)
from govindex.analysis.scores import score_table
from govindex.analysis.trends import compare_years, critical_value, term_baseline

__all__ = [
    "GROUP_LABELS",
    "Agency",
    "ComparabilityBreak",
    "Diagnosis",
    "GroupRule",
    "ResponsibilityMap",
    "YearDiagnoses",
    "action_sheets",
    "assign_groups",
    "breaks_between",
    "compare_years",
    "critical_value",
    "default_baseline",
    "derive_estimates",
    "derive_units",
    "diagnose",
    "diagnose_provinces",
    "diagnose_year",
    "group_items",
    "load_comparability_breaks",
    "load_responsibility",
    "parse_responsibility",
    "population_check",
    "rank_and_group",
    "score_table",
    "term_baseline",
    "write_action_workbook",
]
