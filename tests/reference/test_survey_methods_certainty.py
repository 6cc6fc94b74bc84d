"""The lonely-PSU rules when a stratum's only PSU is a certainty unit, against R survey 4.1.

``methods/methods_reference.R`` built ``methods/certainty.csv`` (apistrat with strata M and H
cut to one school each) and computed every value in ``methods/certainty_values.csv``. With
``fpc_mixed`` H is a certainty unit (population 1) and M a sampled lonely PSU; with
``fpc_census`` both are certainty units. R's ``average`` rule counts a certainty stratum as
a stratum that contributes (zero) variance, not as a lonely one.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from govindex.survey import SurveyDesign, mean, total

pytestmark = pytest.mark.reference

RELATIVE = 1e-9
FOLDER = Path(__file__).parent / "methods"


@cache
def _data() -> pl.DataFrame:
    return pl.read_csv(FOLDER / "certainty.csv", null_values="", infer_schema_length=None)


@cache
def _values() -> pl.DataFrame:
    return pl.read_csv(
        FOLDER / "certainty_values.csv",
        schema_overrides={"domain": pl.String, "estimate": pl.Float64, "se": pl.Float64},
        null_values=[],
    ).with_columns(pl.col("domain").fill_null(""))


CASES = sorted({(row["fpc"], row["rule"]) for row in _values().iter_rows(named=True)})


@pytest.mark.parametrize(("fpc", "rule"), CASES)
def test_lonely_rules_with_certainty_strata_match_r(fpc: str, rule: str) -> None:
    design = SurveyDesign.from_frame(
        _data(),
        weights="pw",
        strata="stype",
        fpc=fpc,
        lonely_psu=rule,  # type: ignore[arg-type]
    )
    expected = _values().filter((pl.col("fpc") == fpc) & (pl.col("rule") == rule))
    tables = {
        ("mean", ""): mean(design, ["api00", "enroll"]),
        ("total", ""): total(design, ["api00", "enroll"]),
        ("mean", "sch.wide"): mean(design, ["api00", "enroll"], by="sch.wide"),
    }
    checked = 0
    for row in expected.iter_rows(named=True):
        table = tables[(row["estimator"], "sch.wide" if row["domain"] else "")]
        found = table.row(row["variable"], row["domain"])
        assert math.isclose(found["estimate"], row["estimate"], rel_tol=RELATIVE), row
        assert math.isclose(found["se"], row["se"], rel_tol=RELATIVE), (row, found["se"])
        checked += 1
    assert checked == 8
