"""Profile-likelihood proportion intervals, R ``svyciprop(method = "likelihood")``.

``methods/methods_reference.R`` (section 6) computed ``methods/ciprop_likelihood_values.csv``
on the stratified and clustered Taylor designs, whole (levels 0.95 and 0.9) and per school
type. R's interval is a fixed recipe (MASS's stepped profile grid, an FMM spline, linear
inversion; no root-finding tolerance), so govindex repeats it and agrees to 1e-9 relative.
Where R stops (a domain share of 0) the bounds are NaN; on a replicate design R gives NA
and govindex refuses the method with a message.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import polars as pl
import pytest
from tests.reference.reference_cases import data_set

from govindex.errors import SpecError
from govindex.survey import SurveyDesign, proportion
from govindex.survey.calibration import post_stratify
from govindex.survey.intervals import proportion_interval
from govindex.survey.likelihood_interval import (
    _approx,
    _fmm_coefficients,
    _spline_evaluate,
    fit_intercept,
)

from .test_proportion_methods import design_of
from .test_survey_methods_certainty import FOLDER

pytestmark = pytest.mark.reference

RELATIVE = 1e-9
VARIABLES = ["sch.wide==Yes", "api00>850"]


@cache
def values() -> pl.DataFrame:
    return pl.read_csv(
        FOLDER / "ciprop_likelihood_values.csv",
        schema_overrides={"domain": pl.String, "ci_low": pl.Float64, "ci_high": pl.Float64},
        null_values="NA",
    ).with_columns(pl.col("domain").fill_null(""))


CASES = sorted(
    {
        (r["design_id"], r["level"])
        for r in values().iter_rows(named=True)
        if r["design_id"] in ("dstrat", "dclus1") and r["variable"] in VARIABLES
    }
)


@pytest.mark.parametrize(("design_id", "level"), CASES)
def test_likelihood_intervals_match_r(design_id: str, level: float) -> None:
    expected = values().filter(
        (pl.col("design_id") == design_id)
        & (pl.col("level") == level)
        & pl.col("variable").is_in(VARIABLES)
    )
    design = design_of(design_id)
    whole = proportion(design, VARIABLES, method="likelihood", level=level)
    by_type = proportion(design, VARIABLES, by="stype", method="likelihood", level=level)
    checked = 0
    for row in expected.iter_rows(named=True):
        table = by_type if row["domain"] else whole
        found = table.row(row["variable"], row["domain"])
        if row["outcome"] == "stops":
            assert math.isnan(found["ci_low"]), row
            assert math.isnan(found["ci_high"]), row
            assert found["estimate"] == 0.0
        else:
            assert row["outcome"] == "interval"
            for column in ("ci_low", "ci_high"):
                assert math.isclose(found[column], row[column], rel_tol=RELATIVE), (
                    row,
                    column,
                    found[column],
                )
        checked += 1
    assert checked == (8 if level == 0.95 else 2)
    assert whole.parameters["proportion_method"] == "likelihood"


def test_missing_values_follow_r_weight_scaling() -> None:
    """acs.k3 is missing for 103 of 200 schools: svyglm rescales the weights over every row,
    glm then drops the missing ones, and the dispersion keeps the ratio of the two means.
    R's svyciprop takes the whole design's df, which is df_rule="design" here."""
    row = values().filter(pl.col("variable") == "acs.k3>20").row(0, named=True)
    data = data_set("apistrat").with_columns(
        (pl.col("acs.k3") > 20).cast(pl.Int64).alias("acs.k3>20")
    )
    design = SurveyDesign.from_frame(data, weights="pw", strata="stype", fpc="fpc")
    assert data["acs.k3>20"].null_count() == 103
    table = proportion(design, "acs.k3>20", na_rm=True, method="likelihood", df_rule="design")
    found = table.row("acs.k3>20")
    for column in ("ci_low", "ci_high"):
        assert math.isclose(found[column], row[column], rel_tol=RELATIVE), (column, found)


def test_calibrated_domains_keep_every_row_as_r() -> None:
    """A post-stratified design's domains keep all rows (zero weight outside), which
    changes the model's rows and the weights' scale; by `awards`, "Yes" has a share of 1."""
    expected = values().filter(pl.col("design_id") == "dclus1_post")
    data = data_set("apiclus1").with_columns(
        (pl.col("sch.wide") == "Yes").cast(pl.Int64).alias("sch.wide==Yes")
    )
    design = post_stratify(
        SurveyDesign.from_frame(data, weights="pw", psu="dnum", fpc="fpc"),
        "stype",
        {"E": 4421, "H": 755, "M": 1018},
    )
    whole = proportion(design, "sch.wide==Yes", method="likelihood")
    by_awards = proportion(design, "sch.wide==Yes", by="awards", method="likelihood")
    assert len(expected) == 3
    for row in expected.iter_rows(named=True):
        table = by_awards if row["domain"] else whole
        found = table.row("sch.wide==Yes", row["domain"])
        if row["outcome"] == "stops":
            assert found["estimate"] == 1.0
            assert math.isnan(found["ci_low"])
            continue
        for column in ("ci_low", "ci_high"):
            assert math.isclose(found[column], row[column], rel_tol=RELATIVE), (row, found)


def test_replicate_design_is_refused_where_r_gives_no_interval() -> None:
    in_r = values().filter(pl.col("design_id") == "rclus1_jk1")
    assert set(in_r["outcome"]) <= {"na", "stops"}
    with pytest.raises(SpecError, match="linearisation design"):
        proportion(design_of("rclus1_jk1"), "sch.wide==Yes", method="likelihood")


def test_likelihood_interval_needs_the_data_not_only_the_se() -> None:
    with pytest.raises(ValueError, match="needs the data"):
        proportion_interval(np.array([0.3]), np.array([0.05]), np.array([10.0]), 0.95, "likelihood")


def test_likelihood_interval_is_not_rescaled_to_another_level() -> None:
    table = proportion(design_of("dstrat"), "sch.wide==Yes", method="likelihood")
    with pytest.raises(SpecError, match="recomputed"):
        table.confint(0.9)


def test_likelihood_interval_is_not_the_wald_logit_interval() -> None:
    likelihood = proportion(design_of("dstrat"), "api00>850", method="likelihood")
    wald = proportion(design_of("dstrat"), "api00>850", method="xlogit")
    assert not math.isclose(likelihood.ci_low[0], wald.ci_low[0], rel_tol=1e-3)
    assert likelihood.ci_low[0] < likelihood.estimate[0] < likelihood.ci_high[0]


def test_fitted_coefficient_follows_r_iterations_not_the_closed_form() -> None:
    # R's glm stops at a relative deviance change of 1e-8: the coefficient is close to,
    # but not exactly, logit(p), and the interval needs R's value.
    weights = np.array([1.0, 3.0, 2.0, 5.0, 1.0, 4.0])
    outcome = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    fit = fit_intercept(weights, outcome)
    assert fit is not None
    share = float(np.sum(weights * outcome) / np.sum(weights))
    assert math.isclose(fit.fitted, share, rel_tol=1e-6)
    assert fit.rows == 6


def test_fmm_spline_interpolates_a_cubic_exactly() -> None:
    # The FMM end conditions fit a cubic through the end points, so a cubic is reproduced.
    x = np.array([0.0, 0.5, 1.5, 2.0, 3.0, 4.5])
    y = x**3 - 2 * x
    b, c, d = _fmm_coefficients(x, y)
    points = np.linspace(0.0, 4.5, 19)
    assert np.allclose(_spline_evaluate(points, x, y, b, c, d), points**3 - 2 * points)


def test_approx_is_missing_outside_the_range_as_r_rule_1() -> None:
    x = np.array([0.0, 1.0, 2.0])
    y = np.array([10.0, 20.0, 40.0])
    assert _approx(x, y, 1.5) == 30.0
    assert math.isnan(_approx(x, y, 2.5))
