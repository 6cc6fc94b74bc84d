"""How a year sheet of the official PAPI workbook is laid out, and what each of its rows is.

A year sheet has one row per aggregate, dimension, sub-dimension or indicator and one
column per province. Its label columns (Vietnamese, and English from 2020), the scale
column and the province header row move between years, so they are found by content,
not by position. Rows are recognised from their Vietnamese label, which every year carries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from govindex.official.provinces import ProvinceLookup, ascii_fold
from govindex.official.schema import Level, Statistic

__all__ = ["RowMeaning", "SheetLayout", "classify_label", "detect_layout"]

# The header row is the one naming most provinces; a few stray matches elsewhere do not count.
_MINIMUM_PROVINCE_COLUMNS = 10
_HEADER_SEARCH_ROWS = 12
_SCALE_HEADER = re.compile(r"thang diem|scale")
_VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


@dataclass(frozen=True)
class SheetLayout:
    """Where things are in one sheet; column indexes are 0-based, rows 1-based."""

    header_row: int
    label_vi_column: int
    label_en_column: int | None
    scale_column: int | None
    province_columns: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class RowMeaning:
    """What a labelled row holds: ``code`` is final except for indicators (set by position)."""

    level: Level
    code: str
    statistic: Statistic


_TOTAL_STATISTICS: tuple[tuple[str, Statistic], ...] = (
    ("toi thieu", "ci_low"),
    ("toi da", "ci_high"),
    ("sai so", "se"),
)


def classify_label(label_vi: str) -> RowMeaning | None:
    """Return what the row with Vietnamese label ``label_vi`` holds; ``None`` for indicators.

    Examples
    --------
    >>> classify_label("Chỉ số PAPI tổng hợp (không có trọng số) - sai số ")
    RowMeaning(level='total', code='total', statistic='se')
    >>> classify_label("Phương sai (Chỉ số nội dung 3)")
    RowMeaning(level='dimension', code='3', statistic='variance')
    >>> classify_label("4.1: Kiểm soát tham nhũng trong chính quyền địa phương")
    RowMeaning(level='subdimension', code='4.1', statistic='score')
    >>> classify_label("Hiểu biết về vị trí lãnh đạo (%)") is None
    True
    """
    text = ascii_fold(label_vi).strip()
    if match := re.match(r"phuong sai \(chi so noi dung (\d+)\)", text):
        return RowMeaning("dimension", match.group(1), "variance")
    if text.startswith("chi so papi"):
        # "không có trọng số" (unweighted) contains "có trọng số" (weighted): test it first.
        code = (
            "total" if "khong co trong so" in text or "trong so" not in text else "total_weighted"
        )
        for phrase, statistic in _TOTAL_STATISTICS:
            if phrase in text:
                return RowMeaning("total", code, statistic)
        return RowMeaning("total", code, "score")
    if match := re.match(r"chi so noi dung (\d+)", text):
        return RowMeaning("dimension", match.group(1), "score")
    if match := re.match(r"(\d+\.\d+)\s*:", text):
        return RowMeaning("subdimension", match.group(1), "score")
    if text.startswith("so quan sat"):
        return RowMeaning("total", "total", "observations")
    return None


def is_note(label: str) -> bool:
    """Return true for the footnote and copyright rows at the foot of a sheet."""
    return re.match(r"(ghi chu|note|ban quyen|copyright)\b", ascii_fold(label).strip()) is not None


def detect_layout(rows: Sequence[Sequence[Any]], provinces: ProvinceLookup) -> SheetLayout | None:
    """Find the province header row and the label and scale columns, or ``None``.

    Examples
    --------
    >>> lookup = ProvinceLookup.from_names(
    ...     [f"P{index}" for index in range(12)], units={f"P{index}": "U" for index in range(12)}
    ... )
    >>> rows = [("Tỉnh", "Thang điểm", *[f"P{index}" for index in range(12)]),
    ...         ("Chỉ số nội dung 1", "1-10", *range(12))]
    >>> detect_layout(rows, lookup).scale_column
    1
    """
    for row_index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns = tuple(
            (column, name)
            for column, cell in enumerate(row)
            if isinstance(cell, str) and (name := provinces.find(cell)) is not None
        )
        if len(columns) < _MINIMUM_PROVINCE_COLUMNS:
            continue
        first_province = min(column for column, _ in columns)
        scale_column = _find_scale_column(rows[: row_index + 1], first_province)
        label_columns = [column for column in range(first_province) if column != scale_column]
        if not label_columns:
            return None
        data_rows = rows[row_index + 1 :]
        label_columns.sort(key=lambda column: -_vietnamese_share(data_rows, column))
        return SheetLayout(
            header_row=row_index + 1,
            label_vi_column=label_columns[0],
            label_en_column=label_columns[1] if len(label_columns) > 1 else None,
            scale_column=scale_column,
            province_columns=columns,
        )
    return None


def _find_scale_column(header_rows: Sequence[Sequence[Any]], before: int) -> int | None:
    for row in header_rows:
        for column, cell in enumerate(row[:before]):
            if isinstance(cell, str) and _SCALE_HEADER.search(ascii_fold(cell)):
                return column
    return None


def _vietnamese_share(rows: Sequence[Sequence[Any]], column: int) -> float:
    labels = [row[column] for row in rows if column < len(row) and isinstance(row[column], str)]
    if not labels:
        return 0.0
    return sum(1 for label in labels if _VIETNAMESE_LETTERS.search(label)) / len(labels)
