"""A province's one-stop period as PDF and XLSX: `govindex onestop publish` stores the run,
`govindex onestop report` writes both files from it, in Vietnamese and English; the numbers
are the stored ones, each with its numerator and denominator."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from govindex.application.instrument_runs import OnestopDemoSize, write_synthetic_onestop
from govindex.cli import app
from govindex.storage import RunStore

PERIODS = ("2025-01", "2025-02", "2025-03", "2025-Q1")


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("onestop-report")
    # A quarter of records (the demo writes a year): the periods above and no more.
    records = write_synthetic_onestop(folder / "records", OnestopDemoSize(months=3))
    store = folder / "store.duckdb"
    arguments: list[str | Path] = ["onestop", "publish", records, "--store", store]
    for period in PERIODS:
        arguments += ["--period", period]
    code, _, err = _run(*arguments)
    assert code == 0, err
    assert "SYNTHETIC" in err
    with RunStore(store, read_only=True) as opened:
        (run,) = [m.run_id for m in opened.list_runs() if m.kind == "records"]
    return store, run


def _pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(path)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _stored(store: Path, run: str, table: str) -> pl.DataFrame:
    with RunStore(store, read_only=True) as opened:
        return opened.read_table(run, table)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("vi", ("Bộ chỉ số 766, kỳ 2025-Q1 (quý)", "Chỉ số phục vụ", "DỮ LIỆU GIẢ LẬP")),
        ("en", ("Decision 766 index, 2025-Q1 (quarter)", "Service KPIs", "SYNTHETIC data")),
    ],
)
def test_the_pdf_names_the_period_and_says_synthetic(
    published: tuple[Path, str], tmp_path: Path, language: str, words: tuple[str, ...]
) -> None:
    store, run = published
    pdf = tmp_path / "qn.pdf"
    code, _, err = _run(
        "onestop", "report", "Quang Ninh", "--pdf", pdf, "--lang", language, "--store", store
    )
    assert code == 0, err
    text = _pdf_text(pdf)
    for word in words:
        assert word in text
    assert run in text
    # The online share with the counts it came from, as stored.
    kpis = _stored(store, run, "onestop_kpis").filter(
        (pl.col("unit") == "22") & (pl.col("period") == "2025-Q1")
    )
    online = kpis.filter(pl.col("code") == "online_share").row(0, named=True)
    counts = f"{int(online['numerator'])} {'of' if language == 'en' else '/'}"
    assert counts.replace(" /", "/") in text


def test_the_workbook_holds_the_stored_numbers_and_leaves_null_blank(
    published: tuple[Path, str], tmp_path: Path
) -> None:
    store, run = published
    xlsx = tmp_path / "qn.xlsx"
    code, _, err = _run(
        "onestop", "report", "Quảng Ninh", "--period", "2025-02", "--xlsx", xlsx,
        "--lang", "en", "--store", store,
    )  # fmt: skip
    assert code == 0, err
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames[:3] == ["README", "Service KPIs", "Groups and indicators"]
    assert "Ranking in the period" in book.sheetnames
    readme = [row[0] for row in book["README"].iter_rows(values_only=True)]
    assert str(readme[0]).startswith("SYNTHETIC")
    rows = list(book["Service KPIs"].iter_rows(values_only=True))
    header = list(rows[1])
    found = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    kpis = _stored(store, run, "onestop_kpis").filter(
        (pl.col("unit") == "22") & (pl.col("period") == "2025-02")
    )
    for row in kpis.filter(pl.col("code").is_in(["postal_return", "noncash_payment"])).to_dicts():
        assert found[row["code"]]["numerator"] == row["numerator"]
        assert found[row["code"]]["denominator"] == row["denominator"]
        assert found[row["code"]]["estimate"] == pytest.approx(row["estimate"])
    overdue = found["days_overdue"]
    assert overdue["estimate"] is None  # no denominator: a blank cell, not 0
    assert overdue["reason"] == "no_denominator"
    agencies = list(book["Departments and communes"].iter_rows(values_only=True))
    assert len(agencies) == 2 + 5  # 2 departments and 3 communes
    ranking = list(book["Ranking in the period"].iter_rows(values_only=True))
    assert len(ranking) == 2 + 22


def test_a_report_of_an_unknown_unit_or_period_fails_with_one_line(
    published: tuple[Path, str], tmp_path: Path
) -> None:
    store, _ = published
    code, _, err = _run(
        "onestop", "report", "Quang Nin", "--pdf", tmp_path / "x.pdf", "--store", store
    )
    assert code != 0
    assert "did you mean 'Quảng Ninh'?" in err
    assert "Traceback" not in err
    code, _, err = _run(
        "onestop", "report", "Quang Ninh", "--period", "2024-Q4", "--xlsx", tmp_path / "x.xlsx",
        "--store", store,
    )  # fmt: skip
    assert code != 0
    assert "2025-Q1" in err
    assert not (tmp_path / "x.xlsx").exists()
    code, _, err = _run("onestop", "report", "Quang Ninh", "--store", store)
    assert code != 0
    assert "--pdf" in err
