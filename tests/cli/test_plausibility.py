"""Implausible input refused by ``govindex validate`` and ``govindex run``, with one clear message.

Regression tests: one weight of 1e38 passed both commands (and moved a province from rank
44 to 8); a duplicated column header was silently renamed and the first copy used; a
province named ``=HYPERLINK(...)`` was accepted. Each is now refused naming the file, row,
column, what was found and what was expected, with nothing stored.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import polars as pl
import pyreadstat
import pytest
from tests.cli.conftest import Invoke
from tests.conftest import PAPI_DATA

from govindex.errors import DataValidationError, SpecError
from govindex.ingest import read_table, validate_microdata
from govindex.ingest.validate import WeightPlausibility
from govindex.spec import load_spec
from govindex.storage import RunStore
from govindex.synthetic import load_size_classes, province_table, synthesise_papi
from govindex.synthetic.output import write_survey

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"
CHOSEN = ["Ha Noi", "Bac Kan", "Lao Cai", "Ben Tre", "Da Nang", "Quang Tri"]


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SYNTHETIC survey of 6 provinces as CSV (with its metadata sidecar)."""
    spec = load_spec(SPEC)
    published = pl.read_csv(PAPI_DATA / "published_scores.csv")
    provinces = province_table(published["province"].unique(), load_size_classes())
    survey = synthesise_papi(spec, seed=11, targets=published, provinces=provinces)
    survey = replace(survey, microdata=survey.microdata.filter(pl.col("province").is_in(CHOSEN)))
    path = tmp_path_factory.mktemp("plausible") / "survey.csv"
    write_survey(survey, path)
    return path


def _altered(source: Path, target: Path, row: int, column: str, value: object) -> Path:
    frame = pl.read_csv(source, infer_schema_length=None)
    number = pl.int_range(1, pl.len() + 1)
    changed = pl.when(number == row).then(pl.lit(value)).otherwise(pl.col(column).cast(pl.String))
    frame.with_columns(changed.alias(column)).write_csv(target)
    sidecar = source.with_name(source.name + ".meta.json")
    if sidecar.exists():
        target.with_name(target.name + ".meta.json").write_bytes(sidecar.read_bytes())
    return target


def test_clean_synthetic_survey_passes(invoke: Invoke, survey_csv: Path) -> None:
    result = invoke("validate", SPEC, survey_csv, "--format", "json")
    assert result.exit_code == 0, result.stdout
    kinds = {finding["kind"] for finding in json.loads(result.stdout)}
    assert kinds <= {"unknown_column"}


def test_a_weight_of_1e38_is_refused_by_validate_and_run(
    invoke: Invoke, survey_csv: Path, tmp_path: Path
) -> None:
    data = _altered(survey_csv, tmp_path / "survey.csv", 5, "weight", "1e38")
    checked = invoke("validate", SPEC, data, "--format", "json")
    assert checked.exit_code == 1
    findings = [f for f in json.loads(checked.stdout) if f["kind"] == "implausible_weight"]
    assert {(f["row"], f["column"]) for f in findings} == {(5, "weight")}
    assert any("median weight of its stratum" in f["expected"] for f in findings)
    assert any("1e+38 (4.18e+34 × the median" in f["found"] for f in findings)
    run = invoke("run", SPEC, data, "--out", tmp_path / "out", "--store", tmp_path / "store.duckdb")
    assert run.exit_code == 1
    assert "Traceback" not in run.output
    assert "implausible" in run.output or "far out of line" in run.output
    assert not (tmp_path / "out").exists()
    with RunStore(tmp_path / "store.duckdb") as store:
        assert store.list_runs() == ()


@pytest.mark.parametrize("value", ["NaN", "inf", "0"])
def test_non_finite_or_zero_weights_are_refused(
    survey_csv: Path, tmp_path: Path, value: str
) -> None:
    data = _altered(survey_csv, tmp_path / "survey.csv", 3, "weight", value)
    report = validate_microdata(load_spec(SPEC), read_table(data))
    weight_rows = [issue.row for issue in report.issues if issue.column == "weight"]
    assert weight_rows == [3]


def test_weight_thresholds_are_parameters_and_recorded(survey_csv: Path) -> None:
    table = read_table(survey_csv)
    spec = load_spec(SPEC)
    relaxed = validate_microdata(spec, table)
    assert relaxed.ok
    assert relaxed.parameters["weight_plausibility"] == {
        "stratum_ratio": 100.0,
        "design_ratio": 1000.0,
    }
    strict = validate_microdata(
        spec, table, weight_plausibility=WeightPlausibility(stratum_ratio=1.5)
    )
    assert not strict.ok
    assert {issue.column for issue in strict.issues} == {"weight"}
    with pytest.raises(SpecError, match="greater than 1"):
        WeightPlausibility(design_ratio=1.0)


def test_a_province_the_spec_does_not_list_is_refused(
    invoke: Invoke, survey_csv: Path, tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://example.invalid","x")'
    data = _altered(survey_csv, tmp_path / "survey.csv", 9, "province", formula)
    result = invoke("validate", SPEC, data, "--format", "json")
    assert result.exit_code == 1
    findings = [f for f in json.loads(result.stdout) if f["kind"] == "unknown_province"]
    assert [(f["row"], f["column"], f["found"]) for f in findings] == [
        (9, "province", repr(formula))
    ]
    assert "63 provinces" in findings[0]["expected"]


def _header_error(path: Path) -> DataValidationError:
    with pytest.raises(DataValidationError) as caught:
        read_table(path)
    return caught.value


def test_duplicate_csv_header_is_refused(invoke: Invoke, survey_csv: Path, tmp_path: Path) -> None:
    lines = survey_csv.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    position = header.index("weight")
    header[position + 1] = "weight"
    data = tmp_path / "survey.csv"
    data.write_text(",".join(header) + "\n" + "".join(lines[1:]))
    error = _header_error(data)
    assert error.issues[0].row == 1
    assert error.issues[0].column == "weight"
    assert f"columns {position + 1}, {position + 2}" in error.message
    result = invoke("validate", SPEC, data)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "names column `weight` 2 times" in result.output


def test_duplicate_xlsx_header_is_refused(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "weight", "q1", "weight"])
    sheet.append([1, 2.0, 3, 4.0])
    path = tmp_path / "survey.xlsx"
    workbook.save(path)
    assert "names column `weight` 2 times (columns 2, 4)" in _header_error(path).message


def test_duplicate_spss_names_differing_in_case_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(pd.DataFrame({"id": [1], "Weight": [2.0], "weight": [3.0]}), str(path))
    assert "names column `Weight` 2 times (columns 2, 3)" in _header_error(path).message


def test_duplicate_stata_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "survey.dta"
    pyreadstat.write_dta(pd.DataFrame({"id": [1], "weighta": [2.0], "weightb": [3.0]}), str(path))
    # Stata itself cannot write a repeated name; make one as a damaged file would have it.
    path.write_bytes(path.read_bytes().replace(b"weightb\x00", b"weighta\x00"))
    assert "names column `weighta` 2 times (columns 2, 3)" in _header_error(path).message


def test_validate_takes_the_weight_thresholds(invoke: Invoke, survey_csv: Path) -> None:
    strict = invoke("validate", SPEC, survey_csv, "--weight-ratio-stratum", "1.5")
    assert strict.exit_code == 1
    assert "between 1/1.5 and 1.5 × the median weight of its stratum" in strict.stdout
    refused = invoke("validate", SPEC, survey_csv, "--weight-ratio-design", "0.5")
    assert refused.exit_code != 0
    assert "`design_ratio` must be greater than 1" in refused.output
    assert "Traceback" not in refused.output
