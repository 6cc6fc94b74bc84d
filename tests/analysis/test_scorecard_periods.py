"""A run scored by period (the one-stop 766 index) speaks on the scorecard with one period a
year: the year itself when the run scored it, else its newest longest period."""

from __future__ import annotations

import polars as pl

from govindex.analysis.scorecard import run_totals, scorecard_table


def _one_stop_run(
    periods: dict[str, float], run_id: str, geography: str = "unit34"
) -> pl.DataFrame:
    table = pl.DataFrame(
        {
            "run_id": [run_id] * len(periods),
            "instrument": ["onestop"] * len(periods),
            "geography": [geography] * len(periods),
            "unit": ["Quảng Ninh"] * len(periods),
            "level": ["total"] * len(periods),
            "code": ["total"] * len(periods),
            "period": list(periods),
            "estimate": list(periods.values()),
            "synthetic": [True] * len(periods),
            "source_url": [None] * len(periods),
            "source_file": ["records"] * len(periods),
        }
    )
    return run_totals(table, source_kind="computed", sequence=1)


def _rows(*runs: pl.DataFrame) -> list[tuple[str, int, float]]:
    no_reports = pl.DataFrame(
        schema={
            "geography": pl.String,
            "code": pl.String,
            "unit": pl.String,
            "instrument": pl.String,
            "period": pl.String,
            "estimate": pl.Float64,
            "rank": pl.Int32,
            "provenance": pl.String,
            "status": pl.String,
            "reason": pl.String,
            "synthetic": pl.Boolean,
        }
    )
    table = scorecard_table(list(runs), no_reports)
    return table.select("period", "year", "estimate").rows()


def test_the_year_speaks_for_its_quarters_months_and_weeks() -> None:
    run = _one_stop_run({"2025-W02": 70.0, "2025-01": 71.0, "2025-Q1": 72.0, "2025": 73.0}, "a")
    assert _rows(run) == [("2025", 2025, 73.0)]


def test_without_the_year_the_newest_longest_period_speaks() -> None:
    run = _one_stop_run(
        {"2025-W30": 60.0, "2025-07": 61.0, "2025-Q1": 62.0, "2025-Q2": 63.0, "2024-12": 50.0},
        "b",
    )
    assert _rows(run) == [("2024-12", 2024, 50.0), ("2025-Q2", 2025, 63.0)]


def test_each_geography_keeps_its_row() -> None:
    units = _one_stop_run({"2025-Q1": 72.0}, "c")
    provinces = _one_stop_run({"2025-Q1": 68.0}, "c", geography="province63")
    assert sorted(_rows(units, provinces)) == [("2025-Q1", 2025, 68.0), ("2025-Q1", 2025, 72.0)]
