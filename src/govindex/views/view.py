"""The one shape every dashboard page, API answer, download and report is made from.

A :class:`View` is a page's data: the parameters that made it, descriptive metadata and
named tables. The HTML page, its JSON twin, the CSV/XLSX/JSON downloads and the PDF
report all render the same view, so they cannot disagree.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import polars as pl

from govindex.errors import NotFound

__all__ = ["View", "frame_json", "frame_rows", "json_value", "written_by_polars"]


def json_value(value: Any) -> Any:
    """Return ``value`` as JSON can carry it: NaN and infinities become ``None``.

    Examples
    --------
    >>> json_value(float("nan")), json_value(2.5), json_value((1, 2))
    (None, 2.5, [1, 2])
    """
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def frame_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON can carry them (what :func:`json_value` gives each row).

    Read column by column: text, integer and boolean columns are handed over as they are,
    float columns lose their NaN and infinities, and only a column of dates, lists or nested
    cells is converted value by value. No query is planned for it: a page's JSON answer
    pays for its values, not for a polars pipeline per table.

    Examples
    --------
    >>> frame_rows(pl.DataFrame({"a": [1.0, float("nan")], "b": ["x", None]}))
    [{'a': 1.0, 'b': 'x'}, {'a': None, 'b': None}]
    """
    names = frame.columns
    columns = [_column_values(series.to_list(), series.dtype) for series in frame.iter_columns()]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def frame_json(frame: pl.DataFrame) -> str:
    """The rows of ``frame`` as JSON text: the value of ``json.dumps(frame_rows(frame))``.

    A frame of 64-bit floats, integers, text, booleans and nulls is written by polars
    itself (NaN and infinities as ``null``), several times faster than building and dumping
    Python dictionaries; any other frame goes through :func:`frame_rows`. The two spell
    only some floats differently (``0.00001`` for ``1e-05``), never a value.

    Examples
    --------
    >>> frame_json(pl.DataFrame({"a": [1.0, float("nan")], "b": ["Hà", None]}))
    '[{"a":1.0,"b":"Hà"},{"a":null,"b":null}]'
    >>> frame_json(pl.DataFrame({"when": [date(2024, 1, 2)]}))
    '[{"when":"2024-01-02"}]'
    """
    if written_by_polars(frame):
        return frame.write_json()
    return json.dumps(frame_rows(frame), ensure_ascii=False, separators=(",", ":"))


# A 32-bit float is left out: polars would write its short decimal, not the double Python
# reads. The classes are compared, not the data types: `dtype == pl.Float64` runs polars'
# rich comparison, which costs more than writing a small table.
# (The 128-bit integers are missing from older polars.)
_INTEGERS: tuple[str, ...] = ("Int8", "Int16", "Int32", "Int64", "Int128")
_INTEGERS += tuple(f"U{name}" for name in _INTEGERS)
_POLARS_WRITTEN = frozenset(
    {pl.Float64, pl.String, pl.Boolean, pl.Null}
    | {getattr(pl, name) for name in _INTEGERS if hasattr(pl, name)}
)


def written_by_polars(frame: pl.DataFrame) -> bool:
    """Whether polars writes ``frame``'s rows as :func:`frame_rows` gives them (every
    column a 64-bit float, an integer, text, a boolean or null).

    Examples
    --------
    >>> written_by_polars(pl.DataFrame({"a": [1.0], "b": ["x"], "c": [1]}))
    True
    >>> written_by_polars(pl.DataFrame({"a": [1.0]}, schema={"a": pl.Float32}))
    False
    """
    return all(type(dtype) in _POLARS_WRITTEN for dtype in frame.dtypes)


def _column_values(values: list[Any], dtype: pl.DataType) -> list[Any]:
    """One column's values as :func:`json_value` gives them."""
    if dtype.is_float():
        return [
            None if value is not None and not math.isfinite(value) else value for value in values
        ]
    if dtype.is_numeric() or dtype in (pl.String, pl.Boolean, pl.Null):
        return values
    return [json_value(value) for value in values]


@dataclass(frozen=True, eq=False)
class View:
    """A page's data: ``kind``, the ``parameters`` that made it, ``meta`` and ``tables``.

    Examples
    --------
    >>> import polars as pl
    >>> view = View("overview", {"year": 2024}, {}, {"ranking": pl.DataFrame({"a": [1.0]})})
    >>> view.to_dict()["tables"]["ranking"]["rows"]
    [{'a': 1.0}]
    """

    kind: str
    parameters: Mapping[str, Any]
    meta: Mapping[str, Any]
    tables: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    shared: frozenset[str] = frozenset()
    """Names of ``meta`` entries whose value is the same object in every view of the
    snapshot that carries it and is never changed (a snapshot's group legend, years,
    comparability breaks, run description): a writer may keep what it made of such a
    value and reuse it for the next view that holds the same object."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))
        object.__setattr__(self, "tables", MappingProxyType(dict(self.tables)))
        object.__setattr__(
            self, "shared", frozenset(key for key in self.shared if key in self.meta)
        )

    def table(self, name: str) -> pl.DataFrame:
        """Return one table; raise :class:`NotFound` naming the tables there are.

        Examples
        --------
        >>> View("x", {}, {}, {"a": pl.DataFrame()}).table("a").height
        0
        """
        if name not in self.tables:
            known = ", ".join(self.tables)
            msg = f"the {self.kind} view has no table `{name}` (tables: {known})."
            raise NotFound(msg, where="table", found=name, expected=known)
        return self.tables[name]

    def to_dict(self) -> dict[str, Any]:
        """Return the view as JSON-ready data (the page's JSON twin).

        Tables are ``{"columns": [...], "rows": [{column: value}, ...]}``.
        """
        return {
            "view": self.kind,
            "parameters": json_value(dict(self.parameters)),
            "meta": json_value(dict(self.meta)),
            "tables": {
                name: {
                    "columns": list(frame.columns),
                    "rows": frame_rows(frame),
                }
                for name, frame in self.tables.items()
            },
        }
