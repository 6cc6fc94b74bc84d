"""Random damage to the shipped spec must only ever raise SpecError."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex.errors import SpecError
from govindex.spec import IndexSpec, spec_from_dict

SHIPPED_SPEC = Path(__file__).parents[2] / "specs" / "papi-2024.yaml"

WRONG_VALUES = st.sampled_from(
    [
        None,
        True,
        -1,
        0,
        1.5,
        float("nan"),
        float("inf"),
        "",
        "q17b",
        "9.9.9",
        "D9",
        [],
        [1, "x"],
        {},
        {"kind": "x"},
        {"item": "nope", "equals": 1},
    ]
)


@functools.cache
def _shipped_json() -> str:
    return json.dumps(yaml.safe_load(SHIPPED_SPEC.read_text(encoding="utf-8")))


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every mapping and list in the tree."""
    found = [path]
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        if isinstance(child, dict | list):
            found.extend(_containers(child, (*path, key)))
    return found


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


@st.composite
def damaged_specs(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_shipped_json())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        containers = _containers(data)
        target = _at(data, draw(st.sampled_from(containers)))
        keys = list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["delete", "replace", "duplicate", "rename"]))
        if action == "delete":
            del target[key]
        elif action == "replace":
            # A copy: the strategy's lists and mappings are shared by every example, and a
            # later damage to this spot must not change what the next example draws.
            target[key] = copy.deepcopy(draw(WRONG_VALUES))
        elif action == "duplicate" and isinstance(target, list):
            target.append(copy.deepcopy(target[key]))
        elif action == "rename" and isinstance(target, dict):
            target[f"{key}_typo"] = target.pop(key)
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_specs())
def test_damaged_specs_raise_only_spec_error(data: dict[str, Any]) -> None:
    try:
        spec = spec_from_dict(data, source="fuzz.yaml")
    except SpecError as error:
        issues = error.issues
    else:
        assert isinstance(spec, IndexSpec)
        return
    assert issues
    for issue in issues:
        assert issue.where is not None
        assert issue.where.startswith("fuzz.yaml")
        issue.describe()


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=20,
    )
)
@settings(max_examples=60, deadline=None)
def test_arbitrary_data_raises_only_spec_error(data: Any) -> None:
    with contextlib.suppress(SpecError):
        spec_from_dict(data)
