"""Invariants of the quantile rules, the proportion intervals and the PPS variances."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex.survey.intervals import proportion_interval
from govindex.survey.quantile_rules import QUANTILE_RULES, rule_quantile

SETTINGS = settings(max_examples=80, deadline=None)

samples = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=50).map(float),
        st.floats(min_value=0.1, max_value=100.0, allow_nan=False),
    ),
    min_size=2,
    max_size=30,
)
# Every rule but shahvaish is non-decreasing in p (Shah–Vaish positions are not monotone
# in the values when the weights vary, so neither is its quantile).
MONOTONE_RULES = [rule for rule in QUANTILE_RULES if rule != "shahvaish"]
# R's hf4 extrapolates below the smallest value when p is below the first value's share
# (qrule_hf4(c(0, 1, 2), c(1, 1, 1), 0.1) is -0.7 in R survey 4.1); reproduced, not bounded.
BOUNDED_RULES = [rule for rule in QUANTILE_RULES if rule != "hf4"]


def _sorted(sample: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    values = np.array([value for value, _ in sample])
    weights = np.array([weight for _, weight in sample])
    order = np.argsort(values, kind="stable")
    values, weights = values[order], weights[order]
    cumulative = np.cumsum(weights.astype(np.longdouble)).astype(np.float64)
    return values, weights, cumulative, float(np.cumsum(weights.astype(np.longdouble))[-1])


@SETTINGS
@given(samples, st.floats(min_value=0.01, max_value=0.99))
def test_every_rule_gives_a_value_within_the_data(
    sample: list[tuple[float, float]], probability: float
) -> None:
    values, weights, cumulative, total = _sorted(sample)
    for rule in BOUNDED_RULES:
        found = rule_quantile(values, weights, cumulative, total, probability, rule)  # type: ignore[arg-type]
        assert values[0] <= found <= values[-1], rule


@SETTINGS
@given(samples, st.floats(min_value=0.01, max_value=0.98), st.floats(min_value=0.0, max_value=0.5))
def test_rules_are_non_decreasing_in_probability(
    sample: list[tuple[float, float]], probability: float, step: float
) -> None:
    values, weights, cumulative, total = _sorted(sample)
    higher = min(0.99, probability + step)
    for rule in MONOTONE_RULES:
        low = rule_quantile(values, weights, cumulative, total, probability, rule)  # type: ignore[arg-type]
        high = rule_quantile(values, weights, cumulative, total, higher, rule)  # type: ignore[arg-type]
        assert low <= high + 1e-9 * max(1.0, abs(high)), rule


@SETTINGS
@given(
    st.floats(min_value=0.01, max_value=0.99),
    st.floats(min_value=1e-4, max_value=0.2),
    st.integers(min_value=2, max_value=200).map(float),
    st.integers(min_value=0, max_value=2000),
)
def test_proportion_intervals_hold_the_estimate_inside_zero_one(
    estimate: float, se: float, df: float, extra_rows: int
) -> None:
    arrays = (np.array([estimate]), np.array([se]), np.array([df]))
    rows = np.array([df + 1.0 + extra_rows])
    for method in ("logit", "xlogit", "beta"):
        low, high = proportion_interval(*arrays, 0.95, method, rows=rows)
        assert 0.0 <= low[0] <= estimate <= high[0] <= 1.0, method
    # Wider level, wider interval.
    narrow = proportion_interval(*arrays, 0.8, "beta", rows=rows)
    wide = proportion_interval(*arrays, 0.99, "beta", rows=rows)
    assert wide[0][0] <= narrow[0][0]
    assert narrow[1][0] <= wide[1][0]


def test_hf4_below_the_first_share_extrapolates_as_r() -> None:
    values, weights = np.array([0.0, 1.0, 2.0]), np.ones(3)
    found = rule_quantile(values, weights, np.cumsum(weights), 3.0, 0.1, "hf4")
    assert np.isclose(found, -0.7, rtol=1e-12)
