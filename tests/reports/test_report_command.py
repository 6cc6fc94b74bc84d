"""``govindex report``: PDF for a province, XLSX for `national`, one-line errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
from typer.testing import CliRunner

from govindex.cli import app


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_report_writes_a_province_pdf(published_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "hue.pdf"
    code, output = _run(
        "report",
        "Thừa Thiên Huế",
        "--year",
        "2023",
        "--pdf",
        target,
        "--lang",
        "en",
        "--store",
        published_store,
    )
    assert code == 0, output
    assert "wrote" in output
    document = pdfium.PdfDocument(target)
    assert len(document) >= 1
    assert "Thua Thien-Hue" in document[0].get_textpage().get_text_range()


def test_report_national_writes_the_workbook(published_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "national.xlsx"
    code, output = _run(
        "report", "national", "--year", "2022", "--xlsx", target, "--store", published_store
    )
    assert code == 0, output
    assert openpyxl.load_workbook(target).sheetnames[0] == "Thông tin"


def test_report_errors_are_one_line(published_store: Path, tmp_path: Path) -> None:
    code, output = _run(
        "report", "Atlantis", "--pdf", tmp_path / "x.pdf", "--store", published_store
    )
    assert code == 1
    assert output.startswith("error: ")
    assert "Traceback" not in output
    code, output = _run(
        "report",
        "national",
        "--year",
        "1999",
        "--xlsx",
        tmp_path / "x.xlsx",
        "--store",
        published_store,
    )
    assert code == 1
    assert "1999" in output
    assert "Traceback" not in output


def test_report_refuses_the_wrong_file_kind(published_store: Path, tmp_path: Path) -> None:
    code, output = _run(
        "report", "Ha Noi", "--xlsx", tmp_path / "x.xlsx", "--store", published_store
    )
    assert code == 2
    assert "--pdf" in output
    code, output = _run(
        "report", "national", "--pdf", tmp_path / "x.pdf", "--store", published_store
    )
    assert code == 2
    assert "--xlsx" in output
    assert not (tmp_path / "x.pdf").exists()
