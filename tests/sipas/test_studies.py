"""Slow studies on SYNTHETIC SIPAS surveys with a known truth.

* Coverage: 95% intervals of provincial overall SIPAS (JKn, the default ``domain`` degrees
  of freedom) over 200 surveys of 16 provinces each (3,200 intervals; the Monte Carlo
  standard error of a 95% rate is about 0.4 points). A subset of provinces keeps the study
  within a few minutes on two cores; every province has the same design.
* Planning: the margin of error ``govindex plan`` predicts for the synthetic design (the
  design effect taken from one previous run) against the margin simulated over 30 surveys.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl
import pytest
from scipy.special import ndtri

from govindex.analysis.planning import design_effect_from_run, plan_for_share
from govindex.index import IndexBuilder
from govindex.spec import IndexSpec
from govindex.synthetic import province_scores
from govindex.synthetic.sipas import SIPAS_DESIGN, satisfaction_targets, synthesise_sipas

SURVEYS = 200
PROVINCES = 16
SIMULATIONS = 30
SHARE = 0.84


@pytest.mark.slow
def test_overall_intervals_cover_the_truth_at_their_nominal_rate(
    sipas_spec: IndexSpec, provinces: pl.DataFrame
) -> None:
    ordered = provinces.sort("province_code")
    targets, _ = satisfaction_targets(ordered["province"].to_list())
    # Every fourth province: a spread of reported, assumed and neutral targets.
    chosen = np.arange(0, ordered.height, 4)[:PROVINCES]
    subset, subset_targets = ordered[chosen], targets[chosen]
    builder = IndexBuilder(sipas_spec, variance="jkn", rank_draws=10)
    covered = []
    started = time.perf_counter()
    for number in range(SURVEYS):
        survey = synthesise_sipas(
            sipas_spec, seed=7000 + number, provinces=subset, targets=subset_targets
        )
        result = builder.run(survey.microdata)
        truth = survey.truth.filter(pl.col("level") == "total").select("province", "expected")
        joined = result.aggregates.filter(pl.col("level") == "total").join(truth, on="province")
        assert joined.height == PROVINCES
        covered.append(
            (
                (joined["ci_low"] <= joined["expected"]) & (joined["expected"] <= joined["ci_high"])
            ).to_numpy()
        )
    rate = float(np.mean(covered))
    print(
        f"\ncoverage of 95% overall-SIPAS intervals over {SURVEYS} surveys x {PROVINCES} "
        f"provinces: {rate:.4f} ({time.perf_counter() - started:.0f} s)"
    )
    assert 0.93 <= rate <= 0.97


@pytest.mark.slow
def test_the_planned_margin_matches_a_simulation_within_ten_percent(
    sipas_spec: IndexSpec, provinces: pl.DataFrame
) -> None:
    ordered = provinces.sort("province_code")
    flat = np.full(ordered.height, 100 * SHARE)
    previous = synthesise_sipas(sipas_spec, seed=2024, provinces=ordered, targets=flat)
    totals = (
        IndexBuilder(sipas_spec, variance="jkn", rank_draws=10)
        .run(previous.microdata)
        .aggregates.filter(pl.col("level") == "total")
    )
    deff = design_effect_from_run(
        totals["estimate"].to_numpy(), totals["se"].to_numpy(), totals["n"].to_numpy(), scale=100
    )
    respondents = 3 * 2 * 3 * SIPAS_DESIGN.interviews["small"]
    estimates = []
    for number in range(SIMULATIONS):
        survey = synthesise_sipas(sipas_spec, seed=500 + number, provinces=ordered, targets=flat)
        scores = province_scores(sipas_spec, survey.microdata).filter(pl.col("code") == "total")
        estimates.append(scores.sort("province")["score"].to_numpy() / 100)
    simulated = float(ndtri(0.975) * np.sqrt(np.var(estimates, axis=0, ddof=1).mean()))
    plan = plan_for_share(simulated, share=SHARE, design_effect=deff)
    planned = plan.achieved_margin(respondents)
    print(
        f"\ndesign effect from one run {deff:.3f}; margin at n = {respondents}: planned "
        f"{planned:.4f}, simulated {simulated:.4f}; respondents for the simulated margin: "
        f"planned {plan.respondents}"
    )
    assert abs(planned / simulated - 1) < 0.10
