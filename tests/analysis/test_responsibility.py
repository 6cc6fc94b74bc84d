"""Responsibility files and per-agency action sheets."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from govindex.analysis import (
    action_sheets,
    diagnose,
    load_responsibility,
    parse_responsibility,
    write_action_workbook,
)
from govindex.errors import SpecError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "responsibility-ha-noi.yaml"


def test_example_file_is_valid_and_marked_illustrative() -> None:
    mapping = load_responsibility(EXAMPLE)
    assert mapping.province == "Ha Noi"
    assert "ILLUSTRATIVE EXAMPLE" in EXAMPLE.read_text(encoding="utf-8")
    for identifier in ("home_affairs", "justice", "health", "fatherland_front", "inspectorate"):
        assert identifier in mapping.agencies
    # Every dimension has a responsible agency, directly or by fallback.
    assert all(mapping.agency_for(str(code)) is not None for code in range(1, 9))
    assert mapping.agency_for("6.1.3").name_vi == "Sở Y tế"


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(SpecError) as caught:
        parse_responsibility(
            {"agencies": {"a": {"en": "A"}}, "assignments": {"x.y": "a", "3": "nobody"}},
            where="file.yaml",
        )
    messages = [issue.message for issue in caught.value.issues]
    assert len(messages) == 3
    assert any("agencies.a" in text for text in messages)
    assert any("assignments.x.y" in text for text in messages)
    assert any("unknown agency 'nobody'" in text for text in messages)


def test_action_workbook_has_one_sheet_per_agency(record: pl.DataFrame, tmp_path: Path) -> None:
    mapping = load_responsibility(EXAMPLE)
    diagnosis = diagnose(record, "Ha Noi", 2021)
    sheets = action_sheets(diagnosis.priorities, mapping)
    listed = sum(sheet.height for sheet in sheets.values())
    assert listed == diagnosis.priorities.height
    # Hand: dimension 7 (group 4) → environment; 3 → inspectorate; 1 → Fatherland Front.
    assert set(sheets) == {
        "Department of Natural Resources and Environment",
        "City Inspectorate",
        "Viet Nam Fatherland Front Committee of Ha Noi",
    }
    path = write_action_workbook(
        sheets, tmp_path / "actions.xlsx", title="PAPI 2021", responsibility=mapping
    )
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.sheetnames) == len(sheets)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[4]]
    assert header[-4:] == ["cause_analysis", "target", "commitment", "deadline"]
    assert all(cell.value is None for cell in sheet[5][-4:])
