"""The points engine: leaf points from rules, self-scores, appraisals and survey values, then
criterion, area and total sums, % of maximum, groups and ranks among provinces.

A leaf's points come from exactly one basis, recorded with a readable trace:

* ``appraisal`` — the latest appraisal decision on the leaf (it overrides the self-assessment);
* ``survey`` — a survey value mapped by the leaf's :class:`~govindex.rubric.rules.SurveyRule`;
* ``rule`` — the declared figure scored by the leaf's rule;
* ``self_score`` — points entered by the province on a judgement leaf;
* ``missing`` — no input: the leaf and every sum above it stay empty, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from govindex.errors import DataValidationError, SpecError
from govindex.rubric.inputs import (
    AppraisalDecision,
    Assessment,
    SelfAssessmentEntry,
    SurveyValueSource,
)
from govindex.rubric.models import Group, Leaf, Rubric
from govindex.rubric.rules import SurveyRule
from govindex.spec._base import LocalisedText

__all__ = [
    "SCORE_TOLERANCE",
    "Basis",
    "NodePoints",
    "PointsScorer",
    "ProvinceResult",
    "RubricResult",
    "group_of",
    "rule_points",
]

Basis = Literal["rule", "self_score", "appraisal", "survey", "sum", "missing"]
SCORE_TOLERANCE = 0.005
"""A self-score on a rule leaf may differ from the rule's points by at most this (rounding)."""


@dataclass(frozen=True)
class NodePoints:
    """Points of one node of the rubric for one province, with what produced them."""

    code: str
    level: Literal["total", "area", "criterion", "subcriterion"]
    parent: str | None
    name: LocalisedText
    max_points: float
    points: float | None
    basis: Basis
    trace: str
    self_points: float | None = None
    """Points before appraisal (from the self-assessment or the survey); ``None`` if none."""
    missing: tuple[str, ...] = ()
    """Leaf codes without input under this node."""
    se: float | None = None
    """Standard error of a survey-fed leaf's points: the survey value's SE times the rule's
    slope (zero where the value is clipped). Sums carry none: their survey leaves share
    samples, and the covariance is not published."""

    @property
    def percent(self) -> float | None:
        """Points as % of the node's maximum."""
        return None if self.points is None else 100.0 * self.points / self.max_points

    @property
    def lost(self) -> float | None:
        """Points short of the maximum."""
        return None if self.points is None else self.max_points - self.points


@dataclass(frozen=True)
class ProvinceResult:
    """One province's points at every node (leaves, criteria, areas, total)."""

    province: str
    year: int
    edition: str
    provisional: bool
    synthetic: bool
    nodes: tuple[NodePoints, ...]

    def node(self, code: str) -> NodePoints:
        """The node with ``code`` (``"total"`` for the total)."""
        for node in self.nodes:
            if node.code == code:
                return node
        msg = f"no rubric node `{code}` in the result for {self.province} {self.year}."
        raise SpecError(msg, found=code)

    @property
    def total(self) -> NodePoints:
        """The total node."""
        return self.node("total")


@dataclass(frozen=True)
class RubricResult:
    """Every province's points, with ranks and groups on the total % of maximum."""

    rubric: Rubric
    year: int
    provinces: tuple[ProvinceResult, ...]
    ranks: Mapping[str, int]
    groups: Mapping[str, str]
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def province(self, name: str) -> ProvinceResult:
        """The result of province ``name``."""
        for result in self.provinces:
            if result.province == name:
                return result
        msg = f"no assessment of `{name}` in {self.year}."
        raise SpecError(msg, found=name, expected=[result.province for result in self.provinces])


def rule_points(leaf: Leaf, entry: SelfAssessmentEntry) -> tuple[float | None, str]:
    """Points of a non-survey leaf from its self-assessment entry, and how they were found.

    Examples
    --------
    >>> from govindex.rubric.rules import CompletionRule
    >>> from govindex.spec._base import LocalisedText
    >>> leaf = Leaf("1.1", "criterion", LocalisedText(vi="a", en="a"), 2.0,
    ...             CompletionRule(kind="completion"), True, ("1", "1.1"))
    >>> rule_points(leaf, SelfAssessmentEntry("1.1", value=90))
    (1.8, 'declared value 90 %, completion rule')
    """
    if leaf.takes_self_score:
        if entry.self_score is None:
            return None, "no self-score"
        return leaf.rule.points(
            entry.self_score, leaf.max_points
        ), f"self-score {entry.self_score:g}"
    if entry.value is None:
        return None, "no declared value"
    unit = getattr(leaf.rule, "unit", "")
    shown = f"declared value {entry.value:g} {unit}".rstrip()
    return leaf.rule.points(entry.value, leaf.max_points), f"{shown}, {leaf.rule.kind} rule"


class PointsScorer:
    """Score self-assessments with a rubric: parameters up front, inputs in :meth:`score`.

    Parameters
    ----------
    rubric
        The checked rubric.
    groups
        Performance groups (best first, the last starting at 0); default: the rubric's.

    Examples
    --------
    >>> from govindex.rubric import rubric_from_dict
    >>> rubric = rubric_from_dict({"rubric_version": "1",
    ...     "rubric": {"id": "mini", "version": "1", "title": {"vi": "x", "en": "x"},
    ...                "basis": "example", "max_points": 4},
    ...     "groups": [{"code": "A", "at_least": 90}, {"code": "B", "at_least": 0}],
    ...     "areas": [{"code": "1", "name": {"vi": "a", "en": "a"}, "max_points": 4,
    ...                "criteria": [{"code": "1.1", "name": {"vi": "b", "en": "b"}, "max_points": 4,
    ...                              "rule": {"kind": "completion", "floor": 50}}]}]})
    >>> result = PointsScorer(rubric).score(
    ...     Assessment.of("Ha Noi", 2024, [SelfAssessmentEntry("1.1", value=95)]))
    >>> result.total.points, result.total.percent
    (3.8, 95.0)
    """

    def __init__(self, rubric: Rubric, *, groups: Sequence[Group] | None = None) -> None:
        self.rubric = rubric
        self.groups = tuple(groups) if groups is not None else rubric.groups
        bounds = [group.at_least for group in self.groups]
        if (
            not bounds
            or bounds != sorted(bounds, reverse=True)
            or len(set(bounds)) != len(bounds)
            or bounds[-1] != 0
        ):
            msg = f"The 'groups' parameter of PointsScorer must go from the best down to a last group at 0. Got {bounds} instead."
            raise SpecError(msg, where="groups", found=bounds)

    # ---------------------------------------------------------------- one province
    def score(
        self,
        assessment: Assessment,
        *,
        appraisals: Iterable[AppraisalDecision] = (),
        survey_values: SurveyValueSource | None = None,
    ) -> ProvinceResult:
        """Points of one province at every node."""
        leaves = {leaf.code: leaf for leaf in self.rubric.leaves()}
        unknown = sorted(set(assessment.entries) - set(leaves))
        if unknown:
            msg = f"the self-assessment of {assessment.province} {assessment.year} names unknown criteria {unknown}."
            raise DataValidationError(
                msg, where=assessment.province, found=unknown, expected=sorted(leaves)
            )
        decisions = self._decisions(assessment, appraisals, leaves)
        scored = {
            code: self._leaf(leaf, assessment, decisions.get(code, ()), survey_values)
            for code, leaf in leaves.items()
        }
        nodes: list[NodePoints] = []
        area_nodes: list[NodePoints] = []
        for area in self.rubric.areas:
            criteria_nodes: list[NodePoints] = []
            for criterion in area.criteria:
                if criterion.rule is not None:
                    criteria_nodes.append(scored[criterion.code])
                    nodes.append(scored[criterion.code])
                    continue
                subs = [scored[sub.code] for sub in criterion.sub_criteria]
                node = _sum_node(
                    criterion.code,
                    "criterion",
                    area.code,
                    criterion.name,
                    criterion.max_points,
                    subs,
                )
                criteria_nodes.append(node)
                nodes.extend([node, *subs])
            area_node = _sum_node(
                area.code, "area", "total", area.name, area.max_points, criteria_nodes
            )
            area_nodes.append(area_node)
            nodes.append(area_node)
        identity = self.rubric.rubric
        total = _sum_node("total", "total", None, identity.title, identity.max_points, area_nodes)
        return ProvinceResult(
            province=assessment.province,
            year=assessment.year,
            edition=self.rubric.edition,
            provisional=self.rubric.provisional,
            synthetic=assessment.synthetic,
            nodes=(total, *nodes),
        )

    def _decisions(
        self,
        assessment: Assessment,
        appraisals: Iterable[AppraisalDecision],
        leaves: Mapping[str, Leaf],
    ) -> dict[str, tuple[AppraisalDecision, ...]]:
        chosen: dict[str, list[AppraisalDecision]] = {}
        for decision in appraisals:
            if (decision.province, decision.year) != (assessment.province, assessment.year):
                continue
            leaf = leaves.get(decision.code)
            where = f"appraisal #{decision.sequence} of {decision.province} {decision.year}"
            if leaf is None:
                msg = f"{where} names unknown criterion `{decision.code}`."
                raise DataValidationError(msg, where=where, found=decision.code)
            if leaf.from_survey:
                msg = f"{where} changes `{decision.code}`, whose points come from a survey; a survey value is not appraised."
                raise DataValidationError(msg, where=where, found=decision.code)
            if not 0 <= decision.new_score <= leaf.max_points:
                msg = f"{where} gives `{decision.code}` {decision.new_score:g} points; expected 0 to {leaf.max_points:g}."
                raise DataValidationError(
                    msg, where=where, found=decision.new_score, expected=leaf.max_points
                )
            chosen.setdefault(decision.code, []).append(decision)
        return {
            code: tuple(sorted(found, key=lambda item: (item.decided_at, item.sequence)))
            for code, found in chosen.items()
        }

    def _leaf(
        self,
        leaf: Leaf,
        assessment: Assessment,
        decisions: Sequence[AppraisalDecision],
        survey_values: SurveyValueSource | None,
    ) -> NodePoints:
        parent = leaf.path[-2]
        if isinstance(leaf.rule, SurveyRule):
            rule = leaf.rule
            found = (
                None
                if survey_values is None
                else survey_values.get(
                    rule.instrument, assessment.province, assessment.year, rule.code
                )
            )
            if found is None:
                trace = f"no {rule.instrument} value `{rule.code}` for {assessment.province} {assessment.year}"
                return NodePoints(
                    leaf.code,
                    leaf.level,
                    parent,
                    leaf.name,
                    leaf.max_points,
                    None,
                    "missing",
                    trace,
                    missing=(leaf.code,),
                )
            points = rule.points(found.value, leaf.max_points)
            trace = f"{rule.instrument} {found.year} `{found.code}` = {found.value:g} ({found.source}) → {points:g}"
            return NodePoints(
                leaf.code,
                leaf.level,
                parent,
                leaf.name,
                leaf.max_points,
                points,
                "survey",
                trace,
                self_points=points,
                se=None
                if found.se is None
                else found.se * rule.slope(found.value, leaf.max_points),
            )
        entry = assessment.entries.get(leaf.code)
        self_points, how = (
            (None, "not in the self-assessment") if entry is None else rule_points(leaf, entry)
        )
        where = "" if entry is None or entry.source is None else f" [{entry.source}]"
        if (
            entry is not None
            and self_points is not None
            and not leaf.takes_self_score
            and entry.self_score is not None
            and abs(entry.self_score - self_points) > SCORE_TOLERANCE
        ):
            msg = (
                f"{assessment.province} {assessment.year} `{leaf.code}`{where}: self-score {entry.self_score:g} "
                f"differs from the {leaf.rule.kind} rule's {self_points:g} points for the declared value."
            )
            raise DataValidationError(
                msg, where=entry.source, found=entry.self_score, expected=self_points
            )
        if (
            entry is not None
            and leaf.takes_self_score
            and self_points is not None
            and not 0 <= self_points <= leaf.max_points
        ):
            msg = f"{assessment.province} {assessment.year} `{leaf.code}`{where}: self-score {self_points:g} is outside 0 to {leaf.max_points:g}."
            raise DataValidationError(
                msg, where=entry.source, found=self_points, expected=leaf.max_points
            )
        basis: Basis = "self_score" if leaf.takes_self_score else "rule"
        trace = f"self-assessment: {how}{where}"
        if decisions:
            decision = decisions[-1]
            earlier = len(decisions) - 1
            note = (
                f"; replaces {earlier} earlier decision{'s' if earlier != 1 else ''}"
                if earlier
                else ""
            )
            shown = "none" if self_points is None else f"{self_points:g}"
            trace = (
                f"appraisal #{decision.sequence} by {decision.appraiser} at "
                f"{decision.decided_at.isoformat(timespec='seconds')}: {decision.new_score:g} "
                f"(self-assessed {shown}; {decision.reason}){note}"
            )
            return NodePoints(
                leaf.code,
                leaf.level,
                parent,
                leaf.name,
                leaf.max_points,
                decision.new_score,
                "appraisal",
                trace,
                self_points=self_points,
            )
        if self_points is None:
            return NodePoints(
                leaf.code,
                leaf.level,
                parent,
                leaf.name,
                leaf.max_points,
                None,
                "missing",
                trace,
                missing=(leaf.code,),
            )
        return NodePoints(
            leaf.code,
            leaf.level,
            parent,
            leaf.name,
            leaf.max_points,
            self_points,
            basis,
            trace,
            self_points=self_points,
        )

    # ---------------------------------------------------------------- all provinces
    def score_all(
        self,
        assessments: Iterable[Assessment],
        *,
        appraisals: Iterable[AppraisalDecision] = (),
        survey_values: SurveyValueSource | None = None,
    ) -> RubricResult:
        """Score every assessment of one year; rank and group the complete ones.

        Ranks are by total % of maximum, best first; equal totals share the best rank.
        A province with missing inputs has no total, so no rank and no group.
        """
        assessments = tuple(assessments)
        years = {assessment.year for assessment in assessments}
        if len(years) != 1:
            msg = f"assessments of one year are ranked together; found years {sorted(years)}."
            raise DataValidationError(msg, found=sorted(years))
        names = [assessment.province for assessment in assessments]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            msg = f"provinces {repeated} are assessed more than once for {years.pop()}; expected once each."
            raise DataValidationError(msg, found=repeated)
        decisions = tuple(appraisals)
        results = tuple(
            self.score(assessment, appraisals=decisions, survey_values=survey_values)
            for assessment in assessments
        )
        percents = {
            result.province: percent
            for result in results
            if (percent := result.total.percent) is not None
        }
        ranks = {
            name: 1 + sum(other > value for other in percents.values())
            for name, value in percents.items()
        }
        groups = {name: self.group_of(value) for name, value in percents.items()}
        return RubricResult(
            rubric=self.rubric,
            year=years.pop(),
            provinces=results,
            ranks=MappingProxyType(ranks),
            groups=MappingProxyType(groups),
            parameters=MappingProxyType(
                {
                    "groups": [[group.code, group.at_least] for group in self.groups],
                    "rank_ties": "min",
                }
            ),
        )

    def group_of(self, percent: float) -> str:
        """The group of a total % of maximum (see :func:`group_of`)."""
        return group_of(percent, self.groups)


def group_of(percent: float, groups: Sequence[Group]) -> str:
    """The first group (best first) whose lower bound ``percent`` reaches.

    Examples
    --------
    >>> groups = [Group(code="A", at_least=90), Group(code="B", at_least=80),
    ...           Group(code="C", at_least=0)]
    >>> group_of(92.18, groups), group_of(89.99, groups), group_of(12, groups)
    ('A', 'B', 'C')
    """
    for group in groups:
        if percent >= group.at_least:
            return group.code
    return groups[-1].code


def _sum_node(
    code: str,
    level: Literal["total", "area", "criterion"],
    parent: str | None,
    name: LocalisedText,
    maximum: float,
    children: Sequence[NodePoints],
) -> NodePoints:
    missing = tuple(code for child in children for code in child.missing)
    child_codes = ", ".join(child.code for child in children)
    if missing:
        return NodePoints(
            code,
            level,
            parent,
            name,
            maximum,
            None,
            "missing",
            f"incomplete: no input for {', '.join(missing)}",
            missing=missing,
        )
    points = sum(child.points for child in children if child.points is not None)
    before = [child.self_points for child in children]
    self_points = (
        None
        if any(value is None for value in before)
        else sum(value for value in before if value is not None)
    )
    return NodePoints(
        code,
        level,
        parent,
        name,
        maximum,
        points,
        "sum",
        f"sum of {child_codes}",
        self_points=self_points,
    )
