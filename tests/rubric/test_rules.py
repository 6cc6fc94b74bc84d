"""Each scoring rule against hand-computed points."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from govindex.rubric import (
    CompletionRule,
    DeductionRule,
    JudgementRule,
    Step,
    StepsRule,
    SurveyRule,
    TargetRule,
)


@pytest.mark.parametrize(("value", "expected"), [(1, 2.0), (0, 0.0), (0.99, 0.0), (3, 2.0)])
def test_target_higher_is_better(value: float, expected: float) -> None:
    assert TargetRule(kind="target", target=1).points(value, 2.0) == expected


def test_target_lower_is_better() -> None:
    rule = TargetRule(kind="target", target=5, direction="lower_is_better")
    assert (rule.points(5, 1.5), rule.points(4, 1.5), rule.points(5.1, 1.5)) == (1.5, 1.5, 0.0)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(100, 3.0), (85, 3 * 85 / 100), (80, 2.4), (79.99, 0.0), (130, 3.0)],
)
def test_completion_with_floor_and_cap(rate: float, expected: float) -> None:
    assert CompletionRule(kind="completion", floor=80, cap=100).points(rate, 3.0) == pytest.approx(
        expected, rel=1e-12
    )


def test_completion_with_lower_cap() -> None:
    # 90 % of a 95 % cap earns 90/95 of the maximum; anything above the cap earns all of it.
    rule = CompletionRule(kind="completion", cap=95)
    assert rule.points(90, 2.0) == pytest.approx(2 * 90 / 95, rel=1e-12)
    assert rule.points(97, 2.0) == 2.0


def test_completion_floor_above_cap_is_refused() -> None:
    with pytest.raises(ValidationError, match="must not exceed"):
        CompletionRule(kind="completion", floor=90, cap=80)


def test_steps_higher_and_lower_is_better() -> None:
    higher = StepsRule(
        kind="steps",
        steps=(
            Step(threshold=95, points=2),
            Step(threshold=90, points=1.5),
            Step(threshold=80, points=1),
        ),
    )
    assert [higher.points(v, 2.0) for v in (99, 95, 92, 80, 79.9)] == [2, 2, 1.5, 1, 0]
    lower = StepsRule(
        kind="steps",
        direction="lower_is_better",
        steps=(Step(threshold=0, points=1), Step(threshold=3, points=0.5)),
        otherwise=0.25,
    )
    assert [lower.points(v, 1.0) for v in (0, 2, 3, 4)] == [1, 0.5, 0.5, 0.25]


def test_steps_out_of_order_are_refused() -> None:
    with pytest.raises(ValidationError, match="strictly descending"):
        StepsRule(kind="steps", steps=(Step(threshold=80, points=1), Step(threshold=90, points=2)))
    with pytest.raises(ValidationError, match="never earn fewer"):
        StepsRule(kind="steps", steps=(Step(threshold=90, points=1), Step(threshold=80, points=2)))


@pytest.mark.parametrize(("count", "expected"), [(0, 2.0), (1, 1.5), (3, 0.5), (4, 0.0), (10, 0.0)])
def test_deduction(count: float, expected: float) -> None:
    assert DeductionRule(kind="deduction", per_unit=0.5).points(count, 2.0) == expected


def test_deduction_keeps_its_minimum() -> None:
    assert DeductionRule(kind="deduction", per_unit=1, minimum=0.5).points(7, 2.0) == 0.5


def test_judgement_is_the_self_score() -> None:
    assert JudgementRule(kind="judgement").points(1.25, 3.0) == 1.25


@pytest.mark.parametrize(("value", "expected"), [(91.17, 9.117), (100, 10.0), (0, 0.0), (50, 5.0)])
def test_survey_maps_linearly(value: float, expected: float) -> None:
    rule = SurveyRule(kind="survey", instrument="sipas", code="overall")
    assert rule.points(value, 10.0) == pytest.approx(expected, rel=1e-12)


def test_survey_range_is_clipped() -> None:
    rule = SurveyRule(kind="survey", instrument="papi", code="total", low=20, high=80)
    assert rule.points(47.82, 3.0) == pytest.approx(3 * (47.82 - 20) / 60, rel=1e-12)
    assert (rule.points(10, 3.0), rule.points(90, 3.0)) == (0.0, 3.0)
