"""Rating form definitions: the criteria, the five-level scale and which levels count as satisfied.

A form is data (versioned YAML, one per province, Vietnamese first then English); this module
validates its text into a frozen :class:`FormDefinition` and checks a submitted answer set
against it. It reads no files: the shells hand it the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from govindex.errors import Issue, SpecError

__all__ = ["Criterion", "FormDefinition", "Label", "ScaleLevel", "parse_form"]

LEVELS = (1, 2, 3, 4, 5)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Label(_Frozen):
    """A text in Vietnamese (shown first) and English."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ScaleLevel(_Frozen):
    """One level of the five-level scale."""

    level: int = Field(ge=1, le=5)
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Criterion(_Frozen):
    """One rated criterion; ``overall`` is the one every rating must answer."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)
    required: bool = False


class PhonePolicy(_Frozen):
    """Whether a phone number is asked for (never required) and how long its hash is kept."""

    asked: bool = False
    retention_days: int = Field(default=90, ge=1, le=3650)


class FormDefinition(_Frozen):
    """A versioned rating form.

    Examples
    --------
    >>> form = parse_form(EXAMPLE_FORM, "example.yaml")
    >>> (form.key, [c.code for c in form.criteria], form.is_dissatisfied(2))
    ('default@1', ['overall', 'staff_attitude'], True)
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    version: int = Field(ge=1)
    province: str | None = None
    title: Label
    scale: tuple[ScaleLevel, ...]
    satisfied_levels: frozenset[int]
    dissatisfied_levels: frozenset[int]
    criteria: tuple[Criterion, ...]
    comment: Label
    phone: PhonePolicy = PhonePolicy()

    @model_validator(mode="after")
    def _consistent(self) -> FormDefinition:
        levels = sorted(level.level for level in self.scale)
        if levels != list(LEVELS):
            message = f"`scale` must list the levels 1 to 5 once each; got {levels}"
            raise ValueError(message)
        if not self.satisfied_levels or not self.dissatisfied_levels:
            message = "`satisfied_levels` and `dissatisfied_levels` must not be empty"
            raise ValueError(message)
        if self.satisfied_levels & self.dissatisfied_levels:
            message = "a level cannot be both satisfied and dissatisfied"
            raise ValueError(message)
        if not (self.satisfied_levels | self.dissatisfied_levels) <= set(LEVELS):
            message = "satisfied and dissatisfied levels must be among 1 to 5"
            raise ValueError(message)
        codes = [criterion.code for criterion in self.criteria]
        if len(set(codes)) != len(codes):
            message = f"criterion codes must be unique; got {codes}"
            raise ValueError(message)
        if not codes or codes[0] != "overall" or not self.criteria[0].required:
            message = "the first criterion must be `overall`, marked `required: true`"
            raise ValueError(message)
        return self

    @property
    def key(self) -> str:
        """``id@version``, the form version recorded with every rating."""
        return f"{self.id}@{self.version}"

    def is_satisfied(self, level: int) -> bool:
        """Whether ``level`` counts as satisfied under this form."""
        return level in self.satisfied_levels

    def is_dissatisfied(self, level: int) -> bool:
        """Whether ``level`` counts as a "dislike" (Decision 766, indicator 5.4)."""
        return level in self.dissatisfied_levels

    def check_answers(self, answers: Mapping[str, str | int | None]) -> dict[str, int]:
        """The answered levels by criterion code, or a :class:`SpecError` naming the field.

        Empty answers to optional criteria are left out; unknown codes are refused.

        Examples
        --------
        >>> form = parse_form(EXAMPLE_FORM, "example.yaml")
        >>> form.check_answers({"overall": "5", "staff_attitude": ""})
        {'overall': 5}
        """
        known = {criterion.code for criterion in self.criteria}
        unknown = sorted(set(answers) - known)
        if unknown:
            message = f"unknown criterion `{unknown[0]}` for form {self.key}"
            raise SpecError(message, where=unknown[0], found=unknown[0], expected=sorted(known))
        levels: dict[str, int] = {}
        for criterion in self.criteria:
            raw = answers.get(criterion.code)
            if raw is None or raw == "":
                if criterion.required:
                    message = f"criterion `{criterion.code}` must be answered"
                    raise SpecError(message, where=criterion.code, expected="a level 1 to 5")
                continue
            try:
                level = int(raw)
            except (TypeError, ValueError):
                level = 0
            if level not in LEVELS:
                message = f"criterion `{criterion.code}`: level must be 1 to 5; got {raw!r}"
                raise SpecError(message, where=criterion.code, found=raw, expected="1 to 5")
            levels[criterion.code] = level
        return levels


def parse_form(text: str, source: str) -> FormDefinition:
    """Validate a form definition's YAML text (``source`` names it in errors).

    Examples
    --------
    >>> parse_form("id: x", "bad.yaml")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: bad.yaml: the form definition is invalid (...)
    """
    try:
        document: Any = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        message = f"{source}: not valid YAML ({error})"
        raise SpecError(message, where=source) from None
    if not isinstance(document, dict):
        message = f"{source}: a form definition must be a mapping"
        raise SpecError(message, where=source, found=type(document).__name__)
    try:
        return FormDefinition.model_validate(document)
    except ValidationError as error:
        issues = [
            Issue(
                message=str(problem["msg"]),
                where=source,
                column=".".join(str(part) for part in problem["loc"]) or None,
            )
            for problem in error.errors()
        ]
        first = issues[0].describe()
        message = (
            f"{source}: the form definition is invalid ({len(issues)} problem(s); first: {first})"
        )
        raise SpecError(message, where=source, issues=issues) from None


EXAMPLE_FORM = """
id: default
version: 1
title: {vi: "Đánh giá", en: "Rating"}
scale:
  - {level: 5, vi: "Rất hài lòng", en: "Very satisfied"}
  - {level: 4, vi: "Hài lòng", en: "Satisfied"}
  - {level: 3, vi: "Bình thường", en: "Neutral"}
  - {level: 2, vi: "Không hài lòng", en: "Dissatisfied"}
  - {level: 1, vi: "Rất không hài lòng", en: "Very dissatisfied"}
satisfied_levels: [4, 5]
dissatisfied_levels: [1, 2]
criteria:
  - {code: overall, required: true, vi: "Chung", en: "Overall"}
  - {code: staff_attitude, vi: "Thái độ", en: "Attitude"}
comment: {vi: "Góp ý", en: "Comment"}
"""
"""A minimal form, used by the examples."""
