"""Rubric validation: every problem with file and path; the shipped provisional rubric."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from tests.rubric.conftest import small_rubric_data

from govindex.errors import SpecError
from govindex.rubric import rubric_from_dict, rubric_from_yaml

RUBRICS = Path(__file__).parents[2] / "rubrics"


def _issues(data: object) -> list[str]:
    with pytest.raises(SpecError) as caught:
        rubric_from_dict(data, source="bad.yaml")
    return [issue.describe() for issue in caught.value.issues]


def test_children_exceeding_the_parent_maximum() -> None:
    data = small_rubric_data()
    data["areas"][0]["criteria"][0]["sub_criteria"][1]["max_points"] = 3
    assert _issues(data) == [
        "bad.yaml: areas[0].criteria[0]: the sub-criteria's maxima add up to 5, not the criterion's 4"
    ]


def test_area_and_total_sums() -> None:
    data = small_rubric_data()
    data["areas"][1]["max_points"] = 9
    assert _issues(data) == [
        "bad.yaml: rubric.max_points: the areas' maxima add up to 21, not 20",
        "bad.yaml: areas[1]: the criteria's maxima add up to 8, not the area's 9",
    ]


def test_every_problem_is_reported_at_once() -> None:
    data = small_rubric_data()
    criteria = data["areas"][0]["criteria"]
    criteria[1]["rule"]["steps"][0]["points"] = 4  # above the criterion's 3
    criteria[2]["code"] = "1.2"  # repeated
    criteria[3]["rule"] = {"kind": "lottery"}
    data["groups"][2]["at_least"] = 5
    found = _issues(data)
    assert (
        "bad.yaml: areas[0].criteria[1].rule.steps[0].points: 4 points exceed the maximum 3"
        in found
    )
    assert (
        "bad.yaml: areas[0].criteria[2].code: code '1.2' is already used at areas[0].criteria[1]"
        in found
    )
    assert any(
        line.startswith("bad.yaml: areas[0].criteria[3].rule: unknown `kind` 'lottery'")
        for line in found
    )
    assert (
        "bad.yaml: groups[2].at_least: the last group must start at 0 so every province has a group"
        in found
    )
    assert len(found) == 4


def test_rule_and_sub_criteria_are_exclusive() -> None:
    data = small_rubric_data()
    data["areas"][0]["criteria"][0]["rule"] = {"kind": "judgement"}
    found = _issues(data)
    assert found == [
        "bad.yaml: areas[0].criteria[0]: a criterion needs exactly one of `rule` or `sub_criteria`"
    ]


def test_unknown_keys_and_bad_yaml() -> None:
    data = copy.deepcopy(small_rubric_data())
    data["areas"][0]["max_point"] = 1
    assert "bad.yaml: areas[0].max_point: unknown key `max_point`" in _issues(data)
    with pytest.raises(SpecError, match="is not valid YAML"):
        rubric_from_yaml("areas: [", source="broken.yaml")


def test_shipped_rubric_is_provisional_with_eight_areas() -> None:
    path = RUBRICS / "par-index-province-2022.yaml"
    rubric = rubric_from_yaml(path.read_text(encoding="utf-8"), source=path.name)
    assert [area.code for area in rubric.areas] == [str(code) for code in range(1, 9)]
    assert rubric.rubric.max_points == 100
    assert sum(area.max_points for area in rubric.areas) == 100
    assert rubric.provisional
    assert rubric.edition.endswith("(provisional)")
    # Groups A (≥ 90 %) and B (80 to < 90 %) are the verified ones.
    assert [(g.code, g.at_least, g.status) for g in rubric.groups][:2] == [
        ("A", 90, "verified"),
        ("B", 80, "verified"),
    ]
    survey = sum(leaf.max_points for leaf in rubric.leaves() if leaf.from_survey)
    assert 25 <= survey <= 40  # about a third from surveys
