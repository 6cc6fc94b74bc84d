"""Invariants every design-based estimator must keep, checked on random small designs."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.property.strategies import stratified_samples

from govindex.survey import SurveyDesign, mean, replicate_design, total

SETTINGS = settings(max_examples=60, deadline=None)


def build(frame: pl.DataFrame, *, fpc: bool = False) -> SurveyDesign:
    return SurveyDesign.from_frame(
        frame,
        weights="weight",
        strata="stratum",
        psu="psu",
        fpc="population" if fpc else None,
        nest=True,
    )


@SETTINGS
@given(stratified_samples())
def test_domain_estimate_equals_estimate_on_the_zero_weighted_design(frame: pl.DataFrame) -> None:
    design = build(frame)
    by_domain = mean(design, ["y", "flag"], by="group", empty_domain="missing")
    for level in sorted(set(frame["group"].to_list())):
        mask = frame["group"].to_numpy() == level
        alone = mean(design.subset(mask), ["y", "flag"])
        for variable in ("y", "flag"):
            domain_row = by_domain.row(variable, str(level))
            whole_row = alone.row(variable)
            assert np.isclose(domain_row["estimate"], whole_row["estimate"], rtol=1e-9, atol=1e-12)
            assert np.isclose(domain_row["se"], whole_row["se"], rtol=1e-9, atol=1e-12)


@SETTINGS
@given(stratified_samples(with_fpc=True), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(frame: pl.DataFrame, random: object) -> None:
    order = list(range(frame.height))
    random.shuffle(order)  # type: ignore[attr-defined]
    shuffled = frame[order]
    for estimator in (mean, total):
        first = estimator(build(frame, fpc=True), "y", by="group", empty_domain="missing")
        second = estimator(build(shuffled, fpc=True), "y", by="group", empty_domain="missing")
        np.testing.assert_allclose(first.estimate, second.estimate, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(first.se, second.se, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(stratified_samples(), st.floats(0.001, 1000.0))
def test_scaling_every_weight_leaves_means_and_their_errors_unchanged(
    frame: pl.DataFrame, factor: float
) -> None:
    scaled = frame.with_columns(pl.col("weight") * factor)
    first = mean(build(frame), ["y", "flag"], by="group", empty_domain="missing")
    second = mean(build(scaled), ["y", "flag"], by="group", empty_domain="missing")
    np.testing.assert_allclose(first.estimate, second.estimate, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(first.se, second.se, rtol=1e-8, atol=1e-12)


@SETTINGS
@given(stratified_samples())
def test_domain_totals_add_up_to_the_whole_sample_total(frame: pl.DataFrame) -> None:
    design = build(frame)
    whole = total(design, "y")
    parts = total(design, "y", by="group", empty_domain="missing")
    assert np.isclose(np.nansum(parts.estimate), whole.estimate[0], rtol=1e-9, atol=1e-9)


@SETTINGS
@given(stratified_samples(with_fpc=True))
def test_jackknife_and_taylor_agree_for_a_stratified_element_sample_mean(
    frame: pl.DataFrame,
) -> None:
    # Stratified simple random sampling (one respondent per PSU, weight N_h/n_h) with an
    # fpc: deleting a unit and reweighting its stratum by n_h/(n_h-1) keeps the stratum's
    # weight total, so the mean is linear in the replicates and the stratified jackknife
    # (JKn, with R's fpc-folded scales) reproduces the Taylor SE exactly (R: J5 = S1).
    population = frame.group_by("stratum").agg(pl.len().alias("drawn"))
    elements = (
        frame.join(population, on="stratum")
        .with_columns((pl.col("drawn") + pl.col("population")).alias("population_size"))
        .with_columns((pl.col("population_size") / pl.col("drawn")).alias("weight"))
    )
    design = SurveyDesign.from_frame(
        elements, weights="weight", strata="stratum", fpc="population_size"
    )
    taylor = mean(design, "y")
    jackknife = mean(replicate_design(design, "jkn"), "y")
    np.testing.assert_allclose(jackknife.se, taylor.se, rtol=1e-9)
