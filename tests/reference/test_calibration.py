"""Calibrated designs against R survey 4.1 (the oracle in ``survey/``).

``survey/reference_values.R`` produced every number: the designs are R's

* ``dclus1_post``         ``postStratify(dclus1, ~stype, pop.types)``
* ``dclus1_rake_default`` ``rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))``
* ``dclus1_rake_tight``   the same with ``control=list(maxit=100, epsilon=1e-10)``
* ``dclus1_greg1``        ``calibrate(dclus1, ~stype, pop.totals)``
* ``dclus1_greg2``        ``calibrate(dclus1, ~stype+api99, c(pop.totals, api99=3914069))``
* ``dclus1_rakingcal``    the same with ``calfun="raking"``
* ``dclus1_trim``         ``trimWeights(dclus1_greg2, lower=20, upper=45)``
* ``rclus1_jk1_*``        the raking (tight), post-stratification and greg2 of
  ``as.svrepdesign(dclus1)``

Compared: final weights (``calibrated_weights.csv``), recalibrated replicate weights
(``replicates/<id>.csv``), and means, totals, ratios and proportions, whole-sample and
by ``stype``, with their SEs, design effects and intervals. Tolerance: 1e-9 relative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
import polars as pl
import pytest
from tests.reference.reference_cases import FOLDER, ReferenceRow, data_set, rows_for

from govindex.survey import (
    EstimateTable,
    ReplicateWeights,
    SurveyDesign,
    calibrate,
    mean,
    post_stratify,
    proportion,
    rake,
    ratio,
    total,
    trim_weights,
)

pytestmark = pytest.mark.reference

RELATIVE = 1e-9

# The population figures of reference_values.R (pop.types, pop.schwide, pop.totals).
TYPES = pl.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
SCHOOL_WIDE = pl.DataFrame({"sch.wide": ["No", "Yes"], "Freq": [1072, 5122]})
TOTALS = {"(Intercept)": 6194.0, "stypeH": 755.0, "stypeM": 1018.0}
TOTALS_API99 = {**TOTALS, "api99": 3914069.0}
MARGINS = [("stype", TYPES), ("sch.wide", SCHOOL_WIDE)]


def _dclus1() -> SurveyDesign:
    return SurveyDesign.from_frame(data_set("apiclus1"), weights="pw", psu="dnum", fpc="fpc")


def _rclus1_jk1() -> SurveyDesign:
    """``as.svrepdesign(dclus1)`` from R's exported replicate weights."""
    matrix = pl.read_csv(FOLDER / "replicates" / "rclus1_jk1.csv").to_numpy().astype(np.float64)
    meta = pl.read_csv(FOLDER / "replicates" / "rclus1_jk1_meta.csv", infer_schema_length=None)
    rscales = np.array([float(value) for value in str(meta["rscales"][0]).split(";")])
    replicates = ReplicateWeights.build(
        "jk1", matrix, scale=float(meta["scale"][0]), rscales=rscales
    )
    return _dclus1().with_replicates(replicates)


BUILDERS: dict[str, Callable[[], SurveyDesign]] = {
    "dclus1_post": lambda: post_stratify(_dclus1(), "stype", TYPES),
    "dclus1_rake_default": lambda: rake(_dclus1(), MARGINS, tolerance=1, max_iterations=10),
    "dclus1_rake_tight": lambda: rake(_dclus1(), MARGINS, tolerance=1e-10, max_iterations=100),
    "dclus1_greg1": lambda: calibrate(_dclus1(), ["stype"], TOTALS),
    "dclus1_greg2": lambda: calibrate(_dclus1(), ["stype", "api99"], TOTALS_API99),
    "dclus1_rakingcal": lambda: calibrate(
        _dclus1(), ["stype", "api99"], TOTALS_API99, method="raking"
    ),
    "dclus1_trim": lambda: trim_weights(calibrated("dclus1_greg2"), lower=20, upper=45),
    "rclus1_jk1_raked": lambda: rake(_rclus1_jk1(), MARGINS, tolerance=1e-10, max_iterations=100),
    "rclus1_jk1_post": lambda: post_stratify(_rclus1_jk1(), "stype", TYPES),
    "rclus1_jk1_greg2": lambda: calibrate(_rclus1_jk1(), ["stype", "api99"], TOTALS_API99),
}
REPLICATE_IDS = [name for name in BUILDERS if name.startswith("rclus1")]
CASES = rows_for(set(BUILDERS), {"mean", "total", "ratio", "ciprop_logit"})


@cache
def calibrated(design_id: str) -> SurveyDesign:
    """The govindex design matching R's calibrated design ``design_id`` (built once)."""
    return BUILDERS[design_id]()


def _estimate_like_r(row: ReferenceRow) -> dict[str, float]:
    design = calibrated(row.design_id)
    by = row.domain_column
    table: EstimateTable
    if row.estimator == "mean":
        table = mean(design, row.variable, by=by, na_rm=True, df_rule="domain")
    elif row.estimator == "total":
        table = total(design, row.variable, by=by, na_rm=True, df_rule="domain")
    elif row.estimator == "ratio":
        numerator, denominator = row.variable.split("/")
        table = ratio(design, numerator, denominator, by=by, na_rm=True, df_rule="domain")
    else:
        table = proportion(design, row.variable, by=by, na_rm=True, df_rule="domain")
    return table.row(row.variable, row.domain)


def test_every_calibrated_design_has_reference_cases() -> None:
    assert {row.design_id for row in CASES} == set(BUILDERS)
    assert len(CASES) == 16 * len(BUILDERS)


@pytest.mark.parametrize("design_id", list(BUILDERS))
def test_final_weights_match_r(design_id: str) -> None:
    weights = pl.read_csv(FOLDER / "calibrated_weights.csv").filter(
        pl.col("design_id") == design_id
    )
    expected = weights.sort("row")["weight"].to_numpy()
    np.testing.assert_allclose(calibrated(design_id).weights, expected, rtol=RELATIVE, atol=0)


@pytest.mark.parametrize("design_id", REPLICATE_IDS)
def test_recalibrated_replicate_weights_match_r(design_id: str) -> None:
    expected = pl.read_csv(FOLDER / "replicates" / f"{design_id}.csv").to_numpy()
    replicates = calibrated(design_id).replicates
    assert replicates is not None
    np.testing.assert_allclose(replicates.weights, expected, rtol=RELATIVE, atol=0)


@pytest.mark.parametrize("row", CASES, ids=[row.case_id for row in CASES])
def test_estimate_and_standard_error_match_r(row: ReferenceRow) -> None:
    ours = _estimate_like_r(row)
    # svyciprop fits a logistic model by IRLS: R's proportion carries ~1e-10 of noise.
    absolute = 1e-9 if row.estimator == "ciprop_logit" else 0.0
    assert ours["estimate"] == pytest.approx(row.estimate, rel=RELATIVE, abs=absolute), row.r_code
    # sch.wide is a raking margin, so its whole-sample proportion has SE 0 up to rounding
    # (R: 1.1e-15); pytest.approx's default abs=1e-12 is what makes those rows compare.
    assert ours["se"] == pytest.approx(row.se, rel=RELATIVE, abs=1e-12), row.r_code
    if row.deff is not None and math.isfinite(row.deff):
        assert ours["deff"] == pytest.approx(row.deff, rel=RELATIVE), row.r_code
    assert ours["df"] == row.df, row.r_code


INTERVAL_CASES = CASES


@pytest.mark.parametrize("row", INTERVAL_CASES)
def test_interval_matches_r(row: ReferenceRow) -> None:
    ours = _estimate_like_r(row)
    absolute = 1e-9 if row.estimator == "ciprop_logit" else 0.0
    if row.estimator == "ciprop_logit" and row.design_id in REPLICATE_IDS:
        # R's svyciprop refits the logistic model by IRLS in every replicate (glm's
        # convergence test is 1e-8 on the deviance), so its replicate logits, and the
        # interval built from them, carry about 1e-9 of convergence noise.
        absolute = 1e-8
    assert ours["ci_low"] == pytest.approx(row.ci_low, rel=RELATIVE, abs=absolute), row.r_code
    assert ours["ci_high"] == pytest.approx(row.ci_high, rel=RELATIVE, abs=absolute), row.r_code
