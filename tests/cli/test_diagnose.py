"""``govindex diagnose`` in-process: Markdown, JSON and XLSX output."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from tests.cli.conftest import Invoke
from tests.conftest import PAPI_DATA

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "responsibility-ha-noi.yaml"


def test_markdown_report(invoke: Invoke) -> None:
    result = invoke("diagnose", "Hà Nội", "--year", "2021", "--data-dir", PAPI_DATA)
    assert result.exit_code == 0, result.output
    assert "# PAPI 2021: Ha Noi" in result.stdout
    assert "## Priorities" in result.stdout
    assert "not_comparable" in result.stdout


def test_json_with_responsibility(invoke: Invoke) -> None:
    result = invoke(
        "diagnose",
        "Ha Noi",
        "--year",
        "2021",
        "--baseline",
        "2016",
        "--format",
        "json",
        "--responsibility",
        EXAMPLE,
        "--data-dir",
        PAPI_DATA,
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    total = next(item for item in document["items"] if item["code"] == "total")
    assert total["rank"] == 9
    assert total["baseline_status"] == "not_comparable"
    assert "City Inspectorate" in document["action_sheets"]


def test_xlsx_action_sheets(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "actions.xlsx"
    result = invoke(
        "diagnose",
        "Ha Noi",
        "--year",
        "2021",
        "--format",
        "xlsx",
        "--out",
        out,
        "--responsibility",
        EXAMPLE,
    )
    assert result.exit_code == 0, result.output
    assert len(openpyxl.load_workbook(out).sheetnames) == 3


def test_xlsx_needs_out_and_unknown_province_fails(invoke: Invoke) -> None:
    assert invoke("diagnose", "Ha Noi", "--year", "2021", "--format", "xlsx").exit_code == 1
    result = invoke("diagnose", "Atlantis", "--year", "2021")
    assert result.exit_code == 1
    assert "Atlantis" in result.output
