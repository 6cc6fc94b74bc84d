"""``govindex validate SPEC DATA``: report on stdout, exit 0 or 1, one summary line on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA
from tests.ingest.samples import SPEC, papi_spec
from typer.testing import Result

Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def clean_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 respondents of a SYNTHETIC 2024 survey, as CSV."""
    synthetic = pytest.importorskip("govindex.synthetic")
    published = pl.read_csv(PAPI_DATA / "published_scores.csv")
    provinces = synthetic.province_table(
        published["province"].unique(), synthetic.load_size_classes()
    )
    survey = synthetic.synthesise_papi(
        papi_spec(), seed=7, targets=published, provinces=provinces, year=2024
    )
    path = tmp_path_factory.mktemp("validate") / "survey.csv"
    survey.microdata.head(200).write_csv(path)
    return path


def broken_copy(source: Path, target: Path) -> Path:
    """``source`` with row 3's ``civic_knowledge`` = 4, row 5's weight = 0, row 7's id = row 1's."""
    frame = pl.read_csv(source, infer_schema_length=None)
    row = pl.int_range(1, pl.len() + 1)
    frame.with_columns(
        pl.when(row == 3).then(4).otherwise(pl.col("civic_knowledge")).alias("civic_knowledge"),
        pl.when(row == 5).then(0.0).otherwise(pl.col("weight")).alias("weight"),
        pl.when(row == 7).then(1).otherwise(pl.col("respondent_id")).alias("respondent_id"),
    ).write_csv(target)
    return target


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def test_clean_file_exits_zero(invoke: Invoke, clean_csv: Path) -> None:
    result = invoke("validate", SPEC, clean_csv)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"{clean_csv}: 200 rows")
    assert "no problems found" in last
    assert "file columns not in the codebook [unknown_column]" in result.stdout


def test_broken_file_exits_one_with_every_problem(
    invoke: Invoke, clean_csv: Path, tmp_path: Path
) -> None:
    data = broken_copy(clean_csv, tmp_path / "broken.csv")
    result = invoke("validate", SPEC, data)
    assert result.exit_code == 1
    assert_no_traceback(result)
    assert result.stderr.splitlines() == [
        f"error: {data} failed validation: 4 problems (see above)"
    ]
    out = result.stdout
    assert "error: codes not in the codebook [undeclared_code] (1)" in out
    assert f"{data}, row 3, column `civic_knowledge`: code is not declared" in out
    assert f"{data}, row 5, column `weight`: the weight is not positive and finite" in out
    assert f"{data}, row 1, column `respondent_id`" in out
    assert f"{data}, row 7, column `respondent_id`" in out


def test_json_format(invoke: Invoke, clean_csv: Path, tmp_path: Path) -> None:
    data = broken_copy(clean_csv, tmp_path / "broken.csv")
    result = invoke("validate", SPEC, data, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    errors = [
        (item["kind"], item["row"], item["column"])
        for item in findings
        if item["severity"] == "error"
    ]
    assert errors == [
        ("undeclared_code", 3, "civic_knowledge"),
        ("duplicate_id", 1, "respondent_id"),
        ("duplicate_id", 7, "respondent_id"),
        ("invalid_weight", 5, "weight"),
    ]
    assert {"message", "where", "found", "expected", "count"} <= set(findings[0])


def test_design_column_options(invoke: Invoke, clean_csv: Path, tmp_path: Path) -> None:
    data = tmp_path / "renamed.csv"
    pl.read_csv(clean_csv, infer_schema_length=None).rename(
        {"respondent_id": "pid", "province": "tinh", "district": "huyen", "weight": "w"}
    ).write_csv(data)
    assert invoke("validate", SPEC, data).exit_code == 1
    result = invoke(
        "validate",
        SPEC,
        data,
        "--id",
        "pid",
        "--strata",
        "tinh",
        "--psu",
        "huyen",
        "--weights",
        "w",
    )
    assert result.exit_code == 0, result.stdout


def test_blank_answers_option(invoke: Invoke, clean_csv: Path, tmp_path: Path) -> None:
    data = tmp_path / "blank.csv"
    pl.read_csv(clean_csv, infer_schema_length=None).with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(None)
        .otherwise(pl.col("civic_knowledge"))
        .alias("civic_knowledge")
    ).write_csv(data)
    assert invoke("validate", SPEC, data).exit_code == 0
    result = invoke("validate", SPEC, data, "--blank-answers", "error")
    assert result.exit_code == 1
    assert f"{data}, row 2, column `civic_knowledge`: blank although" in result.stdout


def test_invalid_spec_is_reported_first(invoke: Invoke, clean_csv: Path, tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("spec_version: '1'\ncodebook: {items: []}\n")
    result = invoke("validate", spec, clean_csv)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: `bad.yaml` is not a valid index spec")
    assert_no_traceback(result)


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("absent.csv", None, "no such file"),
        ("survey.txt", "a\n1\n", "cannot read `.txt` files"),
        ("garbled.parquet", "not parquet", "could not be read as PARQUET"),
    ],
)
def test_unreadable_data(
    invoke: Invoke, tmp_path: Path, name: str, text: str | None, fragment: str
) -> None:
    data = tmp_path / name
    if text is not None:
        data.write_text(text)
    result = invoke("validate", SPEC, data)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert fragment in result.stderr.splitlines()[0]
    assert_no_traceback(result)


def test_unknown_format_is_a_usage_error(invoke: Invoke, clean_csv: Path) -> None:
    result = invoke("validate", SPEC, clean_csv, "--format", "xml")
    assert result.exit_code == 2
    assert_no_traceback(result)
