"""Text cells made inert before they reach a CSV or XLSX file a spreadsheet will open.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
tab or carriage return let a cell start one after a separator. Every CSV and XLSX govindex
writes passes its text through here: such text gets a leading apostrophe (OWASP's advice
against CSV injection), so a province named ``=HYPERLINK(...)`` stays text. Numbers are
never touched, and neither is text that reads as a plain number (``-0.25``): a spreadsheet
reads it as that number, never as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
import xlsxwriter

__all__ = [
    "FORMULA_PREFIXES",
    "InertWorkbook",
    "neutralise_frame",
    "neutralise_row",
    "neutralise_text",
    "neutralise_value",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula."""

_FORMULA_START = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_PLAIN_NUMBER_PATTERN = re.compile(_PLAIN_NUMBER)


def neutralise_text(text: str) -> str:
    """``text``, with an apostrophe in front if a spreadsheet would run it as a formula.

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_text("Hà Nội"), neutralise_text("-0.25"), neutralise_text("-")
    ('Hà Nội', '-0.25', "'-")
    """
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER_PATTERN.match(text):
        return "'" + text
    return text


def neutralise_value(value: Any) -> Any:
    """:func:`neutralise_text` for a string; any other value (a number, a date) unchanged.

    Examples
    --------
    >>> neutralise_value("@SUM(A1)"), neutralise_value(-3.5), neutralise_value(None)
    ("'@SUM(A1)", -3.5, None)
    """
    return neutralise_text(value) if isinstance(value, str) else value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`neutralise_value`.

    Examples
    --------
    >>> neutralise_row(["+1 555", 2, "ok"])
    ["'+1 555", 2, 'ok']
    """
    return [neutralise_value(cell) for cell in row]


def neutralise_frame(frame: pl.DataFrame, *, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """``frame`` with every text cell made inert (all text columns, or only ``columns``).

    Numeric, boolean and date columns are returned as they are; categorical and enum
    columns become text (their values may change).

    Examples
    --------
    >>> frame = pl.DataFrame({"province": ["=1+1", "Huế"], "score": [-1.5, 2.0]})
    >>> neutralise_frame(frame).rows()
    [("'=1+1", -1.5), ('Huế', 2.0)]
    """
    chosen = frame.columns if columns is None else list(columns)
    schema = frame.schema  # built afresh on every access: read it once
    texts: list[str] = []
    for name in chosen:
        dtype = schema[name]
        if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
            texts.append(name)
    if not texts:
        return frame
    starts = [pl.col(name).cast(pl.String).str.contains(_FORMULA_START).any() for name in texts]
    if not frame.select(pl.any_horizontal(starts)).item():
        # Most tables hold no text a spreadsheet could take for a formula: one pass that
        # finds none keeps them as they are (half the time of rewriting every text column).
        cast = [pl.col(name).cast(pl.String) for name in texts if schema[name] != pl.String]
        return frame.with_columns(cast) if cast else frame
    changes: list[pl.Expr] = []
    for name in texts:
        text = pl.col(name).cast(pl.String)
        formula = text.str.contains(_FORMULA_START) & ~text.str.contains(_PLAIN_NUMBER)
        changes.append(pl.when(formula).then(pl.lit("'") + text).otherwise(text).alias(name))
    return frame.with_columns(changes)


def _write_inert_text(sheet: Any, row: int, column: int, text: str, *rest: Any) -> Any:
    if not text:
        # As xlsxwriter's own ``write`` does: an empty text is a blank cell, not a "" string.
        return sheet.write_blank(row, column, None, *rest)
    return sheet.write_string(row, column, neutralise_text(text), *rest)


class InertWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """An xlsxwriter workbook whose worksheets write every text through :func:`neutralise_text`.

    ``write``, ``write_row`` and ``write_column`` (and polars' ``write_excel`` into it) write
    text as text, never as a formula; ``write_formula`` still writes the formulas a workbook
    means to have.

    Examples
    --------
    >>> import io
    >>> buffer = io.BytesIO()
    >>> workbook = InertWorkbook(buffer, {"in_memory": True})
    >>> sheet = workbook.add_worksheet("t")
    >>> sheet.write_row(0, 0, ["=1+1", 2.5])
    0
    >>> workbook.close()
    """

    def __init__(self, filename: Any, options: dict[str, Any] | None = None) -> None:
        super().__init__(filename, {**(options or {}), "strings_to_formulas": False})

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        """A new worksheet that writes text inertly."""
        sheet = super().add_worksheet(name, worksheet_class)
        sheet.add_write_handler(str, _write_inert_text)
        return sheet
