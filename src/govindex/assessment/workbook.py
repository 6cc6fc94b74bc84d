"""The self-assessment workbook (XLSX): written from a rubric for one province and year, and
read back with one located message per bad cell.

Sheet ``assessment`` has a row per rubric node. Areas and criteria with sub-criteria are
headings; each scored leaf takes either a declared figure (scored by its rule) or, for a
judgement criterion, a self-score; survey-fed leaves are filled from survey results and stay
empty. Sheet ``about`` names the province, year and rubric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from govindex.errors import DataValidationError, Issue
from govindex.rubric import (
    Assessment,
    Evidence,
    Leaf,
    Rubric,
    SelfAssessmentEntry,
    describe_rule,
    rule_points,
)
from govindex.rubric.scoring import SCORE_TOLERANCE

__all__ = [
    "ABOUT_SHEET",
    "ASSESSMENT_SHEET",
    "COLUMNS",
    "read_assessment_workbook",
    "write_assessment_workbook",
]

ASSESSMENT_SHEET = "assessment"
ABOUT_SHEET = "about"


@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    width: int


COLUMNS = (
    _Column("code", "Mã / Code", 9),
    _Column("name_vi", "Tiêu chí / Criterion (vi)", 48),
    _Column("name_en", "Criterion (en)", 40),
    _Column("max_points", "Điểm tối đa / Maximum", 10),
    _Column("rule", "Cách tính điểm / Rule", 44),
    _Column("value", "Số liệu kê khai / Declared value", 14),
    _Column("self_score", "Điểm tự đánh giá / Self-score", 14),
    _Column("document_number", "Số văn bản / Evidence: document number", 22),
    _Column("document_date", "Ngày văn bản / Evidence: document date", 16),
    _Column("link", "Đường dẫn / Evidence: link", 30),
    _Column("comment", "Ghi chú / Comment", 30),
    _Column("evidence_required", "Cần kiểm chứng / Evidence required", 12),
)
_LETTER = {column.key: chr(ord("A") + index) for index, column in enumerate(COLUMNS)}
_INPUTS = ("value", "self_score", "document_number", "document_date", "link", "comment")


def write_assessment_workbook(
    rubric: Rubric,
    province: str,
    year: int,
    path: str | Path,
    *,
    synthetic: bool = False,
    filled: Assessment | None = None,
) -> Path:
    """Write the self-assessment workbook of ``province`` for ``year`` to ``path``;
    ``filled`` pre-fills the entries of an assessment (used for SYNTHETIC demo workbooks).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govindex.assessment import load_rubric
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "ha-noi.xlsx"
    >>> write_assessment_workbook(load_rubric(warn=False), "Ha Noi", 2024, out).exists()
    True
    """
    from govindex.spreadsheet_cells import InertWorkbook

    file = Path(path)
    workbook = InertWorkbook(str(file))
    heading = workbook.add_format(
        {"bold": True, "bg_color": "#DDE5F0", "text_wrap": True, "valign": "top"}
    )
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    text = workbook.add_format({"text_wrap": True, "valign": "top"})
    survey = workbook.add_format(
        {"text_wrap": True, "valign": "top", "bg_color": "#EEEEEE", "italic": True}
    )
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    sheet = workbook.add_worksheet(ASSESSMENT_SHEET)
    for index, column in enumerate(COLUMNS):
        sheet.write(0, index, column.header, header)
        sheet.set_column(
            index, index, column.width, date_format if column.key == "document_date" else None
        )
    sheet.freeze_panes(1, 1)
    if synthetic:
        sheet.set_header("&CSYNTHETIC: made-up figures for demonstration")
        sheet.set_tab_color("#C00000")
    leaves = {leaf.code: leaf for leaf in rubric.leaves()}
    row = 1
    for area in rubric.areas:
        _write_heading(sheet, row, area.code, area.name.vi, area.name.en, area.max_points, heading)
        row += 1
        for criterion in area.criteria:
            if criterion.sub_criteria:
                _write_heading(
                    sheet,
                    row,
                    criterion.code,
                    criterion.name.vi,
                    criterion.name.en,
                    criterion.max_points,
                    heading,
                )
                row += 1
                for sub in criterion.sub_criteria:
                    _write_leaf(sheet, row, leaves[sub.code], text, survey)
                    _write_entry(sheet, row, filled, sub.code)
                    row += 1
            else:
                _write_leaf(sheet, row, leaves[criterion.code], text, survey)
                _write_entry(sheet, row, filled, criterion.code)
                row += 1
    about = workbook.add_worksheet(ABOUT_SHEET)
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 90)
    facts = [
        ("province", province),
        ("year", year),
        ("rubric", rubric.edition),
        (
            "provisional",
            "yes: placeholder points, confirm against the official table"
            if rubric.provisional
            else "no",
        ),
        ("synthetic", "SYNTHETIC: made-up figures for demonstration" if synthetic else "no"),
        (
            "how to fill",
            "Enter the declared value (rate, count, 1 = yes / 0 = no) of each rule row, or the self-score of each judgement row, and the evidence document. Grey rows come from survey results.",
        ),
    ]
    for index, (key, value) in enumerate(facts):
        about.write(index, 0, key, header)
        about.write(index, 1, value, text)
    workbook.close()
    return file


def _write_heading(
    sheet: Any, row: int, code: str, name_vi: str, name_en: str, maximum: float, style: Any
) -> None:
    values = [code, name_vi, name_en, maximum, "sum of the rows below"]
    for index, value in enumerate(values):
        sheet.write(row, index, value, style)


def _write_leaf(sheet: Any, row: int, leaf: Leaf, text: Any, survey: Any) -> None:
    style = survey if leaf.from_survey else text
    sheet.write_string(row, 0, leaf.code, style)
    sheet.write(row, 1, leaf.name.vi, style)
    sheet.write(row, 2, leaf.name.en, style)
    sheet.write_number(row, 3, leaf.max_points, style)
    sheet.write(row, 4, describe_rule(leaf.rule, leaf.max_points), style)
    if leaf.from_survey:
        sheet.write(row, 5, "(from survey)", survey)
        sheet.write(row, 11, "no", style)
        return
    sheet.write(row, 11, "yes" if leaf.evidence_required else "no", style)
    if leaf.takes_self_score:
        sheet.data_validation(
            row,
            6,
            row,
            6,
            {
                "validate": "decimal",
                "criteria": "between",
                "minimum": 0,
                "maximum": leaf.max_points,
                "error_message": f"0 to {leaf.max_points:g}",
            },
        )


def _write_entry(sheet: Any, row: int, filled: Assessment | None, code: str) -> None:
    entry = None if filled is None else filled.entries.get(code)
    if entry is None:
        return
    cells = {
        "value": entry.value,
        "self_score": entry.self_score,
        "document_number": entry.evidence.document_number,
        "document_date": None
        if entry.evidence.document_date is None
        else entry.evidence.document_date.isoformat(),
        "link": entry.evidence.link,
        "comment": entry.comment,
    }
    for key, value in cells.items():
        if value is not None:
            sheet.write(row, ord(_LETTER[key]) - ord("A"), value)


# ------------------------------------------------------------------ reading
def read_assessment_workbook(rubric: Rubric, path: str | Path) -> Assessment:
    """Read a filled workbook; every bad cell becomes one issue of a single error.

    Raises
    ------
    DataValidationError
        With one :class:`~govindex.errors.Issue` per bad cell, located by sheet, row and
        column: a score above the maximum, a non-numeric value, missing evidence where
        required, an unknown criterion, an input on a survey or heading row.
    """
    from openpyxl import load_workbook

    file = Path(path)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        msg = f"cannot read `{file.name}` as an XLSX workbook ({type(error).__name__}: {error})."
        raise DataValidationError(msg, where=file.name) from error
    try:
        missing = [
            name for name in (ASSESSMENT_SHEET, ABOUT_SHEET) if name not in workbook.sheetnames
        ]
        if missing:
            msg = f"`{file.name}` lacks sheets {missing}; expected a workbook made by `govindex par workbook`."
            raise DataValidationError(
                msg,
                where=file.name,
                found=workbook.sheetnames,
                expected=[ASSESSMENT_SHEET, ABOUT_SHEET],
            )
        about = {
            str(row[0]).strip(): row[1]
            for row in workbook[ABOUT_SHEET].iter_rows(values_only=True)
            if row and row[0] is not None
        }
        rows = list(workbook[ASSESSMENT_SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()
    province, year = _identity(about, file.name)
    reader = _SheetReader(rubric, file.name)
    entries = reader.read(rows)
    if reader.issues:
        count = len(reader.issues)
        msg = f"`{file.name}` has {count} bad cell{'s' if count != 1 else ''}:"
        raise DataValidationError(msg, where=file.name, issues=reader.issues)
    synthetic = str(about.get("synthetic") or "").startswith("SYNTHETIC")
    return Assessment.of(province, year, entries, synthetic=synthetic)


def _identity(about: dict[str, Any], source: str) -> tuple[str, int]:
    province = about.get("province")
    year = about.get("year")
    where = f"{source}: sheet '{ABOUT_SHEET}'"
    if not isinstance(province, str) or not province.strip():
        msg = f"{where}, row 1, column `B`: the province is empty; expected the province's name."
        raise DataValidationError(msg, where=where, found=province)
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool):
        msg = f"{where}, row 2, column `B`: year {year!r} is not a whole number."
        raise DataValidationError(msg, where=where, found=year)
    return province.strip(), year


class _SheetReader:
    def __init__(self, rubric: Rubric, source: str) -> None:
        self.leaves = {leaf.code: leaf for leaf in rubric.leaves()}
        self.headings = {area.code for area in rubric.areas} | {
            criterion.code
            for area in rubric.areas
            for criterion in area.criteria
            if criterion.sub_criteria
        }
        self.where = f"{source}: sheet '{ASSESSMENT_SHEET}'"
        self.source = source
        self.issues: list[Issue] = []

    def bad(self, row: int, key: str, message: str, found: object = None) -> None:
        column = f"{_LETTER[key]} ({key.replace('_', ' ')})"
        self.issues.append(
            Issue(message=message, where=self.where, row=row, column=column, found=found)
        )

    def read(self, rows: list[tuple[Any, ...]]) -> list[SelfAssessmentEntry]:
        expected = [column.header for column in COLUMNS]
        found_header = [("" if cell is None else str(cell)) for cell in (rows[0] if rows else ())][
            : len(COLUMNS)
        ]
        if found_header != expected:
            self.issues.append(
                Issue(
                    message=f"the column headers were changed; expected {expected}",
                    where=self.where,
                    row=1,
                    found=found_header,
                )
            )
            return []
        entries: list[SelfAssessmentEntry] = []
        seen: dict[str, int] = {}
        for index, raw in enumerate(rows[1:], start=2):
            cells = dict(
                zip(
                    (column.key for column in COLUMNS),
                    (*raw, *([None] * len(COLUMNS)))[: len(COLUMNS)],
                    strict=True,
                )
            )
            code = _text(cells["code"])
            inputs = {key: cells[key] for key in _INPUTS if _text(cells[key]) is not None}
            if code is None:
                if inputs:
                    self.bad(index, "code", "the row has entries but no criterion code")
                continue
            if code in seen:
                self.bad(index, "code", f"criterion `{code}` is already on row {seen[code]}", code)
                continue
            seen[code] = index
            if code in self.headings:
                for key in inputs:
                    self.bad(
                        index,
                        key,
                        f"`{code}` is the sum of the rows below it; enter figures on those rows",
                        cells[key],
                    )
                continue
            leaf = self.leaves.get(code)
            if leaf is None:
                self.bad(index, "code", f"unknown criterion `{code}` (not in the rubric)", code)
                continue
            entry = self._entry(index, leaf, cells, inputs)
            if entry is not None:
                entries.append(entry)
        return entries

    def _entry(
        self, row: int, leaf: Leaf, cells: dict[str, Any], inputs: dict[str, Any]
    ) -> SelfAssessmentEntry | None:
        before = len(self.issues)
        if leaf.from_survey:
            for key in inputs:
                if key != "value" or _text(cells[key]) != "(from survey)":
                    self.bad(
                        row,
                        key,
                        f"`{leaf.code}` is scored from a survey result; leave it empty",
                        cells[key],
                    )
            return None
        if not inputs:  # not filled in: the engine reports the criterion as missing
            return None
        value = self._number(row, "value", cells["value"])
        self_score = self._number(row, "self_score", cells["self_score"])
        if leaf.takes_self_score and value is not None:
            self.bad(
                row,
                "value",
                f"`{leaf.code}` is a judgement criterion: enter its points as the self-score, not a declared value",
                cells["value"],
            )
        if not leaf.takes_self_score and value is None and self_score is not None:
            self.bad(
                row,
                "value",
                f"`{leaf.code}` is scored by its {leaf.rule.kind} rule from the declared value; enter it (a self-score alone is not used)",
            )
        if self_score is not None and self_score > leaf.max_points:
            self.bad(
                row,
                "self_score",
                f"self-score {self_score:g} is above the maximum {leaf.max_points:g}",
                cells["self_score"],
            )
        elif self_score is not None and self_score < 0:
            self.bad(
                row, "self_score", f"self-score {self_score:g} is below 0", cells["self_score"]
            )
        evidence = Evidence(
            document_number=_text(cells["document_number"]),
            document_date=self._date(row, cells["document_date"]),
            link=_text(cells["link"]),
        )
        entry = SelfAssessmentEntry(
            code=leaf.code,
            value=value,
            self_score=self_score,
            evidence=evidence,
            comment=_text(cells["comment"]),
            source=f"{self.source}: sheet '{ASSESSMENT_SHEET}', row {row}",
        )
        has_input = value is not None or self_score is not None
        if has_input and leaf.evidence_required and not evidence.present:
            self.bad(
                row,
                "document_number",
                f"`{leaf.code}` requires evidence: a document number or a link",
            )
        if (
            len(self.issues) == before
            and value is not None
            and self_score is not None
            and not leaf.takes_self_score
        ):
            points, _ = rule_points(leaf, entry)
            if points is not None and abs(points - self_score) > SCORE_TOLERANCE:
                self.bad(
                    row,
                    "self_score",
                    f"self-score {self_score:g} differs from the rule's {points:g} points for the declared value {value:g}",
                    cells["self_score"],
                )
        return entry if len(self.issues) == before else None

    def _number(self, row: int, key: str, cell: Any) -> float | None:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        if isinstance(cell, bool) or not isinstance(cell, int | float | str):
            self.bad(row, key, f"expected a number, found {cell!r}", cell)
            return None
        try:
            number = float(cell)
        except ValueError:
            self.bad(row, key, f"expected a number, found {cell!r}", cell)
            return None
        if not math.isfinite(number):
            self.bad(row, key, f"expected a finite number, found {cell!r}", cell)
            return None
        return number

    def _date(self, row: int, cell: Any) -> date | None:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        if isinstance(cell, datetime):
            return cell.date()
        if isinstance(cell, date):
            return cell
        try:
            return date.fromisoformat(str(cell).strip())
        except ValueError:
            self.bad(row, "document_date", f"expected a date (YYYY-MM-DD), found {cell!r}", cell)
            return None


def _text(cell: Any) -> str | None:
    if cell is None:
        return None
    text = str(cell).strip()
    return text or None
