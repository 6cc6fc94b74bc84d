"""``govindex diagnose --workbook``: indicators from the official workbook, in-process."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tests.cli.conftest import Invoke
from tests.conftest import WORKBOOK

from govindex.application import diagnosis as diagnose_command
from govindex.official import OfficialWorkbook, bundled_data_dir


@pytest.fixture(scope="module")
def workbook() -> OfficialWorkbook:
    """The official workbook, read once for the module (each command would read it again)."""
    return diagnose_command._read_workbook(WORKBOOK, bundled_data_dir())


@pytest.fixture(autouse=True)
def read_once(workbook: OfficialWorkbook, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let every command of the module reuse the module's reading."""

    def already_read(path: Path, folder: Path) -> OfficialWorkbook:
        assert path == WORKBOOK
        return workbook

    monkeypatch.setattr(diagnose_command, "_read_workbook", already_read)


def run_json(invoke: Invoke, *args: str | Path) -> dict[str, Any]:
    result = invoke("diagnose", *args, "--workbook", WORKBOOK, "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_ha_noi_2023_lists_indicators_with_ranks_changes_and_priorities(
    invoke: Invoke,
) -> None:
    document = run_json(invoke, "Ha Noi", "--year", "2023")
    indicators = [item for item in document["items"] if item["level"] == "indicator"]
    assert len(indicators) == 120
    assert all(item["estimate"] is not None for item in indicators)
    # The spec gives every 2023 indicator a direction, so every one is ranked and grouped.
    assert all(item["rank"] is not None and item["group"] is not None for item in indicators)
    assert Counter(item["better"] for item in indicators) == {"higher": 111, "lower": 9}
    statuses = Counter(item["previous_status"] for item in indicators)
    # No SE is published for indicators; 8.3.4 and 8.3.5 are new in 2023.
    assert statuses == {"no_se": 118, "not_published": 2}

    priorities = [item for item in document["priorities"] if item["level"] == "indicator"]
    assert len(priorities) == 76
    community_decisions = next(item for item in priorities if item["code"] == "1.4.4")
    assert "declined since 2022" in community_decisions["reasons"]
    assert community_decisions["previous_change"] == pytest.approx(-0.347188, abs=1e-6)
    # Type 1 errors on the poverty list rose: for a lower-is-better indicator, a decline.
    assert "2.2.2" in [item["code"] for item in priorities]

    summary = document["workbook"]
    assert summary["sheets_read"] == [2018, 2019, 2022, 2023]
    assert [item["sheet"] for item in summary["refused_sheets"]] == ["2020", "2021"]
    assert summary["indicators"] == 120
    assert summary["directions"]["unknown"] == []
    assert len(summary["disagreements"]) == 2
    added = {(row["year"], row["level"]): row["rows"] for row in summary["rows_added"]}
    assert added[(2023, "indicator")] == 7560


def test_unknown_directions_are_said_not_invented(invoke: Invoke) -> None:
    result = invoke("diagnose", "Ha Noi", "--year", "2018", "--workbook", WORKBOOK)
    assert result.exit_code == 0, result.output
    text = result.stdout
    # The 2018 construction-permit rows (5.2) are not in the spec: no direction, no rank.
    row = next(line for line in text.splitlines() if line.startswith("| 5.2.1 |"))
    cells = [cell.strip() for cell in row.split("|")]
    assert cells[4:7] == ["direction unknown", "–", "–"]
    assert "direction unknown for 5 indicator(s) (5.2.1, 5.2.2, 5.2.3, 5.2.4, 8.1.2)" in text
    assert "no accepted 2017 sheet" in text
    assert "## Indicators from the official workbook" in text
    assert "The sheet was refused." in result.stderr


def test_a_year_without_an_accepted_sheet_says_so(invoke: Invoke) -> None:
    document = run_json(invoke, "Ha Noi", "--year", "2021")
    assert not [item for item in document["items"] if item["level"] == "indicator"]
    assert any("no accepted 2021 sheet" in note for note in document["workbook"]["notes"])


def test_without_the_workbook_nothing_changes(invoke: Invoke) -> None:
    result = invoke("diagnose", "Ha Noi", "--year", "2023", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert "workbook" not in document
    assert {item["level"] for item in document["items"]} == {"total", "dimension", "subdimension"}
    assert "better" not in document["items"][0]


def test_spec_without_workbook_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("diagnose", "Ha Noi", "--year", "2023", "--spec", "papi.yaml")
    assert result.exit_code == 2
    assert "--workbook" in result.output
