"""``govindex runs`` and ``govindex import official``: list, show, export, import, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
from tests.conftest import WORKBOOK
from typer.testing import Result

Invoke = Callable[..., Result]


def published_store(invoke: Invoke, tmp_path: Path) -> tuple[Path, str]:
    """A store holding the bundled record; return it and the 2024 run id."""
    store = tmp_path / "store.duckdb"
    result = invoke(
        "scores", "--source", "published", "--year", "2024", "--format", "json", "--store", store
    )
    assert result.exit_code == 0, result.stderr
    return store, json.loads(result.stdout)[0]["run_id"]


def test_list_and_show(invoke: Invoke, tmp_path: Path) -> None:
    store, run_id = published_store(invoke, tmp_path)
    listed = invoke("runs", "list", "--format", "csv", "--store", store)
    assert listed.exit_code == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("run_id,kind,synthetic,years,score_rows")
    assert len(lines) == 1 + 14
    assert sum(",published,false,2024," in line for line in lines) == 1

    shown = invoke("runs", "show", run_id[:8], "--format", "json", "--store", store)
    assert shown.exit_code == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["run_id"] == run_id
    assert document["kind"] == "published"
    assert document["synthetic"] is False
    assert document["parameters"]["year"] == 2024
    # The producer stores, beside the record, what the pages publish: the 34-unit table and
    # every province's diagnosis (2024 has no earlier year in this store: no change tested).
    assert document["tables"] == {
        "scores": 567,
        "official_record": 567,
        "score_table": 567,
        "units_2025": 306,
        "diagnosis_changes": 567,
        "diagnosis_priorities": 342,
        "diagnosis_notes": 63,
    }
    text = invoke("runs", "show", run_id, "--store", store)
    assert "synthetic" in text.stdout
    assert run_id in text.stdout


def test_empty_store_lists_nothing(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("runs", "list", "--store", tmp_path / "empty.duckdb")
    assert result.exit_code == 0
    assert "holds no runs yet" in result.stderr


def test_unknown_run_id_is_one_error_line(invoke: Invoke, tmp_path: Path) -> None:
    for command in (("runs", "show", "nope"), ("runs", "export", "nope", "--out", tmp_path / "x")):
        result = invoke(*command, "--store", tmp_path / "s.duckdb")
        assert result.exit_code == 1
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines[0] == f"error: no stored run has id `nope` in {tmp_path / 's.duckdb'}."
        assert all(line.startswith("hint: ") for line in lines[1:])
        assert "Traceback" not in result.stderr


def test_export_writes_readable_files(invoke: Invoke, tmp_path: Path) -> None:
    store, run_id = published_store(invoke, tmp_path)
    csv_out = tmp_path / "out" / "run.csv"
    result = invoke("runs", "export", run_id, "--format", "csv", "--out", csv_out, "--store", store)
    assert result.exit_code == 0, result.stderr
    assert pl.read_csv(csv_out).height == 567
    assert json.loads((tmp_path / "out" / "run.manifest.json").read_text())["run_id"] == run_id

    parquet_out = tmp_path / "out" / "run.parquet"
    result = invoke(
        "runs", "export", run_id, "--format", "parquet", "--out", parquet_out, "--store", store
    )
    assert result.exit_code == 0, result.stderr
    scores = pl.read_parquet(parquet_out)
    assert scores.filter(pl.col("withheld")).height == scores["estimate"].null_count()

    xlsx_out = tmp_path / "out" / "run.xlsx"
    result = invoke(
        "runs", "export", run_id, "--format", "xlsx", "--out", xlsx_out, "--store", store
    )
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(xlsx_out, read_only=True)
    try:
        sheets = book.sheetnames
        assert (sheets[0], sheets[-1]) == ("scores", "manifest")
        assert sorted(sheets[1:-1]) == sorted(
            [
                "official_record",
                "score_table",
                "units_2025",
                "diagnosis_changes",
                "diagnosis_priorities",
                "diagnosis_notes",
            ]
        )
    finally:
        book.close()


def test_import_official_refuses_copied_sheets(invoke: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    result = invoke("import", "official", WORKBOOK, "--store", store)
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2
    for sheet, line in zip(("2020", "2021"), notes, strict=True):
        assert line.startswith(f"note: refused sheet `{sheet}`")
        assert "`2019`" in line
    stored = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[0] for row in stored] == ["2018", "2019", "2022", "2023"]
    assert all(row[3] == "stored" for row in stored)

    scores = invoke(
        "scores",
        "--run",
        stored[1][1],
        "--level",
        "indicator",
        "--province",
        "Ha Noi",
        "--format",
        "csv",
        "--store",
        store,
    )
    assert scores.exit_code == 0, scores.stderr
    frame = pl.read_csv(scores.stdout.encode())
    assert frame.height > 100
    assert set(frame["source_file"]) == {"PAPI-2015-2023-eng.xlsm"}
    assert set(frame["source_sheet"].cast(pl.String)) == {"2019"}
    assert frame["source_row"].null_count() == 0

    again = invoke("import", "official", WORKBOOK, "--store", store)
    assert all(line.endswith("already stored") for line in again.stdout.splitlines())
