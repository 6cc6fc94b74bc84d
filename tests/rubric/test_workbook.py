"""The self-assessment workbook: round trip with appraisals, and one message per bad cell."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.rubric.filling import HA_NOI_ANSWERS, fill_workbook

from govindex.assessment import AppraisalLog, read_assessment_workbook, write_assessment_workbook
from govindex.errors import DataValidationError
from govindex.rubric import AppraisalDecision, PointsScorer, Rubric, SurveyValue, SurveyValueTable


def _workbook(rubric: Rubric, folder: Path, answers: dict[str, dict[str, object]]) -> Path:
    path = write_assessment_workbook(rubric, "Ha Noi", 2024, folder / "ha-noi.xlsx")
    return fill_workbook(path, answers)


def test_round_trip_with_two_appraisals(small_rubric: Rubric, tmp_path: Path) -> None:
    path = _workbook(small_rubric, tmp_path, HA_NOI_ANSWERS)
    assessment = read_assessment_workbook(small_rubric, path)
    assert (assessment.province, assessment.year) == ("Ha Noi", 2024)
    entry = assessment.entries["1.1.1"]
    assert entry.evidence.document_number == "12/KH-UBND"
    assert entry.evidence.document_date == date(2024, 1, 10)
    assert entry.source == "ha-noi.xlsx: sheet 'assessment', row 4"
    assert assessment.entries["1.3"].comment == "one report late"
    with AppraisalLog(tmp_path / "log.sqlite") as log:
        when = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
        log.append(
            AppraisalDecision("Ha Noi", 2024, "1.4", 2.0, "council", when, "plan lacks a budget"),
            rubric=small_rubric,
        )
        log.append(
            AppraisalDecision(
                "Ha Noi", 2024, "1.2", 3.0, "council", when, "inspection records found"
            ),
            rubric=small_rubric,
        )
        decisions = log.decisions(province="Ha Noi", year=2024)
    survey = SurveyValueTable.of([SurveyValue("sipas", "Ha Noi", 2024, "overall", 86.5, "run:abc")])
    result = PointsScorer(small_rubric).score(
        assessment, appraisals=decisions, survey_values=survey
    )
    # Self-assessed 16.475 (see test_scoring); appraisal: 1.4 2.5 → 2, 1.2 1.5 → 3: 17.475 of 20.
    assert result.total.self_points == pytest.approx(16.475, rel=1e-12)
    assert result.total.points == pytest.approx(17.475, rel=1e-12)
    assert result.total.percent == pytest.approx(87.375, rel=1e-12)
    assert result.node("1.2").trace.startswith("appraisal #2 by council")
    assert "ha-noi.xlsx: sheet 'assessment', row 7" in result.node("1.3").trace


def test_generated_workbook_reads_back_empty(small_rubric: Rubric, tmp_path: Path) -> None:
    path = write_assessment_workbook(small_rubric, "Ha Noi", 2024, tmp_path / "empty.xlsx")
    assert dict(read_assessment_workbook(small_rubric, path).entries) == {}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"1.4": {"self_score": 3.5, "link": "https://x"}},
            "ha-noi.xlsx: sheet 'assessment', row 8, column `G (self score)`: self-score 3.5 is above the maximum 3",
        ),
        (
            {"1.1.2": {"value": "ninety", "document_number": "1/BC"}},
            "ha-noi.xlsx: sheet 'assessment', row 5, column `F (value)`: expected a number, found 'ninety'",
        ),
        (
            {"1.1.1": {"value": 1}},
            "ha-noi.xlsx: sheet 'assessment', row 4, column `H (document number)`: `1.1.1` requires evidence: a document number or a link",
        ),
        (
            {"9.9": {"value": 1}},
            "ha-noi.xlsx: sheet 'assessment', row 12, column `A (code)`: unknown criterion `9.9` (not in the rubric)",
        ),
        (
            {"2.1": {"value": 90}},
            "ha-noi.xlsx: sheet 'assessment', row 10, column `F (value)`: `2.1` is scored from a survey result; leave it empty",
        ),
        (
            {"1.1": {"value": 3}},
            "ha-noi.xlsx: sheet 'assessment', row 3, column `F (value)`: `1.1` is the sum of the rows below it; enter figures on those rows",
        ),
        (
            {"2.2": {"value": 95, "self_score": 3}},
            "ha-noi.xlsx: sheet 'assessment', row 11, column `G (self score)`: self-score 3 differs from the rule's 2.85 points for the declared value 95",
        ),
        (
            {"1.3": {"self_score": 1.5, "document_number": "50/BC"}},
            "ha-noi.xlsx: sheet 'assessment', row 7, column `F (value)`: `1.3` is scored by its deduction rule from the declared value; enter it (a self-score alone is not used)",
        ),
        (
            {"1.3": {"value": 1, "document_number": "1", "document_date": "last week"}},
            "ha-noi.xlsx: sheet 'assessment', row 7, column `I (document date)`: expected a date (YYYY-MM-DD), found 'last week'",
        ),
    ],
)
def test_one_clear_message_per_bad_cell(
    small_rubric: Rubric, tmp_path: Path, answers: dict[str, dict[str, object]], message: str
) -> None:
    path = _workbook(small_rubric, tmp_path, answers)
    with pytest.raises(DataValidationError) as caught:
        read_assessment_workbook(small_rubric, path)
    assert [issue.describe() for issue in caught.value.issues] == [message]


def test_all_bad_cells_are_reported_together(small_rubric: Rubric, tmp_path: Path) -> None:
    answers = {"1.4": {"self_score": 9, "link": "x"}, "1.1.1": {"value": 1}, "7.7": {"value": 1}}
    path = _workbook(small_rubric, tmp_path, answers)
    with pytest.raises(DataValidationError, match="has 3 bad cells") as caught:
        read_assessment_workbook(small_rubric, path)
    assert [issue.row for issue in caught.value.issues] == [4, 8, 12]


def test_not_a_workbook(small_rubric: Rubric, tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"cannot read `notes\.xlsx` as an XLSX workbook"):
        read_assessment_workbook(small_rubric, path)
