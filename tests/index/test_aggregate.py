"""Aggregation: sums hold exactly, exact published formulas reproduce official values."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from tests.conftest import PAPI_DATA, WORKBOOK

from govindex.index import AggregationPlan, IndexResult
from govindex.official import load_province_lookup, read_official_workbook
from govindex.spec import IndexSpec, LinearFormula


def _sums_hold(plan: AggregationPlan, values: np.ndarray) -> None:
    """Dimension = Σ sub-dimensions and total = Σ dimensions, to 1e-12, on every row."""
    codes = list(plan.codes)
    subs_of = {}
    for number, positions in enumerate(plan.dimension_members):
        subs_of[codes[len(plan.sub_dimensions) + number]] = positions
    for dimension, positions in subs_of.items():
        parts = values[..., list(positions)].sum(axis=-1)
        assert np.nanmax(np.abs(values[..., codes.index(dimension)] - parts)) <= 1e-12
    dimensions = [codes.index(code) for code in subs_of]
    total = values[..., dimensions].sum(axis=-1)
    assert np.nanmax(np.abs(values[..., codes.index("total")] - total)) <= 1e-12


def test_sums_hold_for_every_province_and_replicate(
    spec: IndexSpec, jackknife: IndexResult
) -> None:
    plan = AggregationPlan.from_spec(spec)
    wide = jackknife.aggregates.pivot(on="code", index="province", values="estimate")
    _sums_hold(plan, wide.select(plan.codes).to_numpy())
    assert jackknife.replicate_aggregates is not None
    assert jackknife.replicate_aggregates.shape[0] > 100
    _sums_hold(plan, jackknife.replicate_aggregates)


def test_all_ones_and_zeros_give_the_scale_ends(spec: IndexSpec) -> None:
    plan = AggregationPlan.from_spec(spec)
    rescaled = [rule.code for rule in plan.sub_dimensions if rule.kind == "rescaled_mean"]
    ones, zeros = (
        plan.apply(np.ones(len(plan.indicators))),
        plan.apply(np.zeros(len(plan.indicators))),
    )
    for code in rescaled:
        sub = next(s for s in spec.sub_dimensions() if s.code == code)
        assert ones[plan.codes.index(code)] == pytest.approx(sub.scale.max)
        assert zeros[plan.codes.index(code)] == pytest.approx(sub.scale.min)


def test_rescaled_mean_skips_a_missing_member_but_a_linear_formula_does_not(
    spec: IndexSpec,
) -> None:
    plan = AggregationPlan.from_spec(spec)
    rescaled = next(rule for rule in plan.sub_dimensions if rule.kind == "rescaled_mean")
    linear = next(rule for rule in plan.sub_dimensions if rule.kind == "linear")
    values = np.full(len(plan.indicators), 0.5)
    values[rescaled.members[0]] = np.nan
    values[linear.members[0]] = np.nan
    result = plan.apply(values)
    assert result[plan.codes.index(rescaled.code)] == pytest.approx(
        rescaled.offset + rescaled.span * 0.5
    )
    assert np.isnan(result[plan.codes.index(linear.code)])
    assert np.isnan(result[plan.codes.index("total")])


def test_jacobian_matches_finite_differences(spec: IndexSpec) -> None:
    plan = AggregationPlan.from_spec(spec, ("weighted_2019",))
    rng = np.random.default_rng(3)
    point = rng.uniform(0.2, 0.8, len(plan.indicators))
    point[[3, 40]] = np.nan
    jacobian = plan.jacobian(~np.isnan(point)[None])[0]
    step = 1e-6
    for k in (0, 10, 57, 119):
        moved = point.copy()
        moved[k] += step
        numeric = (plan.apply(moved) - plan.apply(point)) / step
        finite = np.isfinite(numeric)
        assert np.allclose(numeric[finite], jacobian[finite, k], atol=1e-6)


@pytest.mark.parametrize("year", [2023])
def test_linear_formulas_reproduce_official_sub_dimensions(spec: IndexSpec, year: int) -> None:
    """Official indicator values (display scale → [0, 1] score) through ``aggregate.py``."""
    values = read_official_workbook(WORKBOOK, provinces=load_province_lookup(PAPI_DATA)).values
    official = values.filter((pl.col("year") == year) & ~pl.col("withheld"))
    plan = AggregationPlan.from_spec(spec)
    scores = {}
    for indicator in spec.indicators:
        rows = official.filter(
            (pl.col("level") == "indicator") & (pl.col("code") == indicator.code)
        )
        bounds = indicator.display.bounds
        if rows.height == 0 or bounds is None:
            continue
        score = (rows["estimate"].to_numpy() - bounds.min) / bounds.span
        if indicator.direction == "negative":
            score = 1.0 - score
        scores[indicator.code] = dict(zip(rows["province"].to_list(), score, strict=True))
    checked = []
    for sub in spec.sub_dimensions():
        if not isinstance(sub.formula, LinearFormula):
            continue
        published = official.filter(
            (pl.col("level") == "subdimension") & (pl.col("code") == sub.code)
        )
        for province, expected in published.select("province", "estimate").iter_rows():
            vector = np.full(len(plan.indicators), np.nan)
            for term in sub.formula.coefficients:
                vector[plan.indicators.index(term.indicator)] = scores[term.indicator][province]
            computed = plan.apply(vector)[plan.codes.index(sub.code)]
            checked.append((sub.code, province, abs(computed - expected)))
    worst = {}
    for code, _, error in checked:
        worst[code] = max(worst.get(code, 0.0), error)
    assert len(worst) >= 8
    inexact = {code: error for code, error in worst.items() if error > 1e-6}
    assert not inexact, inexact
