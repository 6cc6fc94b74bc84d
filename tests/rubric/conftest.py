"""A small rubric with every rule kind, whose points are computed by hand in the tests."""

from __future__ import annotations

from typing import Any

import pytest

from govindex.rubric import Rubric, rubric_from_dict


def _name(text: str) -> dict[str, str]:
    return {"vi": text, "en": text}


def small_rubric_data() -> dict[str, Any]:
    """Two areas, 20 points: area 1 (12) = 1.1 (4: target 2 + completion 2) + 1.2 steps 3
    + 1.3 deduction 2 + 1.4 judgement 3; area 2 (8) = 2.1 survey 5 + 2.2 completion 3."""
    return {
        "rubric_version": "1",
        "rubric": {
            "id": "small",
            "version": "1",
            "title": _name("Small rubric"),
            "basis": "test rubric",
            "max_points": 20,
        },
        "groups": [
            {"code": "A", "at_least": 90},
            {"code": "B", "at_least": 80},
            {"code": "C", "at_least": 0},
        ],
        "areas": [
            {
                "code": "1",
                "name": _name("Area one"),
                "max_points": 12,
                "criteria": [
                    {
                        "code": "1.1",
                        "name": _name("Plan"),
                        "max_points": 4,
                        "sub_criteria": [
                            {
                                "code": "1.1.1",
                                "name": _name("On time"),
                                "max_points": 2,
                                "rule": {"kind": "target", "target": 1},
                            },
                            {
                                "code": "1.1.2",
                                "name": _name("Tasks done"),
                                "max_points": 2,
                                "rule": {"kind": "completion", "floor": 80, "cap": 100},
                            },
                        ],
                    },
                    {
                        "code": "1.2",
                        "name": _name("Inspection"),
                        "max_points": 3,
                        "rule": {
                            "kind": "steps",
                            "steps": [
                                {"threshold": 30, "points": 3},
                                {"threshold": 20, "points": 1.5},
                            ],
                        },
                    },
                    {
                        "code": "1.3",
                        "name": _name("Reports"),
                        "max_points": 2,
                        "rule": {"kind": "deduction", "per_unit": 0.5},
                    },
                    {
                        "code": "1.4",
                        "name": _name("Communication"),
                        "max_points": 3,
                        "rule": {"kind": "judgement"},
                    },
                ],
            },
            {
                "code": "2",
                "name": _name("Area two"),
                "max_points": 8,
                "criteria": [
                    {
                        "code": "2.1",
                        "name": _name("Satisfaction"),
                        "max_points": 5,
                        "rule": {"kind": "survey", "instrument": "sipas", "code": "overall"},
                    },
                    {
                        "code": "2.2",
                        "name": _name("On-time dossiers"),
                        "max_points": 3,
                        "evidence_required": False,
                        "rule": {"kind": "completion"},
                    },
                ],
            },
        ],
    }


@pytest.fixture
def small_rubric() -> Rubric:
    return rubric_from_dict(small_rubric_data(), source="small.yaml")
