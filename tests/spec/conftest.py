"""Fixtures for the spec tests: the shipped spec's path and a small valid spec as plain data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SHIPPED_SPEC = Path(__file__).parents[2] / "specs" / "papi-2024.yaml"


def _name(english: str) -> dict[str, str]:
    return {"en": english, "vi": f"{english} (vi)"}


def _binary(item_id: str) -> dict[str, Any]:
    return {"id": item_id, "type": "binary", "label": _name(item_id)}


def _indicator(code: str, item: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": _name(f"indicator {code}"),
        "items": [item],
        "scoring": {"kind": "share", "values": [1]},
        "display": {"unit": "proportion"},
        "comparability_key": f"key-{code}",
        **extra,
    }


def _sub(code: str, members: list[str], low: float, high: float) -> dict[str, Any]:
    return {
        "code": code,
        "name": _name(f"sub-dimension {code}"),
        "scale": {"min": low, "max": high},
        "indicators": [{"indicator": member} for member in members],
        "comparability_key": f"sub-{code}",
    }


@pytest.fixture
def shipped_spec_path() -> Path:
    return SHIPPED_SPEC


@pytest.fixture
def minimal_spec() -> dict[str, Any]:
    """A valid two-dimension spec; each test gets a fresh copy to break as it likes."""
    return {
        "spec_version": "1.0",
        "index": {"code": "MINI", "year": 2024, "name": _name("Mini index")},
        "comparability": {"series": "mini"},
        "codebook": {"items": [_binary("q17"), _binary("q17a"), _binary("q_land_applied")]},
        "indicators": [
            _indicator("1.1.1", "q17"),
            _indicator("1.2.1", "q17a", direction="negative"),
            _indicator("2.1.1", "q17", applies_to={"item": "q_land_applied", "equals": 1}),
        ],
        "dimensions": [
            {
                "code": "D1",
                "name": _name("one"),
                "comparability_key": "one",
                "sub_dimensions": [_sub("1.1", ["1.1.1"], 0.5, 5), _sub("1.2", ["1.2.1"], 0.5, 5)],
            },
            {
                "code": "D2",
                "name": _name("two"),
                "comparability_key": "two",
                "sub_dimensions": [_sub("2.1", ["2.1.1"], 1, 10)],
            },
        ],
        "total": {"name": _name("total")},
        "weighted_totals": [
            {
                "code": "weighted",
                "name": _name("weighted"),
                "weights": [{"dimension": "D1", "weight": 2}, {"dimension": "D2", "weight": 0.5}],
            },
        ],
    }
