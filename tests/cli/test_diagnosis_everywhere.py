"""`govindex diagnose`, the dashboard's profile and the PDF say the same about a province:
the same compared years (one default baseline rule), the same changes and priorities, and
the same note, including when no comparison is possible (Quảng Ninh 2024: no published
scores in 2023 nor in 2021)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from tests.cli.conftest import Invoke

from govindex.charts import Wording
from govindex.reports.priorities import nothing_listed, priority_rule
from govindex.views import Dashboard

_CHANGES = (
    "level",
    "code",
    "previous_change",
    "previous_status",
    "baseline_change",
    "baseline_status",
)


@pytest.fixture(scope="module")
def dashboard(demo_store: Path) -> Dashboard:
    return Dashboard.open(demo_store)


@pytest.mark.parametrize("province", ["Hà Nội", "Quảng Ninh", "Điện Biên"])
def test_the_command_and_the_dashboard_give_the_same_diagnosis(
    invoke: Invoke, dashboard: Dashboard, province: str
) -> None:
    result = invoke("diagnose", province, "--year", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    command = json.loads(result.stdout)
    page = dashboard.profile(province, year=2024)
    assert command["previous_year"] == page.meta["previous_year"] == 2023
    assert command["baseline_year"] == page.meta["baseline_year"] == 2021
    assert command["note"] == page.meta["diagnosis_note"]
    assert command["comparison_possible"] == page.meta["comparison_possible"]
    assert command["comparison_unavailable"] == page.meta["comparison_unavailable"]
    from_command = pl.DataFrame(command["items"]).select(_CHANGES).sort("level", "code")
    from_page = page.table("changes").select(_CHANGES).sort("level", "code")
    assert from_command.equals(from_page)
    tiers = [(row["tier"], row["code"]) for row in command["priorities"]]
    assert tiers == list(page.table("priorities").select("tier", "code").iter_rows())


def test_quang_ninh_2024_says_no_comparison_is_possible_and_why(
    invoke: Invoke, dashboard: Dashboard
) -> None:
    page = dashboard.profile("Quảng Ninh", year=2024)
    assert page.meta["comparison_possible"] is False
    assert page.meta["comparison_unavailable"] == [
        {"year": 2023, "role": "previous"},
        {"year": 2021, "role": "baseline"},
    ]
    note = page.meta["diagnosis_note"]
    assert note.startswith("no comparison possible: Quang Ninh has no published scores in 2023")
    assert "2021 (term baseline)" in note
    markdown = invoke("diagnose", "Quang Ninh", "--year", "2024").stdout
    assert "No comparison possible: Quang Ninh has no published scores in 2023" in markdown
    words = Wording("en")
    assert "2023, 2021" in priority_rule(page, words)
    # Never "nothing declined": the report says a decline cannot be judged.
    assert nothing_listed(page, words) != words("report.priorities.none")
    assert "cannot be judged" in nothing_listed(page, words)


def test_a_comparable_year_keeps_the_usual_note(dashboard: Dashboard) -> None:
    page = dashboard.profile("Hà Nội", year=2024)
    assert page.meta["comparison_possible"] is True
    assert page.meta["diagnosis_note"].startswith("compared with 2023 and the term baseline 2021;")


def test_the_priority_numbers_are_explained_in_the_same_words_everywhere(
    invoke: Invoke, dashboard: Dashboard
) -> None:
    from govindex.application.diagnosis import priority_legend
    from govindex.reports.priorities import priority_legend as report_legend
    from govindex.reports.priorities import priority_rows

    markdown = invoke("diagnose", "Ha Noi", "--year", "2024").stdout
    page = dashboard.profile("Hà Nội", year=2024)
    assert page.table("priorities").height > 0
    assert "| Priority | Item |" in markdown
    legend = priority_legend("en")
    assert legend.startswith("Priority 1 is the most urgent: 1 = lowest group and a significant")
    assert legend in markdown
    assert report_legend(page, Wording("en")) == legend
    assert report_legend(page, Wording("vi")) == priority_legend("vi")
    # The PDF's list carries the diagnosis's priority, not a running number.
    tiers = [str(tier) for tier in page.table("priorities")["tier"].to_list()]
    assert [row["number"] for row in priority_rows(page, Wording("en"))] == tiers


def test_no_comparison_never_reads_as_nothing_declined_on_the_command_line(
    invoke: Invoke,
) -> None:
    markdown = invoke("diagnose", "Quang Ninh", "--year", "2024").stdout
    assert "No item declined" not in markdown
    assert "whether any declined cannot be judged" in markdown
