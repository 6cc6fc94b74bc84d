"""The reported SIPAS and PAR Index record: scattered values, each with its source.

Neither index is published as a table in text: the Ministry of Home Affairs releases
63-province tables as images. What exists in text are values quoted by the press and by
provinces, collected in ``data/reported_sipas_par.csv`` (one row per quoted value, with its
source address). This module turns them into rows of the shared score vocabulary:

* every row is ``reported by press/provinces`` (``reported_by``), never computed here, and
  keeps its source address in ``provenance``;
* a value worked out from two quoted figures (e.g. 95.26 − 4.11) is ``derived`` and says so;
* a rank quoted without its value is ``missing`` with reason ``value_not_found``;
* SIPAS changed method in 2022 (a household survey replaced the survey of service users at
  one-stop shops): values before and after sit in different comparability ``series``, and
  :func:`comparable` says no across the break.
"""

from __future__ import annotations

from datetime import date
from importlib import resources

import polars as pl

from govindex.official.provinces import ascii_fold

__all__ = [
    "REPORTED_BY",
    "SIPAS_METHOD_BREAK",
    "comparability_series",
    "comparable",
    "load_reported_values",
    "reported_scores",
]

REPORTED_BY = "press/provinces"
SIPAS_METHOD_BREAK = 2022
"""First year of the household SIPAS survey (1001/QĐ-BNV lineage); earlier years differ."""

_FILE = "reported_sipas_par.csv"
# Reported component wording → (level, code) of the SIPAS spec (specs/sipas-2024.yaml).
_SIPAS_PARTS: dict[str, tuple[str, str, str, str]] = {
    "overall": ("total", "total", "Chỉ số SIPAS", "Overall SIPAS"),
    "policy development & implementation": (
        "dimension",
        "POL",
        "Sự hài lòng đối với việc xây dựng, tổ chức thực hiện chính sách",
        "Satisfaction with policy making and implementation",
    ),
    "PAS provision": (
        "dimension",
        "PAS",
        "Sự hài lòng đối với việc cung ứng dịch vụ hành chính công",
        "Satisfaction with public administrative service provision",
    ),
    "PAS: access": ("subdimension", "PAS.1", "Tiếp cận dịch vụ", "Access to services"),
    "PAS: administrative procedures": (
        "subdimension",
        "PAS.2",
        "Thủ tục hành chính",
        "Administrative procedures",
    ),
    "PAS: civil servants": (
        "subdimension",
        "PAS.3",
        "Công chức trực tiếp giải quyết công việc",
        "Civil servants",
    ),
    "PAS: service results": ("subdimension", "PAS.4", "Kết quả dịch vụ", "Service results"),
    "PAS: feedback handling": (
        "subdimension",
        "PAS.5",
        "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị",
        "Receiving and handling feedback",
    ),
}
_PAR_TOTAL = ("total", "total", "Chỉ số cải cách hành chính", "PAR Index")
# The PAPI record's ASCII spelling of the one province whose name does not fold to it.
_SPELLING = {"ba ria - vung tau": "Ba Ria-Vung Tau"}


def load_reported_values() -> pl.DataFrame:
    """The bundled record as collected: one row per quoted value, with its source.

    Examples
    --------
    >>> table = load_reported_values()
    >>> table.filter((pl.col("province") == "NATIONAL") & (pl.col("year") == 2024)
    ...     & (pl.col("component") == "overall"))["value_pct"].to_list()
    [83.94]
    """
    source = resources.files("govindex.official").joinpath("data", _FILE)
    with resources.as_file(source) as path:
        return pl.read_csv(
            path,
            schema_overrides={"value_pct": pl.Float64, "rank_of_63": pl.Int64},
            null_values=[""],
        )


def comparability_series(index: str, year: int) -> str:
    """The series a reported value belongs to: values compare only within one series.

    Examples
    --------
    >>> comparability_series("SIPAS", 2021), comparability_series("SIPAS", 2022)
    ('sipas-one-stop-2017', 'sipas-household')
    """
    if index == "SIPAS":
        return "sipas-household" if year >= SIPAS_METHOD_BREAK else "sipas-one-stop-2017"
    return "par-index"


def comparable(index: str, first_year: int, second_year: int) -> bool:
    """Whether two years of ``index`` may be compared (no method break between them).

    Examples
    --------
    >>> comparable("SIPAS", 2021, 2022), comparable("SIPAS", 2023, 2024)
    (False, True)
    """
    return comparability_series(index, first_year) == comparability_series(index, second_year)


def reported_scores(instrument: str | None = None) -> pl.DataFrame:
    """The record as rows of the shared score vocabulary (``sipas`` and ``par``).

    Every row carries ``reported_by`` = ``press/provinces``, ``derived``, its
    ``comparability_series`` and the source address in ``provenance``; no uncertainty is
    published for either index, so ``se`` and the interval are empty.

    Examples
    --------
    >>> rows = reported_scores("sipas")
    >>> row = rows.filter((pl.col("unit") == "Ha Noi") & (pl.col("period") == "2024")
    ...     & (pl.col("code") == "total")).row(0, named=True)
    >>> row["estimate"], row["rank"], row["status"], row["reported_by"]
    (86.5, 11, 'published', 'press/provinces')
    >>> rows.filter(pl.col("derived")).height > 0
    True
    """
    table = load_reported_values()
    records = [_record(row) for row in table.iter_rows(named=True)]
    frame = pl.DataFrame(records, schema=_SCHEMA, orient="row")
    if instrument is not None:
        frame = frame.filter(pl.col("instrument") == instrument)
    return frame


_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "instrument": pl.String,
    "edition": pl.String,
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "geography": pl.String,
    "unit": pl.String,
    "level": pl.String,
    "code": pl.String,
    "name_vi": pl.String,
    "name_en": pl.String,
    "estimate": pl.Float64,
    "se": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "ci_level": pl.Float64,
    "ci_rule": pl.String,
    "df": pl.Float64,
    "n": pl.Float64,
    "rank": pl.Int64,
    "rank_low": pl.Int64,
    "rank_high": pl.Int64,
    "group": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "synthetic": pl.Boolean,
    "provenance": pl.String,
    "reported_by": pl.String,
    "derived": pl.Boolean,
    "comparability_series": pl.String,
    "note": pl.String,
}


def _record(row: dict[str, object]) -> tuple[object, ...]:
    index = str(row["index"])
    year = int(str(row["year"]))
    component = str(row["component"])
    level, code, name_vi, name_en = _SIPAS_PARTS[component] if index == "SIPAS" else _PAR_TOTAL
    note = "" if row["note"] is None else str(row["note"])
    value = row["value_pct"]
    derived = note.startswith("derived")
    if value is None:
        status, reason = "missing", "value_not_found"
    else:
        status, reason = "published", "derived" if derived else "reported"
    geography, unit = _where(str(row["province"]))
    source = "" if row["source_url"] is None else str(row["source_url"])
    return (
        index.lower(),
        f"{index.lower()}-reported-{comparability_series(index, year)}",
        str(year),
        date(year, 1, 1),
        date(year, 12, 31),
        geography,
        unit,
        level,
        code,
        name_vi,
        name_en,
        value,
        None,
        None,
        None,
        None,
        "not published",
        None,
        None,
        row["rank_of_63"],
        None,
        None,
        None,
        status,
        reason,
        False,
        source or note,
        REPORTED_BY,
        derived,
        comparability_series(index, year),
        note or None,
    )


def _where(province: str) -> tuple[str, str]:
    """Geography and unit: a province by its ASCII name, or the nation."""
    if province.startswith("NATIONAL"):
        mean_of_provinces = "mean" in province
        return "national", "mean of 63 provinces" if mean_of_provinces else "Viet Nam"
    folded = ascii_fold(province)
    if folded in _SPELLING:
        return "province63", _SPELLING[folded]
    return "province63", " ".join(word.capitalize() for word in folded.split())
