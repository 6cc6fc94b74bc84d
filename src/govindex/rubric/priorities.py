"""What to fix first: the points a province lost per criterion, ranked, and the PAR points a
given improvement would gain, with the agency responsible for each criterion.

The gain of an improvement is found by scoring again with the changed input (a declared
figure or a survey value), so it follows every rule exactly: a completion rule's cap, a
stepped rule's thresholds, a survey rule's clipping. An appraised criterion keeps its
appraised points, so improving its declared figure gains nothing until it is appraised again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from govindex.analysis.responsibility import ResponsibilityMap
from govindex.errors import DataValidationError
from govindex.rubric.inputs import (
    AppraisalDecision,
    Assessment,
    SelfAssessmentEntry,
    SurveyValue,
    SurveyValueSource,
)
from govindex.rubric.models import Rubric
from govindex.rubric.rules import SurveyRule
from govindex.rubric.scoring import PointsScorer, ProvinceResult

__all__ = ["Improvement", "LostPoints", "improvement_gain", "points_lost"]


@dataclass(frozen=True)
class LostPoints:
    """Points a province lost on one scored criterion, and who answers for it."""

    code: str
    name_en: str
    name_vi: str
    max_points: float
    points: float | None
    lost: float | None
    basis: str
    agency_en: str | None
    agency_vi: str | None


@dataclass(frozen=True)
class Improvement:
    """The effect of raising one input: ``+change`` on ``code`` → ``+gain`` PAR points."""

    code: str
    change: float
    value_before: float
    value_after: float
    points_before: float
    points_after: float
    total_before: float
    total_after: float
    max_points: float
    note: str

    @property
    def gain(self) -> float:
        """Total points gained."""
        return self.total_after - self.total_before

    @property
    def gain_percent(self) -> float:
        """Gain in % of the rubric's maximum (the PAR Index's published scale)."""
        return 100.0 * self.gain / self.max_points


def points_lost(
    result: ProvinceResult, responsibility: ResponsibilityMap | None = None
) -> tuple[LostPoints, ...]:
    """Scored leaves by points lost, most first (ties by code); unscored leaves last.

    Examples
    --------
    >>> from govindex.rubric import rubric_from_dict
    >>> rubric = rubric_from_dict({"rubric_version": "1",
    ...     "rubric": {"id": "mini", "version": "1", "title": {"vi": "x", "en": "x"},
    ...                "basis": "example", "max_points": 4},
    ...     "groups": [{"code": "A", "at_least": 0}],
    ...     "areas": [{"code": "1", "name": {"vi": "a", "en": "a"}, "max_points": 4,
    ...                "criteria": [
    ...         {"code": "1.1", "name": {"vi": "b", "en": "b"}, "max_points": 2,
    ...          "rule": {"kind": "completion"}},
    ...         {"code": "1.2", "name": {"vi": "c", "en": "c"}, "max_points": 2,
    ...          "rule": {"kind": "judgement"}}]}]})
    >>> result = PointsScorer(rubric).score(Assessment.of("Hue", 2024, [
    ...     SelfAssessmentEntry("1.1", value=80), SelfAssessmentEntry("1.2", self_score=1.5)]))
    >>> [(item.code, round(item.lost, 2)) for item in points_lost(result)]
    [('1.2', 0.5), ('1.1', 0.4)]
    """
    leaves = [
        node
        for node in result.nodes
        if node.basis != "sum" and node.level != "total" and node.level != "area"
    ]
    found: list[LostPoints] = []
    for node in leaves:
        agency = None if responsibility is None else responsibility.agency_for(node.code)
        found.append(
            LostPoints(
                code=node.code,
                name_en=node.name.en,
                name_vi=node.name.vi,
                max_points=node.max_points,
                points=node.points,
                lost=node.lost,
                basis=node.basis,
                agency_en=None if agency is None else agency.name_en,
                agency_vi=None if agency is None else agency.name_vi,
            )
        )
    return tuple(
        sorted(found, key=lambda item: (item.lost is None, -(item.lost or 0.0), _order(item.code)))
    )


@dataclass(frozen=True)
class _WithValue:
    """Survey values with one value replaced (a what-if)."""

    base: SurveyValueSource
    changed: SurveyValue

    def get(self, instrument: str, province: str, year: int, code: str) -> SurveyValue | None:
        changed = self.changed
        if (instrument, province, year, code) == (
            changed.instrument,
            changed.province,
            changed.year,
            changed.code,
        ):
            return changed
        return self.base.get(instrument, province, year, code)


def _order(code: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))


def improvement_gain(
    rubric: Rubric,
    assessment: Assessment,
    code: str,
    change: float,
    *,
    appraisals: Iterable[AppraisalDecision] = (),
    survey_values: SurveyValueSource | None = None,
) -> Improvement:
    """The PAR points gained if the input of ``code`` rose by ``change`` (in its own unit).

    Examples
    --------
    >>> from govindex.rubric import rubric_from_dict
    >>> rubric = rubric_from_dict({"rubric_version": "1",
    ...     "rubric": {"id": "mini", "version": "1", "title": {"vi": "x", "en": "x"},
    ...                "basis": "example", "max_points": 10},
    ...     "groups": [{"code": "A", "at_least": 0}],
    ...     "areas": [{"code": "3", "name": {"vi": "a", "en": "a"}, "max_points": 10,
    ...                "criteria": [{"code": "3.2", "name": {"vi": "b", "en": "b"},
    ...                              "max_points": 10, "rule": {"kind": "completion"}}]}]})
    >>> assessment = Assessment.of("Hue", 2024, [SelfAssessmentEntry("3.2", value=85)])
    >>> round(improvement_gain(rubric, assessment, "3.2", 10).gain, 6)
    1.0
    """
    leaf = rubric.leaf(code)
    if leaf is None:
        msg = f"no scored criterion `{code}` in {rubric.edition}."
        raise DataValidationError(msg, found=code, expected=[item.code for item in rubric.leaves()])
    decisions = tuple(appraisals)
    scorer = PointsScorer(rubric)
    before = scorer.score(assessment, appraisals=decisions, survey_values=survey_values)
    if before.total.points is None:
        msg = f"{assessment.province} {assessment.year} has no total (no input for {', '.join(before.total.missing)}); an improvement cannot be weighed."
        raise DataValidationError(msg, found=before.total.missing)
    if isinstance(leaf.rule, SurveyRule):
        rule = leaf.rule
        current = (
            None
            if survey_values is None
            else survey_values.get(rule.instrument, assessment.province, assessment.year, rule.code)
        )
        if current is None or survey_values is None:
            msg = f"no {rule.instrument} value `{rule.code}` for {assessment.province} {assessment.year} to improve."
            raise DataValidationError(msg, found=code)
        changed = replace(
            current, value=current.value + change, source=f"{current.source} + {change:g} (what-if)"
        )
        what_if = _WithValue(survey_values, changed)
        after = scorer.score(assessment, appraisals=decisions, survey_values=what_if)
        value_before, value_after = current.value, changed.value
    else:
        entry = assessment.entries.get(code) or SelfAssessmentEntry(code)
        attribute = "self_score" if leaf.takes_self_score else "value"
        current_value = getattr(entry, attribute)
        if current_value is None:
            msg = f"`{code}` of {assessment.province} {assessment.year} has no {attribute.replace('_', '-')} to improve."
            raise DataValidationError(msg, found=code)
        improved = (
            min(current_value + change, leaf.max_points)
            if leaf.takes_self_score
            else current_value + change
        )
        changed_entry = replace(
            entry,
            **{attribute: improved, "self_score": None if not leaf.takes_self_score else improved},
        )
        entries = {**assessment.entries, code: changed_entry}
        after = scorer.score(
            Assessment.of(
                assessment.province,
                assessment.year,
                entries.values(),
                synthetic=assessment.synthetic,
            ),
            appraisals=decisions,
            survey_values=survey_values,
        )
        value_before, value_after = current_value, improved
    node_before, node_after = before.node(code), after.node(code)
    note = (
        "appraised: the appraisal decision stands, so the change gains nothing until re-appraised"
        if node_before.basis == "appraisal"
        else ""
    )
    return Improvement(
        code=code,
        change=change,
        value_before=value_before,
        value_after=value_after,
        points_before=node_before.points or 0.0,
        points_after=node_after.points or 0.0,
        total_before=before.total.points,
        total_after=after.total.points or 0.0,
        max_points=rubric.rubric.max_points,
        note=note,
    )
