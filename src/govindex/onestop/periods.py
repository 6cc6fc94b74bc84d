"""Reporting periods: ISO week, month, quarter, year or a custom range of local dates.

A period runs from 00:00:00 of its first day to 23:59:59 of its last day, Viet Nam time. The
open (current) period ends at the ``as of`` moment instead, so pending dossiers are judged
against now rather than the period's future end.

Examples
--------
>>> period = parse_period("2025-Q1")
>>> (period.kind, period.start.isoformat(), period.end.isoformat())
('quarter', '2025-01-01', '2025-03-31')
>>> parse_period("2025-W14").start.isoformat()
'2025-03-31'
>>> [p.period_id for p in periods_of_year(2025, "quarter")]
['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from govindex.errors import SpecError

__all__ = ["Period", "parse_period", "period_table", "periods_of_year"]

_EPOCH = dt.date(1970, 1, 1)
_DAY = 86400


@dataclass(frozen=True)
class Period:
    """One reporting period of local dates, both ends included."""

    period_id: str
    kind: str
    start: dt.date
    end: dt.date

    @property
    def start_s(self) -> int:
        """The first second of the period, in local seconds."""
        return (self.start - _EPOCH).days * _DAY

    @property
    def end_s(self) -> int:
        """The last second of the period, in local seconds."""
        return (self.end - _EPOCH).days * _DAY + _DAY - 1

    def parent_ids(self) -> tuple[str, ...]:
        """The quarter and year that contain a month, or the year of a quarter.

        Examples
        --------
        >>> parse_period("2025-05").parent_ids()
        ('2025-Q2', '2025')
        """
        if self.kind == "month":
            return (f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}", str(self.start.year))
        if self.kind == "quarter":
            return (str(self.start.year),)
        return ()


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-Qn``, ``YYYY-Www`` or ``YYYY-MM-DD..YYYY-MM-DD``.

    Examples
    --------
    >>> parse_period("2025-02-01..2025-02-15").kind
    'custom'
    """
    value = text.strip()
    try:
        if match := re.fullmatch(r"(\d{4})", value):
            year = int(match[1])
            return Period(value, "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            year, quarter = int(match[1]), int(match[2])
            first = dt.date(year, 3 * quarter - 2, 1)
            return Period(value, "quarter", first, _month_end(year, 3 * quarter))
        if match := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            start = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return Period(value, "week", start, start + dt.timedelta(days=6))
        if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, month = int(match[1]), int(match[2])
            return Period(value, "month", dt.date(year, month, 1), _month_end(year, month))
        if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
            start, end = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
            if end >= start:
                return Period(value, "custom", start, end)
    except ValueError:
        pass
    msg = f"`{text}` is not a period"
    raise SpecError(
        msg,
        where="period",
        found=text,
        expected="YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or YYYY-MM-DD..YYYY-MM-DD",
    )


def periods_of_year(year: int, kind: str) -> list[Period]:
    """Every period of ``kind`` (week, month, quarter, year) that starts in ``year``."""
    if kind == "year":
        return [parse_period(str(year))]
    if kind == "quarter":
        return [parse_period(f"{year}-Q{q}") for q in range(1, 5)]
    if kind == "month":
        return [parse_period(f"{year}-{m:02d}") for m in range(1, 13)]
    if kind == "week":
        weeks = dt.date(year, 12, 28).isocalendar().week
        return [parse_period(f"{year}-W{w:02d}") for w in range(1, weeks + 1)]
    msg = f"unknown period kind `{kind}`"
    raise SpecError(msg, where="period kind", found=kind, expected="week, month, quarter, year")


def period_table(periods: Iterable[Period], as_of: int | None = None) -> pl.DataFrame:
    """The ``periods`` table the fact queries join: ends clipped at ``as_of`` (local seconds).

    Examples
    --------
    >>> period_table([parse_period("2025-01")])["end_s"].item() - 1738367999
    0
    """
    rows = [
        {
            "period_id": period.period_id,
            "kind": period.kind,
            "period_start": period.start,
            "period_end": period.end,
            "start_s": period.start_s,
            "end_s": period.end_s if as_of is None else min(period.end_s, as_of),
        }
        for period in periods
    ]
    schema = {
        "period_id": pl.String,
        "kind": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "start_s": pl.Int64,
        "end_s": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)
