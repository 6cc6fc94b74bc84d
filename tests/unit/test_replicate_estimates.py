"""Estimate tables of replicate designs keep every row's replicate estimates."""

from __future__ import annotations

import numpy as np
from tests.reference.reference_cases import data_set

from govindex.survey import SurveyDesign, mean, replicate_design, total


def test_replicate_estimates_reproduce_the_standard_errors_row_by_row() -> None:
    design = SurveyDesign.from_frame(data_set("apiclus1"), weights="pw", psu="dnum", fpc="fpc")
    replicated = replicate_design(design, "jk1")
    for estimator in (mean, total):
        table = estimator(replicated, ["api00", "enroll"], by="stype")
        assert table.replicate_estimates is not None
        assert table.replicate_estimates.shape == (replicated.replicates.count, len(table))  # type: ignore[union-attr]
        variance = replicated.replicates.variance(table.replicate_estimates, table.estimate)  # type: ignore[union-attr]
        np.testing.assert_allclose(np.sqrt(variance), table.se, rtol=1e-12)


def test_taylor_tables_carry_no_replicate_estimates() -> None:
    design = SurveyDesign.from_frame(data_set("apiclus1"), weights="pw", psu="dnum", fpc="fpc")
    assert mean(design, "api00").replicate_estimates is None
