"""Proportion intervals by R ``svyciprop``'s methods beta, xlogit, mean and asin.

``methods/methods_reference.R`` computed ``methods/ciprop_values.csv``: whole-sample and
``svyby(~stype)`` intervals for a common share (schools meeting their target) and a share
near 0 (API above 850), on a stratified and a clustered linearisation design and on the
clustered design's JK1 replicates. Tolerance 1e-9 relative; R's NaN (a share of 0 has no
Korn–Graubard or asin interval with SE 0) must be NaN here too.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import polars as pl
import pytest
from tests.reference.reference_cases import data_set

from govindex.errors import SpecError
from govindex.survey import SurveyDesign, proportion, replicate_design
from govindex.survey.intervals import proportion_interval

from .test_survey_methods_certainty import FOLDER

pytestmark = pytest.mark.reference

RELATIVE = 1e-9


def _with_shares(name: str) -> pl.DataFrame:
    return data_set(name).with_columns((pl.col("api00") > 850).cast(pl.Int64).alias("api00>850"))


@cache
def design_of(design_id: str) -> SurveyDesign:
    if design_id == "dstrat":
        return SurveyDesign.from_frame(
            _with_shares("apistrat"), weights="pw", strata="stype", fpc="fpc"
        )
    clustered = SurveyDesign.from_frame(
        _with_shares("apiclus1"), weights="pw", psu="dnum", fpc="fpc"
    )
    if design_id == "dclus1":
        return clustered
    return replicate_design(clustered, "jk1")


@cache
def values() -> pl.DataFrame:
    numbers = {name: pl.Float64 for name in ("estimate", "se", "ci_low", "ci_high")}
    return pl.read_csv(
        FOLDER / "ciprop_values.csv", schema_overrides={"domain": pl.String, **numbers}
    ).with_columns(pl.col("domain").fill_null(""))


def _same(found: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(found)
    return math.isclose(found, expected, rel_tol=RELATIVE, abs_tol=1e-15)


CASES = sorted({(r["design_id"], r["method"]) for r in values().iter_rows(named=True)})


@pytest.mark.parametrize(("design_id", "method"), CASES)
def test_proportion_intervals_match_r(design_id: str, method: str) -> None:
    design = design_of(design_id)
    expected = values().filter((pl.col("design_id") == design_id) & (pl.col("method") == method))
    whole = proportion(design, ["sch.wide==Yes", "api00>850"], method=method)  # type: ignore[arg-type]
    by_type = proportion(design, ["sch.wide==Yes", "api00>850"], by="stype", method=method)  # type: ignore[arg-type]
    for row in expected.iter_rows(named=True):
        table = by_type if row["domain"] else whole
        found = table.row(row["variable"], row["domain"])
        for column in ("estimate", "se", "ci_low", "ci_high"):
            assert _same(found[column], row[column]), (row, column, found[column])
    assert len(expected) == 8
    assert whole.parameters["proportion_method"] == method


def test_unknown_method_is_refused() -> None:
    with pytest.raises(SpecError, match="`method` must be one of"):
        proportion(design_of("dstrat"), "sch.wide==Yes", method="wilson")  # type: ignore[arg-type]


def test_beta_interval_needs_recomputing_at_another_level() -> None:
    table = proportion(design_of("dstrat"), "sch.wide==Yes", method="beta")
    with pytest.raises(SpecError, match="recomputed"):
        table.confint(0.9)


def test_beta_interval_at_zero_and_one_follows_r() -> None:
    # R: qbeta(a, 0, b) = 0 and qbeta(a, b, 0) = 1, so a share of 0 with a positive SE has
    # lower bound 0 and a share of 1 has upper bound 1.
    low, high = proportion_interval(
        np.array([0.0, 1.0]),
        np.array([0.01, 0.01]),
        np.array([10.0, 10.0]),
        0.95,
        "beta",
        rows=np.array([50.0, 50.0]),
    )
    assert low[0] == 0.0
    assert high[1] == 1.0
