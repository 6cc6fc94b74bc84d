"""Replicate variance equals Taylor variance where theory says it must, on random designs.

For a linear statistic (a total, also within a domain) the stratified jackknife with R's
rscales (n_h−1)/n_h·(1−f_h) reproduces the linearisation variance exactly (Rust's
J5 = S1 identity), JK1 does the same for an unstratified design, and fully balanced BRR
matches it for 2-PSU strata without fpc. A mean is a ratio, for which the jackknife and
linearisation differ at second order, so the identity is checked on totals.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import assume, given, settings
from tests.property.strategies import stratified_samples

from govindex.survey import SurveyDesign, replicate_design, total

SETTINGS = settings(max_examples=40, deadline=None)


def _close(replicate: np.ndarray, taylor: np.ndarray) -> None:
    np.testing.assert_allclose(replicate, taylor, rtol=1e-9, atol=1e-9 * float(taylor.max()))


@SETTINGS
@given(stratified_samples(with_fpc=True))
def test_stratified_jackknife_equals_taylor_for_totals(frame: pl.DataFrame) -> None:
    design = SurveyDesign.from_frame(
        frame, weights="weight", strata="stratum", psu="psu", fpc="population", nest=True
    )
    stage = design.stages[0]
    census = stage.stratum_sizes == stage.stratum_population
    assume(not census.all())  # R refuses: every replicate would be dropped
    jackknife = replicate_design(design, "jkn")
    for by in (None, "group"):
        taylor = total(design, ["y", "flag"], by=by, empty_domain="missing", df_rule="normal")
        replicated = total(
            jackknife, ["y", "flag"], by=by, empty_domain="missing", df_rule="normal"
        )
        present = ~np.isnan(taylor.se)
        _close(replicated.se[present], taylor.se[present])
    if not census.any():
        # R drops a census stratum's replicates (survey.drop.replicates), and its df with them.
        assert jackknife.degrees_of_freedom() == design.degrees_of_freedom()


@SETTINGS
@given(stratified_samples())
def test_unstratified_jackknife_equals_taylor_for_totals(frame: pl.DataFrame) -> None:
    clusters = frame.with_columns(pl.concat_str(["stratum", "psu"], separator="-").alias("cluster"))
    n_clusters = clusters["cluster"].n_unique()
    clusters = clusters.with_columns(pl.lit(n_clusters + 7).alias("population"))
    design = SurveyDesign.from_frame(clusters, weights="weight", psu="cluster", fpc="population")
    taylor = total(design, ["y", "flag"], df_rule="normal")
    replicated = total(replicate_design(design, "jk1"), ["y", "flag"], df_rule="normal")
    _close(replicated.se, taylor.se)


@SETTINGS
@given(stratified_samples())
def test_balanced_repeated_replication_equals_taylor_for_totals(frame: pl.DataFrame) -> None:
    pairs = frame.filter(pl.col("psu") < 2)  # every stratum keeps exactly 2 PSUs
    design = SurveyDesign.from_frame(
        pairs, weights="weight", strata="stratum", psu="psu", nest=True
    )
    taylor = total(design, ["y", "flag"], df_rule="normal")
    replicated = total(replicate_design(design, "brr"), ["y", "flag"], df_rule="normal")
    _close(replicated.se, taylor.se)
