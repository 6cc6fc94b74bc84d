"""Read an index spec from YAML, check it completely, and write it back.

Every problem is collected (shape errors from every part, then cross-reference checks over
the parts that parsed) and raised together as one :class:`~govindex.errors.SpecError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from govindex.errors import Issue, SpecError
from govindex.spec._base import Bounds
from govindex.spec.checks import DimensionPart, SpecParts, check_references
from govindex.spec.codebook import Item
from govindex.spec.indicators import Indicator
from govindex.spec.issues import Location, issue, validation_issues
from govindex.spec.models import IndexSpec
from govindex.spec.structure import SubDimension, WeightedTotal

__all__ = [
    "SPEC_SIZE_VARIABLE",
    "dump_spec",
    "load_spec",
    "read_spec_bytes",
    "spec_from_dict",
    "spec_from_text",
    "spec_size_limit",
    "spec_to_dict",
]

#: Environment variable that raises (or lowers) the largest spec file read, in MB.
SPEC_SIZE_VARIABLE = "GOVINDEX_SPEC_MAX_MB"
# The 2024 PAPI spec is 0.14 MB; a hundred times that is still far below this limit, and a
# file beyond it is refused before a byte is parsed (YAML parsing takes minutes per 100 MB).
_DEFAULT_SPEC_MB = 16
# A spec is about six levels deep; these leave room for any hand-written YAML.
_MAXIMUM_FLOW_DEPTH = 100
_MAXIMUM_BLOCK_COLUMN = 400

Model = TypeVar("Model", bound=BaseModel)


try:  # libyaml's C parser reads the 2024 spec ten times faster than PyYAML's own
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _StrictLoader(_SafeLoader):
    """Safe YAML that records duplicate keys, which PyYAML would silently overwrite."""

    duplicates: list[tuple[str, int]]


def _construct_mapping(
    loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str | int | float) and key in seen:
            loader.duplicates.append((str(key), key_node.start_mark.line + 1))
        if isinstance(key, str | int | float):
            seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def spec_size_limit() -> int:
    """The largest spec file read, in bytes: ``$GOVINDEX_SPEC_MAX_MB`` MB, else 16 MB.

    Examples
    --------
    >>> spec_size_limit() >= 16 * 1024 * 1024 or bool(os.environ.get(SPEC_SIZE_VARIABLE))
    True
    """
    configured = os.environ.get(SPEC_SIZE_VARIABLE, "").strip()
    if not configured:
        return _DEFAULT_SPEC_MB * 1024 * 1024
    try:
        megabytes = float(configured)
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0:
        msg = f"${SPEC_SIZE_VARIABLE} must be a positive number of MB; found `{configured}`."
        raise SpecError(msg, where=SPEC_SIZE_VARIABLE, found=configured, expected="e.g. 64")
    return int(megabytes * 1024 * 1024)


def read_spec_bytes(path: str | Path) -> bytes:
    """The content of the spec file ``path``, refusing a missing file, a folder and a file
    larger than :func:`spec_size_limit` (checked before reading anything).

    Examples
    --------
    >>> read_spec_bytes(".")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: cannot read spec file `.`: it is a folder; expected a YAML file.
    """
    path = Path(path)
    if path.is_dir():
        msg = f"cannot read spec file `{path}`: it is a folder; expected a YAML file."
        raise SpecError(msg, where=str(path), found="a folder", expected="a YAML file")
    try:
        size = path.stat().st_size
    except OSError as error:
        msg = f"cannot read spec file `{path}`: {error.strerror or error}."
        raise SpecError(msg, where=str(path)) from error
    limit = spec_size_limit()
    if size > limit:
        msg = (
            f"spec file `{path}` is {size / 1048576:.1f} MB, more than the limit of "
            f"{limit / 1048576:g} MB for a spec."
        )
        raise SpecError(
            msg,
            where=str(path),
            found=f"{size} bytes",
            expected=f"at most {limit} bytes",
            hint=f"if this really is a spec, raise the limit: {SPEC_SIZE_VARIABLE}=<MB>.",
        )
    try:
        return path.read_bytes()
    except OSError as error:
        msg = f"cannot read spec file `{path}`: {error.strerror or error}."
        raise SpecError(msg, where=str(path)) from error


def load_spec(path: str | Path) -> IndexSpec:
    """Read and check the index spec at ``path``.

    Raises
    ------
    SpecError
        With one :class:`~govindex.errors.Issue` per problem found, each located as
        ``<file>: <path in the spec>``.

    Examples
    --------
    >>> spec = load_spec("specs/papi-2024.yaml")
    >>> spec.index.year
    2024
    """
    path = Path(path)
    try:
        text = read_spec_bytes(path).decode("utf-8")
    except UnicodeDecodeError as error:
        msg = f"cannot read spec file `{path}`: {error}"
        raise SpecError(msg, where=str(path)) from error
    return spec_from_text(text, source=path.name)


def spec_from_text(text: str, *, source: str = "<spec>") -> IndexSpec:
    """Parse and check a spec given as YAML text; ``source`` names it in every message.

    Examples
    --------
    >>> spec_from_text("spec_version: [", source="broken.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: `broken.yaml` is not valid YAML: ...
    """
    _refuse_deep_nesting(text, source)
    loader = _StrictLoader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as error:
        msg = f"`{source}` is not valid YAML: {error}"
        raise SpecError(
            msg, where=source, hint="check indentation and quoting near the mark shown"
        ) from error
    except RecursionError as error:
        # Python builds nested YAML recursively; a spec is a few levels deep.
        msg = f"`{source}` nests lists or mappings too deeply to be a spec."
        raise SpecError(
            msg, where=source, found="nesting deeper than Python's recursion limit"
        ) from error
    finally:
        loader.dispose()
    duplicates = [
        Issue(
            message=f"key `{key}` appears twice in one mapping; the first value would be lost",
            where=f"{source}: line {line}",
        )
        for key, line in loader.duplicates
    ]
    return spec_from_dict(data, source=source, extra_issues=duplicates)


def _refuse_deep_nesting(text: str, source: str) -> None:
    """Refuse YAML nested far deeper than any spec, before libyaml sees it.

    libyaml's C composer recurses once per level without Python's recursion check, so a
    file of a hundred thousand ``[`` crashes the interpreter instead of raising. Flow
    nesting is the running count of open brackets; block nesting needs a column per level
    (``- - - x`` included), so the deepest content column bounds it.
    """
    import numpy as np

    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    change = np.isin(raw, (ord("["), ord("{"))).astype(np.int64)
    change -= np.isin(raw, (ord("]"), ord("}")))
    flow = int(np.cumsum(change).max(initial=0))
    block = max((len(line) - len(line.lstrip(" -?:")) for line in text.splitlines()), default=0)
    if flow > _MAXIMUM_FLOW_DEPTH or block > _MAXIMUM_BLOCK_COLUMN:
        found = (
            f"{flow} levels of brackets"
            if flow > _MAXIMUM_FLOW_DEPTH
            else f"content at column {block}"
        )
        msg = (
            f"`{source}` nests lists or mappings far too deeply to be a spec ({found}; "
            f"at most {_MAXIMUM_FLOW_DEPTH} levels and column {_MAXIMUM_BLOCK_COLUMN})."
        )
        raise SpecError(msg, where=source, found=found)


def spec_from_dict(
    data: object, *, source: str = "<spec>", extra_issues: list[Issue] | None = None
) -> IndexSpec:
    """Check a spec given as plain data (as YAML or JSON would load it) and build it.

    Examples
    --------
    >>> spec_from_dict({"spec_version": "1"}, source="mini.yaml")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: `mini.yaml` is not a valid index spec: 6 problems found
    """
    issues = list(extra_issues or ())
    if not isinstance(data, Mapping):
        msg = f"`{source}` must hold a mapping of spec keys at the top level (found {type(data).__name__})"
        raise SpecError(msg, where=source, found=type(data).__name__)
    spec: IndexSpec | None = None
    try:
        spec = IndexSpec.model_validate(data)
    except ValidationError as error:
        issues.extend(validation_issues(error, data, source))
    except (RecursionError, ValueError, TypeError) as error:  # self-referencing YAML anchors
        issues.append(issue(source, (), f"the spec cannot be read as data: {error}"))

    def report(location: Location, message: str) -> None:
        issues.append(issue(source, location, message))

    check_references(_parts_of(spec) if spec is not None else _salvage(data), report)
    if issues or spec is None:
        count = len(issues)
        msg = f"`{source}` is not a valid index spec: {count} problem{'s' if count != 1 else ''} found"
        raise SpecError(msg, where=source, issues=issues)
    return spec


def spec_to_dict(spec: IndexSpec) -> dict[str, Any]:
    """The spec as plain data, keyed as in YAML; :func:`spec_from_dict` reads it back equal.

    Examples
    --------
    >>> spec_to_dict(load_spec("specs/papi-2024.yaml"))["index"]["year"]
    2024
    """
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True)


def dump_spec(spec: IndexSpec) -> str:
    """The spec as YAML text (comments of the original file are not kept)."""
    return yaml.safe_dump(spec_to_dict(spec), allow_unicode=True, sort_keys=False, width=100)


# ---------------------------------------------------------------------------- parts
def _parts_of(spec: IndexSpec) -> SpecParts:
    dimensions = tuple(
        DimensionPart(
            location=("dimensions", index),
            code=dimension.code,
            scale=dimension.scale,
            sub_dimension_count=len(dimension.sub_dimensions),
            sub_dimensions=tuple(
                (("dimensions", index, "sub_dimensions", position), sub)
                for position, sub in enumerate(dimension.sub_dimensions)
            ),
            aggregation=dimension.aggregation,
        )
        for index, dimension in enumerate(spec.dimensions)
    )
    return SpecParts(
        items=tuple((("codebook", "items", i), item) for i, item in enumerate(spec.codebook.items)),
        item_ids=frozenset(item.id for item in spec.codebook.items),
        indicators=tuple(
            (("indicators", i), indicator) for i, indicator in enumerate(spec.indicators)
        ),
        indicator_codes=frozenset(indicator.code for indicator in spec.indicators),
        dimensions=dimensions,
        dimension_codes=frozenset(dimension.code for dimension in spec.dimensions),
        weighted_totals=tuple(
            (("weighted_totals", i), total) for i, total in enumerate(spec.weighted_totals)
        ),
    )


def _entries(data: object, *keys: str) -> list[tuple[int, Any]]:
    node = data
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return list(enumerate(node)) if isinstance(node, list) else []


def _parse(model: type[Model], raw: object) -> Model | None:
    try:
        return model.model_validate(raw)
    except (ValidationError, RecursionError, ValueError, TypeError):
        return None


def _name(raw: object, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, Mapping) else None
    return value if isinstance(value, str) else None


def _located(model: type[Model], data: object, *keys: str) -> tuple[tuple[Location, Model], ...]:
    located: list[tuple[Location, Model]] = []
    for index, raw in _entries(data, *keys):
        part = _parse(model, raw)
        if part is not None:
            located.append(((*keys, index), part))
    return tuple(located)


def _salvage(data: object) -> SpecParts:
    """The parts of a spec that parse on their own, when the whole does not."""
    dimensions = []
    for index, raw in _entries(data, "dimensions"):
        scale_raw = raw.get("scale", {"min": 1, "max": 10}) if isinstance(raw, Mapping) else None
        dimensions.append(
            DimensionPart(
                location=("dimensions", index),
                code=_name(raw, "code"),
                scale=_parse(Bounds, scale_raw),
                sub_dimension_count=len(_entries(raw, "sub_dimensions")),
                sub_dimensions=tuple(
                    (("dimensions", index, *location), sub)
                    for location, sub in _located(SubDimension, raw, "sub_dimensions")
                ),
                aggregation=_name(raw, "aggregation") or "sum",
            )
        )
    return SpecParts(
        items=_located(Item, data, "codebook", "items"),
        item_ids=frozenset(
            filter(None, (_name(raw, "id") for _, raw in _entries(data, "codebook", "items")))
        ),
        indicators=_located(Indicator, data, "indicators"),
        indicator_codes=frozenset(
            filter(None, (_name(raw, "code") for _, raw in _entries(data, "indicators")))
        ),
        dimensions=tuple(dimensions),
        dimension_codes=frozenset(part.code for part in dimensions if part.code is not None),
        weighted_totals=_located(WeightedTotal, data, "weighted_totals"),
    )
