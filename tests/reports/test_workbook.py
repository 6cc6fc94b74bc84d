"""The national workbook: every province of every item, headers in the chosen language."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from govindex.i18n import translate
from govindex.reports import national_workbook
from govindex.reports.workbook import SHEET_NAME_LIMIT, sheet_name
from govindex.views import Dashboard


@pytest.mark.parametrize("language", ["vi", "en"])
def test_workbook_has_every_province_of_every_item(
    published: Dashboard, tmp_path: Path, language: str
) -> None:
    path = national_workbook(published, year=2024, language=language, path=tmp_path / "n.xlsx")
    workbook = openpyxl.load_workbook(path)
    names = workbook.sheetnames
    assert names[0] == translate("report.workbook.sheet.readme", language)
    assert names[-1] == translate("report.workbook.sheet.means", language)
    assert len(names) == 1 + 9 + 1  # README, the total and eight dimensions, national means
    assert all(len(name) <= SHEET_NAME_LIMIT for name in names)
    withheld = translate("value.withheld", language)
    for name in names[1:-1]:
        sheet = workbook[name]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[1]
        assert header[2] == translate("column.estimate", language)
        assert header[6] == translate("column.rank", language)
        data = rows[2:]
        scored = [row for row in data if row[2] is not None]
        marked = [row for row in data if row[11] == withheld]
        assert len(scored) == 61, name
        assert {row[0] for row in marked} == {"Tien Giang", "Vinh Phuc"}, name
        assert [row[6] for row in scored] == sorted(row[6] for row in scored)
        assert sheet.freeze_panes == "B3"
    total = workbook[names[1]]
    assert total.cell(3, 1).number_format == "General"
    assert total.cell(3, 3).number_format == "0.00"
    hanoi = [row for row in total.iter_rows(values_only=True) if row[0] == "Ha Noi"]
    assert hanoi[0][1] == "Hà Nội"
    readme = [row for row in workbook[names[0]].iter_rows(values_only=True)]
    assert any("0.1" in str(row[1]) and "govindex" in str(row[1]) for row in readme)


def test_synthetic_workbook_says_so(demo: Dashboard, synthetic_run: str, tmp_path: Path) -> None:
    path = national_workbook(
        demo, year=None, run_id=synthetic_run, language="en", path=tmp_path / "s.xlsx"
    )
    workbook = openpyxl.load_workbook(path)
    for name in workbook.sheetnames:
        assert "SYNTHETIC" in str(workbook[name].cell(1, 1).value), name
    total = list(workbook[workbook.sheetnames[1]].iter_rows(values_only=True))
    assert len(total) == 2 + 63
    assert all(row[3] is not None for row in total[2:])  # microdata runs have SEs


def test_sheet_names_are_valid_and_unique() -> None:
    assert sheet_name("a/b:c*d?e[f]") == "a-b-c-d-e-f-"
    long = "x" * 40
    first = sheet_name(long)
    second = sheet_name(long, taken=[first])
    assert len(first) == len(second) == SHEET_NAME_LIMIT
    assert first != second
