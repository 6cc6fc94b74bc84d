"""PPS sampling without replacement, Brewer's variance approximation, against R survey 4.1.

``methods/methods_reference.R`` wrote ``methods/pps.csv`` (a stratified element design and a
one-stage cluster design with unequal inclusion probabilities) and computed
``methods/pps_values.csv`` with ``svydesign(pps="brewer")``: means and totals, whole and by
school type (where a domain misses some PSUs of a stratum, which R pads in its own way).
"""

from __future__ import annotations

import math
from functools import cache

import polars as pl
import pytest

from govindex.errors import DesignError
from govindex.survey import SurveyDesign, mean, replicate_design, total

from .test_survey_methods_certainty import FOLDER

pytestmark = pytest.mark.reference

RELATIVE = 1e-9


@cache
def design_of(design_id: str) -> SurveyDesign:
    data = pl.read_csv(FOLDER / "pps.csv", infer_schema_length=None)
    if design_id == "brewer_strat":
        part = data.filter(pl.col("part") == "strat")
        return SurveyDesign.from_frame(part, strata="stype", fpc="pi", pps="brewer")
    part = data.filter(pl.col("part") == "clus")
    return SurveyDesign.from_frame(part, psu="dnum", fpc="pi", pps="brewer")


@cache
def values() -> pl.DataFrame:
    return pl.read_csv(
        FOLDER / "pps_values.csv",
        schema_overrides={"domain": pl.String, "estimate": pl.Float64, "se": pl.Float64},
    ).with_columns(pl.col("domain").fill_null(""))


@pytest.mark.parametrize("design_id", ["brewer_strat", "brewer_clus"])
def test_brewer_variance_matches_r(design_id: str) -> None:
    design = design_of(design_id)
    expected = values().filter(pl.col("design_id") == design_id)
    estimators = {"mean": mean, "total": total}
    checked = 0
    for row in expected.iter_rows(named=True):
        by = "stype" if row["domain"] else None
        table = estimators[row["estimator"]](design, ["api00", "enroll"], by=by)
        found = table.row(row["variable"], row["domain"])
        assert math.isclose(found["estimate"], row["estimate"], rel_tol=RELATIVE), row
        assert math.isclose(found["se"], row["se"], rel_tol=RELATIVE), (row, found["se"])
        checked += 1
    assert checked == 16


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
