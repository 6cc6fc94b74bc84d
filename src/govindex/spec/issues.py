"""Turn validation failures into :class:`~govindex.errors.Issue` rows located by spec path.

Paths read like the YAML: ``dimensions[2].sub_dimensions[0].indicators[1].weight``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from govindex.errors import Issue

__all__ = ["format_path", "issue", "suggest", "validation_issues"]

Location = Sequence[int | str]


def format_path(location: Location) -> str:
    """Render a location as ``indicators[12].items[0]``.

    Examples
    --------
    >>> format_path(("indicators", 12, "items", 0))
    'indicators[12].items[0]'
    """
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def issue(source: str, location: Location, message: str, found: Any = None) -> Issue:
    """One issue at ``location`` of the spec read from ``source``."""
    path = format_path(location)
    where = f"{source}: {path}" if path else source
    return Issue(message=message, where=where, found=found)


def suggest(name: str, known: Iterable[str]) -> str:
    """A parenthesised hint naming the closest known names (or how many there are).

    Examples
    --------
    >>> suggest("q17b", ["q17", "q17a", "q99"])
    "(known: 'q17', 'q17a', 'q99')"
    """
    options = sorted(set(known))
    if len(options) <= 5:
        listed = ", ".join(repr(option) for option in options)
        return f"(known: {listed})" if listed else "(none are defined)"
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.6)
    if close:
        return "(did you mean " + " or ".join(repr(option) for option in close) + "?)"
    return f"({len(options)} are defined; none is close)"


def _resolve(data: Any, location: Location) -> tuple[list[int | str], Any]:
    """Follow ``location`` through the raw data, dropping pydantic's union tags.

    Pydantic inserts the discriminator value into locations of tagged unions
    (``scoring.share.values``); the YAML has no such level, so those parts are skipped.
    A final part that is absent from a mapping is a missing or unknown key and is kept.
    """
    path: list[int | str] = []
    node = data
    for position, part in enumerate(location):
        last = position == len(location) - 1
        in_mapping = isinstance(node, Mapping) and part in node
        in_sequence = (
            isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node)
        )
        if in_mapping or in_sequence:
            node = node[part]
            path.append(part)
        elif isinstance(node, Mapping) and last and part != "[key]":
            path.append(part)
            node = None
        else:
            continue
    return path, node


def _message(error: Mapping[str, Any], path: Sequence[int | str]) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    found = error.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return f"unknown key `{path[-1]}`" if path else "unknown key"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        symbol = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        bound = next(iter(context.values()), "?")
        shown = f"{bound:g}" if isinstance(bound, int | float) else bound
        return f"must be {symbol} {shown} (found {found!r})"
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '?')} (found {found!r})"
    if kind == "union_tag_invalid":
        return f"unknown `kind` {context.get('tag')!r} (options: {context.get('expected_tags')})"
    if kind == "union_tag_not_found":
        return "needs a `kind` key"
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    message = str(error["msg"])
    return message[:1].lower() + message[1:]


def validation_issues(
    error: ValidationError, data: Any, source: str, prefix: Location = ()
) -> list[Issue]:
    """Every error pydantic found, one issue each, located in the raw ``data``."""
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    errors = error.errors(include_url=False)
    # Pydantic checks a tuple's length on the entries that validated, so one bad entry
    # also yields "too short"; that is noise when the container holds a located error.
    inner = {
        tuple(details["loc"][:depth]) for details in errors for depth in range(len(details["loc"]))
    }
    for details in errors:
        if details["type"] == "too_short" and tuple(details["loc"]) in inner:
            continue
        path, _ = _resolve(data, details["loc"])
        message = _message(details, path)
        key = (format_path(path), message)
        if key in seen:
            continue
        seen.add(key)
        found = details.get("input") if details["type"] != "missing" else None
        if isinstance(found, Mapping | list):
            found = None  # whole sub-trees make unreadable issues; the path says enough
        issues.append(issue(source, (*prefix, *path), message, found=found))
    return issues
