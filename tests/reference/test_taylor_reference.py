"""Taylor-linearisation estimates against R survey 4.1 (the oracle in ``survey/``).

Every number compared here was produced by ``survey/reference_values.R``; each case's R
call is in its ``r_code`` and shown in the test id. Tolerance: 1e-9 relative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.reference.reference_cases import (
    TAYLOR_DESIGNS,
    ReferenceRow,
    rows_for,
    taylor_design,
)

from govindex.survey import EstimateTable, mean, proportion, ratio, total
from govindex.survey.intervals import interval

pytestmark = pytest.mark.reference

RELATIVE = 1e-9
LINEAR = {"mean", "total", "ratio", "ciprop_logit", "mean_factor"}
CASES = rows_for(set(TAYLOR_DESIGNS), LINEAR)


def estimate_like_r(row: ReferenceRow) -> dict[str, float]:
    """Run the govindex estimator that corresponds to the R call of ``row``."""
    design = taylor_design(row.design_id)
    by = row.domain_column
    table: EstimateTable
    variable = row.variable
    if row.estimator == "mean":
        table = mean(design, variable, by=by, na_rm=True, df_rule="domain")
    elif row.estimator == "total":
        table = total(design, variable, by=by, na_rm=True, df_rule="domain")
    elif row.estimator == "ratio":
        numerator, denominator = variable.split("/")
        table = ratio(design, numerator, denominator, by=by, na_rm=True, df_rule="domain")
    elif row.estimator == "mean_factor":
        table = mean(design, variable.split("=")[0], na_rm=True)
    else:
        # The oracle's svyciprop calls are on subset(design, !is.na(y)): its df counts only
        # rows with a value (R's default keeps them: test_proportion_df_missing.py).
        table = proportion(
            design, variable, by=by, na_rm=True, df_rule="domain", df_rows="answered"
        )
    return table.row(variable, row.domain)


def close(ours: float, theirs: float | None, *, absolute: float = 0.0) -> bool:
    if theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
        return ours is None or math.isnan(ours)
    return math.isclose(ours, theirs, rel_tol=RELATIVE, abs_tol=absolute)


@pytest.mark.parametrize("row", CASES, ids=[row.case_id for row in CASES])
def test_estimate_and_standard_error_match_r(row: ReferenceRow) -> None:
    ours = estimate_like_r(row)
    # svyciprop fits a logistic model by IRLS, so R's proportion carries ~1e-10 of
    # convergence noise (a proportion of exactly 0 comes back as 1.6e-10).
    absolute = 1e-9 if row.estimator == "ciprop_logit" else 0.0
    assert close(ours["estimate"], row.estimate, absolute=absolute), (
        ours["estimate"],
        row.estimate,
        row.r_code,
    )
    # An SE that is zero in exact arithmetic (a one-unit domain under "adjust") comes out of
    # R as rounding noise (1e-16); compare it on the scale of the estimate.
    noise = 1e-12 * max(1.0, abs(row.estimate or 0.0))
    assert close(ours["se"], row.se, absolute=noise), (ours["se"], row.se, row.r_code)
    # A one-respondent domain has no SRS variance: R reports deff Inf there, we report NaN.
    if row.deff is not None and math.isfinite(row.deff):
        assert close(ours["deff"], row.deff), (ours["deff"], row.deff, row.r_code)


@pytest.mark.parametrize("row", CASES, ids=[row.case_id for row in CASES])
def test_interval_matches_r_at_the_same_degrees_of_freedom(row: ReferenceRow) -> None:
    ours = estimate_like_r(row)
    if row.ci_high is None or math.isnan(row.ci_high):
        if row.df == 0:
            # One PSU in the domain: no variance-based interval exists, in R or here.
            assert math.isnan(ours["ci_low"])
            assert math.isnan(ours["ci_high"])
        else:
            # svyciprop at df=1: confint.svyglm rounds the t quantile's coverage to 1 and
            # R returns (0, NaN). We return the proper t(1) logit interval instead.
            assert row.estimator == "ciprop_logit"
            assert row.df == 1
            assert ours["ci_low"] < ours["estimate"] < ours["ci_high"]
        return
    if row.estimator == "ciprop_logit":
        # svyciprop's df is its own: the domain design without the missing rows.
        assert ours["df"] == row.df, (ours["df"], row.df, row.r_code)
        low, high = ours["ci_low"], ours["ci_high"]
    else:
        assert row.df is not None
        bounds = interval(
            np.array([ours["estimate"]]), np.array([ours["se"]]), np.array([row.df]), 0.95, "t"
        )
        low, high = float(bounds[0][0]), float(bounds[1][0])
    assert close(low, row.ci_low, absolute=1e-9), (low, row.ci_low, row.r_code)
    assert close(high, row.ci_high, absolute=1e-9), (high, row.ci_high, row.r_code)


def test_the_oracle_covers_every_taylor_design() -> None:
    covered = {row.design_id for row in CASES}
    assert covered == set(TAYLOR_DESIGNS)
    assert len(CASES) > 200
