from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from govindex.errors import SpecError
from govindex.spec import LinearFormula, load_spec, spec_from_dict, spec_to_dict


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _problems(error: pytest.ExceptionInfo[SpecError]) -> list[str]:
    return [issue.describe() for issue in error.value.issues]


# ---------------------------------------------------------------- the shipped spec
def test_shipped_spec_loads_with_the_official_structure(shipped_spec_path: Path) -> None:
    spec = load_spec(shipped_spec_path)
    assert (spec.index.code, spec.index.year) == ("PAPI", 2024)
    assert [dimension.code for dimension in spec.dimensions] == [str(n) for n in range(1, 9)]
    assert len(spec.sub_dimensions()) == 28
    assert len(spec.indicators) == 120
    counts = {dimension.code: len(dimension.sub_dimensions) for dimension in spec.dimensions}
    assert counts == {"1": 4, "2": 4, "3": 3, "4": 4, "5": 3, "6": 4, "7": 3, "8": 3}
    assert [sub.code for sub in spec.dimensions[4].sub_dimensions] == ["5.1", "5.3", "5.4"]
    assert (spec.total_bounds.min, spec.total_bounds.max) == (8, 80)
    assert spec.publication.minimum_respondents == 15
    assert "ours" in (spec.notes or "")


def test_shipped_spec_encodes_the_exact_published_formulas(shipped_spec_path: Path) -> None:
    spec = load_spec(shipped_spec_path)
    linear = {
        sub.code: sub.formula
        for sub in spec.sub_dimensions()
        if isinstance(sub.formula, LinearFormula)
    }
    assert set(linear) == {"1.1", "3.2", "3.3", "4.1", "4.3", "7.2", "7.3", "8.2", "8.3"}
    air = linear["7.2"]
    assert air.intercept == pytest.approx(1 / 3)
    assert [term.coefficient for term in air.coefficients] == [1.0, 1.0, 1.0]
    corruption = next(sub for sub in spec.sub_dimensions() if sub.code == "4.1")
    assert [member.weight for member in corruption.indicators] == [1, 1, 1, 0, 0]
    weighted = spec.weighted_totals[0]
    assert sum(weight.weight for weight in weighted.weights) == pytest.approx(8.12, abs=0.01)


def test_round_trip_through_plain_data_and_yaml_gives_an_equal_spec(
    shipped_spec_path: Path,
) -> None:
    spec = load_spec(shipped_spec_path)
    data = spec_to_dict(spec)
    assert spec_from_dict(data) == spec
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert spec_from_dict(yaml.safe_load(text)) == spec


# ---------------------------------------------------------------- every problem at once
def test_minimal_spec_is_valid(minimal_spec: dict[str, Any]) -> None:
    spec = spec_from_dict(minimal_spec)
    assert spec.indicator("2.1.1").applies_to is not None


def test_every_problem_is_reported_at_once_with_file_and_path(
    minimal_spec: dict[str, Any], tmp_path: Path
) -> None:
    minimal_spec["indicators"][1]["items"] = ["q17b"]  # unknown item
    minimal_spec["dimensions"][0]["sub_dimensions"][0]["indicators"][0][
        "weight"
    ] = -1  # negative weight
    minimal_spec["dimensions"][1]["code"] = "D1"  # duplicate dimension code
    del minimal_spec["weighted_totals"]  # would also (rightly) report that 'D2' is gone
    minimal_spec["dimensions"][1]["sub_dimensions"][0]["indicators"].append({"indicator": "9.9.9"})
    minimal_spec["dimensions"][0]["sub_dimensions"][1]["scale"] = {"min": 0.25, "max": 2.5}
    path = _write(tmp_path / "broken.yaml", minimal_spec)

    with pytest.raises(SpecError) as error:
        load_spec(path)

    problems = _problems(error)
    assert problems == [
        "broken.yaml: dimensions[0].sub_dimensions[0].indicators[0].weight: must be ≥ 0 (found -1)",
        "broken.yaml: indicators[1].items[0]: unknown item 'q17b' (known: 'q17', 'q17a', 'q_land_applied')",
        "broken.yaml: dimensions[1].code: duplicate dimension code 'D1' (first at dimensions[0].code)",
        "broken.yaml: dimensions[1].sub_dimensions[0].indicators[1].indicator: unknown indicator '9.9.9' (known: '1.1.1', '1.2.1', '2.1.1')",
        "broken.yaml: dimensions[0].sub_dimensions[1].scale: scale 0.25–2.5 does not fit a dimension of 2 sub-dimensions on 1–10 (expected 0.5–5)",
    ]
    assert error.value.message == "`broken.yaml` is not a valid index spec: 5 problems found"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda s: s["indicators"][2].update(
                applies_to={"item": "q_land_applied", "equals": 1, "in": [1]}
            ),
            "indicators[2].applies_to: a filter needs exactly one of `equals`, `in`, `not_in`, `all`, `any`, `not` (found: `equals`, `in`)",
        ),
        (
            lambda s: s["indicators"][2].update(
                applies_to={"any": [{"item": "q_land", "equals": 1}]}
            ),
            "indicators[2].applies_to.any[0].item: unknown item 'q_land' (known: 'q17', 'q17a', 'q_land_applied')",
        ),
        (
            lambda s: s["indicators"][2].update(
                applies_to={"item": "q_land_applied", "in": [1, 7]}
            ),
            "indicators[2].applies_to.in: 7 is not a valid value of item 'q_land_applied'",
        ),
        (
            lambda s: s["indicators"][0].update(scoring={"kind": "share", "values": [2]}),
            "indicators[0].scoring.values: [2] are not valid values of item 'q17'",
        ),
        (
            lambda s: s["indicators"][0].update(scoring={"kind": "median"}),
            "indicators[0].scoring: unknown `kind` 'median' (options: 'share', 'scaled', 'mean')",
        ),
        (
            lambda s: s["indicators"][0].update(colour="red"),
            "indicators[0].colour: unknown key `colour`",
        ),
        (lambda s: s["indicators"][0].pop("name"), "indicators[0].name: required key is missing"),
        (
            lambda s: s["dimensions"][0]["sub_dimensions"][1]["indicators"].append(
                {"indicator": "1.1.1"}
            ),
            "dimensions[0].sub_dimensions[1].indicators[1].indicator: indicator '1.1.1' is already in sub-dimension '1.1'; declare it `shared: true` to allow this",
        ),
        (
            lambda s: s["dimensions"][0]["sub_dimensions"][0].update(code=1.1),
            "dimensions[0].sub_dimensions[0].code: expected a text code, found float 1.1; quote codes such as '1.1' in YAML",
        ),
        (
            lambda s: s["dimensions"][0]["sub_dimensions"][0].update(
                formula={
                    "kind": "linear",
                    "intercept": 0.5,
                    "coefficients": [{"indicator": "1.2.1", "coefficient": 4.5}],
                }
            ),
            "dimensions[0].sub_dimensions[0].formula.coefficients[0].indicator: '1.2.1' is not a member of '1.1' with a weight above 0",
        ),
        (
            lambda s: s["weighted_totals"][0]["weights"].pop(),
            "weighted_totals[0].weights: dimension 'D2' has no weight",
        ),
        (
            lambda s: s["codebook"]["items"][2].update(
                applies_to={"item": "q_land_applied", "equals": 1}
            ),
            "codebook.items[2].applies_to: item 'q_land_applied' is filtered on itself, directly or through other items",
        ),
        (
            lambda s: s["codebook"]["items"].append(
                {"id": "q9", "type": "numeric", "label": {"en": "n", "vi": "n"}}
            ),
            "codebook.items[3]: a numeric item needs `range`",
        ),
    ],
)
def test_each_kind_of_problem_is_located(
    minimal_spec: dict[str, Any], change: Any, expected: str
) -> None:
    change(minimal_spec)
    with pytest.raises(SpecError) as error:
        spec_from_dict(minimal_spec, source="mini.yaml")
    assert f"mini.yaml: {expected}" in _problems(error)


def test_shared_indicator_may_sit_in_two_sub_dimensions(minimal_spec: dict[str, Any]) -> None:
    minimal_spec["indicators"][0]["shared"] = True
    minimal_spec["dimensions"][0]["sub_dimensions"][1]["indicators"].append(
        {"indicator": "1.1.1", "weight": 0}
    )
    spec_from_dict(minimal_spec)


# ---------------------------------------------------------------- reading files
def test_duplicate_yaml_keys_are_reported(tmp_path: Path, shipped_spec_path: Path) -> None:
    text = shipped_spec_path.read_text(encoding="utf-8").replace(
        'spec_version: "1.0"\n', 'spec_version: "1.0"\nspec_version: "2.0"\n', 1
    )
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as error:
        load_spec(path)
    assert any("key `spec_version` appears twice" in problem for problem in _problems(error))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("index: [unclosed\n", "is not valid YAML"),
        ("- a list\n", "must hold a mapping"),
        ("", "must hold a mapping"),
    ],
)
def test_unreadable_files_raise_spec_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load_spec(path)


def test_missing_file_raises_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read spec file"):
        load_spec(tmp_path / "absent.yaml")
