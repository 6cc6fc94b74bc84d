"""PPS sampling without replacement: Hartley and Rao's approximation, against R survey 4.1.

``methods/methods_reference.R`` (section 7) computed ``methods/pps_hr_values.csv`` with
``svydesign(pps = HR(), variance = "HT" / "YG")`` on the data of ``methods/pps.csv``: means
and totals, whole, and by school type on the stratified design (R's ``[.pps`` stops for
domains of the cluster design). Tolerance 1e-9 relative.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import polars as pl
import pytest

from govindex.survey import SurveyDesign, mean, total
from govindex.survey.design import Stage
from govindex.survey.variance import _hartley_rao_contribution

from .test_survey_methods_certainty import FOLDER

pytestmark = pytest.mark.reference

RELATIVE = 1e-9
DESIGNS = [f"hr_{form}_{part}" for form in ("HT", "YG") for part in ("strat", "clus")]


@cache
def design_of(design_id: str) -> SurveyDesign:
    data = pl.read_csv(FOLDER / "pps.csv", infer_schema_length=None)
    _, form, part = design_id.split("_")
    options: dict[str, Any] = {"pps": "hartley-rao", "fpc": "pi", "pps_variance": form}
    rows = data.filter(pl.col("part") == part)
    if part == "strat":
        return SurveyDesign.from_frame(rows, strata="stype", **options)
    return SurveyDesign.from_frame(rows, psu="dnum", **options)


@cache
def values() -> pl.DataFrame:
    return pl.read_csv(
        FOLDER / "pps_hr_values.csv",
        schema_overrides={
            "domain": pl.String,
            "estimate": pl.Float64,
            "se": pl.Float64,
            "variance": pl.Float64,
        },
    ).with_columns(pl.col("domain").fill_null(""))


def test_every_r_design_is_checked() -> None:
    assert set(values()["design_id"].unique()) == set(DESIGNS)


@pytest.mark.parametrize("design_id", DESIGNS)
def test_hartley_rao_variance_matches_r(design_id: str) -> None:
    design = design_of(design_id)
    expected = values().filter(pl.col("design_id") == design_id)
    estimators = {"mean": mean, "total": total}
    checked = 0
    for row in expected.iter_rows(named=True):
        by = "stype" if row["domain"] else None
        table = estimators[row["estimator"]](design, ["api00", "enroll"], by=by)
        found = table.row(row["variable"], row["domain"])
        assert math.isclose(found["estimate"], row["estimate"], rel_tol=RELATIVE), row
        if math.isnan(row["se"]):
            assert math.isnan(found["se"]), row
        else:
            assert math.isclose(found["se"], row["se"], rel_tol=RELATIVE), (row, found["se"])
        checked += 1
    assert checked == (4 if design_id.endswith("clus") else 16)


def test_hartley_rao_is_neither_overton_nor_brewer() -> None:
    data = pl.read_csv(FOLDER / "pps.csv", infer_schema_length=None).filter(
        pl.col("part") == "strat"
    )
    ses = {
        pps: mean(SurveyDesign.from_frame(data, strata="stype", fpc="pi", pps=pps), "api00").se[0]
        for pps in ("hartley-rao", "overton", "brewer")
    }
    assert not math.isclose(ses["hartley-rao"], ses["overton"], rel_tol=1e-6)
    assert not math.isclose(ses["hartley-rao"], ses["brewer"], rel_tol=1e-6)


@pytest.mark.parametrize("yates_grundy", [False, True])
def test_quadratic_form_equals_the_dense_matrix_of_r_with_exact_pairs(yates_grundy: bool) -> None:
    """R's HRDcheck written out densely, on a stratum where two π add up to exactly 1."""
    probability = np.array([0.25, 0.75, 0.4, 0.3, 0.5, 0.5])
    stratum = np.array([0, 0, 0, 0, 1, 1])
    sizes = np.bincount(stratum)
    stage = Stage(
        units=np.arange(6),
        strata=stratum,
        unit_stratum=stratum,
        stratum_sizes=sizes,
        stratum_population=None,
        stratum_parent=None,
        unit_fraction=probability,
    )
    totals = np.array([[3.0], [-1.0], [2.5], [4.0], [1.5], [-2.0]])
    found = _hartley_rao_contribution(
        stage, np.arange(6), 1, totals, stratum, np.array([0, 1]), yates_grundy=yates_grundy
    )
    expected = []
    for s in (0, 1):
        units = np.flatnonzero(stratum == s)
        p = probability[units]
        n = units.size
        p2bar = p.mean()
        fbar = np.add.outer(p, p)
        check = 1 - (n - fbar + p2bar) / (n - 1)
        check[fbar == 1] = 0.0
        np.fill_diagonal(check, 1 - p)
        t = totals[units, 0]
        value = t @ check @ t
        if yates_grundy:
            value -= np.sum(check @ (t * t))
        expected.append(value)
    assert np.allclose(found[:, 0], expected, rtol=1e-12, atol=0)
