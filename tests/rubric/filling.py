"""Fill a generated self-assessment workbook as a province would (a test fixture)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from govindex.assessment.workbook import ASSESSMENT_SHEET, COLUMNS

_INDEX = {column.key: index + 1 for index, column in enumerate(COLUMNS)}


def fill_workbook(
    path: Path, answers: Mapping[str, Mapping[str, Any]], extra_rows: int = 0
) -> Path:
    """Write ``answers`` (code → {column key: value}) into the workbook at ``path``."""
    workbook = load_workbook(path)
    sheet = workbook[ASSESSMENT_SHEET]
    rows = {str(sheet.cell(row, 1).value): row for row in range(2, sheet.max_row + 1)}
    next_row = sheet.max_row + 1
    for code, cells in answers.items():
        row = rows.get(code)
        if row is None:  # a code the rubric does not have: added at the end
            row = next_row
            next_row += 1
            sheet.cell(row, 1, code)
        for key, value in cells.items():
            sheet.cell(row, _INDEX[key], value)
    workbook.save(path)
    return path


HA_NOI_ANSWERS: dict[str, dict[str, Any]] = {
    "1.1.1": {"value": 1, "document_number": "12/KH-UBND", "document_date": "2024-01-10"},
    "1.1.2": {
        "value": 90,
        "document_number": "301/BC-UBND",
        "link": "https://example.gov.vn/bc301",
    },
    "1.2": {"value": 25, "self_score": 1.5, "document_number": "45/BC-SNV"},
    "1.3": {"value": 1, "document_number": "50/BC-SNV", "comment": "one report late"},
    "1.4": {"self_score": 2.5, "link": "https://example.gov.vn/tuyen-truyen"},
    "2.2": {"value": 95},  # evidence not required on this row
}
"""The Ha Noi answers of the scoring tests: 16.475 of 20 points with SIPAS 86.5."""
