"""Small record builders for the one-stop tests: times are written as local ISO strings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from govindex.onestop.deadlines import complete_dossiers, complete_publications
from govindex.onestop.facts import dossier_facts_sql
from govindex.onestop.periods import parse_period, period_table
from govindex.onestop.profile import shipped_profile
from govindex.onestop.records import TABLES, to_local_seconds
from govindex.onestop.working_calendar import WorkingCalendar
from govindex.onestop_engines.engines import DuckDBEngine
from govindex.onestop_engines.scorecard import score_records

CALENDAR = WorkingCalendar.for_years(range(2024, 2028))

PROCEDURES = pl.DataFrame(
    [
        {
            "procedure_code": "P5",
            "name": "five working days",
            "legal_limit_value": 5.0,
            "legal_limit_unit": "working_day",
            "online_level": "full",
            "has_online_service": True,
            "fee_bearing": True,
            "requires_paper_result": True,
            "citizen_subject": True,
        },
        {
            "procedure_code": "H8",
            "name": "eight hours",
            "legal_limit_value": 8.0,
            "legal_limit_unit": "hour",
            "online_level": "none",
            "has_online_service": False,
            "fee_bearing": False,
            "requires_paper_result": False,
            "citizen_subject": False,
        },
    ],
    schema=TABLES["procedures"].schema,
)
AGENCIES = pl.DataFrame(
    [
        {
            "agency_id": "A1",
            "name": "Department 1",
            "level": "department",
            "parent_id": "22",
            "province_code": "22",
        },
        {
            "agency_id": "C1",
            "name": "Commune 1",
            "level": "commune",
            "parent_id": "22",
            "province_code": "22",
        },
        {
            "agency_id": "D1",
            "name": "District 1",
            "level": "legacy_district",
            "parent_id": "22",
            "province_code": "22",
            "valid_to_day": 20269,
            "successor_id": "C1",
        },
    ],
    schema=TABLES["agencies"].schema,
)


def at(text: str | None) -> int | None:
    """Local seconds of an ISO time (naive = Viet Nam time)."""
    return None if text is None else to_local_seconds(dt.datetime.fromisoformat(text))


_TIME_FIELDS = {name for name in TABLES["dossiers"].schema if "_at" in name}


def dossier(
    code: str, received: str | None, due: str | None = None, status: int = 4, **fields: Any
) -> dict[str, Any]:
    """One dossier row; ``*_at`` fields may be given as ISO strings."""
    row: dict[str, Any] = {
        "dossier_code": code,
        "province_code": "22",
        "agency_id": "A1",
        "procedure_code": "P5",
        "status": status,
        "received_at": at(received),
        "due_at": at(due),
        "submitted_at": at(received),
    }
    for name, value in fields.items():
        row[name] = at(value) if name in _TIME_FIELDS and isinstance(value, str) else value
    return row


def frame(table: str, rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """A typed frame of ``table`` from partial rows."""
    schema = TABLES[table].schema
    return pl.DataFrame([{name: row.get(name) for name in schema} for row in rows], schema=schema)


def engine_for(
    dossiers: Iterable[Mapping[str, Any]], **tables: Iterable[Mapping[str, Any]]
) -> DuckDBEngine:
    """A DuckDB engine over completed dossiers and the test catalogue."""
    completed = complete_dossiers(frame("dossiers", dossiers), PROCEDURES, CALENDAR)
    sources: dict[str, pl.DataFrame] = {
        "dossiers": completed,
        "procedures": PROCEDURES,
        "agencies": AGENCIES,
    }
    for name, rows in tables.items():
        sources[name] = frame(name, rows)
    if "publications" in sources:
        sources["publications"] = complete_publications(sources["publications"], CALENDAR)
    return DuckDBEngine(sources, threads=1)


def facts(
    dossiers: Iterable[Mapping[str, Any]],
    periods: Iterable[str],
    **tables: Iterable[Mapping[str, Any]],
) -> dict[tuple[str, str], dict[str, Any]]:
    """The dossier facts keyed by (dossier_code, period_id)."""
    engine = engine_for(dossiers, **tables)
    engine.register("periods", period_table([parse_period(p) for p in periods]))
    rows = engine.query(dossier_facts_sql()).to_dicts()
    return {(row["dossier_code"], row["period_id"]): row for row in rows}


def scores(
    dossiers: Iterable[Mapping[str, Any]],
    period: str,
    options: Mapping[str, str] | None = None,
    geographies: tuple[str, ...] = ("province", "agency"),
    **tables: Iterable[Mapping[str, Any]],
) -> pl.DataFrame:
    """Score rows for one period."""
    profile = shipped_profile().resolve(options)
    engine = engine_for(dossiers, **tables)
    return score_records(engine, profile, [parse_period(period)], geographies).scores


def row(scores_frame: pl.DataFrame, code: str, unit: str = "22") -> dict[str, Any]:
    """The score row of ``code`` for ``unit``."""
    found = scores_frame.filter((pl.col("code") == code) & (pl.col("unit") == unit))
    assert found.height == 1, found
    return found.row(0, named=True)
