"""Scoring rules of a rubric leaf: how a declared figure, a self-score or a survey value
becomes points.

Every rule is a frozen model tagged by ``kind`` and has one pure method,
``points(value, maximum)``; the engine never decides points any other way.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import Field, model_validator

from govindex.spec._base import SpecModel

__all__ = [
    "CompletionRule",
    "DeductionRule",
    "JudgementRule",
    "Rule",
    "Step",
    "StepsRule",
    "SurveyRule",
    "TargetRule",
    "describe_rule",
]

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Direction = Literal["higher_is_better", "lower_is_better"]


class TargetRule(SpecModel):
    """Full points when the declared figure meets the target, none otherwise.

    Examples
    --------
    >>> rule = TargetRule(kind="target", target=100, direction="higher_is_better", unit="%")
    >>> rule.points(100, 2.0), rule.points(99.9, 2.0)
    (2.0, 0.0)
    """

    kind: Literal["target"]
    target: FiniteFloat
    direction: Direction = "higher_is_better"
    unit: str = ""

    def points(self, value: float, maximum: float) -> float:
        """Points earned by a declared ``value`` out of ``maximum``."""
        met = value >= self.target if self.direction == "higher_is_better" else value <= self.target
        return maximum if met else 0.0


class CompletionRule(SpecModel):
    """Points in proportion to a completion rate: ``maximum × min(rate, cap) / cap``, and none
    below ``floor``.

    Examples
    --------
    >>> rule = CompletionRule(kind="completion", floor=80, cap=100)
    >>> rule.points(95, 2.0), rule.points(120, 2.0), rule.points(79, 2.0)
    (1.9, 2.0, 0.0)
    """

    kind: Literal["completion"]
    floor: FiniteFloat = Field(default=0.0, ge=0)
    cap: FiniteFloat = Field(default=100.0, gt=0)
    unit: str = "%"

    @model_validator(mode="after")
    def _ordered(self) -> CompletionRule:
        if self.floor > self.cap:
            msg = f"`floor` ({self.floor:g}) must not exceed `cap` ({self.cap:g})"
            raise ValueError(msg)
        return self

    def points(self, value: float, maximum: float) -> float:
        """Points earned by a completion rate ``value`` out of ``maximum``."""
        if value < self.floor:
            return 0.0
        return maximum * min(max(value, 0.0), self.cap) / self.cap


class Step(SpecModel):
    """One threshold of a stepped rule and the points it earns."""

    threshold: FiniteFloat
    points: FiniteFloat = Field(ge=0)


class StepsRule(SpecModel):
    """Points of the first step whose threshold the figure reaches, else ``otherwise``.

    Steps are listed from the best threshold down; for ``lower_is_better`` a figure reaches
    a threshold when it is at or below it.

    Examples
    --------
    >>> rule = StepsRule(kind="steps", steps=[Step(threshold=100, points=1.0),
    ...                                       Step(threshold=80, points=0.5)])
    >>> rule.points(100, 1.0), rule.points(85, 1.0), rule.points(10, 1.0)
    (1.0, 0.5, 0.0)
    """

    kind: Literal["steps"]
    steps: tuple[Step, ...] = Field(min_length=1)
    otherwise: FiniteFloat = Field(default=0.0, ge=0)
    direction: Direction = "higher_is_better"
    unit: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> StepsRule:
        thresholds = [step.threshold for step in self.steps]
        sign = 1 if self.direction == "higher_is_better" else -1
        if any(sign * (later - earlier) >= 0 for earlier, later in itertools.pairwise(thresholds)):
            order = "descending" if sign == 1 else "ascending"
            msg = f"`steps` thresholds must be strictly {order} for {self.direction} (found {thresholds})"
            raise ValueError(msg)
        awarded = [step.points for step in self.steps] + [self.otherwise]
        if any(later > earlier for earlier, later in itertools.pairwise(awarded)):
            msg = f"a better step must never earn fewer points (found {awarded})"
            raise ValueError(msg)
        return self

    def points(self, value: float, maximum: float) -> float:
        """Points earned by a declared ``value`` (``maximum`` is checked at load time)."""
        for step in self.steps:
            reached = (
                value >= step.threshold
                if self.direction == "higher_is_better"
                else value <= step.threshold
            )
            if reached:
                return step.points
        return self.otherwise


class DeductionRule(SpecModel):
    """Full points less ``per_unit`` for each counted shortfall, never below ``minimum``.

    Examples
    --------
    >>> rule = DeductionRule(kind="deduction", per_unit=0.25, unit="late reports")
    >>> rule.points(0, 1.0), rule.points(2, 1.0), rule.points(9, 1.0)
    (1.0, 0.5, 0.0)
    """

    kind: Literal["deduction"]
    per_unit: FiniteFloat = Field(gt=0)
    minimum: FiniteFloat = Field(default=0.0, ge=0)
    unit: str = ""

    def points(self, value: float, maximum: float) -> float:
        """Points left after deducting for ``value`` counted shortfalls."""
        return max(maximum - self.per_unit * max(value, 0.0), self.minimum)


class JudgementRule(SpecModel):
    """The self-score itself (0 to the maximum), as appraised; for qualitative criteria.

    Examples
    --------
    >>> JudgementRule(kind="judgement").points(1.5, 2.0)
    1.5
    """

    kind: Literal["judgement"]

    def points(self, value: float, maximum: float) -> float:
        """The self-score ``value`` (the reader refuses one outside ``[0, maximum]``)."""
        return value


class SurveyRule(SpecModel):
    """Points from a survey result: ``maximum × (value − low) / (high − low)``, clipped to
    ``[0, maximum]``.

    ``instrument`` and ``code`` name the published value read (e.g. SIPAS ``overall``), for
    the same province and year as the assessment.

    Examples
    --------
    >>> rule = SurveyRule(kind="survey", instrument="sipas", code="overall", low=0, high=100)
    >>> round(rule.points(91.17, 10.0), 3)
    9.117
    """

    kind: Literal["survey"]
    instrument: Literal["papi", "sipas", "par_survey", "onestop"]
    code: str = Field(min_length=1)
    low: FiniteFloat = 0.0
    high: FiniteFloat = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> SurveyRule:
        if not self.low < self.high:
            msg = f"`low` ({self.low:g}) must be below `high` ({self.high:g})"
            raise ValueError(msg)
        return self

    def points(self, value: float, maximum: float) -> float:
        """Points for a survey ``value`` out of ``maximum``."""
        share = (value - self.low) / (self.high - self.low)
        return maximum * min(max(share, 0.0), 1.0)

    def slope(self, value: float, maximum: float) -> float:
        """Points per unit of the survey value at ``value`` (zero where the map is clipped).

        Examples
        --------
        >>> SurveyRule(kind="survey", instrument="sipas", code="overall").slope(86.5, 10.0)
        0.1
        """
        inside = self.low < value < self.high
        return maximum / (self.high - self.low) if inside else 0.0


Rule = Annotated[
    TargetRule | CompletionRule | StepsRule | DeductionRule | JudgementRule | SurveyRule,
    Field(discriminator="kind"),
]
"""Any scoring rule, chosen by its ``kind``."""


def describe_rule(rule: Rule, maximum: float) -> str:
    """The rule in one line, as the self-assessment workbook shows it.

    Examples
    --------
    >>> describe_rule(CompletionRule(kind="completion", floor=80), 2.0)
    'completion: 2 × min(rate, 100) / 100; 0 below 80 %'
    """
    if isinstance(rule, TargetRule):
        sign = "≥" if rule.direction == "higher_is_better" else "≤"
        return (
            f"target: {maximum:g} if value {sign} {rule.target:g} {rule.unit}".rstrip() + ", else 0"
        )
    if isinstance(rule, CompletionRule):
        return (
            f"completion: {maximum:g} × min(rate, {rule.cap:g}) / {rule.cap:g}; "
            f"0 below {rule.floor:g} {rule.unit}"
        ).rstrip()
    if isinstance(rule, StepsRule):
        sign = "≥" if rule.direction == "higher_is_better" else "≤"
        steps = "; ".join(f"{sign} {step.threshold:g} → {step.points:g}" for step in rule.steps)
        return f"steps ({rule.unit or 'value'}): {steps}; otherwise {rule.otherwise:g}"
    if isinstance(rule, DeductionRule):
        return (
            f"deduction: {maximum:g} − {rule.per_unit:g} per {rule.unit or 'unit'}, "
            f"at least {rule.minimum:g}"
        )
    if isinstance(rule, JudgementRule):
        return f"judgement: self-score from 0 to {maximum:g}, appraised"
    return (
        f"survey: {rule.instrument} `{rule.code}` mapped linearly from "
        f"[{rule.low:g}, {rule.high:g}] to [0, {maximum:g}]"
    )
