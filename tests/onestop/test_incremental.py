"""Incremental updates: a new batch of events updates the current period; the closed
period keeps its snapshot (on time in March, late in April)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from govindex.onestop.periods import parse_period
from govindex.onestop.profile import shipped_profile
from govindex.onestop_engines.engines import DuckDBEngine
from govindex.onestop_engines.ingest import ingest_files
from govindex.onestop_engines.snapshots import ScoreSnapshots, refresh_scores
from govindex.onestop_engines.store import RecordStore

from .builders import AGENCIES, CALENDAR, PROCEDURES, at


def _ratio(scores: pl.DataFrame, period: str) -> float:
    row = scores.filter(
        (pl.col("period") == period)
        & (pl.col("code") == "2.1")
        & (pl.col("geography") == "province")
    )
    return float(row["ratio"].item())


def test_a_closed_month_keeps_its_snapshot_when_later_events_arrive(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "store")
    store.write("procedures", PROCEDURES)
    store.write("agencies", AGENCIES)
    base = {
        "MaTTHC": "P5",
        "DonViXuLy": "A1",
        "TrangThaiHoSo": 4,
        "NgayTiepNhan": "20250324080000",
        "NgayHenTra": "20250331170000",
    }
    first = tmp_path / "march.jsonl"
    first.write_text(
        json.dumps({**base, "MaHoSo": "pending"})
        + "\n"
        + json.dumps(
            {**base, "MaHoSo": "done", "TrangThaiHoSo": 9, "NgayKetThucXuLy": "20250328100000"}
        )
        + "\n",
        encoding="utf-8",
    )
    ingest_files(store, [first], CALENDAR)
    snapshots = ScoreSnapshots(store.root)
    profile = shipped_profile().resolve()
    periods = [parse_period("2025-03"), parse_period("2025-04")]
    april_first = at("2025-04-01 08:00")
    assert april_first is not None
    report = refresh_scores(snapshots, DuckDBEngine(store.sources()), profile, periods, april_first)
    assert report.computed == ("2025-03", "2025-04")
    assert _ratio(report.scores, "2025-03") == 1.0  # pending within due at the end of March
    # A day of April events: the pending dossier finishes after its due date.
    late = tmp_path / "april.jsonl"
    late.write_text(
        json.dumps(
            {**base, "MaHoSo": "pending", "TrangThaiHoSo": 9, "NgayKetThucXuLy": "20250402100000"}
        )
        + "\n",
        encoding="utf-8",
    )
    ingest_files(store, [late], CALENDAR)
    april_third = at("2025-04-03 08:00")
    assert april_third is not None
    updated = refresh_scores(
        snapshots, DuckDBEngine(store.sources()), profile, periods, april_third
    )
    assert updated.kept == ("2025-03",)
    assert updated.computed == ("2025-04",)
    assert _ratio(updated.scores, "2025-03") == 1.0
    assert _ratio(updated.scores, "2025-04") == 0.0  # only the late dossier is handled in April
    # Recomputing March from the records as of its end gives the same snapshot.
    again = refresh_scores(
        ScoreSnapshots(tmp_path / "fresh"),
        DuckDBEngine(store.sources()),
        profile,
        [periods[0]],
        april_third,
    )
    assert _ratio(again.scores, "2025-03") == 1.0
