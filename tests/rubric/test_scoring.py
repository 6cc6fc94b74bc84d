"""The points engine: roll-up, % of maximum, appraisals, survey values, groups and ranks,
each against hand computations on the small rubric of conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govindex.errors import DataValidationError
from govindex.rubric import (
    AppraisalDecision,
    Assessment,
    Group,
    PointsScorer,
    Rubric,
    SelfAssessmentEntry,
    SurveyValue,
    SurveyValueTable,
)

YEAR = 2024


def _assessment(province: str = "Ha Noi", **overrides: float) -> Assessment:
    values = {"1.1.1": 1.0, "1.1.2": 90.0, "1.2": 25.0, "1.3": 1.0, "2.2": 95.0} | {
        key.replace("_", "."): value for key, value in overrides.items() if key != "self_1_4"
    }
    entries = [
        SelfAssessmentEntry(code, value=value, source=f"fixture row {code}")
        for code, value in values.items()
    ]
    entries.append(SelfAssessmentEntry("1.4", self_score=overrides.get("self_1_4", 2.5)))
    return Assessment.of(province, YEAR, entries)


def _survey(*pairs: tuple[str, float]) -> SurveyValueTable:
    return SurveyValueTable.of(
        SurveyValue("sipas", province, YEAR, "overall", value, f"run:sipas-{province}")
        for province, value in pairs
    )


def _decision(code: str, score: float, sequence: int, minute: int = 0) -> AppraisalDecision:
    return AppraisalDecision(
        province="Ha Noi",
        year=YEAR,
        code=code,
        new_score=score,
        appraiser="Appraisal council",
        decided_at=datetime(2025, 3, 1, 9, minute, tzinfo=UTC),
        reason="evidence checked",
        sequence=sequence,
    )


def test_roll_up_and_percent_by_hand(small_rubric: Rubric) -> None:
    result = PointsScorer(small_rubric).score(
        _assessment(), survey_values=_survey(("Ha Noi", 86.5))
    )
    # 1.1 = 2 (target met) + 2 × 90/100 = 3.8
    assert result.node("1.1").points == pytest.approx(3.8, rel=1e-12)
    # area 1 = 3.8 + 1.5 (25 % reaches the 20 % step) + (2 − 0.5 × 1) + 2.5 (self-score) = 9.3
    assert result.node("1").points == pytest.approx(9.3, rel=1e-12)
    # area 2 = 5 × 86.5/100 + 3 × 95/100 = 4.325 + 2.85 = 7.175
    assert result.node("2.1").points == pytest.approx(4.325, rel=1e-12)
    assert result.node("2").points == pytest.approx(7.175, rel=1e-12)
    total = result.total
    assert total.points == pytest.approx(16.475, rel=1e-12)
    assert total.percent == pytest.approx(100 * 16.475 / 20, rel=1e-12)
    assert result.node("1").percent == pytest.approx(100 * 9.3 / 12, rel=1e-12)
    assert [node.basis for node in result.nodes if node.code in ("1.2", "1.4", "2.1", "1")] == [
        "rule",
        "self_score",
        "sum",
        "survey",
    ]


def test_every_leaf_is_traced_to_its_input(small_rubric: Rubric) -> None:
    result = PointsScorer(small_rubric).score(
        _assessment(), survey_values=_survey(("Ha Noi", 86.5))
    )
    assert (
        result.node("1.2").trace
        == "self-assessment: declared value 25, steps rule [fixture row 1.2]"
    )
    assert result.node("1.4").trace == "self-assessment: self-score 2.5"
    assert result.node("2.1").trace == "sipas 2024 `overall` = 86.5 (run:sipas-Ha Noi) → 4.325"
    assert result.total.trace == "sum of 1, 2"


def test_appraisal_overrides_and_is_traced(small_rubric: Rubric) -> None:
    decisions = [
        _decision("1.4", 1.0, 1),
        _decision("1.4", 2.0, 2, minute=5),
        _decision("1.2", 3.0, 3),
    ]
    result = PointsScorer(small_rubric).score(
        _assessment(), appraisals=decisions, survey_values=_survey(("Ha Noi", 86.5))
    )
    # 1.2: 1.5 → 3; 1.4: 2.5 → 2 (the later of two decisions): area 1 = 3.8 + 3 + 1.5 + 2 = 10.3
    assert result.node("1").points == pytest.approx(10.3, rel=1e-12)
    assert result.total.points == pytest.approx(17.475, rel=1e-12)
    assert result.total.self_points == pytest.approx(16.475, rel=1e-12)
    node = result.node("1.4")
    assert node.basis == "appraisal"
    assert node.self_points == 2.5
    assert node.trace == (
        "appraisal #2 by Appraisal council at 2025-03-01T09:05:00+00:00: 2 "
        "(self-assessed 2.5; evidence checked); replaces 1 earlier decision"
    )


def test_missing_input_leaves_sums_empty(small_rubric: Rubric) -> None:
    result = PointsScorer(small_rubric).score(_assessment())  # no survey values
    assert result.node("2.1").points is None
    assert result.node("2").points is None
    assert result.total.points is None
    assert result.total.missing == ("2.1",)
    assert result.node("1").points == pytest.approx(9.3, rel=1e-12)


def test_bad_inputs_are_refused(small_rubric: Rubric) -> None:
    scorer = PointsScorer(small_rubric)
    with pytest.raises(DataValidationError, match="unknown criteria"):
        scorer.score(Assessment.of("Ha Noi", YEAR, [SelfAssessmentEntry("9.9", value=1)]))
    with pytest.raises(DataValidationError, match="outside 0 to 3"):
        scorer.score(_assessment(self_1_4=3.5))
    with pytest.raises(DataValidationError, match="expected 0 to 2"):
        scorer.score(_assessment(), appraisals=[_decision("1.3", 2.5, 1)])
    with pytest.raises(DataValidationError, match="survey value is not appraised"):
        scorer.score(_assessment(), appraisals=[_decision("2.1", 1, 1)])
    inconsistent = Assessment.of(
        "Ha Noi", YEAR, [SelfAssessmentEntry("2.2", value=95, self_score=3)]
    )
    with pytest.raises(DataValidationError, match=r"differs from the completion rule's 2\.85"):
        scorer.score(inconsistent)


def test_ranks_groups_and_ties(small_rubric: Rubric) -> None:
    assessments = [
        _assessment("Ha Noi"),  # 16.475 → 82.375 % (B)
        _assessment("Hai Phong", **{"1_1_2": 100.0, "1_2": 40.0, "2_2": 100.0}, self_1_4=3.0),
        _assessment("Da Nang", **{"1_1_2": 100.0, "1_2": 40.0, "2_2": 100.0}, self_1_4=3.0),
        _assessment("Cao Bang", **{"1_1_1": 0.0, "1_1_2": 70.0, "2_2": 50.0}),
        _assessment("Lai Chau"),  # no survey value: no total, rank or group
    ]
    survey = _survey(("Ha Noi", 86.5), ("Hai Phong", 96.0), ("Da Nang", 96.0), ("Cao Bang", 75.0))
    result = PointsScorer(small_rubric).score_all(assessments, survey_values=survey)
    # Hai Phong = 2 + 2 + 3 + 1.5 + 3 + 4.8 + 3 = 19.3 → 96.5 %; Da Nang the same.
    assert result.province("Hai Phong").total.percent == pytest.approx(96.5, rel=1e-12)
    # Cao Bang = 0 + 0 + 1.5 + 1.5 + 2.5 + 3.75 + 1.5 = 10.75 → 53.75 %.
    assert result.province("Cao Bang").total.percent == pytest.approx(53.75, rel=1e-12)
    assert dict(result.ranks) == {"Hai Phong": 1, "Da Nang": 1, "Ha Noi": 3, "Cao Bang": 4}
    assert dict(result.groups) == {"Hai Phong": "A", "Da Nang": "A", "Ha Noi": "B", "Cao Bang": "C"}


def test_groups_are_a_parameter(small_rubric: Rubric) -> None:
    groups = [Group(code="top", at_least=80), Group(code="rest", at_least=0)]
    result = PointsScorer(small_rubric, groups=groups).score_all(
        [_assessment()], survey_values=_survey(("Ha Noi", 86.5))
    )
    assert dict(result.groups) == {"Ha Noi": "top"}
    assert result.parameters["groups"] == [["top", 80], ["rest", 0]]
    with pytest.raises(Exception, match="must go from the best down"):
        PointsScorer(small_rubric, groups=[Group(code="x", at_least=50)])


def test_a_survey_se_is_scaled_onto_its_leaf_only(small_rubric: Rubric) -> None:
    from govindex.rubric import score_rows

    survey = SurveyValueTable.of(
        [SurveyValue("sipas", "Ha Noi", YEAR, "overall", 86.5, "run:sipas", se=0.8)]
    )
    result = PointsScorer(small_rubric).score_all([_assessment()], survey_values=survey)
    province = result.province("Ha Noi")
    # 5 points over [0, 100]: 0.05 points per SIPAS point, so SE 0.8 → 0.04 points.
    assert province.node("2.1").se == pytest.approx(0.04, rel=1e-12)
    assert province.node("2").se is None
    rows = score_rows(result, run_id="r")
    leaf = rows.filter(code="2.1").row(0, named=True)
    assert leaf["se"] == pytest.approx(100 * 0.04 / 5, rel=1e-12)  # in % of the leaf's maximum
    assert leaf["ci_rule"].startswith("se only")
    assert rows.filter(code="total")["se"][0] is None
