"""The rating export: the one table the one-stop KPIs (Decision 766 group 5) read.

One row per stored rating, revisions included (``counted`` says which one counts):

===============  ==========================================================================
column           meaning
===============  ==========================================================================
dossier_code     the dossier's code (``maHoSo``), empty for a rating without one
agency_code      the centre's agency code (``donVi``), as in the one-stop catalogue
procedure_code   the procedure's code (``maTTHC``)
service_point    the desk (``phongBan``)
rated_at         when it was given, Asia/Ho_Chi_Minh
overall          the overall level, 1 (very dissatisfied) to 5 (very satisfied)
dissatisfied     whether the overall level is a "dislike" under its form (766 indicator 5.4)
criterion_<c>    the level given to criterion ``c`` (empty when not answered)
form_version     the form definition, ``id@version``
revision         1 for a dossier's first rating, then 2, 3...
counted          the latest revision of its dossier (or a rating without a dossier code)
channel          qr, kiosk or api (``hinhThucDanhGia``)
===============  ==========================================================================
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import polars as pl

from govindex.errors import SpecError
from govindex.feedback.forms import FormDefinition
from govindex.feedback.store import FeedbackStore
from govindex.onestop.records import TABLES

__all__ = ["EXPORT_COLUMNS", "onestop_ratings", "rating_table"]

EXPORT_COLUMNS = (
    "dossier_code",
    "agency_code",
    "procedure_code",
    "service_point",
    "rated_at",
    "overall",
    "dissatisfied",
    "form_version",
    "revision",
    "counted",
    "channel",
)


def rating_table(
    store: FeedbackStore,
    forms: dict[str, FormDefinition],
    agency_codes: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Every rating of the centres (all when ``None``), one row each, oldest first.

    Examples
    --------
    >>> from govindex.feedback.store import open_store
    >>> from govindex.feedback.settings import bundled_forms
    >>> rating_table(open_store("sqlite://"), bundled_forms()).columns[:4]
    ['dossier_code', 'agency_code', 'procedure_code', 'service_point']
    """
    rows = store.rating_rows(agency_codes)
    codes = sorted({code for form in forms.values() for code in (c.code for c in form.criteria)})
    records = []
    for row in rows:
        form = forms.get(row["form_key"])
        levels = json.loads(row["criteria"])
        records.append(
            {
                "dossier_code": row["dossier_code"],
                "agency_code": row["agency_code"],
                "procedure_code": row["procedure_code"],
                "service_point": row["desk"],
                "rated_at": row["created_at"],
                "overall": row["overall"],
                "dissatisfied": None if form is None else form.is_dissatisfied(row["overall"]),
                "form_version": row["form_key"],
                "revision": row["revision"],
                "counted": not row["superseded"],
                "channel": row["channel"],
                **{f"criterion_{code}": levels.get(code) for code in codes},
            }
        )
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "dossier_code": pl.Utf8,
        "agency_code": pl.Utf8,
        "procedure_code": pl.Utf8,
        "service_point": pl.Utf8,
        "rated_at": pl.Datetime("us", "UTC"),
        "overall": pl.Int8,
        "dissatisfied": pl.Boolean,
        "form_version": pl.Utf8,
        "revision": pl.Int32,
        "counted": pl.Boolean,
        "channel": pl.Utf8,
        **{f"criterion_{code}": pl.Int8 for code in codes},
    }
    frame = pl.DataFrame(records, schema=schema)
    return frame.with_columns(pl.col("rated_at").dt.convert_time_zone("Asia/Ho_Chi_Minh"))


# The one-stop records count a dossier as disliked at level 1-2 and a rating as satisfied at
# 4-5 (records.py, facts.py, kpis.py); a form with other levels would be counted differently
# there, so such a form is refused rather than exported under rules it does not have.
_ONESTOP_SATISFIED = frozenset({4, 5})
_ONESTOP_DISSATISFIED = frozenset({1, 2})
_ONESTOP_CHANNELS = {"qr": "qr", "kiosk": "kiosk", "api": "kiosk"}
_VIET_NAM_OFFSET_SECONDS = 7 * 3600


def onestop_ratings(
    store: FeedbackStore,
    forms: dict[str, FormDefinition],
    agency_codes: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The counted ratings as rows of the one-stop records' ``ratings`` table.

    One row per counted rating (the latest revision of each dossier, and every rating
    without a dossier code), keyed by its submission id; ``rated_at`` in seconds on Viet
    Nam's wall clock, as every one-stop time; ``criteria`` the per-criterion levels as a
    JSON object keyed by the form's criterion codes; ratings posted through the kiosk API are
    channel ``kiosk``. These rows feed the one-stop satisfaction KPIs and the "dislike" part
    of Decision 766 indicator 5.4 (``govindex onestop ingest --ratings``).

    Examples
    --------
    >>> from govindex.feedback.store import open_store
    >>> from govindex.feedback.settings import bundled_forms
    >>> onestop_ratings(open_store("sqlite://"), bundled_forms()).columns[:4]
    ['rating_id', 'dossier_code', 'agency_id', 'province_code']
    """
    provinces = {centre.agency_code: centre.province_code for centre in store.centres()}
    records = []
    for row in store.rating_rows(agency_codes):
        if row["superseded"]:
            continue
        form = forms.get(row["form_key"])
        if form is None:
            message = (
                f"rating {row['submission_id']} was given on form `{row['form_key']}`, "
                "which is not among the loaded forms"
            )
            raise SpecError(message, where="--forms", found=row["form_key"], expected=sorted(forms))
        if (
            form.satisfied_levels != _ONESTOP_SATISFIED
            or form.dissatisfied_levels != _ONESTOP_DISSATISFIED
        ):
            message = (
                f"form `{form.key}` counts levels {sorted(form.satisfied_levels)} as satisfied "
                f"and {sorted(form.dissatisfied_levels)} as a dislike; the one-stop records "
                "count 4-5 and 1-2, so its ratings cannot be exported to them unchanged"
            )
            raise SpecError(
                message,
                where=f"form {form.key}",
                found={"satisfied": sorted(form.satisfied_levels)},
                expected="satisfied 4-5, dislike 1-2",
            )
        rated = row["created_at"]
        records.append(
            {
                "rating_id": str(row["submission_id"]),
                "dossier_code": row["dossier_code"],
                "agency_id": row["agency_code"],
                "province_code": provinces.get(row["agency_code"]),
                "procedure_code": row["procedure_code"],
                "rated_at": int(rated.timestamp()) + _VIET_NAM_OFFSET_SECONDS,
                "channel": _ONESTOP_CHANNELS.get(str(row["channel"]), str(row["channel"])),
                "level": row["overall"],
                "criteria": row["criteria"],
                "entered_by_officer": False,
            }
        )
    return pl.DataFrame(records, schema=TABLES["ratings"].schema)
