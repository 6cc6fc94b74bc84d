"""The national ranking as an XLSX workbook: one sheet per item, a README and national means.

Every ranking sheet has the same layout: a title line (naming the source, and SYNTHETIC
runs as such) in row 1, the header in row 2 (both frozen), one province per row below,
best first, and the provinces whose scores were not published last, marked as such.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.exceptions import FileCreateError

from govindex import __version__
from govindex.charts import Wording
from govindex.errors import StorageError
from govindex.reports.notes import (
    break_notes,
    group_rule_note,
    interval_note,
    run_line,
    source_files,
)
from govindex.spreadsheet_cells import InertWorkbook
from govindex.views import View

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from govindex.views import Dashboard

__all__ = ["SHEET_NAME_LIMIT", "national_workbook", "sheet_name"]

SHEET_NAME_LIMIT = 31
"""Excel refuses longer sheet names."""

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SCORE = "0.00"
_ERROR = "0.000"
_RANKING_ITEMS = ("total", "dimension")


def sheet_name(text: str, taken: Sequence[str] = ()) -> str:
    """``text`` as a valid, unused Excel sheet name (≤ 31 characters, no ``[]:*?/\\``).

    Examples
    --------
    >>> sheet_name("1. Tham gia của người dân ở cấp cơ sở")
    '1. Tham gia của người dân ở cấp'
    >>> sheet_name("README", taken=["README"])
    'README (2)'
    """
    name = _FORBIDDEN.sub("-", text).strip().strip("'")[:SHEET_NAME_LIMIT].rstrip()
    lowered = {item.lower() for item in taken}
    candidate, number = name, 2
    while candidate.lower() in lowered:
        suffix = f" ({number})"
        candidate = name[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        number += 1
    return candidate


def national_workbook(
    dashboard: Dashboard,
    *,
    year: int | None,
    run_id: str | None = None,
    language: str = "vi",
    path: str | Path,
) -> Path:
    """Write the national ranking of one run-year to an XLSX workbook and return its path.

    Sheets: README (source run, SYNTHETIC flag, group rule, interval note, generator), the
    PAPI total, one per dimension, and the national means. Labels are in ``language``.

    Examples
    --------
    >>> national_workbook(dashboard, year=2024, path=tmp_path / "papi-2024.xlsx").name
    'papi-2024.xlsx'
    """
    words = Wording(language)
    first = dashboard.overview(year=year, run_id=run_id)
    shown_year = int(first.parameters["year"])
    chosen_run = str(first.parameters["run_id"])
    items = [item for item in first.meta["items"] if item["level"] in _RANKING_ITEMS]
    views = [
        dashboard.overview(
            year=shown_year, run_id=chosen_run, level=item["level"], code=item["code"]
        )
        for item in items
    ]
    target = Path(path)
    workbook = InertWorkbook(str(target))
    styles = _styles(workbook)
    taken: list[str] = []
    _readme(workbook, styles, words, first, taken)
    for view in views:
        name = sheet_name(words.item(view.meta["item"], numbered=True), taken)
        taken.append(name)
        _ranking_sheet(workbook.add_worksheet(name), styles, words, view)
    means = sheet_name(words("report.workbook.sheet.means"), taken)
    _means_sheet(workbook.add_worksheet(means), styles, words, views)
    try:
        workbook.close()
    except (OSError, FileCreateError) as error:
        cause = error.__cause__ or error.__context__ or error
        reason = getattr(cause, "strerror", None) or str(cause)
        msg = f"cannot write the workbook to {target}: {reason}."
        raise StorageError(msg, where="path", found=str(target)) from error
    return target


def _styles(workbook: Workbook) -> dict[str, Any]:
    base = {"font_name": "DejaVu Sans", "font_size": 10, "valign": "top"}
    return {
        "header": workbook.add_format(
            {
                **base,
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": "#0B3C5D",
                "text_wrap": True,
                "border": 1,
            }
        ),
        "title": workbook.add_format({**base, "bold": True, "font_size": 12}),
        "synthetic": workbook.add_format(
            {**base, "bold": True, "font_size": 12, "font_color": "#B2182B"}
        ),
        "text": workbook.add_format(base),
        "wrapped": workbook.add_format({**base, "text_wrap": True}),
        "score": workbook.add_format({**base, "num_format": _SCORE}),
        "error": workbook.add_format({**base, "num_format": _ERROR}),
        "integer": workbook.add_format({**base, "num_format": "0"}),
        "muted": workbook.add_format({**base, "italic": True, "font_color": "#777777"}),
    }


def _title_row(
    sheet: Worksheet, styles: dict[str, Any], words: Wording, view: View, text: str
) -> None:
    synthetic = bool(view.meta.get("synthetic"))
    if synthetic:
        text = f"{words('chart.synthetic')} · {text}"
    sheet.write(0, 0, text, styles["synthetic" if synthetic else "title"])


def _readme(
    workbook: Workbook, styles: dict[str, Any], words: Wording, view: View, taken: list[str]
) -> None:
    name = sheet_name(words("report.workbook.sheet.readme"), taken)
    taken.append(name)
    sheet = workbook.add_worksheet(name)
    year = int(view.parameters["year"])
    run = view.meta["run"]
    synthetic = bool(view.meta.get("synthetic"))
    withheld = view.table("ranking").filter(view.table("ranking")["withheld"])
    withheld_names = ", ".join(
        words.province(row["province"], row["province_vi"])
        for row in withheld.iter_rows(named=True)
    )
    rows = [
        (words("report.workbook.year"), str(year)),
        (words("report.source"), run_line(words, run, year)),
        (words("report.workbook.run_id"), str(run.get("run_id", ""))),
        (words("report.source_files"), source_files(run)),
        (
            words("report.workbook.synthetic"),
            words("report.workbook.yes") if synthetic else words("report.workbook.no"),
        ),
        (
            words("report.workbook.group_rule"),
            group_rule_note(words, view.parameters["group_rule"]),
        ),
        (words("report.workbook.interval_note"), interval_note(words, run)),
        (words("report.workbook.mean_rule"), words("report.note.national_mean")),
        (words("report.workbook.withheld"), withheld_names or "–"),
        (words("report.note.breaks"), "\n".join(break_notes(words, _breaks()))),
        (words("report.workbook.sheets"), words("report.workbook.sheets_text")),
        (words("report.workbook.language"), words("language.name")),
        (
            words("report.workbook.generated_by"),
            f"govindex {__version__} · {date.today().isoformat()}",
        ),
    ]
    _title_row(sheet, styles, words, view, words("report.workbook.title", year=year))
    sheet.write_row(
        1, 0, [words("report.column.setting"), words("report.column.value")], styles["header"]
    )
    flagged = words("report.workbook.synthetic")
    for number, (label, value) in enumerate(rows, start=2):
        sheet.write(number, 0, label, styles["wrapped"])
        style = styles["synthetic"] if synthetic and label == flagged else styles["wrapped"]
        sheet.write(number, 1, value, style)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 100)
    sheet.freeze_panes(2, 0)


def _breaks() -> list[dict[str, Any]]:
    from govindex.official.comparability import load_comparability_breaks

    return [{"year": item.year, "reason": item.reason} for item in load_comparability_breaks()]


def _ranking_sheet(sheet: Worksheet, styles: dict[str, Any], words: Wording, view: View) -> None:
    year = int(view.parameters["year"])
    headers = [
        (words("report.column.province_key"), 22, "text"),
        (words("report.column.name_vi"), 24, "text"),
        (words("column.estimate"), 10, "score"),
        (words("column.se"), 12, "error"),
        (words("column.ci_low"), 11, "score"),
        (words("column.ci_high"), 11, "score"),
        (words("column.rank"), 9, "integer"),
        (words("report.column.rank_low"), 13, "integer"),
        (words("report.column.rank_high"), 13, "integer"),
        (words("report.column.group_number"), 13, "integer"),
        (words("report.column.group_label"), 30, "text"),
        (words("report.column.status"), 30, "muted"),
    ]
    source = words.source(view.meta["run"], year)
    title = words(
        "report.workbook.sheet_title", item=words.item(view.meta["item"]), year=year, source=source
    )
    _title_row(sheet, styles, words, view, title)
    sheet.set_row(1, 30)
    for column, (label, width, style) in enumerate(headers):
        sheet.write(1, column, label, styles["header"])
        sheet.set_column(column, column, width, styles[style])
    for number, row in enumerate(view.table("ranking").iter_rows(named=True), start=2):
        values = [
            row["province"],
            row["province_vi"],
            row["estimate"],
            row["se"],
            row["ci_low"],
            row["ci_high"],
            row["rank"],
            row["rank_low"],
            row["rank_high"],
            row["group"],
            words.group(row["group"]),
            _status(row, words),
        ]
        for column, value in enumerate(values):
            style = styles[headers[column][2]]
            if value is None or value == "":
                sheet.write_blank(number, column, None, style)
            else:
                sheet.write(number, column, value, style)
    last = view.table("ranking").height + 1
    sheet.autofilter(1, 0, last, len(headers) - 1)
    sheet.freeze_panes(2, 1)


def _status(row: dict[str, Any], words: Wording) -> str:
    if row.get("suppressed"):
        return words("value.suppressed")
    if row.get("withheld"):
        return words("value.withheld")
    return ""


def _means_sheet(
    sheet: Worksheet, styles: dict[str, Any], words: Wording, views: Sequence[View]
) -> None:
    headers = [
        (words("report.column.code"), 8, "text"),
        (words("report.column.item"), 48, "text"),
        (words("column.national_mean"), 14, "score"),
        (words("report.column.scored"), 12, "integer"),
        (words("column.best"), 22, "text"),
        (words("report.column.best_score"), 12, "score"),
        (words("report.column.lowest"), 22, "text"),
        (words("report.column.lowest_score"), 12, "score"),
    ]
    if views:
        year = int(views[0].parameters["year"])
        source = words.source(views[0].meta["run"], year)
        text = f"{words('report.workbook.sheet.means')}, {year}. {source}"
        _title_row(sheet, styles, words, views[0], text)
    sheet.set_row(1, 30)
    for column, (label, width, style) in enumerate(headers):
        sheet.write(1, column, label, styles["header"])
        sheet.set_column(column, column, width, styles[style])
    for number, view in enumerate(views, start=2):
        summary = view.table("summary").row(0, named=True)
        item = view.meta["item"]
        values = [
            item["code"],
            words.item(item),
            summary["national_mean"],
            summary["scored"],
            words.province(summary["best"]),
            summary["best_estimate"],
            words.province(summary["lowest"]),
            summary["lowest_estimate"],
        ]
        for column, value in enumerate(values):
            style = styles[headers[column][2]]
            if value is None:
                sheet.write_blank(number, column, None, style)
            else:
                sheet.write(number, column, value, style)
    sheet.freeze_panes(2, 0)
