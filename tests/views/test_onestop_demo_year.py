"""The demo's SYNTHETIC one-stop year: every week, month, quarter and the year is published,
so the ranking of any period and a province's weekly and monthly trend answer."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from govindex.views import Dashboard


@pytest.fixture(scope="module")
def dashboard(demo_store: Path) -> Dashboard:
    return Dashboard.open(demo_store)


def test_the_demo_publishes_a_whole_year(dashboard: Dashboard) -> None:
    ranking = dashboard.overview(instrument="onestop")
    assert ranking.parameters["period"] == "2025"  # the longest period by default
    periods = ranking.table("periods")
    counts = dict(periods.group_by("period_kind").len().iter_rows())
    # ISO weeks 2 to 52 lie inside 2025 (week 1 starts on 30 December 2024).
    assert counts == {"year": 1, "quarter": 4, "month": 12, "week": 51}
    assert ranking.meta["synthetic"] is True
    for period in ("2025-Q3", "2025-11", "2025-W40"):
        rows = dashboard.overview(instrument="onestop", period=period).table("ranking")
        assert rows.height == 22
        assert rows["rank"].drop_nulls().min() == 1


def test_a_province_has_a_weekly_and_monthly_trend(dashboard: Dashboard) -> None:
    page = dashboard.profile("Quảng Ninh", instrument="onestop")
    trend = page.table("trend")
    weeks = trend.filter(pl.col("period_kind") == "week")
    months = trend.filter(pl.col("period_kind") == "month")
    assert (weeks.height, months.height) == (51, 12)
    # Each week's change is from the week before (none for the first).
    assert weeks["previous_period"].to_list()[1:] == weeks["period"].to_list()[:-1]
    assert weeks["change"][0] is None
    assert months.filter(pl.col("total").is_not_null()).height == 12
    # The year's heatmap is by month; a month's by its weeks.
    assert page.meta["heatmap_periods"] == [f"2025-{month:02d}" for month in range(1, 13)]
    march = dashboard.profile("Quảng Ninh", instrument="onestop", period="2025-03")
    assert march.meta["heatmap_periods"] == ["2025-W10", "2025-W11", "2025-W12", "2025-W13"]
