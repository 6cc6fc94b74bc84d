"""The spec language beyond PAPI's shape: named levels, mean and weighted-mean aggregation."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml
from tests.sipas.conftest import SPEC

from govindex.errors import SpecError
from govindex.index.aggregate import AggregationPlan
from govindex.spec import IndexSpec, json_schema, load_spec, spec_from_dict, spec_to_dict


def test_the_sipas_spec_names_its_levels_and_averages_them(sipas_spec: IndexSpec) -> None:
    assert sipas_spec.levels.sub_dimension.en == "element"
    assert sipas_spec.levels.dimension.en == "component"
    assert [d.code for d in sipas_spec.dimensions] == ["POL", "PAS"]
    pas = sipas_spec.dimensions[1]
    assert [sub.name.en for sub in pas.sub_dimensions] == [
        "Access to services",
        "Administrative procedures",
        "Civil servants",
        "Service results",
        "Receiving and handling feedback",
    ]
    assert [len(sub.indicators) for sub in pas.sub_dimensions][:2] == [3, 4]
    assert {d.aggregation for d in sipas_spec.dimensions} == {"mean"}
    assert sipas_spec.total.aggregation == "mean"
    assert (sipas_spec.total_bounds.min, sipas_spec.total_bounds.max) == (0.0, 100.0)
    assert all(i.scoring.kind == "share" for i in sipas_spec.indicators)


def test_placeholders_are_marked_and_the_named_items_are_not(sipas_spec: IndexSpec) -> None:
    notes = {item.id: item.notes or "" for item in sipas_spec.codebook.items}
    assert all(
        "PLACEHOLDER" not in notes[i]
        for i in ("access_signage", "access_seating", "access_equipment")
    )
    assert all("PLACEHOLDER" in notes[i] for i in notes if i.startswith(("servant_", "policy_")))
    header = SPEC.read_text(encoding="utf-8").split("spec_version")[0]
    for phrase in ("PLACEHOLDER", "share satisfied", "mean score", "not found", "three aspects"):
        assert phrase.lower() in header.lower(), phrase


def _plan_values(spec: IndexSpec, shares: dict[str, float]) -> dict[str, float]:
    plan = AggregationPlan.from_spec(spec)
    values = plan.apply(np.array([[shares[code] for code in plan.indicators]]))[0]
    return dict(zip(plan.codes, values.tolist(), strict=True))


def test_mean_and_weighted_mean_aggregate_by_hand(sipas_spec: IndexSpec) -> None:
    shares = {indicator.code: 0.5 for indicator in sipas_spec.indicators}
    shares.update({"PAS.1.1": 0.9, "PAS.1.2": 0.6, "PAS.1.3": 0.3, "POL.1.1": 0.2})
    values = _plan_values(sipas_spec, shares)
    assert values["PAS.1"] == pytest.approx(60.0)  # 100 × (0.9 + 0.6 + 0.3) / 3
    assert values["POL.1"] == pytest.approx(100 * (0.2 + 0.5 + 0.5) / 3)
    assert values["PAS"] == pytest.approx((60 + 50 * 4) / 5)
    assert values["POL"] == pytest.approx((40 + 50) / 2)
    assert values["total"] == pytest.approx((52 + 45) / 2)

    data = spec_to_dict(sipas_spec)
    data["dimensions"][1]["aggregation"] = "weighted_mean"
    for sub, weight in zip(data["dimensions"][1]["sub_dimensions"], (3, 1, 1, 0, 0), strict=True):
        sub["weight"] = weight
    data["total"]["aggregation"] = "weighted_mean"
    data["dimensions"][0]["weight"] = 1
    data["dimensions"][1]["weight"] = 3
    weighted = _plan_values(spec_from_dict(data), shares)
    assert weighted["PAS"] == pytest.approx((3 * 60 + 50 + 50) / 5)
    assert weighted["total"] == pytest.approx((45 + 3 * 56) / 4)


def test_the_jacobian_of_a_mean_is_the_averaged_gradient(sipas_spec: IndexSpec) -> None:
    plan = AggregationPlan.from_spec(sipas_spec)
    jacobian = plan.jacobian(np.ones((1, len(plan.indicators)), dtype=bool))[0]
    total = jacobian[plan.codes.index("total")]
    first = plan.indicators.index("PAS.1.1")
    # total = (POL + PAS) / 2, PAS = mean of 5 elements, PAS.1 = 100 × mean of 3 items.
    assert total[first] == pytest.approx(100 / 3 / 5 / 2)
    assert total.sum() == pytest.approx(100.0)


def test_mean_score_is_a_one_line_option(sipas_spec: IndexSpec, tmp_path) -> None:
    text = SPEC.read_text(encoding="utf-8").replace(
        "&scoring {kind: share, values: [4, 5]}", "&scoring {kind: scaled}"
    )
    (tmp_path / "mean.yaml").write_text(text, encoding="utf-8")
    mean_spec = load_spec(tmp_path / "mean.yaml")
    assert {indicator.scoring.kind for indicator in mean_spec.indicators} == {"scaled"}


def test_a_mean_level_refuses_sub_scales_that_do_not_span_the_whole_range(
    sipas_spec: IndexSpec,
) -> None:
    data = spec_to_dict(sipas_spec)
    data["dimensions"][0]["sub_dimensions"][0]["scale"] = {"min": 0, "max": 50}
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data, source="bad.yaml")
    problems = "\n".join(issue.message for issue in caught.value.issues)
    assert re.search(r"scale 0–50 does not fit .* combined by mean \(expected 0–100\)", problems)


def test_papi_keeps_its_sums_and_default_level_names() -> None:
    papi = load_spec(SPEC.parent / "papi-2024.yaml")
    assert {d.aggregation for d in papi.dimensions} == {"sum"}
    assert papi.total.aggregation == "sum"
    assert papi.levels.dimension.en == "dimension"
    assert (papi.total_bounds.min, papi.total_bounds.max) == (8.0, 80.0)
    # The YAML file does not mention the new keys: PAPI's defaults are its own shape.
    raw = yaml.safe_load((SPEC.parent / "papi-2024.yaml").read_text(encoding="utf-8"))
    assert "levels" not in raw


def test_a_weighted_mean_without_weight_is_refused_and_the_schema_knows_the_new_keys(
    sipas_spec: IndexSpec,
) -> None:
    data = spec_to_dict(sipas_spec)
    data["dimensions"][0]["aggregation"] = "weighted_mean"
    for sub in data["dimensions"][0]["sub_dimensions"]:
        sub["weight"] = 0
    with pytest.raises(SpecError) as caught:
        spec_from_dict(data, source="weights.yaml")
    assert any(
        "needs at least one sub-dimension with a weight above 0" in issue.message
        for issue in caught.value.issues
    )
    data["dimensions"][0]["aggregation"] = "median"
    with pytest.raises(SpecError):
        spec_from_dict(data, source="median.yaml")
    schema = json_schema()
    assert "levels" in schema["properties"]
    dimension = schema["$defs"]["Dimension"]["properties"]
    assert dimension["aggregation"]["enum"] == ["sum", "mean", "weighted_mean"]
