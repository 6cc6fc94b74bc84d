"""PPS sampling without replacement: Brewer's and Overton's approximations, against R survey 4.1.

``methods/methods_reference.R`` wrote ``methods/pps.csv`` (a stratified element design and a
one-stage cluster design with unequal inclusion probabilities) and computed
``methods/pps_values.csv`` with ``svydesign(pps="brewer")`` and ``svydesign(pps="overton",
variance="HT"/"YG")``: means and totals, whole and by school type (domains that miss some
PSUs of a stratum included).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import polars as pl
import pytest

from govindex.errors import DesignError
from govindex.survey import SurveyDesign, mean, replicate_design, total
from govindex.survey.variance import taylor_variance

from .test_survey_methods_certainty import FOLDER

pytestmark = pytest.mark.reference

RELATIVE = 1e-9


@cache
def design_of(design_id: str) -> SurveyDesign:
    data = pl.read_csv(FOLDER / "pps.csv", infer_schema_length=None)
    method, *variance, part = design_id.split("_")
    options: dict[str, Any] = {"pps": method, "fpc": "pi"}
    if variance:
        options["pps_variance"] = variance[0]
    rows = data.filter(pl.col("part") == part)
    if part == "strat":
        return SurveyDesign.from_frame(rows, strata="stype", **options)
    return SurveyDesign.from_frame(rows, psu="dnum", **options)


@cache
def values() -> pl.DataFrame:
    return pl.read_csv(
        FOLDER / "pps_values.csv",
        schema_overrides={
            "domain": pl.String,
            "estimate": pl.Float64,
            "se": pl.Float64,
            "variance": pl.Float64,
        },
    ).with_columns(pl.col("domain").fill_null(""))


DESIGNS = [
    f"{method}_{part}"
    for method in ("brewer", "overton_HT", "overton_YG")
    for part in ("strat", "clus")
]


def test_every_r_design_is_checked() -> None:
    assert set(values()["design_id"].unique()) == set(DESIGNS)


@pytest.mark.parametrize("design_id", DESIGNS)
def test_pps_variance_matches_r(design_id: str) -> None:
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
            # A negative Horvitz–Thompson variance has no SE, in R as here.
            assert math.isnan(found["se"]), row
        else:
            assert math.isclose(found["se"], row["se"], rel_tol=RELATIVE), (row, found["se"])
        checked += 1
    assert checked == (4 if design_id.startswith("overton") and design_id.endswith("clus") else 16)


def test_brewer_needs_inclusion_probabilities() -> None:
    data = pl.read_csv(FOLDER / "pps.csv", infer_schema_length=None).filter(
        pl.col("part") == "clus"
    )
    with pytest.raises(DesignError, match=r"inclusion probability, in \(0, 1\]"):
        SurveyDesign.from_frame(
            data.with_columns(pl.col("pi") * 100), psu="dnum", fpc="pi", pps="brewer"
        )
    with pytest.raises(DesignError, match="varies within a PSU"):
        SurveyDesign.from_frame(
            data.with_columns(pl.col("api00") / 1000), psu="dnum", fpc="api00", pps="brewer"
        )


def test_brewer_design_is_not_replicated_silently() -> None:
    with pytest.raises(DesignError, match="PPS design"):
        replicate_design(design_of("brewer_clus"), "jk1")


def test_brewer_has_only_horvitz_thompson() -> None:
    data = pl.read_csv(FOLDER / "pps.csv", infer_schema_length=None).filter(
        pl.col("part") == "clus"
    )
    with pytest.raises(DesignError, match="`pps_variance` must be one of HT"):
        SurveyDesign.from_frame(data, psu="dnum", fpc="pi", pps="brewer", pps_variance="YG")


def test_negative_horvitz_thompson_variance_is_r_value() -> None:
    design = design_of("overton_HT_strat")
    row = (
        values()
        .filter(
            (pl.col("design_id") == "overton_HT_strat")
            & (pl.col("estimator") == "total")
            & (pl.col("variable") == "api00")
            & (pl.col("domain") == "")
        )
        .row(0, named=True)
    )
    scores = design.weights * design.frame["api00"].cast(pl.Float64).to_numpy()
    variance = taylor_variance(design, scores[:, None], np.zeros(design.n_rows, np.int64), 1)
    assert row["variance"] < 0
    assert math.isclose(float(variance[0, 0]), row["variance"], rel_tol=RELATIVE)
