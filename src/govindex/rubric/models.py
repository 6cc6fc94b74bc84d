"""The rubric language: areas → criteria → sub-criteria, each with maximum points and, at the
leaves, a scoring rule; performance groups on the % of maximum.

A node's ``status`` says whether its points were verified against the official decision or
are a placeholder the user must confirm; a rubric with any placeholder is *provisional*, and
everything scored with it says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from govindex.rubric.rules import JudgementRule, Rule, SurveyRule
from govindex.spec._base import Code, LocalisedText, SpecModel

__all__ = [
    "Area",
    "Criterion",
    "Group",
    "Leaf",
    "NodeStatus",
    "Rubric",
    "RubricIdentity",
    "SubCriterion",
]

PositivePoints = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NodeStatus = Literal["verified", "placeholder"]
Level = Literal["total", "area", "criterion", "subcriterion"]


class _Node(SpecModel):
    code: Code
    name: LocalisedText
    max_points: PositivePoints
    status: NodeStatus = "verified"
    source: str | None = None
    note: str | None = None


class SubCriterion(_Node):
    """A scored leaf under a criterion."""

    rule: Rule
    evidence_required: bool = True


class Criterion(_Node):
    """A criterion: a leaf with a ``rule``, or the sum of its ``sub_criteria``."""

    rule: Rule | None = None
    evidence_required: bool = True
    sub_criteria: tuple[SubCriterion, ...] = ()

    @model_validator(mode="after")
    def _rule_or_children(self) -> Criterion:
        if (self.rule is None) == (not self.sub_criteria):
            msg = "a criterion needs exactly one of `rule` or `sub_criteria`"
            raise ValueError(msg)
        return self


class Area(_Node):
    """One of the rubric's areas (component indices); the sum of its criteria."""

    criteria: tuple[Criterion, ...] = Field(min_length=1)


class Group(SpecModel):
    """A performance group: provinces whose % of maximum is at least ``at_least``."""

    code: str = Field(min_length=1)
    at_least: float = Field(ge=0, le=100, allow_inf_nan=False)
    status: NodeStatus = "verified"
    source: str | None = None


class RubricIdentity(SpecModel):
    """What the rubric is: its id, version, instrument, legal basis and the units it scores."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9.-]*$")
    version: str = Field(min_length=1)
    instrument: Literal["par"] = "par"
    title: LocalisedText
    basis: str = Field(min_length=1)
    geography: str = "province63"
    max_points: PositivePoints


@dataclass(frozen=True)
class Leaf:
    """A scored node (a sub-criterion, or a criterion without sub-criteria) with its path."""

    code: str
    level: Level
    name: LocalisedText
    max_points: float
    rule: Rule
    evidence_required: bool
    path: tuple[str, ...]
    """Codes from the area down to this leaf, e.g. ``('3', '3.2', '3.2.1')``."""

    @property
    def from_survey(self) -> bool:
        """Whether the leaf's points come from a survey result, not the self-assessment."""
        return isinstance(self.rule, SurveyRule)

    @property
    def takes_self_score(self) -> bool:
        """Whether the province enters points directly (a judgement rule)."""
        return isinstance(self.rule, JudgementRule)


class Rubric(SpecModel):
    """A whole rubric, validated (see :func:`govindex.rubric.rubric_from_dict`).

    Examples
    --------
    >>> from govindex.rubric import rubric_from_dict
    >>> rubric = rubric_from_dict({
    ...     "rubric_version": "1",
    ...     "rubric": {"id": "mini", "version": "1", "title": {"vi": "Thử", "en": "Mini"},
    ...                "basis": "example", "max_points": 2},
    ...     "groups": [{"code": "A", "at_least": 90}, {"code": "B", "at_least": 0}],
    ...     "areas": [{"code": "1", "name": {"vi": "Một", "en": "One"}, "max_points": 2,
    ...                "criteria": [{"code": "1.1", "name": {"vi": "a", "en": "a"},
    ...                              "max_points": 2, "rule": {"kind": "judgement"}}]}]})
    >>> [leaf.code for leaf in rubric.leaves()], rubric.provisional
    (['1.1'], False)
    """

    rubric_version: Literal["1"]
    rubric: RubricIdentity
    groups: tuple[Group, ...] = Field(min_length=1)
    areas: tuple[Area, ...] = Field(min_length=1)

    def leaves(self) -> Iterator[Leaf]:
        """Every scored node, in rubric order."""
        for area in self.areas:
            for criterion in area.criteria:
                if criterion.rule is not None:
                    yield Leaf(
                        code=criterion.code,
                        level="criterion",
                        name=criterion.name,
                        max_points=criterion.max_points,
                        rule=criterion.rule,
                        evidence_required=criterion.evidence_required,
                        path=(area.code, criterion.code),
                    )
                for sub in criterion.sub_criteria:
                    yield Leaf(
                        code=sub.code,
                        level="subcriterion",
                        name=sub.name,
                        max_points=sub.max_points,
                        rule=sub.rule,
                        evidence_required=sub.evidence_required,
                        path=(area.code, criterion.code, sub.code),
                    )

    def leaf(self, code: str) -> Leaf | None:
        """The leaf with ``code``, or ``None``."""
        return next((leaf for leaf in self.leaves() if leaf.code == code), None)

    def placeholders(self) -> tuple[str, ...]:
        """Codes (and group codes as ``group A``) whose points are unconfirmed placeholders."""
        found: list[str] = []
        for area in self.areas:
            if area.status == "placeholder":
                found.append(area.code)
            for criterion in area.criteria:
                if criterion.status == "placeholder":
                    found.append(criterion.code)
                found.extend(
                    sub.code for sub in criterion.sub_criteria if sub.status == "placeholder"
                )
        found.extend(
            f"group {group.code}" for group in self.groups if group.status == "placeholder"
        )
        return tuple(found)

    @property
    def provisional(self) -> bool:
        """Whether any points or group bounds are placeholders the user must confirm."""
        return bool(self.placeholders())

    @property
    def edition(self) -> str:
        """``id@version``, with ``(provisional)`` when placeholders remain."""
        text = f"{self.rubric.id}@{self.rubric.version}"
        return f"{text} (provisional)" if self.provisional else text
