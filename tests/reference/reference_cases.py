"""The R reference oracle in ``survey/`` and the designs it was computed on, for the tests.

``survey/reference_values.R`` produced every number; ``survey/README.md`` lists the R
calls behind each ``design_id``. This module rebuilds the same designs in govindex.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from govindex.survey import SurveyDesign

FOLDER = Path(__file__).parent / "survey"

# design_id → (data set, SurveyDesign.from_frame arguments), mirroring reference_values.R.
TAYLOR_DESIGNS: dict[str, tuple[str, dict[str, Any]]] = {
    "dstrat": ("apistrat", {"weights": "pw", "strata": "stype", "fpc": "fpc"}),
    "dclus1": ("apiclus1", {"weights": "pw", "psu": "dnum", "fpc": "fpc"}),
    "dclus1_nofpc": ("apiclus1", {"weights": "pw", "psu": "dnum"}),
    "dclus2": ("apiclus2", {"psu": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"]}),
    "dclus2_ultimate": (
        "apiclus2",
        {"psu": ["dnum", "snum"], "fpc": ["fpc1", "fpc2"], "ultimate_cluster": True},
    ),
    "dclus2w": ("apiclus2", {"weights": "pw", "psu": ["dnum", "snum"]}),
    "dnhanes": (
        "nhanes",
        {"weights": "WTMEC2YR", "strata": "SDMVSTRA", "psu": "SDMVPSU", "nest": True},
    ),
}
for _rule in ("remove", "adjust", "average", "certainty"):
    TAYLOR_DESIGNS[f"lone_{_rule}"] = (
        "lone",
        {"weights": "pw", "strata": "stype", "lonely_psu": _rule},
    )
    TAYLOR_DESIGNS[f"lone2_{_rule}"] = (
        "lone2",
        {"weights": "pw", "strata": "stype", "fpc": "fpc", "lonely_psu": _rule},
    )


@dataclass(frozen=True)
class ReferenceRow:
    """One estimate R produced, with the call that produced it."""

    case_id: str
    design_id: str
    estimator: str
    variable: str
    domain_column: str | None
    domain: str
    estimate: float | None
    se: float | None
    df: float | None
    ci_low: float | None
    ci_high: float | None
    deff: float | None
    r_code: str


@cache
def data_set(name: str) -> pl.DataFrame:
    """An input data set exactly as the R scripts read it, with 0/1 columns for proportions."""
    frame = pl.read_csv(FOLDER / "data" / f"{name}.csv", null_values="", infer_schema_length=None)
    if "sch.wide" in frame.columns:
        frame = frame.with_columns(
            (pl.col("sch.wide") == "Yes").cast(pl.Int64).alias("sch.wide==Yes")
        )
    if "HI_CHOL" in frame.columns:
        frame = frame.with_columns(pl.col("HI_CHOL").alias("HI_CHOL==1"))
    return frame


def taylor_design(design_id: str) -> SurveyDesign:
    """The govindex design matching an R linearisation design of the oracle."""
    data_name, arguments = TAYLOR_DESIGNS[design_id]
    return SurveyDesign.from_frame(data_set(data_name), **arguments)


@cache
def reference_rows() -> tuple[ReferenceRow, ...]:
    """Every row of ``survey/reference_values.csv``."""
    table = pl.read_csv(
        FOLDER / "reference_values.csv",
        infer_schema_length=None,
        schema_overrides={"domain": pl.String, "deff": pl.Float64, "df": pl.Float64},
        null_values="",
    )
    rows = []
    for record in table.iter_rows(named=True):
        parts = record["case_id"].split(":")
        domain_column = parts[3].split("=", 1)[0] if len(parts) > 3 else None
        rows.append(
            ReferenceRow(
                case_id=record["case_id"],
                design_id=record["design_id"],
                estimator=record["estimator"],
                variable=record["variable"],
                domain_column=domain_column,
                domain=record["domain"] or "",
                estimate=record["estimate"],
                se=record["se"],
                df=record["df"],
                ci_low=record["ci_low"],
                ci_high=record["ci_high"],
                deff=record["deff"],
                r_code=record["r_code"],
            )
        )
    return tuple(rows)


def rows_for(design_ids: set[str], estimators: set[str]) -> list[ReferenceRow]:
    """Reference rows of the given designs and estimators."""
    return [
        row
        for row in reference_rows()
        if row.design_id in design_ids and row.estimator in estimators
    ]
