"""Check a rubric given as YAML text or plain data, completely, and build it.

Every problem is collected — shape errors from pydantic, then the arithmetic of the tree
(children's maxima add up to their parent's), unique codes, rule points within their leaf's
maximum and ordered groups — and raised together as one :class:`~govindex.errors.SpecError`
whose issues each read ``<file>: <path>: <message>``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from govindex.errors import Issue, SpecError
from govindex.rubric.models import Rubric
from govindex.spec.issues import Location, format_path, issue, validation_issues

__all__ = ["SUM_TOLERANCE", "rubric_from_dict", "rubric_from_yaml"]

SUM_TOLERANCE = 1e-9
"""Largest difference allowed between a parent's maximum and the sum of its children's."""

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Report = Callable[[Location, str], None]


def rubric_from_yaml(text: str, *, source: str = "<rubric>") -> Rubric:
    """Parse YAML ``text`` (read from ``source``) into a checked rubric.

    Examples
    --------
    >>> rubric_from_yaml("rubric_version: '1'", source="mini.yaml")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: `mini.yaml` is not a valid rubric: 3 problems found
    """
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        msg = f"`{source}` is not valid YAML: {error}"
        raise SpecError(
            msg, where=source, hint="check indentation and quoting near the mark shown"
        ) from error
    return rubric_from_dict(data, source=source)


def rubric_from_dict(data: object, *, source: str = "<rubric>") -> Rubric:
    """Check a rubric given as plain data and build it; every problem in one error.

    Examples
    --------
    >>> try:
    ...     rubric_from_dict({"rubric_version": "1", "rubric": {"id": "x", "version": "1",
    ...         "title": {"vi": "x", "en": "x"}, "basis": "x", "max_points": 3},
    ...         "groups": [{"code": "A", "at_least": 0}],
    ...         "areas": [{"code": "1", "name": {"vi": "a", "en": "a"}, "max_points": 3,
    ...                    "criteria": [{"code": "1.1", "name": {"vi": "b", "en": "b"},
    ...                                  "max_points": 4, "rule": {"kind": "judgement"}}]}]},
    ...         source="x.yaml")
    ... except SpecError as error:
    ...     print(error.issues[0].describe())
    x.yaml: areas[0]: the criteria's maxima add up to 4, not the area's 3
    """
    if not isinstance(data, Mapping):
        msg = f"`{source}` must hold a mapping of rubric keys at the top level (found {type(data).__name__})"
        raise SpecError(msg, where=source, found=type(data).__name__)
    issues: list[Issue] = []
    rubric: Rubric | None = None
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as error:
        issues.extend(validation_issues(error, data, source))
    except (RecursionError, ValueError, TypeError) as error:
        issues.append(issue(source, (), f"the rubric cannot be read as data: {error}"))

    def report(location: Location, message: str) -> None:
        issues.append(issue(source, location, message))

    _check_tree(data, report)
    _check_groups(data, report)
    if issues or rubric is None:
        count = len(issues)
        msg = f"`{source}` is not a valid rubric: {count} problem{'s' if count != 1 else ''} found"
        raise SpecError(msg, where=source, issues=issues)
    return rubric


# ------------------------------------------------------------------ checks on the raw data
# They read the raw mapping, so a tree whose shape fails elsewhere is still checked.
def _number(node: object, key: str) -> float | None:
    value = node.get(key) if isinstance(node, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _children(node: object, key: str) -> list[tuple[int, Any]]:
    value = node.get(key) if isinstance(node, Mapping) else None
    return list(enumerate(value)) if isinstance(value, list) else []


def _check_sum(
    node: object, location: Location, key: str, label: str, parent: str, report: Report
) -> None:
    maximum = _number(node, "max_points")
    children = [_number(child, "max_points") for _, child in _children(node, key)]
    if maximum is None or not children or any(value is None for value in children):
        return
    total = sum(value for value in children if value is not None)
    if abs(total - maximum) > SUM_TOLERANCE:
        report(location, f"the {label} maxima add up to {total:g}, not the {parent}'s {maximum:g}")


def _check_tree(data: Mapping[str, Any], report: Report) -> None:
    identity = data.get("rubric")
    total = _number(identity, "max_points")
    areas = [_number(area, "max_points") for _, area in _children(data, "areas")]
    if total is not None and areas and all(value is not None for value in areas):
        summed = sum(value for value in areas if value is not None)
        if abs(summed - total) > SUM_TOLERANCE:
            report(
                ("rubric", "max_points"), f"the areas' maxima add up to {summed:g}, not {total:g}"
            )
    seen: dict[str, Location] = {}
    for area_index, area in _children(data, "areas"):
        area_location: Location = ("areas", area_index)
        _check_code(area, area_location, seen, report)
        _check_sum(area, area_location, "criteria", "criteria's", "area", report)
        for criterion_index, criterion in _children(area, "criteria"):
            criterion_location: Location = (*area_location, "criteria", criterion_index)
            _check_code(criterion, criterion_location, seen, report)
            _check_sum(
                criterion, criterion_location, "sub_criteria", "sub-criteria's", "criterion", report
            )
            _check_rule(criterion, criterion_location, report)
            for sub_index, sub in _children(criterion, "sub_criteria"):
                sub_location: Location = (*criterion_location, "sub_criteria", sub_index)
                _check_code(sub, sub_location, seen, report)
                _check_rule(sub, sub_location, report)


def _check_code(
    node: object, location: Location, seen: dict[str, Location], report: Report
) -> None:
    code = node.get("code") if isinstance(node, Mapping) else None
    if not isinstance(code, str):
        return
    if code in seen:
        report((*location, "code"), f"code {code!r} is already used at {format_path(seen[code])}")
    else:
        seen[code] = location


def _check_rule(node: object, location: Location, report: Report) -> None:
    rule = node.get("rule") if isinstance(node, Mapping) else None
    maximum = _number(node, "max_points")
    if not isinstance(rule, Mapping) or maximum is None:
        return
    for key in ("otherwise", "minimum"):
        value = _number(rule, key)
        if value is not None and value > maximum + SUM_TOLERANCE:
            report((*location, "rule", key), f"{value:g} points exceed the maximum {maximum:g}")
    for step_index, step in _children(rule, "steps"):
        value = _number(step, "points")
        if value is not None and value > maximum + SUM_TOLERANCE:
            report(
                (*location, "rule", "steps", step_index, "points"),
                f"{value:g} points exceed the maximum {maximum:g}",
            )


def _check_groups(data: Mapping[str, Any], report: Report) -> None:
    bounds = [(index, _number(group, "at_least")) for index, group in _children(data, "groups")]
    known = [(index, value) for index, value in bounds if value is not None]
    for (_, earlier), (index, later) in itertools.pairwise(known):
        if later >= earlier:
            report(
                ("groups", index, "at_least"),
                f"groups must go from the best down: {later:g} is not below {earlier:g}",
            )
    if known and len(known) == len(bounds) and known[-1][1] != 0:
        report(
            ("groups", known[-1][0], "at_least"),
            "the last group must start at 0 so every province has a group",
        )
