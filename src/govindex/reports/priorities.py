"""The priority list of a province profile, with its reasons written in the report's language.

The profile view lists the items that fell or sit in the lowest group, most urgent first,
and keeps the year-on-year tests in its ``changes`` table; the reasons are rebuilt here
from those tests so that they read in Vietnamese as well as English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govindex.charts import Wording
from govindex.views import View

__all__ = ["nothing_listed", "priority_legend", "priority_rows", "priority_rule"]

_TESTED = ("significant", "not_significant", "no_se")


def priority_rule(view: View, words: Wording) -> str:
    """The sentence saying how the list was made (or why there is nothing to compare)."""
    if view.meta["run"].get("kind") != "published":
        return words("report.priorities.single_run")
    if view.table("changes").is_empty():
        return words("report.priorities.no_previous", year=view.parameters["year"])
    if not view.meta.get("comparison_possible", True):
        years = ", ".join(str(item["year"]) for item in view.meta["comparison_unavailable"])
        return words("report.priorities.no_comparison", years=years)
    return words("report.priorities.rule")


def priority_legend(view: View, words: Wording) -> str | None:
    """What the priority numbers 1-5 mean (the words of the page and the CLI), or ``None``
    for a microdata run, whose list is numbered in order rather than by priority."""
    if view.meta["run"].get("kind") != "published":
        return None
    tiers = {f"tier{tier}": words(f"tier.{tier}") for tier in range(1, 6)}
    return words("priority.legend", **tiers)


def nothing_listed(view: View, words: Wording) -> str:
    """What an empty priority list means: nothing fell and nothing is in group 4, or, when no
    comparison was possible, only that nothing is in group 4."""
    if view.meta.get("comparison_possible", True):
        return words("report.priorities.none")
    return words("report.priorities.none_in_lowest")


def priority_rows(view: View, words: Wording) -> list[dict[str, str]]:
    """The priorities of a profile view as table rows: number, item, score, group, reasons.

    Examples
    --------
    >>> rows = priority_rows(dashboard.profile("Ha Noi", year=2024), Wording("vi"))
    >>> rows[0]["reasons"]
    'thuộc nhóm thấp nhất (nhóm 4); giảm so với năm 2023 (-0,04; chưa kiểm định: ...)'
    """
    year = int(view.parameters["year"])
    changes = {
        (row["level"], row["code"]): row for row in view.table("changes").iter_rows(named=True)
    }
    # The years the stored diagnosis compared with (one rule for every output).
    previous = view.meta.get("previous_year")
    compared = {
        "previous": year - 1 if previous is None else int(previous),
        "baseline": view.meta.get("baseline_year"),
    }
    # A published run's list carries the diagnosis's priority (1-5, explained by the
    # legend); a microdata run's is numbered in order.
    published = view.meta["run"].get("kind") == "published"
    rows = []
    for number, row in enumerate(view.table("priorities").iter_rows(named=True), start=1):
        reasons = []
        if row.get("group") == 4:
            reasons.append(words("report.reason.lowest"))
        change = changes.get((row["level"], row["code"]))
        if change is not None:
            reasons.extend(_declines(change, compared, words))
        rows.append(
            {
                "number": str(row["tier"]) if published and "tier" in row else str(number),
                "item": words.item(row, numbered=True),
                "score": words.number(row.get("estimate")),
                "group": words.group(row.get("group")),
                "reasons": "; ".join(reasons) or str(row.get("reasons") or ""),
            }
        )
    return rows


def _declines(
    change: Mapping[str, Any], compared: Mapping[str, int | None], words: Wording
) -> list[str]:
    reasons = []
    for prefix, other_year in compared.items():
        status = change.get(f"{prefix}_status")
        difference = change.get(f"{prefix}_change")
        if other_year is None or status not in _TESTED or difference is None or difference >= 0:
            continue
        shown = words.number(difference, 2)
        reasons.append(words(f"report.reason.{status}", year=other_year, change=shown))
    return reasons
