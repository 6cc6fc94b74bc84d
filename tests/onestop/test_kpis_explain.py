"""Service KPIs beside the index, and explain (the dossiers behind a number)."""

from __future__ import annotations

import polars as pl
import pytest

from govindex.onestop.kpis import wilson_interval
from govindex.onestop.periods import parse_period
from govindex.onestop.profile import shipped_profile
from govindex.onestop_engines.scorecard import explain_records, score_records

from .builders import at, dossier, engine_for

MARCH = "2025-03"
RECORDS = [
    dossier(
        "early",
        "2025-03-03 08:00",
        "2025-03-10 17:00",
        9,
        processed_at="2025-03-07 10:00",
        result_return_method="postal",
    ),
    dossier("due-day", "2025-03-03 08:00", "2025-03-10 17:00", 9, processed_at="2025-03-10 10:00"),
    dossier("late", "2025-03-03 08:00", "2025-03-10 17:00", 9, processed_at="2025-03-12 10:00"),
    dossier("overdue", "2025-03-03 08:00", "2025-03-21 17:00", 4),
]
TICKETS = [
    {
        "ticket_id": f"t{n}",
        "agency_id": "A1",
        "province_code": "22",
        "issued_at": at("2025-03-03 08:00"),
        "called_at": at("2025-03-03 08:10"),
        "finished_at": at("2025-03-03 08:10") + minutes * 60,
    }
    for n, minutes in enumerate([10, 16])
]
RATINGS = [
    {
        "rating_id": f"r{n}",
        "dossier_code": "early",
        "agency_id": "A1",
        "province_code": "22",
        "rated_at": at("2025-03-08 08:00"),
        "level": level,
    }
    for n, level in enumerate([5, 4, 2])
]


def _kpi(frame: pl.DataFrame, code: str) -> dict[str, object]:
    found = frame.filter((pl.col("code") == code) & (pl.col("geography") == "province"))
    assert found.height == 1
    return found.row(0, named=True)


def test_wilson_interval_by_hand() -> None:
    # p = 0.99, n = 100, z = 1.959964: centre 1.0092073, spread 0.0273727, divisor 1.0384146.
    low, high = wilson_interval(99, 100)
    assert low == pytest.approx(0.945516, abs=1e-5)
    assert high == pytest.approx(0.998233, abs=1e-5)


def test_kpis_split_on_time_and_measure_the_counter() -> None:
    card = score_records(
        engine_for(RECORDS, queue_tickets=TICKETS, ratings=RATINGS),
        shipped_profile().resolve(),
        [parse_period(MARCH)],
        ("province",),
    )
    assert card.kpis is not None
    kpis = card.kpis
    assert _kpi(kpis, "handled")["estimate"] == 4
    assert _kpi(kpis, "early")["estimate"] == pytest.approx(1 / 4)
    assert _kpi(kpis, "on_due_day")["estimate"] == pytest.approx(1 / 4)
    assert _kpi(kpis, "late")["estimate"] == pytest.approx(2 / 4)
    assert _kpi(kpis, "overdue_pending")["estimate"] == 1
    assert _kpi(kpis, "days_overdue")["estimate"] == 10  # 21 → 31 March
    assert _kpi(kpis, "postal_return")["estimate"] == pytest.approx(1 / 3)
    assert _kpi(kpis, "counter_minutes")["estimate"] == pytest.approx(13.0)
    satisfaction = _kpi(kpis, "survey_satisfaction")
    assert satisfaction["estimate"] == pytest.approx(2 / 3)
    assert satisfaction["reason"] == "flag:fewer_than_30_ratings"
    assert satisfaction["ci_low"] < 2 / 3 < satisfaction["ci_high"]
    assert _kpi(kpis, "rating_coverage")["estimate"] == pytest.approx(1 / 3)
    assert set(card.published()["level"]) == {"indicator", "group", "total", "kpi"}


def test_explain_lists_the_dossiers_of_numerator_and_denominator() -> None:
    listing = explain_records(
        engine_for(RECORDS),
        shipped_profile().resolve(),
        "2.1",
        "province",
        "22",
        parse_period(MARCH),
    )
    assert listing.select("record_code", "in_numerator").rows() == [
        ("due-day", 1),
        ("early", 1),
        ("late", 0),
        ("overdue", 0),
    ]
