"""What to fix first: points lost ranked, and improvements weighed by scoring again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govindex.analysis.responsibility import parse_responsibility
from govindex.errors import DataValidationError
from govindex.rubric import (
    AppraisalDecision,
    Assessment,
    PointsScorer,
    Rubric,
    SelfAssessmentEntry,
    SurveyValue,
    SurveyValueTable,
    improvement_gain,
    points_lost,
)

SURVEY = SurveyValueTable.of([SurveyValue("sipas", "Ha Noi", 2024, "overall", 86.5, "run:abc")])
RESPONSIBILITY = parse_responsibility(
    {
        "agencies": {
            "home_affairs": {"en": "Department of Home Affairs", "vi": "Sở Nội vụ"},
            "office": {"en": "Provincial People's Committee Office", "vi": "Văn phòng UBND tỉnh"},
        },
        "assignments": {"1": "home_affairs", "2.2": "office"},
    }
)


def _assessment() -> Assessment:
    values = {"1.1.1": 1.0, "1.1.2": 90.0, "1.2": 25.0, "1.3": 1.0, "2.2": 95.0}
    entries = [SelfAssessmentEntry(code, value=value) for code, value in values.items()]
    return Assessment.of("Ha Noi", 2024, [*entries, SelfAssessmentEntry("1.4", self_score=2.5)])


def test_points_lost_ranked_with_agencies(small_rubric: Rubric) -> None:
    result = PointsScorer(small_rubric).score(_assessment(), survey_values=SURVEY)
    lost = points_lost(result, RESPONSIBILITY)
    # Lost: 1.2 3 − 1.5 = 1.5; 2.1 5 − 4.325 = 0.675; 1.3 0.5; 1.4 0.5; 1.1.2 0.2; 2.2 0.15; 1.1.1 0.
    assert [(item.code, round(item.lost or 0, 9)) for item in lost] == [
        ("1.2", 1.5),
        ("2.1", 0.675),
        ("1.3", 0.5),
        ("1.4", 0.5),
        ("1.1.2", 0.2),
        ("2.2", 0.15),
        ("1.1.1", 0.0),
    ]
    by_code = {item.code: item for item in lost}
    assert by_code["1.2"].agency_en == "Department of Home Affairs"
    assert by_code["2.2"].agency_vi == "Văn phòng UBND tỉnh"
    assert by_code["2.1"].agency_en is None  # nobody is assigned area 2 as a whole


def test_improvement_of_a_completion_rate(small_rubric: Rubric) -> None:
    # +10 points of on-time dossiers (2.2, completion, max 3): 95 → 105, capped at 100:
    # 2.85 → 3 points, so +0.15 of 20 = +0.75 % of maximum.
    gain = improvement_gain(small_rubric, _assessment(), "2.2", 10, survey_values=SURVEY)
    assert (gain.value_before, gain.value_after) == (95, 105)
    assert gain.gain == pytest.approx(0.15, rel=1e-9)
    assert gain.gain_percent == pytest.approx(0.75, rel=1e-9)


def test_improvement_across_a_step_and_of_a_survey_value(small_rubric: Rubric) -> None:
    # 1.2 steps: 25 % → 35 % crosses the 30 % threshold: 1.5 → 3 points.
    assert improvement_gain(
        small_rubric, _assessment(), "1.2", 10, survey_values=SURVEY
    ).gain == pytest.approx(1.5)
    # 1.2: +2 stays below 30 %: nothing gained.
    assert improvement_gain(small_rubric, _assessment(), "1.2", 2, survey_values=SURVEY).gain == 0
    # SIPAS +5: 5 × 5/100 = +0.25 points.
    survey = improvement_gain(small_rubric, _assessment(), "2.1", 5, survey_values=SURVEY)
    assert survey.gain == pytest.approx(0.25, rel=1e-9)
    assert survey.value_after == 91.5


def test_an_appraised_criterion_gains_nothing(small_rubric: Rubric) -> None:
    decision = AppraisalDecision(
        "Ha Noi",
        2024,
        "2.2",
        2.0,
        "council",
        datetime(2025, 3, 1, tzinfo=UTC),
        "records incomplete",
        sequence=1,
    )
    gain = improvement_gain(
        small_rubric, _assessment(), "2.2", 5, appraisals=[decision], survey_values=SURVEY
    )
    assert gain.gain == 0
    assert gain.note.startswith("appraised")


def test_improvement_needs_a_total_and_a_known_code(small_rubric: Rubric) -> None:
    with pytest.raises(DataValidationError, match="has no total"):
        improvement_gain(small_rubric, _assessment(), "2.2", 10)
    with pytest.raises(DataValidationError, match="no scored criterion"):
        improvement_gain(small_rubric, _assessment(), "1.1", 10, survey_values=SURVEY)
