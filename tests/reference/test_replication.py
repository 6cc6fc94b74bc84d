"""Replicate designs against R survey 4.1 (``as.svrepdesign`` / ``svrepdesign``).

The shared oracle ``survey/reference_values.R`` gives the replicate weights, scales,
estimates and degrees of freedom of every replicate design it builds. What it cannot give is
in ``replication/`` and was produced by ``replication/replication_reference.R``: R's
Hadamard matrices, BRR/Fay designs (the oracle's ``rnhanes_brr`` / ``rnhanes_fay`` were
refused by R: NHANES stratum 86 has 3 PSUs), and exact proportions (see below).
Tolerances: replicate weights 1e-12 relative, estimates and SEs 1e-9 relative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from tests.reference.reference_cases import (
    FOLDER,
    ReferenceRow,
    data_set,
    rows_for,
    taylor_design,
)

from govindex.errors import DesignError
from govindex.survey import (
    EstimateTable,
    SurveyDesign,
    mean,
    proportion,
    ratio,
    replicate_design,
    replicate_design_from_columns,
    total,
)
from govindex.survey.hadamard import hadamard

pytestmark = pytest.mark.reference

RELATIVE = 1e-9
WEIGHTS_RELATIVE = 1e-12
REPLICATES = FOLDER / "replicates"
OWN = Path(__file__).parent / "replication"


def _bootstrap(taylor_id: str, replicate_id: str) -> SurveyDesign:
    """R's bootstrap design rebuilt from its resample counts (R's RNG cannot be replayed)."""
    design = taylor_design(taylor_id)
    counts = resample_counts(design, replicate_weights_of(replicate_id))
    return replicate_design(design, "bootstrap", resample_counts=counts)


def _user(mse: bool) -> SurveyDesign:
    supplied = pl.read_csv(REPLICATES / "rclus1_user.csv")
    meta = meta_of("rclus1_user")
    frame = pl.concat([data_set("apiclus1"), supplied], how="horizontal")
    return replicate_design_from_columns(
        frame,
        weights="pw",
        replicate_columns=supplied.columns,
        method="other",
        scale=meta["scale"],
        rscales=meta["rscales"],
        mse=mse,
    )


# design_id of the oracle → how govindex builds the same replicate design.
BUILDERS: dict[str, Callable[[], SurveyDesign]] = {
    "rclus1_jk1": lambda: replicate_design(taylor_design("dclus1"), "jk1"),
    "rclus1_jk1_mse": lambda: replicate_design(taylor_design("dclus1"), "jk1", mse=True),
    "rclus1_nofpc_jk1": lambda: replicate_design(taylor_design("dclus1_nofpc"), "jk1"),
    "rstrat_jkn": lambda: replicate_design(taylor_design("dstrat"), "jkn"),
    "rclus2_jk1": lambda: replicate_design(taylor_design("dclus2"), "jk1"),
    "rnhanes_jkn": lambda: replicate_design(taylor_design("dnhanes"), "jkn"),
    "rclus1_boot": lambda: _bootstrap("dclus1", "rclus1_boot"),
    "rstrat_boot": lambda: _bootstrap("dstrat", "rstrat_boot"),
    "rclus1_user": lambda: _user(mse=False),
    "rclus1_user_mse": lambda: _user(mse=True),
    **{
        f"rstrat_jkn_lone_{rule}": (
            lambda rule=rule: replicate_design(taylor_design(f"lone_{rule}"), "jkn")
        )
        for rule in ("remove", "adjust", "average", "certainty")
    },
}
# The full-sample weights each replicate design shares with a linearisation design.
WEIGHTS_OF = {
    "rclus1": "dclus1",
    "rstrat_jkn_lone": "lone",
    "rstrat": "dstrat",
    "rclus2": "dclus2",
    "rnhanes": "dnhanes",
}


@cache
def design_for(design_id: str) -> SurveyDesign:
    return BUILDERS[design_id]()


@cache
def replicate_weights_of(design_id: str) -> np.ndarray:
    return pl.read_csv(REPLICATES / f"{design_id}.csv").to_numpy()


@cache
def meta_of(design_id: str) -> dict[str, object]:
    row = pl.read_csv(REPLICATES / f"{design_id}_meta.csv", infer_schema_length=None).row(
        0, named=True
    )
    row["rscales"] = [float(value) for value in str(row["rscales"]).split(";")]
    return row


def resample_counts(design: SurveyDesign, full_weights: np.ndarray) -> np.ndarray:
    """How often R drew each PSU: replicate weight / weight, checked to be whole numbers."""
    drawn = full_weights / design.weights[:, None]
    assert np.abs(drawn - np.round(drawn)).max() < 1e-9
    counts = np.zeros((design.stages[0].n_units, full_weights.shape[1]))
    counts[design.stages[0].units] = np.round(drawn)
    return counts


# ---------------------------------------------------------------------- weights and scales
@pytest.mark.parametrize("design_id", sorted(BUILDERS))
def test_replicate_weights_and_scales_match_r(design_id: str) -> None:
    replicates = design_for(design_id).replicates
    assert replicates is not None
    meta = meta_of(design_id)
    theirs = replicate_weights_of(design_id)
    assert replicates.weights.shape == theirs.shape
    np.testing.assert_allclose(replicates.weights, theirs, rtol=WEIGHTS_RELATIVE, atol=0)
    assert replicates.scale == pytest.approx(meta["scale"], rel=WEIGHTS_RELATIVE)
    np.testing.assert_allclose(replicates.rscales, meta["rscales"], rtol=WEIGHTS_RELATIVE)
    assert replicates.mse is (str(meta["mse"]).upper() == "TRUE")
    assert replicates.count == meta["n_replicates"]
    assert design_for(design_id).degrees_of_freedom() == meta["degf"]


# ---------------------------------------------------------------------- estimates
CASES = rows_for(set(BUILDERS), {"mean", "total", "ratio", "ciprop_logit"})


@cache
def exact_proportions() -> dict[tuple[str, str, str], float]:
    """svymean of the 0/1 variable on the full-sample weights, keyed (weights, by, level).

    R's svyciprop estimate comes out of an IRLS fit stopped at glm's epsilon (1e-8), so it
    carries up to ~3e-9 of convergence noise (rnhanes_jkn race=1); its SE is svymean's.
    """
    table = pl.read_csv(OWN / "proportions.csv", infer_schema_length=None, null_values="NA")
    return {
        (row["weights_of"], row["byvar"] or "", row["domain"] or ""): float(row["estimate"])
        for row in table.iter_rows(named=True)
    }


@cache
def table_like_r(design_id: str, estimator: str, variable: str, by: str | None) -> EstimateTable:
    """The govindex call matching R's (one table serves every domain of an ``svyby``).

    Degrees of freedom are checked on the designs below, so the tables skip them.
    """
    design = design_for(design_id)
    if estimator == "mean":
        return mean(design, variable, by=by, na_rm=True, df_rule="normal")
    if estimator == "total":
        return total(design, variable, by=by, na_rm=True, df_rule="normal")
    if estimator == "ratio":
        numerator, denominator = variable.split("/")
        return ratio(design, numerator, denominator, by=by, na_rm=True, df_rule="normal")
    return proportion(design, variable, by=by, na_rm=True, df_rule="normal")


@pytest.mark.parametrize("row", CASES, ids=[row.case_id for row in CASES])
def test_estimate_and_standard_error_match_r(row: ReferenceRow) -> None:
    table = table_like_r(row.design_id, row.estimator, row.variable, row.domain_column)
    ours = table.row(row.variable, row.domain)
    expected = row.estimate
    if row.estimator == "ciprop_logit":
        prefix = next(key for key in WEIGHTS_OF if row.design_id.startswith(key))
        key = (WEIGHTS_OF[prefix], row.domain_column or "", row.domain)
        expected = exact_proportions()[key]
    assert ours["estimate"] == pytest.approx(expected, rel=RELATIVE), row.r_code
    assert row.se is not None
    assert ours["se"] == pytest.approx(row.se, rel=RELATIVE), row.r_code


# ---------------------------------------------------------------------- degrees of freedom
def _degrees_of_freedom_cases() -> list[tuple[str, str, str, int]]:
    table = pl.read_csv(
        FOLDER / "degrees_of_freedom.csv",
        schema_overrides={"domain": pl.String, "domain_variable": pl.String},
        null_values="NA",
    )
    return [
        (row["design_id"], row["domain_variable"] or "", row["domain"] or "", row["degf"])
        for row in table.iter_rows(named=True)
        if row["design_id"] in BUILDERS
    ]


DF_CASES = _degrees_of_freedom_cases()


@pytest.mark.parametrize(
    ("design_id", "domain_variable", "domain", "degf"),
    DF_CASES,
    ids=[f"{case[0]}:{case[1]}={case[2]}" for case in DF_CASES],
)
def test_degrees_of_freedom_match_r(
    design_id: str, domain_variable: str, domain: str, degf: int
) -> None:
    design = design_for(design_id)
    mask = np.ones(design.n_rows, dtype=bool)
    by = domain_variable.replace("[!is.na(HI_CHOL)]", "").strip()
    if "[!is.na(HI_CHOL)]" in domain_variable:
        mask &= design.frame["HI_CHOL"].is_not_null().to_numpy()
    if by:
        mask &= (design.frame[by].cast(pl.String) == domain).fill_null(False).to_numpy()
    assert design.degrees_of_freedom(mask) == degf


# ---------------------------------------------------------------------- BRR and Fay
def _brr_design(design_id: str) -> tuple[SurveyDesign, str]:
    frame = (
        data_set("nhanes")
        .filter(pl.col("SDMVSTRA") != 86)
        .with_columns((pl.col("SDMVSTRA") - 74).alias("stratum_number"))
    )
    strata = {"nobrr": "stratum_number", "nofay": "SDMVSTRA"}[design_id]
    design = SurveyDesign.from_frame(
        frame, weights="WTMEC2YR", strata=strata, psu="SDMVPSU", nest=True
    )
    method = "brr" if design_id == "nobrr" else "fay"
    return replicate_design(design, method, fay_rho=0.3), strata


@cache
def brr_design(design_id: str) -> tuple[SurveyDesign, str]:
    return _brr_design(design_id)


@pytest.mark.parametrize("design_id", ["nobrr", "nofay"])
def test_brr_and_fay_replicates_match_r_column_by_column(design_id: str) -> None:
    design, strata = brr_design(design_id)
    assert design.replicates is not None
    factors = pl.read_csv(OWN / "brr_factors.csv").filter(pl.col("design_id") == design_id)
    by_psu = {(row[1], row[2]): np.array(row[3:], dtype=np.float64) for row in factors.iter_rows()}
    keys = zip(design.frame[strata].to_list(), design.frame["SDMVPSU"].to_list(), strict=True)
    theirs = np.array([by_psu[key] for key in keys]) * design.weights[:, None]
    np.testing.assert_allclose(design.replicates.weights, theirs, rtol=WEIGHTS_RELATIVE, atol=0)
    meta = (
        pl.read_csv(OWN / "brr_meta.csv")
        .filter(pl.col("design_id") == design_id)
        .row(0, named=True)
    )
    assert design.replicates.scale == pytest.approx(float(meta["scale"]), rel=WEIGHTS_RELATIVE)
    assert design.replicates.count == meta["n_replicates"]
    assert design.degrees_of_freedom() == meta["degf"]


BRR_VALUES = pl.read_csv(
    OWN / "brr_values.csv", infer_schema_length=None, schema_overrides={"domain": pl.String}
).rows(named=True)


@pytest.mark.parametrize(
    "row",
    BRR_VALUES,
    ids=[f"{r['design_id']}:{r['estimator']}:{r['byvar']}={r['domain']}" for r in BRR_VALUES],
)
def test_brr_and_fay_estimates_match_r(row: dict[str, object]) -> None:
    design, _ = brr_design(str(row["design_id"]))
    by = str(row["byvar"]) if row["byvar"] else None
    estimator = {"mean": mean, "total": total, "ciprop_logit": proportion}[str(row["estimator"])]
    variable = "HI_CHOL==1" if row["estimator"] == "ciprop_logit" else "HI_CHOL"
    table = estimator(design, variable, by=by, na_rm=True, df_rule="domain")
    ours = table.row(variable, str(row["domain"] or ""))
    assert ours["estimate"] == pytest.approx(float(str(row["estimate"])), rel=RELATIVE)
    assert ours["se"] == pytest.approx(float(str(row["se"])), rel=RELATIVE)
    assert ours["df"] == row["df"]


def test_hadamard_matrices_match_r() -> None:
    table = pl.read_csv(OWN / "hadamard.csv")
    for size, rows in table.iter_rows():
        theirs = np.array([[int(bit) for bit in row] for row in rows.split(";")])
        ours = hadamard(size)
        assert ours.shape == theirs.shape, size
        assert (ours == theirs).all(), size


def test_brr_is_refused_where_r_refuses_it() -> None:
    """R: "Can't split with odd numbers of PSUs in a stratum" (survey/refusals.txt)."""
    with pytest.raises(DesignError, match=r"stratum `86` has 3 PSU"):
        replicate_design(taylor_design("dnhanes"), "brr")


def test_proportion_estimates_in_r_oracle_agree_with_exact_values_to_glm_precision() -> None:
    """The oracle's svyciprop estimates are the exact proportions up to IRLS noise."""
    for row in CASES:
        if row.estimator != "ciprop_logit" or row.estimate is None:
            continue
        prefix = next(key for key in WEIGHTS_OF if row.design_id.startswith(key))
        exact = exact_proportions()[(WEIGHTS_OF[prefix], row.domain_column or "", row.domain)]
        assert math.isclose(row.estimate, exact, rel_tol=1e-8, abs_tol=1e-9), row.case_id
