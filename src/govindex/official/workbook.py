"""Import the official PAPI provincial workbook into one long, fully sourced table.

Each year sheet (indicator rows × province columns) becomes rows of the official record
(see :data:`~govindex.official.schema.RECORD_SCHEMA`): one row per province and sheet row,
with the file, sheet, row and column it came from. Blank and "KCDL" cells stay as withheld
values. A year sheet whose numbers repeat another year's is refused, not read.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from govindex.errors import DataValidationError, Issue
from govindex.official.duplicates import RefusedSheet, find_duplicate_sheets
from govindex.official.layout import SheetLayout, classify_label, detect_layout, is_note
from govindex.official.provinces import ProvinceLookup, load_province_lookup
from govindex.official.schema import RECORD_SCHEMA, empty_record, parse_scale

__all__ = ["OfficialWorkbook", "RefusedSheet", "SkippedRow", "read_official_workbook"]

_YEAR_SHEET = re.compile(r"^\s*(\d{4})\s*$")
_WIDE_STATISTICS = ("ci_low", "ci_high", "se", "variance", "observations")


@dataclass(frozen=True)
class SkippedRow:
    """A sheet row that holds no values (notes, copyright, headers without a meaning)."""

    sheet: str
    row: int
    label: str
    reason: str


@dataclass(frozen=True, eq=False)
class OfficialWorkbook:
    """The official workbook as read: values, refused sheets and what was left aside.

    ``values`` follows :data:`~govindex.official.schema.RECORD_SCHEMA`. ``refused_sheets``
    lists year sheets not read, each with its reason; ``ignored_sheets`` the sheets that
    are not year sheets (e.g. ``2019_Process``, a pivot of the ``2019`` sheet).
    """

    path: Path
    values: pl.DataFrame
    refused_sheets: tuple[RefusedSheet, ...]
    ignored_sheets: tuple[str, ...]
    skipped_rows: tuple[SkippedRow, ...]

    @property
    def years(self) -> tuple[int, ...]:
        """The years whose sheet was read."""
        return tuple(sorted(self.values["year"].unique().to_list()))

    def wide(self) -> pl.DataFrame:
        """Return one row per score with its CI bounds, SE, variance and n as columns.

        Each statistic column is null where the sheet publishes none. Provenance columns
        belong to the score itself; the long ``values`` table keeps it for every statistic.
        """
        keys = ["year", "province", "level", "code"]
        scores = self.values.filter(pl.col("statistic") == "score")
        extra = self.values.filter(pl.col("statistic") != "score").select(
            [*keys, "statistic", "estimate"]
        )
        for statistic in _WIDE_STATISTICS:
            column = extra.filter(pl.col("statistic") == statistic).select(
                [*keys, pl.col("estimate").alias(statistic)]
            )
            scores = scores.join(column, on=keys, how="left")
        return scores.drop("statistic")


def read_official_workbook(
    path: str | Path,
    *,
    provinces: ProvinceLookup | None = None,
    strict: bool = False,
) -> OfficialWorkbook:
    """Read the official PAPI provincial workbook (``.xlsm``/``.xlsx``) into a long table.

    Parameters
    ----------
    path
        The workbook, e.g. ``shared/data/papi/official/PAPI-2015-2023-eng.xlsm``.
    provinces
        The province lookup that gives every header its canonical spelling. By default it
        is built from the PAPI CSVs in the workbook's folder or the folder above it.
    strict
        If true, a refused year sheet raises :class:`DataValidationError` naming the sheets;
        otherwise refused sheets are only listed in ``refused_sheets``.

    Examples
    --------
    >>> from govindex.official import bundled_data_dir
    >>> provinces = load_province_lookup(bundled_data_dir())
    >>> read = read_official_workbook("tests/data/papi/PAPI-2015-2023-eng.xlsm", provinces=provinces)
    >>> [(item.sheet, item.duplicate_of) for item in read.refused_sheets]
    [('2020', '2019'), ('2021', '2019')]
    """
    file = Path(path)
    if not file.exists():
        msg = f"{file}: no such file."
        raise DataValidationError(msg, where=str(file), found="missing file")
    lookup = provinces if provinces is not None else _lookup_beside(file)
    sheets, ignored = _read_year_sheets(file)

    parsed: dict[str, list[dict[str, Any]]] = {}
    skipped: list[SkippedRow] = []
    refused: list[RefusedSheet] = []
    for name, rows in sheets.items():
        layout = detect_layout(rows, lookup)
        if layout is None:
            reason = f"sheet `{name}` has no header row naming the provinces."
            refused.append(RefusedSheet(sheet=name, reason=reason))
            continue
        records, sheet_skipped = _sheet_records(file.name, name, rows, layout)
        parsed[name] = records
        skipped.extend(sheet_skipped)

    duplicates = find_duplicate_sheets(parsed)
    refused.extend(duplicates)
    if strict and refused:
        names = ", ".join(f"`{item.sheet}`" for item in refused)
        msg = f"{file.name}: year sheets {names} cannot be trusted and were refused."
        issues = [
            Issue(message=item.reason, where=f"{file.name}, sheet {item.sheet}") for item in refused
        ]
        raise DataValidationError(
            msg, where=str(file), found=[item.sheet for item in refused], issues=issues
        )

    refused_names = {item.sheet for item in refused}
    kept = [
        record
        for name, records in parsed.items()
        if name not in refused_names
        for record in records
    ]
    values = (
        _withhold_placeholders(pl.DataFrame(kept, schema=RECORD_SCHEMA)) if kept else empty_record()
    )
    return OfficialWorkbook(
        path=file,
        values=values,
        refused_sheets=tuple(sorted(refused, key=lambda item: item.sheet)),
        ignored_sheets=tuple(ignored),
        skipped_rows=tuple(skipped),
    )


def _withhold_placeholders(values: pl.DataFrame) -> pl.DataFrame:
    """Mark as withheld the zeros the 2022 sheet prints for scores it did not publish.

    A score of 0 on a scale whose minimum is above 0 (total 10–80, dimension 1–10,
    sub-dimension 0.25–2.5) cannot be a result; the intervals and SE of such a total are
    placeholders too. Indicator zeros (0%–100%) are genuine and stay.
    """
    impossible = (
        (pl.col("statistic") == "score")
        & (pl.col("estimate") == 0)
        & (pl.col("scale_low").fill_null(0) > 0)
    )
    marked = values.with_columns(
        pl.when(impossible)
        .then(pl.lit("0 (below the scale minimum)"))
        .otherwise(pl.col("withheld_marker"))
        .alias("withheld_marker"),
        (pl.col("withheld") | impossible).alias("withheld"),
        pl.when(impossible).then(None).otherwise(pl.col("estimate")).alias("estimate"),
    )
    keys = ["year", "province", "code"]
    withheld_totals = marked.filter(
        (pl.col("level") == "total") & (pl.col("statistic") == "score") & pl.col("withheld")
    ).select(*keys, pl.lit(True).alias("total_withheld"))
    follows_total = pl.col("statistic").is_in(["ci_low", "ci_high", "se"]) & pl.col(
        "total_withheld"
    ).fill_null(False)
    return (
        marked.join(withheld_totals, on=keys, how="left")
        .with_columns(
            pl.when(follows_total & pl.col("estimate").is_not_null())
            .then(pl.col("estimate").cast(pl.String))
            .otherwise(pl.col("withheld_marker"))
            .alias("withheld_marker"),
            (pl.col("withheld") | follows_total).alias("withheld"),
            pl.when(follows_total).then(None).otherwise(pl.col("estimate")).alias("estimate"),
        )
        .drop("total_withheld")
    )


def _lookup_beside(file: Path) -> ProvinceLookup:
    for folder in (file.parent, file.parent.parent):
        if (folder / "province_mapping_2025.csv").exists():
            return load_province_lookup(folder)
    msg = f"{file}: no province_mapping_2025.csv beside the workbook or one folder up."
    raise DataValidationError(
        msg, where=str(file), hint="pass `provinces=load_province_lookup(shared_data_dir)`."
    )


def _read_year_sheets(file: Path) -> tuple[dict[str, list[tuple[Any, ...]]], list[str]]:
    import openpyxl

    sheets: dict[str, list[tuple[Any, ...]]] = {}
    ignored: list[str] = []
    with warnings.catch_warnings():
        # The official .xlsm carries data-validation and extension parts openpyxl cannot
        # model; it warns about them, but cell values are unaffected.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception as error:  # every reader failure becomes one clear message
            msg = (
                f"{file}: could not be read as an Excel workbook ({type(error).__name__}: {error})."
            )
            raise DataValidationError(msg, where=str(file), found=type(error).__name__) from error
        try:
            for sheet in book.worksheets:
                if _YEAR_SHEET.match(sheet.title):
                    sheets[sheet.title.strip()] = list(sheet.iter_rows(values_only=True))
                else:
                    ignored.append(sheet.title)
        finally:
            book.close()
    return dict(sorted(sheets.items())), ignored


def _sheet_records(
    file_name: str, sheet: str, rows: Sequence[Sequence[Any]], layout: SheetLayout
) -> tuple[list[dict[str, Any]], list[SkippedRow]]:
    from openpyxl.utils import get_column_letter

    year = int(sheet)
    records: list[dict[str, Any]] = []
    skipped: list[SkippedRow] = []
    subdimension: str | None = None
    indicator_number = 0
    for row_number, row in enumerate(rows[layout.header_row :], start=layout.header_row + 1):
        label_vi = _text(row, layout.label_vi_column)
        label_en = _text(row, layout.label_en_column)
        scale = _text(row, layout.scale_column)
        label = label_vi or label_en or ""
        meaning = classify_label(label_vi) if label_vi else None
        if meaning is None and (not scale or is_note(label)):
            if label or any(
                _cell(row, column) is not None for column, _ in layout.province_columns
            ):
                skipped.append(SkippedRow(sheet, row_number, label, "no scale and no known label"))
            continue
        if meaning is not None:
            level, code, statistic = meaning.level, meaning.code, meaning.statistic
            if level == "subdimension":
                subdimension, indicator_number = code, 0
        elif subdimension is None:
            skipped.append(
                SkippedRow(sheet, row_number, label, "indicator row before any sub-dimension")
            )
            continue
        else:
            indicator_number += 1
            level, code, statistic = "indicator", f"{subdimension}.{indicator_number}", "score"
        low, high = parse_scale(scale)
        for column, province in layout.province_columns:
            value, marker = _value(_cell(row, column))
            records.append(
                {
                    "year": year,
                    "province": province,
                    "level": level,
                    "code": code,
                    "dimension": None if level == "total" else code.split(".")[0],
                    "label_en": label_en,
                    "label_vi": label_vi,
                    "scale": scale,
                    "scale_low": low,
                    "scale_high": high,
                    "statistic": statistic,
                    "estimate": value,
                    "withheld": value is None,
                    "withheld_marker": marker,
                    "source_file": file_name,
                    "source_url": None,
                    "sheet": sheet,
                    "source_row": row_number,
                    "source_column": get_column_letter(column + 1),
                }
            )
    return records, skipped


def _cell(row: Sequence[Any], column: int) -> Any:
    return row[column] if column < len(row) else None


def _text(row: Sequence[Any], column: int | None) -> str | None:
    if column is None:
        return None
    cell = _cell(row, column)
    if cell is None:
        return None
    text = str(cell).strip()
    return text or None


def _value(cell: Any) -> tuple[float | None, str | None]:
    """Return (value, withheld marker): numbers pass; blanks and text such as "KCDL" are withheld."""
    if isinstance(cell, bool):
        return None, str(cell)
    if isinstance(cell, int | float):
        return float(cell), None
    if cell is None:
        return None, ""
    text = str(cell).strip()
    try:
        return float(text), None
    except ValueError:
        return None, text
