"""A view as the files people take away: the JSON twin, CSV per table, an XLSX workbook.

Everything published here is what the view holds (province-level aggregates) minus what
says where the server keeps its files: store paths and input file paths are cut down to
their file names. SYNTHETIC data stays labelled: every CSV carries a ``synthetic`` column
and the workbook a ``parameters`` sheet that says so.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from threading import Lock
from typing import Any

import polars as pl

from govindex.spreadsheet_cells import InertWorkbook, neutralise_frame
from govindex.views import View, json_value
from govindex.views.view import frame_json, frame_rows, written_by_polars

__all__ = [
    "DISPLAY_DIGITS",
    "PRECISION_NOTE",
    "csv_bytes",
    "displayed_number",
    "json_bytes",
    "public_dict",
    "public_table",
    "tabular_parameters",
    "xlsx_bytes",
]

# Keys of view metadata that describe the server, not the data.
_PRIVATE_META = ("store",)
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _without_paths(value: Any) -> Any:
    """``value`` with every absolute file path replaced by its file name."""
    if isinstance(value, str):
        if value.startswith("/") and len(PurePosixPath(value).parts) > 2:
            return PurePosixPath(value).name
        if _WINDOWS_ABSOLUTE.match(value):
            return PureWindowsPath(value).name
        return value
    if isinstance(value, Mapping):
        return {key: _without_paths(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_paths(item) for item in value]
    return value


def public_table(view: View, name: str) -> pl.DataFrame:
    """One table of ``view`` as it may be published (file paths reduced to names).

    Examples
    --------
    >>> view = View("runs", {}, {}, {"runs": pl.DataFrame({"source": ["/srv/data/x.csv"]})})
    >>> public_table(view, "runs")["source"].to_list()
    ['x.csv']
    """
    frame = view.table(name)
    if "source" in frame.columns and frame.schema["source"] == pl.String:
        names = [_without_paths(value) for value in frame["source"].to_list()]
        frame = frame.with_columns(pl.Series("source", names, pl.String))
    return frame


def public_dict(view: View) -> dict[str, Any]:
    """The view as JSON-ready data, without server paths.

    Examples
    --------
    >>> view = View("runs", {}, {"store": "/home/me/govindex.duckdb"}, {})
    >>> public_dict(view)["meta"]
    {}
    """
    data = _public_head(view)
    # The tables are converted once, from their public form (not first as the view has them).
    data["tables"] = {
        name: {"columns": list(frame.columns), "rows": frame_rows(frame)}
        for name, frame in ((name, public_table(view, name)) for name in view.tables)
    }
    return data


def _public_head(view: View) -> dict[str, Any]:
    """The view's kind, parameters and metadata as JSON-ready data, without server paths."""
    meta = {str(key): value for key, value in view.meta.items()}
    for key in _PRIVATE_META:
        meta.pop(key, None)
    return {
        "view": view.kind,
        "parameters": _public_value(dict(view.parameters)),
        "meta": _public_value(meta),
    }


def _public_value(value: Any) -> Any:
    """``_without_paths(json_value(value))`` in one pass over ``value``.

    Every page's metadata (run description, group legend, years, comparability breaks)
    passes through here on each first request, so the plain JSON types are told apart by
    their exact type first; anything else (a date, a subclass, a mapping proxy) takes the
    two general steps.

    Examples
    --------
    >>> _public_value({"run": {"source": "/srv/data/x.csv", "se": float("nan")}, "years": (1,)})
    {'run': {'source': 'x.csv', 'se': None}, 'years': [1]}
    """
    kind = type(value)
    if kind is str:
        return _without_paths(value)
    if value is None or kind is int or kind is bool:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(key): _public_value(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_public_value(item) for item in value]
    return _without_paths(json_value(value))


def json_bytes(view: View) -> bytes:
    """The JSON twin of a page: ``{"ok": true, "view": ..., "parameters": ..., ...}``.

    Serialised once, into one buffer: polars writes each table's rows there as JSON (no
    Python dictionary per row), and :func:`json.dumps` the document around them.

    Examples
    --------
    >>> view = View("runs", {}, {}, {"runs": pl.DataFrame({"a": [1.5, float("inf")]})})
    >>> json.loads(json_bytes(view)) == {"ok": True, **public_dict(view)}
    True
    """
    buffer = io.BytesIO()
    buffer.write(f'{_head_json(view)[:-1]},"tables":{{'.encode())
    for number, (name, frame) in enumerate(view.tables.items()):
        columns = tuple(frame.columns)
        if "source" in columns:
            frame = public_table(view, name)
        separator = "," if number else ""
        buffer.write(f'{separator}{_table_opening(name, columns)}"rows":'.encode())
        if written_by_polars(frame):
            frame.write_json(buffer)
        else:
            buffer.write(frame_json(frame).encode())
        buffer.write(b"}")
    buffer.write(b"}}")
    return buffer.getvalue()


# One encoder for every answer: `json.dumps` with options builds a new one on each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


@lru_cache(maxsize=1024)
def _table_opening(name: str, columns: tuple[str, ...]) -> str:
    """``"name":{"columns":[...],`` of a table in the JSON twin; the tables of one page
    kind have the same names and columns on every page, so each is written once."""
    return f'{_dumps(name)}:{{"columns":{_dumps(columns)},'


def _head_json(view: View) -> str:
    """``{"ok":true,"view":...,"parameters":...,"meta":...}``: the text of
    ``_dumps({"ok": True, **_public_head(view)})``, with the meta entries the view
    declares shared (:attr:`View.shared`) written once and then reused.

    Examples
    --------
    >>> view = View("runs", {"year": 2024}, {"store": "/srv/x.duckdb", "years": [2023]},
    ...             shared={"years"})
    >>> _head_json(view) == _dumps({"ok": True, **_public_head(view)})
    True
    >>> _head_json(View("runs", {}, {"a": 1, "years": [1], "b": None, "c": 2.5}, shared={"years"}))
    '{"ok":true,"view":"runs","parameters":{},"meta":{"a":1,"years":[1],"b":null,"c":2.5}}'
    >>> _head_json(View("runs", {}, {}))
    '{"ok":true,"view":"runs","parameters":{},"meta":{}}'
    """
    # Entries between shared ones are written together, in one call, in their order.
    pieces: list[str] = []
    pending: dict[str, Any] = {}
    for key, value in view.meta.items():
        if key in _PRIVATE_META:
            continue
        if key in view.shared:
            if pending:
                pieces.append(_value_json(pending)[1:-1])
                pending = {}
            pieces.append(f"{_dumps(str(key))}:{_SHARED_JSON.get(value)}")
        else:
            pending[str(key)] = value
    if pending:
        pieces.append(_value_json(pending)[1:-1])
    meta = ",".join(pieces)
    parameters = _value_json(dict(view.parameters))
    return f'{{"ok":true,"view":{_dumps(view.kind)},"parameters":{parameters},"meta":{{{meta}}}}}'


def _value_json(value: Any) -> str:
    return _dumps(_public_value(value))


class _SharedJson:
    """The JSON text of values views share, kept by the value's identity (bounded, least
    recently used dropped first). An entry holds its value, so the identity of a kept
    value is never given to another object while the entry lives."""

    def __init__(self, max_entries: int = 256) -> None:
        self._texts: OrderedDict[int, tuple[Any, str]] = OrderedDict()
        self._lock = Lock()
        self.max_entries = max_entries

    def get(self, value: Any) -> str:
        """The text of ``value`` as :func:`_value_json` writes it (written on first use)."""
        key = id(value)
        with self._lock:
            kept = self._texts.get(key)
            if kept is not None and kept[0] is value:
                self._texts.move_to_end(key)
                return kept[1]
        text = _value_json(value)
        with self._lock:
            self._texts[key] = (value, text)
            while len(self._texts) > self.max_entries:
                self._texts.popitem(last=False)
        return text


_SHARED_JSON = _SharedJson()


def _flat_frame(view: View, name: str) -> pl.DataFrame:
    """A table with nested cells flattened and a ``synthetic`` column, ready for CSV/XLSX."""
    frame = public_table(view, name)
    flattened: list[pl.Expr | pl.Series] = []
    for column, dtype in frame.schema.items():
        if isinstance(dtype, pl.List):
            flattened.append(pl.col(column).cast(pl.List(pl.String)).list.join(", "))
        elif isinstance(dtype, pl.Struct | pl.Object):
            cells = [json.dumps(json_value(cell), ensure_ascii=False) for cell in frame[column]]
            flattened.append(pl.Series(column, cells, pl.String))
    if flattened:
        frame = frame.with_columns(flattened)
    if "synthetic" not in frame.columns:
        frame = frame.with_columns(pl.lit(bool(view.meta.get("synthetic"))).alias("synthetic"))
    return frame


def csv_bytes(view: View, table: str) -> bytes:
    """One table as UTF-8 CSV (with a byte-order mark, so spreadsheets read Vietnamese).

    Examples
    --------
    >>> view = View("x", {}, {"synthetic": True}, {"t": pl.DataFrame({"a": [1.5, None]})})
    >>> csv_bytes(view, "t").decode("utf-8-sig").splitlines()
    ['a,synthetic', '1.5,true', ',true']
    """
    # Text that a spreadsheet would run as a formula is written inert.
    return b"\xef\xbb\xbf" + neutralise_frame(_flat_frame(view, table)).write_csv().encode("utf-8")


def tabular_parameters(view: View) -> list[tuple[str, str]]:
    """The view's parameters and provenance as ``(name, value)`` rows (flattened keys).

    Examples
    --------
    >>> view = View("x", {"year": 2024, "rule": {"a": 1}}, {"synthetic": False}, {})
    >>> tabular_parameters(view)[:3]
    [('view', 'x'), ('synthetic', 'false'), ('year', '2024')]
    """
    data = public_dict(view)
    synthetic = bool(data["meta"].get("synthetic"))
    rows: list[tuple[str, str]] = [("view", view.kind), ("synthetic", _text(synthetic))]
    if synthetic:
        rows.append(("note", "SYNTHETIC data: made up for demonstration, not PAPI results"))
    rows += list(_flattened(data["parameters"]))
    run = data["meta"].get("run")
    if isinstance(run, Mapping):
        rows += [
            (f"run.{key}", _text(run.get(key)))
            for key in ("run_id", "kind", "source", "created_at")
        ]
    return rows


def _flattened(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _flattened(item, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


def xlsx_bytes(view: View) -> bytes:
    """Every table of the view as one sheet each, plus a ``parameters`` sheet."""
    buffer = io.BytesIO()
    workbook = InertWorkbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    bold = workbook.add_format({"bold": True})
    used: set[str] = {"parameters"}
    for name in view.tables:
        frame = _flat_frame(view, name)
        sheet = workbook.add_worksheet(_sheet_name(name, used))
        sheet.write_row(0, 0, frame.columns, bold)
        for number, row in enumerate(frame.iter_rows(), start=1):
            sheet.write_row(number, 0, [displayed_number(json_value(cell)) for cell in row])
        sheet.freeze_panes(1, 0)
    parameters = workbook.add_worksheet("parameters")
    parameters.write_row(0, 0, ["parameter", "value"], bold)
    rows = [*tabular_parameters(view), ("precision", PRECISION_NOTE)]
    for number, row in enumerate(rows, start=1):
        parameters.write_row(number, 0, row)
    parameters.set_column(0, 0, 28)
    parameters.set_column(1, 1, 60)
    workbook.close()
    return buffer.getvalue()


#: Significant digits of the numbers in a workbook: as many as a score, SE or share carries,
#: without the noise of single-precision storage (47.8212, not 47.82123565673828).
DISPLAY_DIGITS = 6
PRECISION_NOTE = (
    f"numbers rounded to {DISPLAY_DIGITS} significant digits for reading; "
    "the CSV and JSON downloads of this page keep every digit"
)


def displayed_number(value: Any) -> Any:
    """A float rounded to :data:`DISPLAY_DIGITS` significant digits; anything else unchanged.

    Examples
    --------
    >>> displayed_number(47.82123565673828), displayed_number(0.000123456789), displayed_number(7)
    (47.8212, 0.000123457, 7)
    """
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{DISPLAY_DIGITS}g}")
    return value


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_NAME.sub("_", name)[:28] or "table"
    chosen, number = base, 2
    while chosen in used:
        chosen, number = f"{base}_{number}", number + 1
    used.add(chosen)
    return chosen
