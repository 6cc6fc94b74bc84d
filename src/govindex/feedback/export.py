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

from govindex.feedback.forms import FormDefinition
from govindex.feedback.store import FeedbackStore

__all__ = ["EXPORT_COLUMNS", "rating_table"]

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
