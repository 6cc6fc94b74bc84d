"""Derived dossier columns: the due time when the source has none, and processing time.

The portal trusts the synced appointment (NgayHenTra) and recomputes it from the procedure's
legal time limit only when it is missing; so does this module (``due_source`` says which).
Processing time is counted in working days from reception to completion (9, else 10).

Examples
--------
>>> import datetime as dt, polars as pl
>>> from govindex.onestop.records import TABLES, to_local_seconds
>>> from govindex.onestop.working_calendar import WorkingCalendar
>>> received = to_local_seconds(dt.datetime(2025, 1, 24, 9, 0))
>>> dossiers = pl.DataFrame({"dossier_code": ["A"], "procedure_code": ["P"], "received_at": [received]})
>>> procedures = pl.DataFrame({"procedure_code": ["P"], "legal_limit_value": [5.0],
...     "legal_limit_unit": ["working_day"]})
>>> done = complete_dossiers(dossiers, procedures, WorkingCalendar.for_years([2025]))
>>> from govindex.onestop.records import from_local_seconds
>>> from_local_seconds(done["due_at"].item()), done["due_source"].item()
(datetime.datetime(2025, 2, 7, 17, 0), 'computed')
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from govindex.errors import SpecError
from govindex.onestop.records import TABLES, from_local_seconds, to_local_seconds
from govindex.onestop.working_calendar import WorkingCalendar

__all__ = ["PUBLICATION_WORKING_DAYS", "complete_dossiers", "complete_publications"]

#: Working days of the publication rules for a province (§1.3 of the reference): the decision
#: at least 5 working days before the legal basis takes effect (1.1), made public within 5
#: working days of the decision (1.2). Ministries have 20 and 10; only provinces are scored.
PUBLICATION_WORKING_DAYS = {"decide_before_effect": 5, "publicise_after_decision": 5}

_DAY = 86400


def complete_dossiers(
    dossiers: pl.DataFrame, procedures: pl.DataFrame, calendar: WorkingCalendar
) -> pl.DataFrame:
    """Add every dossier column, fill ``due_at`` from legal limits where missing, set
    ``due_source``, ``month``, ``processing_working_days`` (gross) and
    ``supplement_pause_working_days`` (first request → its return; the fact query subtracts
    it). Returns a new frame."""
    schema = TABLES["dossiers"].schema
    frame = dossiers.with_columns(
        [
            pl.lit(None, dtype).alias(name)
            for name, dtype in schema.items()
            if name not in dossiers.columns
        ]
    ).select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    limits = procedures.select("procedure_code", "legal_limit_value", "legal_limit_unit")
    frame = frame.join(limits, on="procedure_code", how="left")
    missing = frame.filter(
        pl.col("due_at").is_null()
        & pl.col("received_at").is_not_null()
        & pl.col("legal_limit_value").is_not_null()
    )
    computed: dict[str, int] = {}
    for code, received, value, unit in missing.select(
        "dossier_code", "received_at", "legal_limit_value", "legal_limit_unit"
    ).iter_rows():
        due = calendar.due_at(from_local_seconds(received), value, unit)
        computed[code] = to_local_seconds(due)
    fill = pl.DataFrame(
        {"dossier_code": list(computed), "computed_due": list(computed.values())},
        schema={"dossier_code": pl.String, "computed_due": pl.Int64},
    )
    frame = frame.join(fill, on="dossier_code", how="left").with_columns(
        pl.when(pl.col("due_at").is_not_null())
        .then(pl.lit("source"))
        .when(pl.col("computed_due").is_not_null())
        .then(pl.lit("computed"))
        .otherwise(pl.lit("none"))
        .alias("due_source"),
        pl.coalesce("due_at", "computed_due").alias("due_at"),
        pl.coalesce("due_at_original", "due_at").alias("due_at_original"),
        pl.coalesce("submitted_at", "received_at")
        .map_batches(_month_labels, return_dtype=pl.String)
        .alias("month"),
    )
    completed = frame.select(pl.coalesce("processed_at", "returned_at")).to_series()
    processing = _working_days(calendar, frame["received_at"], completed, "processing_working_days")
    pause = _working_days(
        calendar,
        frame["supplement_requested_at"],
        frame["supplement_returned_at"],
        "supplement_pause_working_days",
    )
    return frame.with_columns(processing, pause).select(list(schema))


def _working_days(
    calendar: WorkingCalendar, starts_at: pl.Series, ends_at: pl.Series, name: str
) -> pl.Series:
    """Working days in (start date, end date] where both times are set and in the calendar."""
    ok = (starts_at.is_not_null() & ends_at.is_not_null()).to_numpy()
    starts = (starts_at.fill_null(0) // _DAY).to_numpy().astype(np.int64)
    ends = (ends_at.fill_null(0) // _DAY).to_numpy().astype(np.int64)
    covered = _within_calendar(calendar, starts, ends) & ok
    days = np.zeros(len(starts), dtype=np.float64)
    if covered.any():
        days[covered] = calendar.working_days_between(starts[covered], ends[covered])
    return pl.Series(name, days).zip_with(
        pl.Series(covered), pl.Series([None] * len(days), dtype=pl.Float64)
    )


def complete_publications(publications: pl.DataFrame, calendar: WorkingCalendar) -> pl.DataFrame:
    """Add every publication column and fill the two deadline days (days since 1970-01-01)
    the source did not give: ``publish_by_day`` = effective date − 5 working days,
    ``publicise_by_day`` = decision date + 5 working days. Dates outside the calendar's years
    leave the deadline empty (the indicator then counts the publication as late: a deadline
    that cannot be established is never assumed met).

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> from govindex.onestop.records import to_local_seconds
    >>> frame = pl.DataFrame({"publication_id": ["x"],
    ...     "legal_basis_effective_at": [to_local_seconds(dt.datetime(2025, 2, 7))],
    ...     "decided_at": [to_local_seconds(dt.datetime(2025, 1, 20, 9))]})
    >>> done = complete_publications(frame, WorkingCalendar.for_years([2025]))
    >>> [dt.date(1970, 1, 1) + dt.timedelta(days=d) for d in done.row(0)[-2:]]
    [datetime.date(2025, 1, 24), datetime.date(2025, 2, 3)]
    """
    schema = TABLES["publications"].schema
    frame = publications.with_columns(
        [
            pl.lit(None, dtype).alias(name)
            for name, dtype in schema.items()
            if name not in publications.columns
        ]
    ).select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    epoch = dt.date(1970, 1, 1)
    shifted: dict[tuple[int, int], int | None] = {}

    def shift(seconds: int | None, count: int) -> int | None:
        if seconds is None:
            return None
        key = (seconds // _DAY, count)
        if key not in shifted:
            day = epoch + dt.timedelta(days=key[0])
            try:
                shifted[key] = (calendar.shift_working_days(day, count) - epoch).days
            except SpecError:  # the shift leaves the calendar's years
                shifted[key] = None
        return shifted[key]

    before = -PUBLICATION_WORKING_DAYS["decide_before_effect"]
    after = PUBLICATION_WORKING_DAYS["publicise_after_decision"]
    publish_by = [shift(value, before) for value in frame["legal_basis_effective_at"].to_list()]
    publicise_by = [shift(value, after) for value in frame["decided_at"].to_list()]
    return frame.with_columns(
        pl.coalesce("publish_by_day", pl.Series(publish_by, dtype=pl.Int32)).alias(
            "publish_by_day"
        ),
        pl.coalesce("publicise_by_day", pl.Series(publicise_by, dtype=pl.Int32)).alias(
            "publicise_by_day"
        ),
    )


def _within_calendar(calendar: WorkingCalendar, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    first = np.datetime64(f"{calendar.years[0]}-01-01", "D").astype(np.int64)
    last = np.datetime64(f"{calendar.years[-1]}-12-31", "D").astype(np.int64)
    return (starts >= first) & (ends <= last) & (ends >= starts)


def _month_labels(seconds: pl.Series) -> pl.Series:
    days = (seconds // _DAY).cast(pl.Int32)
    return days.cast(pl.Date).dt.strftime("%Y-%m")
