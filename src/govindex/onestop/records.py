"""The one-stop record schema: dossiers, status events, procedures, procedure publications,
agencies, petitions, counter queue tickets and ratings, as typed columnar tables.

Times are stored as whole seconds since 1970-01-01 00:00 on Viet Nam's wall clock
(Asia/Ho_Chi_Minh, UTC+7, no daylight saving), so that a local date is ``floor(t / 86400)``
in any SQL engine and the same integer arithmetic runs unchanged on DuckDB and Spark. A
dossier received at 23:59 +07 on 31 January is therefore in January whatever the timezone of
the machine or of the source (readers convert offsets to +07 before storing).

The ratings table is the contract with the counter-feedback service: one row per rating,
``rating_id`` unique, optionally tied to a ``dossier_code``; ``level`` is the overall answer
on the five-level scale (5 very satisfied … 1 very dissatisfied) and ``criteria`` a JSON
object of per-criterion levels keyed ``c1``…``c12`` (the provincial portal's twelve criteria).

Examples
--------
>>> sorted(TABLES)
['agencies', 'dossiers', 'events', 'petitions', 'procedures', 'publications', 'queue_tickets', 'ratings']
>>> TABLES["dossiers"].key
('dossier_code',)
>>> STATUS_NAMES[9]
'processed'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

__all__ = [
    "AGENCY_LEVELS",
    "CHANNEL_NAMES",
    "LIMIT_UNITS",
    "LOCAL_OFFSET",
    "STATUS_NAMES",
    "TABLES",
    "Table",
    "from_local_seconds",
    "to_local_seconds",
]

#: Viet Nam's offset from UTC; it has had no daylight saving since 1975.
LOCAL_OFFSET = dt.timedelta(hours=7)
_EPOCH = dt.datetime(1970, 1, 1)

#: TrangThaiHoSo codes of the portal sync record.
STATUS_NAMES: dict[int, str] = {
    1: "registered",
    2: "received",
    3: "not_received",
    4: "processing",
    5: "supplement_requested",
    6: "fee_requested",
    7: "withdrawn",
    8: "stopped",
    9: "processed",
    10: "returned",
}
#: KenhThucHien codes; a missing channel counts as direct (the portal's rule).
CHANNEL_NAMES: dict[int, str] = {1: "direct", 2: "online", 3: "postal"}
#: Agency levels; ``legacy_district`` keeps the district tier abolished on 1 July 2025.
AGENCY_LEVELS = ("province", "department", "commune", "legacy_district", "ministry")
#: Units of a procedure's legal time limit (DonViTinh).
LIMIT_UNITS = ("working_day", "day", "hour", "working_hour", "month")


@dataclass(frozen=True)
class Table:
    """One record table: its columns with types, its key and the columns that must be set."""

    name: str
    schema: dict[str, pl.DataType]
    key: tuple[str, ...]
    required: tuple[str, ...]
    description: str

    def empty(self) -> pl.DataFrame:
        """An empty frame with this table's columns.

        Examples
        --------
        >>> TABLES["ratings"].empty().columns[:3]
        ['rating_id', 'dossier_code', 'agency_id']
        """
        return pl.DataFrame(schema=self.schema)


_TIME = pl.Int64()
_DOSSIER: dict[str, pl.DataType] = {
    "dossier_code": pl.String(),  # MaHoSo
    "source_system": pl.String(),
    "province_code": pl.String(),
    "agency_id": pl.String(),  # DonViXuLy
    "procedure_code": pl.String(),  # MaTTHC
    "channel": pl.Int8(),  # KenhThucHien; null = direct
    "status": pl.Int8(),  # TrangThaiHoSo, latest known
    "status_at": _TIME,
    "submitted_at": _TIME,  # NgayNopHoSo
    "received_at": _TIME,  # NgayTiepNhan; null until received
    "due_at": _TIME,  # NgayHenTra as used (source, or computed from the legal limit)
    "due_source": pl.String(),  # source | computed | none
    "due_at_original": _TIME,  # first NgayHenTra seen: a later rewrite is an audit flag
    "processed_at": _TIME,  # status 9 (NgayKetThucXuLy)
    "returned_at": _TIME,  # status 10 (NgayTra)
    "stopped_at": _TIME,  # status 8
    "rejected_at": _TIME,  # NgayTuChoi
    "withdrawn_at": _TIME,  # status 7 after reception
    "supplement_count": pl.Int16(),
    "supplement_requested_at": _TIME,  # first request
    "supplement_returned_at": _TIME,  # citizen returned the first request
    "supplement_second_requested_at": _TIME,  # a second request makes the dossier overdue
    "result_return_method": pl.String(),  # counter | postal | online
    "has_e_result": pl.Boolean(),  # a result file link was synced
    "has_digitized_components": pl.Boolean(),
    "reused_components": pl.Int16(),
    "from_citizen_repository": pl.Boolean(),  # DuocLayTuKhoDMQG
    "vneid_authenticated": pl.Boolean(),
    "population_db": pl.Boolean(),  # DSKetNoiCSDL names the population database
    "fee_total": pl.Float64(),
    "has_fee_lines": pl.Boolean(),
    "paid_online": pl.Int8(),  # DuocThanhToanTrucTuyen: 0 no, 1 DVCQG, 2 local gateway
    "paid_noncash": pl.Boolean(),
    "apology_issued": pl.Boolean(),
    "synced_to_portal_at": _TIME,
    "processing_working_days": pl.Float64(),  # reception → completion, gross (computed)
    "supplement_pause_working_days": pl.Float64(),  # first request → its return (computed)
    "month": pl.String(),  # partition: YYYY-MM of submission (reception if none): stable across syncs
}

TABLES: dict[str, Table] = {
    "dossiers": Table(
        "dossiers",
        _DOSSIER,
        ("dossier_code",),
        ("dossier_code", "province_code", "agency_id", "procedure_code", "status"),
        "One row per dossier code (MaHoSo), upserted on every sync.",
    ),
    "events": Table(
        "events",
        {
            "dossier_code": pl.String(),
            "status": pl.Int8(),
            "at": _TIME,
            "detail": pl.String(),  # e.g. supplement_requested / supplement_returned
        },
        ("dossier_code", "status", "at", "detail"),
        ("dossier_code", "status", "at"),
        "Status events; order of arrival does not matter, the record is rebuilt from all.",
    ),
    "procedures": Table(
        "procedures",
        {
            "procedure_code": pl.String(),
            "name": pl.String(),
            "legal_limit_value": pl.Float64(),
            "legal_limit_unit": pl.String(),
            "online_level": pl.String(),  # full | partial | none
            "has_online_service": pl.Boolean(),
            "fee_bearing": pl.Boolean(),
            "requires_paper_result": pl.Boolean(),
            "citizen_subject": pl.Boolean(),
        },
        ("procedure_code",),
        ("procedure_code", "legal_limit_value", "legal_limit_unit"),
        "The procedure (TTHC) catalogue with its legal time limit.",
    ),
    "publications": Table(
        "publications",
        {
            "publication_id": pl.String(),  # one publication decision of one procedure
            "province_code": pl.String(),
            "agency_id": pl.String(),  # the agency in charge of the procedure
            "procedure_code": pl.String(),
            "action": pl.String(),  # add | amend | abolish
            "legal_basis_effective_at": _TIME,  # the legal text's entry into force
            "decided_at": _TIME,  # the publication decision (Quyết định công bố)
            "publicised_at": _TIME,  # made public on the national procedure database
            "components_published": pl.Int8(),  # of the 7 contents of Decree 63/2010 Art. 8(2)
            "publish_by_day": pl.Int32(),  # effective date − 5 working days (computed)
            "publicise_by_day": pl.Int32(),  # decision date + 5 working days (computed)
        },
        ("publication_id",),
        ("publication_id", "province_code", "agency_id", "procedure_code", "decided_at"),
        "Procedure publication decisions and their publicity on the national database.",
    ),
    "agencies": Table(
        "agencies",
        {
            "agency_id": pl.String(),
            "name": pl.String(),
            "level": pl.String(),
            "parent_id": pl.String(),
            "province_code": pl.String(),
            "valid_to_day": pl.Int32(),  # last day (days since 1970-01-01) of a legacy unit
            "successor_id": pl.String(),  # where its dossiers are remapped
        },
        ("agency_id",),
        ("agency_id", "level", "province_code"),
        "Province → department / commune; legacy districts kept for history.",
    ),
    "petitions": Table(
        "petitions",
        {
            "petition_id": pl.String(),
            "agency_id": pl.String(),
            "province_code": pl.String(),
            "dossier_code": pl.String(),
            "category": pl.String(),  # procedure | staff
            "received_at": _TIME,
            "due_at": _TIME,
            "handled_at": _TIME,
            "likes": pl.Int32(),
            "dislikes": pl.Int32(),
            "recomplained": pl.Boolean(),
        },
        ("petition_id",),
        ("petition_id", "agency_id", "province_code", "received_at"),
        "Petitions and complaints (PAKN) with handling deadline and reactions.",
    ),
    "queue_tickets": Table(
        "queue_tickets",
        {
            "ticket_id": pl.String(),
            "agency_id": pl.String(),
            "province_code": pl.String(),
            "issued_at": _TIME,
            "called_at": _TIME,
            "served_at": _TIME,
            "finished_at": _TIME,
        },
        ("ticket_id",),
        ("ticket_id", "agency_id", "province_code", "issued_at"),
        "Counter queue tickets (lấy số): issued, called, served, finished.",
    ),
    "ratings": Table(
        "ratings",
        {
            "rating_id": pl.String(),
            "dossier_code": pl.String(),
            "agency_id": pl.String(),
            "province_code": pl.String(),
            "procedure_code": pl.String(),
            "rated_at": _TIME,
            "channel": pl.String(),  # kiosk | qr | web | paper | vneid
            "level": pl.Int8(),  # 5 very satisfied … 1 very dissatisfied
            "criteria": pl.String(),  # JSON object {"c1": 5, …}
            "entered_by_officer": pl.Boolean(),
        },
        ("rating_id",),
        ("rating_id", "agency_id", "province_code", "rated_at", "level"),
        "Citizen ratings (the counter-feedback service writes these rows).",
    ),
}


def to_local_seconds(moment: dt.datetime) -> int:
    """Seconds on Viet Nam's wall clock since 1970-01-01; naive times are taken as local.

    Examples
    --------
    >>> import datetime as dt
    >>> utc = dt.datetime(2025, 1, 31, 16, 59, tzinfo=dt.timezone.utc)
    >>> to_local_seconds(utc) // 86400 == to_local_seconds(dt.datetime(2025, 1, 31)) // 86400
    True
    """
    if moment.tzinfo is not None:
        moment = (moment.astimezone(dt.UTC) + LOCAL_OFFSET).replace(tzinfo=None)
    return int((moment - _EPOCH).total_seconds())


def from_local_seconds(seconds: int) -> dt.datetime:
    """The naive local datetime of a stored time.

    Examples
    --------
    >>> from_local_seconds(86400 + 3600)
    datetime.datetime(1970, 1, 2, 1, 0)
    """
    return _EPOCH + dt.timedelta(seconds=seconds)
