"""``govindex estimate`` end to end, in-process, against R ``survey`` 4.1-1 values.

Reference values are from ``tests/reference/survey/reference_values.csv`` (script
``tests/reference/survey/reference_values.R``), e.g.::

    dclus1 <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
    svymean(~api00, dclus1)                                   # 644.169399, se 23.542241
    svyby(~api00, ~stype, dclus1, svymean)                    # domain df 14 / 7 / 11
    svyratio(~api.stu, ~enroll, dclus1, na.rm=TRUE)           # 0.849709, se 0.008386
    svyquantile(~api00, dclus1, 0.5, ci=TRUE)                 # 652, se 35.667883
    svymean(~api00, as.svrepdesign(dclus1))                   # se 26.329361 (JK1)
    svymean(~api00, postStratify(dclus1, ~stype, pop.types))  # 642.310788, se 23.920486
    svymean(~api00, rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
                         control=list(maxit=100, epsilon=1e-10)))  # 641.230321, se 23.703617
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import Result

Invoke = Callable[..., Result]

DESIGN = ("--weights", "pw", "--psu", "dnum", "--fpc", "fpc")
MEAN = 644.169398907103870
SE = 23.542240693781039
TOLERANCE = 1e-6


@pytest.fixture
def apiclus1(data_folder: Path) -> Path:
    return data_folder / "apiclus1.csv"


@pytest.fixture
def margins(tmp_path: Path) -> dict[str, Path]:
    """R's ``pop.types`` and ``pop.schwide`` as CSV files in the layout ``rake`` takes."""
    stype = tmp_path / "pop_types.csv"
    stype.write_text("stype,Freq\nE,4421\nH,755\nM,1018\n")
    schwide = tmp_path / "pop_schwide.csv"
    schwide.write_text("sch.wide,Freq\nNo,1072\nYes,5122\n")
    return {"stype": stype, "sch.wide": schwide}


def read_csv_output(text: str) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(text), schema_overrides={"domain": pl.String})


def estimates_json(invoke: Invoke, *args: str | Path) -> dict[str, Any]:
    """Run ``govindex estimate ARGS --format json`` and parse its output."""
    result = invoke("estimate", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no progress noise when stderr is not a terminal
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def first_row(invoke: Invoke, *args: str | Path) -> dict[str, Any]:
    row: dict[str, Any] = estimates_json(invoke, *args)["estimates"][0]
    return row


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == "govindex 0.1.0"


def test_csv_matches_r(invoke: Invoke, apiclus1: Path) -> None:
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "api00", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    frame = read_csv_output(result.stdout)
    assert frame.columns == [
        "variable",
        "domain",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "df",
        "n",
        "deff",
        "cv",
        "n_eff",
    ]
    assert frame["estimate"][0] == pytest.approx(MEAN, abs=TOLERANCE)
    assert frame["se"][0] == pytest.approx(SE, abs=TOLERANCE)
    assert frame["ci_low"][0] == pytest.approx(593.676314463325530, abs=TOLERANCE)
    assert frame["df"][0] == 14
    assert frame["n"][0] == 183


def test_json_matches_r_and_records_every_choice(invoke: Invoke, apiclus1: Path) -> None:
    document = estimates_json(invoke, apiclus1, *DESIGN, "--var", "api00")
    row = document["estimates"][0]
    assert row["estimate"] == pytest.approx(MEAN, abs=TOLERANCE)
    assert row["se"] == pytest.approx(SE, abs=TOLERANCE)
    assert row["deff"] == pytest.approx(9.3458694505909499, abs=TOLERANCE)
    parameters = document["parameters"]
    assert parameters["statistic"] == "mean"
    assert parameters["variance_method"] == "taylor"
    assert parameters["level"] == 0.95
    assert parameters["df_rule"] == "design"
    assert parameters["lonely_psu"] == "fail"
    assert parameters["na_rm"] is False
    assert parameters["weights"] == "pw"
    assert parameters["strata"] is None
    assert parameters["psu"] == ["dnum"]
    assert parameters["fpc"] == ["fpc"]
    assert parameters["nest"] is False


def test_table_caption_names_every_choice(invoke: Invoke, apiclus1: Path) -> None:
    result = invoke("estimate", apiclus1, *DESIGN, "--var", "api00", "--level", "0.9")
    assert result.exit_code == 0, result.stderr
    for fragment in (
        "644.169",
        "23.5422",
        "design: weights pw · psu dnum · fpc fpc",
        "mean · variance taylor · 90% t interval · df rule design · lonely PSU fail",
    ):
        assert fragment in result.stdout


def test_by_gives_one_row_per_domain_with_domain_df(invoke: Invoke, apiclus1: Path) -> None:
    rows = estimates_json(
        invoke, apiclus1, *DESIGN, "--var", "api00", "--by", "stype", "--df-rule", "domain"
    )["estimates"]
    assert [row["domain"] for row in rows] == ["E", "H", "M"]
    assert [row["df"] for row in rows] == [14, 7, 11]
    expected = {"E": 648.86805555555554, "H": 618.57142857142856, "M": 631.44000000000005}
    for row in rows:
        assert row["estimate"] == pytest.approx(expected[row["domain"]], abs=TOLERANCE)
    assert rows[1]["ci_low"] == pytest.approx(528.66782488456852, abs=TOLERANCE)


def test_domain_labels_are_kept_as_written(invoke: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "codes.csv"
    data.write_text("province,psu,w,y\n01,1,1,1\n01,2,1,2\n02,3,1,3\n02,4,1,5\n")
    rows = estimates_json(
        invoke, data, "--weights", "w", "--psu", "psu", "--var", "y", "--by", "province"
    )["estimates"]
    assert [row["domain"] for row in rows] == ["01", "02"]
    assert [row["estimate"] for row in rows] == [1.5, 4.0]


def test_output_file(invoke: Invoke, apiclus1: Path, tmp_path: Path) -> None:
    target = tmp_path / "estimates.csv"
    result = invoke(
        "estimate", apiclus1, *DESIGN, "--var", "api00,api99", "--format", "csv", "--output", target
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    frame = read_csv_output(target.read_text())
    assert frame["variable"].to_list() == ["api00", "api99"]
    assert frame["estimate"][0] == pytest.approx(MEAN, abs=TOLERANCE)


def test_ratio_matches_r(invoke: Invoke, apiclus1: Path) -> None:
    row = first_row(
        invoke, apiclus1, *DESIGN, "--var", "api.stu", "--statistic", "ratio",
        "--denominator", "enroll", "--na-rm",
    )  # fmt: skip
    assert row["variable"] == "api.stu/enroll"
    assert row["estimate"] == pytest.approx(0.84970874172448752, abs=TOLERANCE)
    assert row["se"] == pytest.approx(0.0083862971693910889, abs=TOLERANCE)


def test_quantile_matches_r(invoke: Invoke, apiclus1: Path) -> None:
    document = estimates_json(
        invoke, apiclus1, *DESIGN, "--var", "api00", "--statistic", "quantile",
        "--quantiles", "0.25,0.5",
    )  # fmt: skip
    rows = document["estimates"]
    assert [row["estimate"] for row in rows] == [552, 652]
    assert rows[1]["se"] == pytest.approx(35.667882699452747, abs=TOLERANCE)


def test_nest_makes_psu_codes_unique_within_strata(invoke: Invoke, data_folder: Path) -> None:
    row = first_row(
        invoke, data_folder / "apiclus2.csv", "--strata", "stype", "--psu", "dnum",
        "--weights", "pw", "--var", "api00", "--nest",
    )  # fmt: skip
    assert row["n"] == 126


def test_lonely_psu_rule(invoke: Invoke, data_folder: Path) -> None:
    document = estimates_json(
        invoke, data_folder / "lone.csv", "--weights", "pw", "--strata", "stype",
        "--var", "api00", "--lonely-psu", "remove",
    )  # fmt: skip
    row = document["estimates"][0]
    assert row["estimate"] == pytest.approx(666.79480176441371, abs=TOLERANCE)
    assert row["se"] == pytest.approx(10.61630157030776, abs=TOLERANCE)
    assert document["parameters"]["lonely_psu"] == "remove"


@pytest.mark.parametrize("suffix", [".parquet", ".sav", ".dta"])
def test_other_file_formats(invoke: Invoke, apiclus1: Path, tmp_path: Path, suffix: str) -> None:
    import pyreadstat

    frame = pl.read_csv(apiclus1, null_values=["", "NA"], infer_schema_length=None)
    # Stata and SPSS names cannot contain dots.
    frame = frame.rename({name: name.replace(".", "_") for name in frame.columns})
    path = tmp_path / f"apiclus1{suffix}"
    if suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".sav":
        pyreadstat.write_sav(frame, str(path))
    else:
        pyreadstat.write_dta(frame, str(path))
    row = first_row(invoke, path, *DESIGN, "--var", "api00")
    assert row["estimate"] == pytest.approx(MEAN, abs=TOLERANCE)
    assert row["se"] == pytest.approx(SE, abs=TOLERANCE)


# ---------------------------------------------------------------------- replication, calibration
def test_jackknife_matches_r(invoke: Invoke, apiclus1: Path) -> None:
    document = estimates_json(invoke, apiclus1, *DESIGN, "--var", "api00", "--variance", "jk1")
    row = document["estimates"][0]
    assert row["estimate"] == pytest.approx(MEAN, abs=TOLERANCE)
    assert row["se"] == pytest.approx(26.329360589527614, abs=TOLERANCE)
    assert row["df"] == 14
    parameters = document["parameters"]
    assert parameters["variance_method"] == "jk1"
    assert parameters["replicates"] == 15


def test_bootstrap_is_reproducible_with_a_seed(invoke: Invoke, apiclus1: Path) -> None:
    args = (apiclus1, *DESIGN, "--var", "api00", "--variance", "bootstrap")
    first = first_row(invoke, *args, "--replicates", "20", "--seed", "7")
    again = first_row(invoke, *args, "--replicates", "20", "--seed", "7")
    assert first["se"] == again["se"]
    assert first["estimate"] == pytest.approx(MEAN, abs=TOLERANCE)


def test_post_stratify_matches_r(invoke: Invoke, apiclus1: Path, margins: dict[str, Path]) -> None:
    document = estimates_json(
        invoke, apiclus1, *DESIGN, "--var", "api00", "--post-stratify", f"stype={margins['stype']}"
    )
    row = document["estimates"][0]
    assert row["estimate"] == pytest.approx(642.31078821158212, abs=TOLERANCE)
    assert row["se"] == pytest.approx(23.92048644509039, abs=TOLERANCE)
    assert document["parameters"]["calibration"] == ["post-stratified on stype"]


@pytest.mark.parametrize(
    ("variance", "se"), [("taylor", 23.703616887929012), ("jk1", 26.873980427362788)]
)
def test_rake_matches_r(
    invoke: Invoke, apiclus1: Path, margins: dict[str, Path], variance: str, se: float
) -> None:
    row = first_row(
        invoke, apiclus1, *DESIGN, "--var", "api00", "--variance", variance,
        "--rake", f"stype={margins['stype']}", "--rake", f"sch.wide={margins['sch.wide']}",
    )  # fmt: skip
    assert row["estimate"] == pytest.approx(641.2303209268, abs=TOLERANCE)
    assert row["se"] == pytest.approx(se, abs=TOLERANCE)
