"""A province named like a formula reaches every download, report and export as inert text."""

from __future__ import annotations

import csv
import dataclasses
import io
import warnings
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from govindex.reports.workbook import national_workbook
from govindex.storage.export import write_export
from govindex.views import Dashboard
from govindex.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's httpx2 notice (see conftest)
    from fastapi.testclient import TestClient

HOSTILE = '=HYPERLINK("http://x","y")'
INERT = "'" + HOSTILE


def _renamed(frame: pl.DataFrame) -> pl.DataFrame:
    if "province" not in frame.columns:
        return frame
    return frame.with_columns(
        pl.when(pl.col("province") == "Ha Noi")
        .then(pl.lit(HOSTILE))
        .otherwise(pl.col("province"))
        .alias("province")
    )


@pytest.fixture(scope="module")
def hostile(dashboard: Dashboard) -> Dashboard:
    """The test store's dashboard with Hà Nội renamed ``=HYPERLINK(...)`` in every table."""
    snapshot = dashboard.snapshot
    renamed = dataclasses.replace(
        snapshot,
        scores=_renamed(snapshot.scores),
        record=_renamed(snapshot.record),
        national=_renamed(snapshot.national),
    )
    return Dashboard(renamed, dashboard.parameters)


@pytest.fixture(scope="module")
def hostile_client(hostile: Dashboard) -> TestClient:
    return TestClient(create_app(hostile))


def _assert_inert_workbook(content: bytes | Path) -> int:
    """Check no cell is a formula and the hostile name is text; return how often it appears."""
    book = openpyxl.load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    found = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value == INERT:
                    assert cell.data_type == "s"
                    found += 1
                assert cell.value != HOSTILE
    return found


def test_the_csv_download_writes_the_name_as_inert_text_14(hostile_client: TestClient) -> None:
    answer = hostile_client.get("/overview.csv?year=2024&table=ranking")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    named = [row for row in rows if row["province"] == INERT]
    assert len(named) == 1
    assert float(named[0]["estimate"]) > 0  # the numbers beside it stay numbers
    assert not any(value.startswith("=") for row in rows for value in row.values() if value)


def test_the_xlsx_download_writes_the_name_as_a_string_not_a_formula_14(
    hostile_client: TestClient,
) -> None:
    answer = hostile_client.get("/overview.xlsx?year=2024")
    assert answer.status_code == 200
    assert _assert_inert_workbook(answer.content) >= 1
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("province")].value == INERT:
            assert row[header.index("estimate")].data_type == "n"


def test_the_national_report_workbook_is_inert_14(hostile: Dashboard, tmp_path: Path) -> None:
    path = national_workbook(hostile, year=2024, language="en", path=tmp_path / "national.xlsx")
    assert _assert_inert_workbook(path) >= 1


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_a_run_export_is_inert_14(hostile: Dashboard, tmp_path: Path, format: str) -> None:
    manifest = hostile.snapshot.manifests[0]
    scores = hostile.snapshot.scores.filter(pl.col("run_id") == manifest.run_id)
    if HOSTILE not in scores["province"].to_list():
        scores = _renamed(scores.with_columns(pl.lit("Ha Noi").alias("province")).head(1))
    written = write_export(manifest, {"scores": scores}, tmp_path / f"run.{format}", format)
    if format == "xlsx":
        assert _assert_inert_workbook(written[0]) >= 1
    else:
        rows = list(csv.DictReader(io.StringIO(written[0].read_text(encoding="utf-8"))))
        assert INERT in {row["province"] for row in rows}
