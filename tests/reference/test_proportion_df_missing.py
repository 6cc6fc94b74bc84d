"""Proportion intervals with missing values take R svyciprop's degrees of freedom.

``methods/ciprop_df_reference.R`` computed ``methods/ciprop_df_values.csv``: svyciprop of
``I(acs.k3 > 20)`` with ``na.rm = TRUE`` (acs.k3 is missing for 103 of 200 stratified
schools and for whole districts of a domain), whole and ``svyby(~awards)``, for every method,
on a stratified, a clustered and a JK1 design. R's df is ``degf`` of the domain design with
the rows that have no value — 197 where the rows with a value give 96 — and the interval
bounds move with it; tolerance 1e-9 relative.
"""

from __future__ import annotations

import math
from functools import cache

import polars as pl
import pytest
from tests.reference.reference_cases import data_set

from govindex.survey import SurveyDesign, proportion, replicate_design
from govindex.survey.results import EstimateTable

from .test_survey_methods_certainty import FOLDER

pytestmark = pytest.mark.reference

RELATIVE = 1e-9
SHARE = "acs.k3>20"
GLM_RELATIVE = 1e-6


def _with_share(name: str) -> pl.DataFrame:
    return data_set(name).with_columns(
        (pl.col("acs.k3") > 20).cast(pl.Int64).alias(SHARE), pl.col("awards").cast(pl.String)
    )


@cache
def design_of(design_id: str) -> SurveyDesign:
    if design_id == "dstrat":
        return SurveyDesign.from_frame(
            _with_share("apistrat"), weights="pw", strata="stype", fpc="fpc"
        )
    clustered = SurveyDesign.from_frame(
        _with_share("apiclus1"), weights="pw", psu="dnum", fpc="fpc"
    )
    return clustered if design_id == "dclus1" else replicate_design(clustered, "jk1")


@cache
def values() -> pl.DataFrame:
    numbers = {name: pl.Float64 for name in ("estimate", "se", "ci_low", "ci_high")}
    return pl.read_csv(
        FOLDER / "ciprop_df_values.csv", schema_overrides={"domain": pl.String, **numbers}
    ).with_columns(pl.col("domain").fill_null(""))


def _same(found: float, expected: float, relative: float = RELATIVE) -> bool:
    if math.isnan(expected):
        return math.isnan(found)
    return math.isclose(found, expected, rel_tol=relative, abs_tol=1e-15)


def _tables(design_id: str, method: str) -> tuple[EstimateTable, EstimateTable]:
    design = design_of(design_id)
    options = {"na_rm": True, "method": method}
    return (
        proportion(design, SHARE, **options),  # type: ignore[arg-type]
        proportion(design, SHARE, by="awards", **options),  # type: ignore[arg-type]
    )


CASES = sorted({(r["design_id"], r["method"]) for r in values().iter_rows(named=True)})


@pytest.mark.parametrize(("design_id", "method"), CASES)
def test_missing_values_keep_the_domain_design_df_as_r(design_id: str, method: str) -> None:
    whole, by_awards = _tables(design_id, method)
    expected = values().filter((pl.col("design_id") == design_id) & (pl.col("method") == method))
    assert len(expected) >= 2
    for row in expected.iter_rows(named=True):
        found = (by_awards if row["domain"] else whole).row(SHARE, row["domain"])
        assert found["df"] == row["df"], row
        if row["method"] == "logit" and row["estimate"] < 1e-9:
            # A share of 0: R's glm stops short of a logit of −∞ and reports an interval
            # around 6e-12; govindex reports the share itself, 0, with no interval.
            assert found["estimate"] == 0.0
            continue
        for column in ("estimate", "se", "ci_low", "ci_high"):
            # R's logit and likelihood estimates are expit of glm's last iterate, within
            # glm's convergence tolerance (1e-8 on the deviance) of the weighted share, and
            # its logit (Wald) bounds are centred there; the likelihood bounds are not.
            loose = method == "logit" or (method == "likelihood" and column == "estimate")
            relative = GLM_RELATIVE if loose else RELATIVE
            assert _same(found[column], row[column], relative), (row, column, found[column])
    assert whole.parameters["df_rows"] == "domain"


def test_rows_with_a_value_would_give_another_df() -> None:
    # The contrast R does not use: without the rows that have no value the df would be
    # smaller, so the matching above is not a coincidence of equal counts.
    rows = values()
    assert (rows["df_present"] < rows["df"]).any()
    design = design_of("dstrat")
    means = design.degrees_of_freedom(design.frame[SHARE].is_not_null().to_numpy())
    assert means == rows.filter(pl.col("domain") == "")["df_present"][0]
