"""The official workbook importer, against the copy (tests/data/papi) of PAPI-2015-2023(eng).xlsm."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from govindex.errors import DataValidationError
from govindex.official import (
    RECORD_SCHEMA,
    OfficialWorkbook,
    ProvinceLookup,
    read_official_workbook,
)


def sheet_rows(workbook_path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """Read one sheet with openpyxl directly, as an independent oracle."""
    import openpyxl

    with warnings.catch_warnings():
        # The .xlsm's data-validation extensions make openpyxl warn; values are unaffected.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        book = openpyxl.load_workbook(workbook_path, read_only=True, data_only=True)
        try:
            return list(book[sheet].iter_rows(values_only=True))
        finally:
            book.close()


def test_2020_and_2021_are_refused_as_copies_of_2019(workbook: OfficialWorkbook) -> None:
    refused = {item.sheet: item for item in workbook.refused_sheets}
    assert set(refused) == {"2020", "2021"}
    for item in refused.values():
        assert item.duplicate_of == "2019"
        assert "`2019`" in item.reason
        assert item.matching_rows == item.compared_rows
    assert workbook.years == (2018, 2019, 2022, 2023)


def test_strict_raises_naming_the_refused_sheets(
    workbook_path: Path, provinces: ProvinceLookup
) -> None:
    with pytest.raises(DataValidationError, match="`2020`, `2021`") as caught:
        read_official_workbook(workbook_path, provinces=provinces, strict=True)
    assert [issue.where for issue in caught.value.issues] == [
        f"{workbook_path.name}, sheet 2020",
        f"{workbook_path.name}, sheet 2021",
    ]


def test_values_follow_the_record_schema(workbook: OfficialWorkbook) -> None:
    assert workbook.values.schema == pl.Schema(RECORD_SCHEMA)
    # Every value, withheld or not, names the file, sheet, row and column it came from.
    provenance = workbook.values.select("source_file", "sheet", "source_row", "source_column")
    assert provenance.null_count().sum_horizontal().item() == 0
    assert workbook.values["province"].n_unique() == 63


@pytest.mark.parametrize(
    ("sheet", "row", "level", "code", "statistic"),
    [
        ("2019", 7, "total", "total", "score"),
        ("2019", 10, "total", "total", "se"),
        ("2019", 12, "dimension", "1", "variance"),
        ("2019", 148, "indicator", "6.4.3", "score"),  # printed in percent, not as a share
        ("2018", 2, "total", "total", "score"),  # carries "KCDL"
        ("2018", 27, "dimension", "2", "score"),
        ("2022", 13, "indicator", "1.1.1", "score"),
        ("2022", 165, "total", "total", "observations"),
        ("2023", 8, "subdimension", "1.1", "score"),
        ("2023", 163, "total", "total", "observations"),
    ],
)
def test_every_value_of_a_row_matches_the_workbook(
    workbook: OfficialWorkbook,
    workbook_path: Path,
    sheet: str,
    row: int,
    level: str,
    code: str,
    statistic: str,
) -> None:
    rows = sheet_rows(workbook_path, sheet)
    header_row = 1 if sheet == "2018" else 2
    header = rows[header_row - 1]
    read = workbook.values.filter(sheet=sheet, source_row=row)
    assert read.select("level", "code", "statistic").unique().rows() == [(level, code, statistic)]
    assert read.height == 63
    from openpyxl.utils import column_index_from_string

    for record in read.iter_rows(named=True):
        column = column_index_from_string(record["source_column"]) - 1
        cell = rows[row - 1][column]
        assert header[column] == record["province"]
        if isinstance(cell, int | float) and not (cell == 0 and record["withheld"]):
            assert record["estimate"] == pytest.approx(float(cell), abs=0, rel=0)
            assert not record["withheld"]
        else:
            assert record["estimate"] is None
            assert record["withheld"]


def test_withheld_values_are_kept_as_withheld(workbook: OfficialWorkbook) -> None:
    values = workbook.values
    kcdl = values.filter(withheld_marker="KCDL")
    assert set(kcdl["province"]) == {"Quang Ninh", "Dong Thap"}
    assert kcdl["year"].unique().to_list() == [2018]
    assert kcdl["estimate"].null_count() == kcdl.height
    # 2023: Quang Ninh and Binh Duong are blank throughout, and still present.
    for province in ("Quang Ninh", "Binh Duong"):
        blank = values.filter(year=2023, province=province)
        assert blank.height == values.filter(year=2023, province="Ha Noi").height
        assert blank["withheld"].all()
    # 2022 prints 0 for totals it did not publish; a 0 on the 10–80 scale is withheld.
    totals_2022 = values.filter(year=2022, code="total", statistic="score")
    withheld = totals_2022.filter("withheld")
    assert sorted(withheld["province"]) == ["Bac Giang", "Bac Ninh"]
    assert withheld["withheld_marker"].to_list() == ["0 (below the scale minimum)"] * 2
    # ... while genuine indicator zeros (0%–100% scale) stay values.
    zeros = values.filter(level="indicator", estimate=0.0)
    assert zeros.height > 0


def test_scale_is_read_per_row(workbook: OfficialWorkbook) -> None:
    scales = workbook.values.filter(year=2019, province="Ha Noi", statistic="score")
    by_code = dict(zip(scales["code"], scales["scale"], strict=True))
    assert by_code["total"] == "10-80 điểm"
    assert by_code["1"] == "1-10 điểm"
    assert by_code["7.1"] == "0.33-3.33 điểm"
    assert by_code["4.4.3"] == "0-150,000VND"
    lows = dict(zip(scales["code"], scales["scale_low"], strict=True))
    assert (lows["1.1"], lows["7.1"]) == (0.25, 0.33)


def test_bilingual_labels_where_the_sheet_has_them(workbook: OfficialWorkbook) -> None:
    row = workbook.values.filter(year=2023, province="Ha Noi", code="1.1").row(0, named=True)
    assert (row["label_en"], row["label_vi"]) == ("Civic Knowledge", "1.1: Tri thức công dân")
    older = workbook.values.filter(year=2019, province="Ha Noi", code="1.1").row(0, named=True)
    assert older["label_en"] is None
    assert older["label_vi"] == "1.1: Tri thức công dân"


def test_wide_table_joins_intervals_and_observations(workbook: OfficialWorkbook) -> None:
    wide = workbook.wide().filter(year=2023, province="Ha Noi", code="total")
    row = wide.row(0, named=True)
    assert row["estimate"] == pytest.approx(43.960304260253906)
    assert row["se"] == pytest.approx(0.1576850861310959)
    assert row["observations"] == 1120
    assert row["ci_low"] == pytest.approx(row["estimate"] - 1.645 * row["se"], abs=1e-4)


def test_notes_and_copyright_rows_are_skipped_and_listed(workbook: OfficialWorkbook) -> None:
    skipped = {(item.sheet, item.row) for item in workbook.skipped_rows}
    assert skipped == {("2022", 166), ("2022", 167), ("2023", 164), ("2023", 165)}
    assert "2019_Process" in workbook.ignored_sheets
