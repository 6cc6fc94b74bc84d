"""Text that a spreadsheet would run as a formula is written inert by every CSV/XLSX writer."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govindex.spreadsheet_cells import (
    FORMULA_PREFIXES,
    InertWorkbook,
    neutralise_frame,
    neutralise_text,
)

HOSTILE = '=HYPERLINK("http://x","y")'
SOURCE = Path(__file__).resolve().parents[2] / "src" / "govindex"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        # Text that reads as a plain number is a number to a spreadsheet, not a formula.
        ("-0.25", "-0.25"),
        ("+3", "+3"),
        ("-1e-05", "-1e-05"),
        ("Hà Nội", "Hà Nội"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_starting_a_formula_gets_an_apostrophe_14(text: str, written: str) -> None:
    assert neutralise_text(text) == written
    frame = pl.DataFrame({"text": [text]})
    assert neutralise_frame(frame)["text"].to_list() == [written]


@given(st.text(max_size=20))
def test_the_frame_and_the_text_rules_agree_and_are_idempotent_14(text: str) -> None:
    once = neutralise_text(text)
    assert neutralise_text(once) == once
    assert neutralise_frame(pl.DataFrame({"t": [text]}))["t"][0] == once
    assert not once.startswith(FORMULA_PREFIXES) or re.fullmatch(r"[+-][\d.eE+-]+", once)


def test_numbers_stay_numbers_and_categoricals_become_text_14() -> None:
    frame = pl.DataFrame(
        {
            "score": [-1.5, 2.0],
            "n": [-3, 4],
            "flag": [True, False],
            "province": pl.Series([HOSTILE, "Huế"], dtype=pl.Categorical),
        }
    )
    inert = neutralise_frame(frame)
    assert inert.schema["score"] == pl.Float64
    assert inert.schema["n"] == pl.Int64
    assert inert["score"].to_list() == [-1.5, 2.0]
    assert inert["province"].to_list() == ["'" + HOSTILE, "Huế"]


def test_an_inert_workbook_writes_text_as_text_and_formulas_only_when_asked_14() -> None:
    buffer = io.BytesIO()
    workbook = InertWorkbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("t")
    sheet.write_row(0, 0, [HOSTILE, -2.5, "-"])
    sheet.write(1, 0, "@cmd")
    sheet.write_formula(2, 0, "=1+1")
    neutralise_frame(pl.DataFrame({"p": [HOSTILE]})).write_excel(workbook, worksheet="frame")
    workbook.close()
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cells = book["t"]
    assert (cells["A1"].data_type, cells["A1"].value) == ("s", "'" + HOSTILE)
    assert (cells["B1"].data_type, cells["B1"].value) == ("n", -2.5)
    assert cells["C1"].value == "'-"
    assert cells["A2"].value == "'@cmd"
    assert cells["A3"].data_type == "f"
    assert book["frame"]["A2"].value == "'" + HOSTILE
    assert book["frame"]["A2"].data_type == "s"


def test_the_command_line_csv_is_inert_14() -> None:
    from govindex.cli.runs import render_frame

    out = io.StringIO()
    render_frame(pl.DataFrame({"province": [HOSTILE], "score": [-1.0]}), "csv", file=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows == [{"province": "'" + HOSTILE, "score": "-1.0"}]


# Files that are not for people to open in a spreadsheet: microdata `run` reads back (made
# from the spec, no outside text) and the hash of a frame.
_NOT_SPREADSHEETS = {"synthetic/output.py", "manifest.py"}


def test_every_csv_and_xlsx_writer_goes_through_the_one_neutraliser_14() -> None:
    writer = re.compile(r"\.write_csv\(|\.write_excel\(|xlsxwriter\.Workbook\(")
    unguarded = []
    for path in sorted(SOURCE.rglob("*.py")):
        name = path.relative_to(SOURCE).as_posix()
        if name in _NOT_SPREADSHEETS or name == "spreadsheet_cells.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if writer.search(line) and "neutralise_frame(" not in line:
                unguarded.append(f"{name}:{number}: {line.strip()}")
    assert unguarded == []


def test_an_empty_text_stays_a_blank_cell() -> None:
    import io

    import openpyxl

    from govindex.spreadsheet_cells import InertWorkbook

    buffer = io.BytesIO()
    workbook = InertWorkbook(buffer, {"in_memory": True})
    workbook.add_worksheet("t").write_row(0, 0, ["", "=1", 3.0])
    workbook.close()
    cells = [cell.value for cell in next(openpyxl.load_workbook(buffer)["t"].iter_rows())]
    assert cells == [None, "'=1", 3.0]


def test_a_frame_without_formula_like_text_keeps_its_values_and_its_text_becomes_text() -> None:
    frame = pl.DataFrame(
        {
            "province": pl.Series(["Huế", "Hà Nội"], dtype=pl.Categorical),
            "note": ["ok", None],
            "score": [-1.5, 2.0],
        }
    )
    inert = neutralise_frame(frame)
    assert inert.schema["province"] == pl.String
    assert inert.rows() == [("Huế", "ok", -1.5), ("Hà Nội", None, 2.0)]
    # One formula-like cell anywhere: every text column is checked, the rest stay as they are.
    mixed = frame.with_columns(pl.Series("note", ["=1+1", "-3"]))
    assert neutralise_frame(mixed)["note"].to_list() == ["'=1+1", "-3"]
    assert neutralise_frame(mixed)["province"].to_list() == ["Huế", "Hà Nội"]
