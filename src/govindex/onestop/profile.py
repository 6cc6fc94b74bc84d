"""The Decision 766 index as a versioned, declarative profile (YAML validated by pydantic).

A profile names its groups and indicators with maxima, the SQL expressions of each ratio's
numerator and denominator over the fact columns of :mod:`govindex.onestop.facts`, a score
rule, and named options for the rules the sources give in two versions. Resolving a profile
applies its chosen options and yields the indicators exactly as computed; the options are
recorded with every result.

Examples
--------
>>> profile = shipped_profile()
>>> (profile.profile, profile.version, sum(group.max for group in profile.groups))
('qd766-dvcqg', '2026.1', 100.0)
>>> resolved = profile.resolve()
>>> resolved.indicator("5.4").numerator
'1 - CAST(late AS INTEGER) - CAST(has_petition AS INTEGER) - CAST(disliked AS INTEGER)'
>>> profile.resolve({"satisfaction_766": "union"}).indicator("5.4").measure
'count'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import sqlglot
import sqlglot.expressions as sql
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govindex.errors import Issue, SpecError
from govindex.onestop.facts import FACT_COLUMNS
from govindex.onestop.records import AGENCY_LEVELS

__all__ = [
    "NOT_APPLICABLE_AWARDS",
    "Band",
    "Group",
    "IndicatorDefinition",
    "Profile",
    "ResolvedIndicator",
    "ResolvedProfile",
    "ScoreRule",
    "parse_profile",
    "shipped_profile",
]

_SHIPPED = "qd766-dvcqg-2026.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScoreRule(_Frozen):
    """How a ratio becomes points: ``linear`` = max·r; ``capped_linear`` = min(max, max·r/t).

    ``on_empty`` says what a unit with no denominator gets: ``null`` (the default; never 0),
    ``full`` or ``zero`` points. Ratios are clamped to [0, 1] before scoring.
    """

    kind: Literal["linear", "capped_linear"]
    threshold: float = Field(default=1.0, gt=0, le=1)
    on_empty: Literal["null", "full", "zero"] = "null"

    def score(self, ratio: float | None, maximum: float) -> float | None:
        """Points for ``ratio``.

        Examples
        --------
        >>> ScoreRule(kind="capped_linear", threshold=0.9).score(0.981, 6)
        6.0
        >>> ScoreRule(kind="linear").score(None, 20) is None
        True
        """
        if ratio is None:
            return {"null": None, "full": float(maximum), "zero": 0.0}[self.on_empty]
        clamped = min(1.0, max(0.0, ratio))
        if self.kind == "linear":
            return float(maximum * clamped)
        return float(min(maximum, maximum * clamped / self.threshold))


class _Variant(_Frozen):
    numerator: str | None = None
    denominator: str | None = None
    measure: Literal["count", "sum"] | None = None
    rule: ScoreRule | None = None


class IndicatorDefinition(_Frozen):
    """One indicator as declared: maximum, ratio expressions, score rule and variants."""

    code: str
    metric: str
    name_vi: str
    name_en: str
    max: float = Field(ge=0)
    source: Literal["dossiers", "petitions", "publications", "unavailable"]
    reason: str | None = None
    count: Literal["dossiers", "procedures"] = "dossiers"
    numerator: str | None = None
    denominator: str | None = None
    measure: Literal["count", "sum"] = "count"
    rule: ScoreRule | None = None
    option: str | None = None
    variants: dict[str, _Variant] = Field(default_factory=dict)
    not_applicable_at: tuple[str, ...] = ()


class Group(_Frozen):
    """A group of indicators; its maximum is the sum of theirs."""

    code: str
    name_vi: str
    name_en: str
    max: float = Field(ge=0)
    indicators: tuple[IndicatorDefinition, ...]


class Band(_Frozen):
    """A named band (Tốt, Khá, …) from ``min`` points up to the next band."""

    code: str
    name_vi: str
    name_en: str
    min: float


@dataclass(frozen=True)
class ResolvedIndicator:
    """An indicator with its options applied: what the engines compute."""

    code: str
    metric: str
    group: str
    name_vi: str
    name_en: str
    max: float
    source: str
    count: str
    numerator: str | None
    denominator: str | None
    measure: str
    rule: ScoreRule | None
    reason: str | None
    not_applicable_at: tuple[str, ...] = ()


#: How a unit is scored on an indicator that does not apply at its level (§7.3 case 19):
#: ``exclude`` awards nothing and leaves the points out of the unit's coverage, ``full``
#: awards the indicator's maximum.
NOT_APPLICABLE_AWARDS = ("exclude", "full")


@dataclass(frozen=True)
class ResolvedProfile:
    """The profile with every option fixed; ``edition`` names it in results."""

    profile: str
    version: str
    options: tuple[tuple[str, str], ...]
    indicators: tuple[ResolvedIndicator, ...]
    groups: tuple[Group, ...]
    bands: tuple[Band, ...]

    @property
    def edition(self) -> str:
        """``profile@version`` followed by the options used.

        Examples
        --------
        >>> shipped_profile().resolve().edition.split(";")[0]
        'qd766-dvcqg@2026.1'
        """
        chosen = ",".join(f"{name}={value}" for name, value in self.options)
        return f"{self.profile}@{self.version};{chosen}"

    def indicator(self, code: str) -> ResolvedIndicator:
        """The indicator with ``code``."""
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        msg = f"no indicator `{code}` in profile {self.profile}"
        raise SpecError(
            msg, where="indicator", found=code, expected=[i.code for i in self.indicators]
        )

    @property
    def not_applicable_award(self) -> str:
        """The ``not_applicable_award`` option (``exclude`` when the profile does not name it).

        Examples
        --------
        >>> shipped_profile().resolve({"not_applicable_award": "exclude"}).not_applicable_award
        'exclude'
        """
        return dict(self.options).get("not_applicable_award", "exclude")

    def computed(self, source: str) -> tuple[ResolvedIndicator, ...]:
        """The indicators computed from ``source`` records (dossiers or petitions)."""
        return tuple(i for i in self.indicators if i.source == source)

    def band(self, total: float | None) -> str | None:
        """The band code of a total.

        Examples
        --------
        >>> shipped_profile().resolve().band(83.8)
        'good'
        """
        if total is None:
            return None
        for band in sorted(self.bands, key=lambda band: -band.min):
            if round(total, 9) >= band.min:
                return band.code
        return None


class Profile(_Frozen):
    """A versioned declarative profile of the 766 index."""

    profile: str
    version: str
    name_vi: str
    name_en: str
    options: dict[str, str] = Field(default_factory=dict)
    bands: tuple[Band, ...]
    groups: tuple[Group, ...]

    def resolve(self, choices: Mapping[str, str] | None = None) -> ResolvedProfile:
        """Apply the profile's options, overridden by ``choices``."""
        options = dict(self.options)
        for name, value in (choices or {}).items():
            if name not in options:
                msg = f"unknown option `{name}` of profile {self.profile}"
                raise SpecError(msg, where=f"options.{name}", found=name, expected=sorted(options))
            options[name] = value
        award = options.get("not_applicable_award", "exclude")
        if award not in NOT_APPLICABLE_AWARDS:
            msg = f"option `not_applicable_award` of profile {self.profile} cannot be `{award}`"
            raise SpecError(
                msg,
                where="options.not_applicable_award",
                found=award,
                expected=list(NOT_APPLICABLE_AWARDS),
            )
        resolved: list[ResolvedIndicator] = []
        for group in self.groups:
            for item in group.indicators:
                variant = _Variant()
                if item.option is not None:
                    chosen = options[item.option]
                    allowed = {self.options[item.option], *item.variants}
                    if chosen not in allowed:
                        msg = (
                            f"option `{item.option}` of indicator {item.code} cannot be `{chosen}`"
                        )
                        raise SpecError(
                            msg,
                            where=f"options.{item.option}",
                            found=chosen,
                            expected=sorted(allowed),
                        )
                    variant = item.variants.get(chosen, _Variant())
                resolved.append(
                    ResolvedIndicator(
                        code=item.code,
                        metric=item.metric,
                        group=group.code,
                        name_vi=item.name_vi,
                        name_en=item.name_en,
                        max=item.max,
                        source=item.source,
                        count=item.count,
                        numerator=variant.numerator or item.numerator,
                        denominator=variant.denominator or item.denominator,
                        measure=variant.measure or item.measure,
                        rule=variant.rule or item.rule,
                        reason=item.reason,
                        not_applicable_at=item.not_applicable_at,
                    )
                )
        return ResolvedProfile(
            self.profile,
            self.version,
            tuple(sorted(options.items())),
            tuple(resolved),
            self.groups,
            self.bands,
        )


def _expression_issues(text: str | None, source: str, where: str) -> list[Issue]:
    if text is None:
        return [Issue("an expression is required", where=where)]
    try:
        parsed = sqlglot.parse_one(text, dialect="duckdb")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as error:
        return [
            Issue(
                f"not a valid SQL expression: {str(error).splitlines()[0]}", where=where, found=text
            )
        ]
    if parsed is None or isinstance(parsed, sql.Query | sql.DDL | sql.DML | sql.Command):
        return [Issue("must be one SQL expression over fact columns", where=where, found=text)]
    known = FACT_COLUMNS[source]
    issues = []
    for column in parsed.find_all(sql.Column):
        if column.table or column.name not in known:
            issues.append(
                Issue(
                    f"unknown fact column `{column.sql()}`",
                    where=where,
                    found=column.sql(),
                    expected=", ".join(sorted(known)),
                )
            )
    if any(True for _ in parsed.find_all(sql.Subquery, sql.Select, sql.AggFunc)):
        issues.append(Issue("aggregates and subqueries are not allowed", where=where, found=text))
    return issues


def _check(profile: Profile, source: str) -> list[Issue]:
    issues: list[Issue] = []
    # Refused when the file is read, naming it, not later when the profile is resolved.
    award = profile.options.get("not_applicable_award", "exclude")
    if award not in NOT_APPLICABLE_AWARDS:
        issues.append(
            Issue(
                f"option `not_applicable_award` cannot be `{award}`",
                where=f"{source}: options.not_applicable_award",
                found=award,
                expected=list(NOT_APPLICABLE_AWARDS),
            )
        )
    codes: set[str] = set()
    for g, group in enumerate(profile.groups):
        total = sum(item.max for item in group.indicators)
        if abs(total - group.max) > 1e-9:
            issues.append(
                Issue(
                    f"indicator maxima add up to {total:g}, not the group's {group.max:g}",
                    where=f"{source}: groups[{g}].max",
                    found=group.max,
                    expected=total,
                )
            )
        for i, item in enumerate(group.indicators):
            where = f"{source}: groups[{g}].indicators[{i}]"
            if item.code in codes:
                issues.append(Issue(f"indicator code `{item.code}` is used twice", where=where))
            codes.add(item.code)
            for level in item.not_applicable_at:
                if level not in AGENCY_LEVELS:
                    issues.append(
                        Issue(
                            f"unknown agency level `{level}`",
                            where=f"{where}.not_applicable_at",
                            found=level,
                            expected=", ".join(AGENCY_LEVELS),
                        )
                    )
            if item.source == "unavailable":
                if not item.reason:
                    issues.append(
                        Issue("an unavailable indicator must say why", where=f"{where}.reason")
                    )
                continue
            if item.rule is None:
                issues.append(Issue("a score rule is required", where=f"{where}.rule"))
            if item.option is not None and item.option not in profile.options:
                issues.append(
                    Issue(
                        f"unknown option `{item.option}`",
                        where=f"{where}.option",
                        expected=sorted(profile.options),
                    )
                )
            for field in ("numerator", "denominator"):
                issues += _expression_issues(getattr(item, field), item.source, f"{where}.{field}")
            for name, variant in item.variants.items():
                for field in ("numerator", "denominator"):
                    text = getattr(variant, field)
                    if text is not None:
                        issues += _expression_issues(
                            text, item.source, f"{where}.variants.{name}.{field}"
                        )
    return issues


def parse_profile(text: str, source: str = "<profile>") -> Profile:
    """Parse and check a profile from YAML text; every problem is reported with its path.

    Examples
    --------
    >>> parse_profile("profile: x\\n", "p.yaml")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: p.yaml: the profile is invalid (5 problems)
    """
    try:
        data: Any = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        msg = f"{source}: not valid YAML: {str(error).splitlines()[0]}"
        raise SpecError(msg, where=source) from error
    if not isinstance(data, dict):
        msg = f"{source}: a profile must be a mapping"
        raise SpecError(msg, where=source, found=type(data).__name__, expected="mapping")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        issues = [
            Issue(
                detail["msg"], where=f"{source}: " + ".".join(str(part) for part in detail["loc"])
            )
            for detail in error.errors()
        ]
        msg = f"{source}: the profile is invalid ({len(issues)} problem{'s' if len(issues) > 1 else ''})"
        raise SpecError(msg, where=source, issues=issues) from None
    problems = _check(profile, source)
    if problems:
        msg = f"{source}: the profile is invalid ({len(problems)} problem{'s' if len(problems) > 1 else ''})"
        raise SpecError(msg, where=source, issues=problems)
    return profile


def shipped_profile(name: str = _SHIPPED) -> Profile:
    """A profile shipped with govindex (package data)."""
    text = (
        resources.files("govindex.onestop").joinpath("profiles", name).read_text(encoding="utf-8")
    )
    return parse_profile(text, name)
