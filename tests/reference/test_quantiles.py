"""`quantile` against R survey 4.1 `svyquantile` (qrule="math", interval.type="mean").

Reference values: `survey/reference_values.csv`, written by `survey/reference_values.R`
(rows whose estimator is `quantile_<p>`; the R call is in each row's `r_code`). Replicate
designs are rebuilt from the exact replicate weights R wrote to `survey/replicates/`
(calibrated ones with R's final weights from `calibrated_weights.csv`); calibrated
linearisation designs are rebuilt with govindex's own calibration, with R's arguments.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from tests.reference.reference_cases import TAYLOR_DESIGNS

from govindex.survey import (
    ReplicateWeights,
    SurveyDesign,
    calibrate,
    post_stratify,
    quantile,
    rake,
    trim_weights,
)
from govindex.survey.replicates import ReplicateMethod

pytestmark = pytest.mark.reference

REFERENCE = Path(__file__).parent / "survey"
PROBABILITIES = (0.25, 0.5, 0.75)
LONELY_RULES = ("remove", "adjust", "average", "certainty")

# The linearisation designs of the oracle, as the other reference tests build them.
TAYLOR = TAYLOR_DESIGNS

# The population figures of reference_values.R (pop.types, pop.schwide, pop.totals).
TYPES = pl.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
SCHOOL_WIDE = pl.DataFrame({"sch.wide": ["No", "Yes"], "Freq": [1072, 5122]})
TOTALS = {"(Intercept)": 6194.0, "stypeH": 755.0, "stypeM": 1018.0}
TOTALS_API99 = {**TOTALS, "api99": 3914069.0}
MARGINS = [("stype", TYPES), ("sch.wide", SCHOOL_WIDE)]

# calibrated linearisation design id -> how R made it from dclus1
CALIBRATED: dict[str, Callable[[SurveyDesign], SurveyDesign]] = {
    "dclus1_post": lambda design: post_stratify(design, "stype", TYPES),
    "dclus1_rake_default": lambda design: rake(design, MARGINS, tolerance=1, max_iterations=10),
    "dclus1_rake_tight": lambda design: rake(design, MARGINS, tolerance=1e-10, max_iterations=100),
    "dclus1_greg1": lambda design: calibrate(design, ["stype"], TOTALS),
    "dclus1_greg2": lambda design: calibrate(design, ["stype", "api99"], TOTALS_API99),
    "dclus1_rakingcal": lambda design: calibrate(
        design, ["stype", "api99"], TOTALS_API99, method="raking"
    ),
    "dclus1_trim": lambda design: trim_weights(
        calibrate(design, ["stype", "api99"], TOTALS_API99), lower=20, upper=45
    ),
}

# replicate design id -> (linearisation design it was made from, calibrated weights used?)
REPLICATE: dict[str, tuple[str, bool]] = {
    "rclus1_jk1": ("dclus1", False),
    "rclus1_jk1_mse": ("dclus1", False),
    "rclus1_nofpc_jk1": ("dclus1_nofpc", False),
    "rclus1_boot": ("dclus1", False),
    "rclus1_user": ("dclus1", False),
    "rclus1_user_mse": ("dclus1", False),
    "rclus1_jk1_raked": ("dclus1", True),
    "rclus1_jk1_post": ("dclus1", True),
    "rclus1_jk1_greg2": ("dclus1", True),
    "rstrat_jkn": ("dstrat", False),
    "rstrat_boot": ("dstrat", False),
    "rclus2_jk1": ("dclus2", False),
    **{f"rstrat_jkn_lone_{rule}": (f"lone_{rule}", False) for rule in LONELY_RULES},
}

R_TYPES: dict[str, ReplicateMethod] = {
    "JK1": "jk1",
    "JKn": "jkn",
    "bootstrap": "bootstrap",
    "other": "other",
    "BRR": "brr",
    "Fay": "fay",
}


def reference_rows() -> list[dict[str, str]]:
    with (REFERENCE / "reference_values.csv").open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["estimator"].startswith("quantile")]


def taylor_design(design_id: str, data: dict[str, pl.DataFrame]) -> SurveyDesign:
    name, arguments = TAYLOR[design_id]
    return SurveyDesign.from_frame(data[name], **arguments)


def replicate_design(design_id: str, data: dict[str, pl.DataFrame]) -> SurveyDesign:
    base_id, calibrated = REPLICATE[design_id]
    base = taylor_design(base_id, data)
    if calibrated:
        weights = pl.read_csv(REFERENCE / "calibrated_weights.csv").filter(
            pl.col("design_id") == design_id
        )
        base = base.with_weights(weights.sort("row")["weight"].to_numpy())
    meta = pl.read_csv(REFERENCE / "replicates" / f"{design_id}_meta.csv").row(0, named=True)
    matrix = pl.read_csv(REFERENCE / "replicates" / f"{design_id}.csv").to_numpy()
    replicates = ReplicateWeights.build(
        R_TYPES[meta["type"]],
        matrix.astype(np.float64),
        scale=float(meta["scale"]),
        rscales=np.array([float(value) for value in str(meta["rscales"]).split(";")]),
        mse=str(meta["mse"]).upper() == "TRUE",
        degrees_of_freedom=int(meta["degf"]),
    )
    return base.with_replicates(replicates)


def build(design_id: str, data: dict[str, pl.DataFrame]) -> SurveyDesign:
    if design_id in TAYLOR:
        return taylor_design(design_id, data)
    if design_id in CALIBRATED:
        return CALIBRATED[design_id](taylor_design("dclus1", data))
    return replicate_design(design_id, data)


CASES = sorted({(row["design_id"], row["domain"] != "") for row in reference_rows()})


def test_every_quantile_design_can_be_built() -> None:
    assert {design_id for design_id, _ in CASES} <= {*TAYLOR, *CALIBRATED, *REPLICATE}
    assert len(reference_rows()) == 3 * len(CASES) + 6  # dclus1 by stype: 9 rows


@pytest.mark.parametrize(("design_id", "by_domain"), CASES)
def test_quantile_matches_r(
    design_id: str, by_domain: bool, reference_data: dict[str, pl.DataFrame]
) -> None:
    design = build(design_id, reference_data)
    table = quantile(design, "api00", PROBABILITIES, by="stype" if by_domain else None)
    rows = [
        row
        for row in reference_rows()
        if row["design_id"] == design_id and (row["domain"] != "") == by_domain
    ]
    assert rows
    assert len(table) == len(rows)
    for row in rows:
        probability = float(row["estimator"].removeprefix("quantile_"))
        ours = table.row(f"api00[{probability:g}]", row["domain"])
        for column in ("estimate", "se", "ci_low", "ci_high", "df"):
            np.testing.assert_allclose(
                ours[column],
                float(row[column]),
                rtol=1e-9,
                equal_nan=True,
                err_msg=f"{row['case_id']} {column}",
            )


# ---------------------------------------------------------------------------------------
# Cases not in reference_values.csv: na.rm (per-domain df after dropping missing rows) and
# domains of a replicate design. Values printed (%.17g) by this R script, run from the
# repository root with R 4.2.2 + survey 4.1-1:
EXTRA_R_SCRIPT = """
suppressMessages(library(survey))
d <- read.csv("tests/reference/survey/data/apiclus1.csv", na.strings = "")
d$stype <- factor(d$stype); d$sch.wide <- factor(d$sch.wide)
dclus1 <- svydesign(id=~dnum, weights=~pw, data=d, fpc=~fpc)
rclus1 <- as.svrepdesign(dclus1)
show <- function(b, byvar, var) for (lev in levels(d[[byvar]]))
  for (p in c("0.25", "0.5", "0.75")) {
    nm <- paste0(var, ".", p); r <- b[b[[byvar]] == lev, ]
    cat(lev, p, sprintf("%.17g", c(r[[nm]], r[[paste0("se.", nm)]],
        r[[paste0("ci_l.", nm)]], r[[paste0("ci_u.", nm)]])), "\\n")
  }
q <- svyquantile(~acs.46, dclus1, c(0.25, 0.5, 0.75), ci=TRUE, na.rm=TRUE)$acs.46
for (i in 1:3) cat(sprintf("%.17g", q[i, c(1, 4, 2, 3)]), "\\n")
show(svyby(~acs.46, ~sch.wide, dclus1, svyquantile, quantiles=c(0.25, 0.5, 0.75),
           ci=TRUE, na.rm=TRUE, vartype=c("se", "ci")), "sch.wide", "acs.46")
show(svyby(~api00, ~stype, rclus1, svyquantile, quantiles=c(0.25, 0.5, 0.75),
           ci=TRUE, vartype=c("se", "ci")), "stype", "api00")
"""
NAN = float("nan")
# (design id, variable, by, domain, probability, estimate, se, ci_low, ci_high, df)
EXTRA_CASES = [
    ("dclus1", "acs.46", None, "", 0.25, 28, 0.46624683267258493, 27, 29, 14),
    ("dclus1", "acs.46", None, "", 0.5, 30, 0.46624683267258493, 30, 32, 14),
    ("dclus1", "acs.46", None, "", 0.75, 31, 0.69937024900887745, 30, 33, 14),
    ("dclus1", "acs.46", "sch.wide", "No", 0.25, 29, 0.21682528334049656, 29, 30, 8),
    ("dclus1", "acs.46", "sch.wide", "No", 0.5, 30, NAN, 30, NAN, 8),
    ("dclus1", "acs.46", "sch.wide", "No", 0.75, 30, NAN, 30, NAN, 8),
    ("dclus1", "acs.46", "sch.wide", "Yes", 0.25, 28, 0.69937024900887745, 27, 30, 14),
    ("dclus1", "acs.46", "sch.wide", "Yes", 0.5, 29, 0.46624683267258493, 28, 30, 14),
    ("dclus1", "acs.46", "sch.wide", "Yes", 0.75, 31, 1.1656170816814624, 30, 35, 14),
    ("rclus1_jk1", "api00", "stype", "E", 0.25, 553, 31.238537789063191, 494, 628, 14),
    ("rclus1_jk1", "api00", "stype", "E", 0.5, 652, 41.962214940532647, 553, 733, 14),
    ("rclus1_jk1", "api00", "stype", "E", 0.75, 729, 20.747984053930029, 696, 785, 14),
    ("rclus1_jk1", "api00", "stype", "H", 0.25, 529, NAN, NAN, 696, 7),
    ("rclus1_jk1", "api00", "stype", "H", 0.5, 608, NAN, NAN, NAN, 7),
    ("rclus1_jk1", "api00", "stype", "H", 0.75, 703, NAN, 529, NAN, 7),
    ("rclus1_jk1", "api00", "stype", "M", 0.25, 547, NAN, NAN, 669, 11),
    ("rclus1_jk1", "api00", "stype", "M", 0.5, 642, 43.616832017169536, 528, 720, 11),
    ("rclus1_jk1", "api00", "stype", "M", 0.75, 699, NAN, 642, NAN, 11),
]


@pytest.mark.parametrize(
    ("design_id", "variable", "by"),
    sorted({(case[0], case[1], case[2] or "") for case in EXTRA_CASES}),
)
def test_quantile_with_missing_values_and_replicate_domains_matches_r(
    design_id: str, variable: str, by: str, reference_data: dict[str, pl.DataFrame]
) -> None:
    design = build(design_id, reference_data)
    table = quantile(design, variable, PROBABILITIES, by=by or None, na_rm=True)
    cases = [case for case in EXTRA_CASES if case[:3] == (design_id, variable, by or None)]
    assert len(table) == len(cases)
    for *_, domain, probability, estimate, se, low, high, df in cases:
        ours = table.row(f"{variable}[{probability:g}]", domain)
        np.testing.assert_allclose(
            [ours["estimate"], ours["se"], ours["ci_low"], ours["ci_high"], ours["df"]],
            [estimate, se, low, high, df],
            rtol=1e-9,
            equal_nan=True,
            err_msg=f"{design_id} {variable} {domain} {probability}",
        )
