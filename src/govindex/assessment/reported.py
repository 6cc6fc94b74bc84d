"""Reported PAR Index and SIPAS values (press and official portals), kept apart from the
computed ones, as rows of the shared score vocabulary with their source addresses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from govindex.official import bundled_data_dir
from govindex.official.provinces import province_key

__all__ = ["reported_values", "reported_values_path"]


def reported_values_path() -> Path:
    """The bundled CSV of reported values (see ``data/README.md`` beside it)."""
    return Path(__file__).resolve().parent / "data" / "reported_values.csv"


def reported_values(instrument: str | None = None) -> pl.DataFrame:
    """Reported values as score rows: ``status`` is ``published`` with a value and
    ``missing`` where only a rank was reported; ``reason`` says press-reported or derived.

    Examples
    --------
    >>> rows = reported_values("par")
    >>> rows.filter(unit="Quang Ninh", period="2023").select("estimate", "rank").row(0)
    (92.18, 1)
    """
    raw = pl.read_csv(reported_values_path(), infer_schema_length=0)
    names = pl.read_csv(bundled_data_dir() / "province_names_vi.csv")
    canonical = {
        province_key(vi): name for name, vi in zip(names["name"], names["name_vi"], strict=True)
    }
    records = []
    for row in raw.iter_rows(named=True):
        kind = row["index"].lower()
        if instrument is not None and kind != instrument:
            continue
        year = int(row["year"])
        value = float(row["value_pct"]) if row["value_pct"] else None
        note = row["note"] or ""
        national = row["province"].startswith("NATIONAL")
        reason = "derived from reported values" if note.startswith("derived") else "press-reported"
        records.append(
            {
                "instrument": kind,
                "edition": "reported",
                "period": str(year),
                "period_start": date(year, 1, 1),
                "period_end": date(year, 12, 31),
                "geography": "national" if national else "province63",
                "unit": "national"
                if national
                else canonical.get(province_key(row["province"]), row["province"]),
                "level": "total" if row["component"] == "overall" else "component",
                "code": "total" if row["component"] == "overall" else row["component"],
                "estimate": value,
                "ci_rule": "none reported",
                "rank": int(row["rank_of_63"]) if row["rank_of_63"] else None,
                "status": "published" if value is not None else "missing",
                "reason": f"{reason}{': ' + note if note else ''}",
                "synthetic": False,
                "provenance": row["source_url"],
            }
        )
    return pl.DataFrame(
        records,
        schema={
            "instrument": pl.String,
            "edition": pl.String,
            "period": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "geography": pl.String,
            "unit": pl.String,
            "level": pl.String,
            "code": pl.String,
            "estimate": pl.Float64,
            "ci_rule": pl.String,
            "rank": pl.Int32,
            "status": pl.String,
            "reason": pl.String,
            "synthetic": pl.Boolean,
            "provenance": pl.String,
        },
    )
