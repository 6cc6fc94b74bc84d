"""``govindex estimate`` options for the survey methods beyond the basic design, against R.

Every expected value is read from the files ``tests/reference/methods/methods_reference.R``
wrote (R survey 4.1): ``ciprop_values.csv``, ``quantile_values.csv``, ``pps_values.csv`` and
``cli_values.csv`` (bounded calibration, ``mse``, supplied replicate weights, partial
post-stratification). Tolerance 1e-9 relative, as the library's reference tests.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from tests.cli.conftest import Invoke

METHODS = Path(__file__).parent.parent / "reference" / "methods"
RELATIVE = 1e-9
CLUSTERED = ("--weights", "pw", "--psu", "dnum", "--fpc", "fpc")
STRATIFIED = ("--weights", "pw", "--strata", "stype", "--fpc", "fpc")


def _values(name: str) -> pl.DataFrame:
    frame = pl.read_csv(METHODS / name, infer_schema_length=None)
    if "domain" in frame.columns:
        frame = frame.with_columns(pl.col("domain").cast(pl.String).fill_null(""))
    return frame.with_columns(pl.col("estimate", "se").cast(pl.Float64))


def _run(invoke: Invoke, *args: str | Path) -> dict[str, Any]:
    result = invoke("estimate", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr + result.stdout
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _close(found: float | None, expected: float) -> bool:
    if math.isnan(expected):
        return found is None or math.isnan(found)
    return found is not None and math.isclose(found, expected, rel_tol=RELATIVE, abs_tol=1e-12)


def _row(document: dict[str, Any], variable: str, domain: str = "") -> dict[str, Any]:
    for row in document["estimates"]:
        if row["variable"] == variable and (row.get("domain") or "") == domain:
            return dict(row)
    raise AssertionError((variable, domain, document["estimates"]))


def test_proportion_method_beta_matches_r(
    invoke: Invoke, data_folder: Path, tmp_path: Path
) -> None:
    data = tmp_path / "apistrat.csv"
    pl.read_csv(data_folder / "apistrat.csv", infer_schema_length=None).with_columns(
        (pl.col("sch.wide") == "Yes").cast(pl.Int64).alias("sch.wide==Yes")
    ).write_csv(data)
    document = _run(
        invoke, data, *STRATIFIED, "--var", "sch.wide==Yes", "--statistic", "proportion",
        "--by", "stype", "--proportion-method", "beta",
    )  # fmt: skip
    assert document["parameters"]["proportion_method"] == "beta"
    expected = _values("ciprop_values.csv").filter(
        (pl.col("design_id") == "dstrat")
        & (pl.col("method") == "beta")
        & (pl.col("variable") == "sch.wide==Yes")
        & (pl.col("domain") != "")
    )
    assert len(expected) == 3
    for row in expected.iter_rows(named=True):
        found = _row(document, "sch.wide==Yes", row["domain"])
        for column in ("estimate", "se", "ci_low", "ci_high"):
            assert _close(found[column], row[column]), (row, column, found)


@pytest.mark.parametrize("rule", ["hf7", "shahvaish"])
def test_quantile_rule_matches_r(invoke: Invoke, data_folder: Path, rule: str) -> None:
    document = _run(
        invoke, data_folder / "apiclus1.csv", *CLUSTERED, "--var", "api00",
        "--statistic", "quantile", "--quantiles", "0.1,0.25,0.5,0.9", "--quantile-rule", rule,
    )  # fmt: skip
    assert document["parameters"]["quantile_rule"] == rule
    expected = _values("quantile_values.csv").filter(
        (pl.col("design_id") == "dclus1")
        & (pl.col("rule") == rule)
        & (pl.col("variable") == "api00")
        & (pl.col("domain") == "")
    )
    assert len(expected) == 4
    for row in expected.iter_rows(named=True):
        found = _row(document, f"api00[{row['probability']:g}]")
        for column in ("estimate", "se", "ci_low", "ci_high"):
            assert _close(found[column], row[column]), (row, column, found)


@pytest.mark.parametrize(
    ("design_id", "options"),
    [
        ("brewer_strat", ("--pps", "brewer")),
        ("overton_YG_strat", ("--pps", "overton", "--pps-variance", "YG")),
        ("hr_YG_strat", ("--pps", "hartley-rao", "--pps-variance", "YG")),
    ],
)
def test_pps_options_match_r(
    invoke: Invoke, tmp_path: Path, design_id: str, options: tuple[str, ...]
) -> None:
    data = tmp_path / "pps.csv"
    pl.read_csv(METHODS / "pps.csv").filter(pl.col("part") == "strat").write_csv(data)
    document = _run(
        invoke, data, "--strata", "stype", "--fpc", "pi", *options, "--var", "api00",
        "--statistic", "total", "--by", "stype",
    )  # fmt: skip
    assert document["parameters"]["pps"] == options[1]
    source = "pps_hr_values.csv" if design_id.startswith("hr_") else "pps_values.csv"
    expected = _values(source).filter(
        (pl.col("design_id") == design_id)
        & (pl.col("estimator") == "total")
        & (pl.col("variable") == "api00")
        & (pl.col("domain") != "")
    )
    assert len(expected) == 3
    for row in expected.iter_rows(named=True):
        found = _row(document, "api00", row["domain"])
        assert _close(found["estimate"], row["estimate"]), row
        assert _close(found["se"], row["se"]), (row, found)


def _cli_value(case_id: str) -> dict[str, Any]:
    return _values("cli_values.csv").filter(pl.col("case_id") == case_id).row(0, named=True)


@pytest.mark.parametrize(
    ("case_id", "calfun"), [("linear_bounded", "linear"), ("raking_bounded", "raking")]
)
def test_bounded_calibration_matches_r(
    invoke: Invoke, data_folder: Path, case_id: str, calfun: str
) -> None:
    document = _run(
        invoke, data_folder / "apiclus1.csv", *CLUSTERED, "--var", "api00",
        "--calibrate", "stype,api99", "--calibration-totals", METHODS / "calibration_totals.csv",
        "--calfun", calfun, "--bounds", "0.6,1.6",
    )  # fmt: skip
    expected = _cli_value(case_id)
    found = _row(document, "api00")
    assert _close(found["estimate"], expected["estimate"])
    assert _close(found["se"], expected["se"]), (found, expected)
    assert document["parameters"]["calibration"] == [
        f"calibrated ({calfun}, bounds 0.6–1.6) on stype, api99"
    ]


def test_mse_on_built_replicates_matches_r(invoke: Invoke, data_folder: Path) -> None:
    document = _run(
        invoke, data_folder / "apiclus1.csv", *CLUSTERED, "--var", "api00",
        "--variance", "jk1", "--mse",
    )  # fmt: skip
    expected = _cli_value("jk1_mse")
    assert _close(_row(document, "api00")["se"], expected["se"])
    assert document["parameters"]["mse"] is True


@pytest.mark.parametrize(("case_id", "mse"), [("supplied", ()), ("supplied_mse", ("--mse",))])
def test_supplied_replicate_weights_match_r(
    invoke: Invoke, case_id: str, mse: tuple[str, ...]
) -> None:
    document = _run(
        invoke, METHODS / "repweights.csv", "--weights", "pw", "--var", "api00",
        "--replicate-weights", "rep[0-9]+", "--replicate-type", "jk1",
        "--replicate-scale", str(14 / 15), *mse,
    )  # fmt: skip
    expected = _cli_value(case_id)
    found = _row(document, "api00")
    assert _close(found["estimate"], expected["estimate"])
    assert _close(found["se"], expected["se"]), (found, expected)
    assert document["parameters"]["replicate_weights"] == [f"rep{i}" for i in range(1, 16)]


def test_partial_post_stratification_matches_r(
    invoke: Invoke, data_folder: Path, tmp_path: Path
) -> None:
    margin = tmp_path / "stype.csv"
    margin.write_text("stype,Freq\nE,4421\nH,755\nM,1018\nX,50\n")
    args = (data_folder / "apiclus1.csv", *CLUSTERED, "--var", "api00")
    refused = invoke("estimate", *args, "--post-stratify", f"stype={margin}")
    assert refused.exit_code != 0
    assert "levels in the population but not in the data: 'X'" in refused.stderr
    document = _run(invoke, *args, "--post-stratify", f"stype={margin}", "--post-stratify-partial")
    expected = _cli_value("partial")
    found = _row(document, "api00")
    assert _close(found["estimate"], expected["estimate"])
    assert _close(found["se"], expected["se"])
    assert document["parameters"]["calibration"] == ["post-stratified on stype (partial)"]


@pytest.mark.parametrize(
    ("options", "hint"),
    [
        (("--quantile-rule", "hf7"), "--quantile-rule"),
        (("--proportion-method", "beta"), "--proportion-method"),
        (("--mse",), "--mse"),
        (("--pps-variance", "YG"), "--pps-variance"),
        (("--bounds", "0.5,2"), "--bounds"),
        (("--replicate-type", "jk1"), "--replicate-type"),
        (("--post-stratify-partial",), "--post-stratify-partial"),
    ],
)
def test_options_that_would_be_ignored_are_refused(
    invoke: Invoke, data_folder: Path, options: tuple[str, ...], hint: str
) -> None:
    result = invoke(
        "estimate", data_folder / "apiclus1.csv", *CLUSTERED, "--var", "api00", *options
    )
    assert result.exit_code == 2
    assert hint in result.stderr


def test_likelihood_proportion_interval_matches_r(
    invoke: Invoke, data_folder: Path, tmp_path: Path
) -> None:
    data = tmp_path / "apistrat.csv"
    pl.read_csv(data_folder / "apistrat.csv", infer_schema_length=None).with_columns(
        (pl.col("sch.wide") == "Yes").cast(pl.Int64).alias("sch.wide==Yes")
    ).write_csv(data)
    document = _run(
        invoke, data, *STRATIFIED, "--var", "sch.wide==Yes", "--statistic", "proportion",
        "--by", "stype", "--proportion-method", "likelihood",
    )  # fmt: skip
    assert document["parameters"]["proportion_method"] == "likelihood"
    expected = pl.read_csv(
        METHODS / "ciprop_likelihood_values.csv",
        schema_overrides={"domain": pl.String},
        null_values="NA",
    ).filter(
        (pl.col("design_id") == "dstrat")
        & (pl.col("variable") == "sch.wide==Yes")
        & pl.col("domain").is_not_null()
        & (pl.col("domain") != "")
    )
    assert len(expected) == 3
    for row in expected.iter_rows(named=True):
        found = _row(document, "sch.wide==Yes", row["domain"])
        for column in ("ci_low", "ci_high"):
            assert _close(found[column], float(row[column])), (row, column, found)
