"""What the one-stop pages publish is computed when the run is stored: hand-computed cases."""

from __future__ import annotations

import polars as pl
import pytest

from govindex.onestop.publication import (
    GROUP_CODES,
    onestop_channels,
    onestop_kpi_tiles,
    onestop_ranking,
    onestop_trend,
)


def _score_rows() -> pl.DataFrame:
    rows = []
    totals = {("2025-01", "A"): 80.0, ("2025-02", "A"): 77.5, ("2025-01", "B"): 90.0}
    for (period, unit), total in totals.items():
        rows.append((period, unit, "total", "total", total, 1 if unit == "B" else 2, "good"))
        # Groups that add up to the total: 4 groups of 10 and the rest in satisfaction.
        for code in GROUP_CODES[:4]:
            rows.append((period, unit, "group", code, 10.0, None, None))
        rows.append((period, unit, "group", "satisfaction", total - 40.0, None, None))
    rows.append(("2025-02", "B", "total", "total", None, None, None))
    frame = pl.DataFrame(
        rows,
        schema=["period", "unit", "level", "code", "estimate", "rank", "group_label"],
        orient="row",
    )
    return frame.with_columns(
        pl.lit("unit34").alias("geography"),
        pl.when(pl.col("estimate").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit("published"))
        .alias("status"),
        pl.when(pl.col("estimate").is_null())
        .then(pl.lit("no_denominator"))
        .otherwise(None)
        .alias("reason"),
        pl.lit(None, pl.Int64).alias("n"),
    )


def test_the_ranking_carries_the_five_groups_and_counts_the_ranked_peers() -> None:
    ranking = onestop_ranking(_score_rows())
    january = ranking.filter(pl.col("period") == "2025-01")
    assert january["unit"].to_list() == ["B", "A"]  # best first
    assert january["ranked"].to_list() == [2, 2]
    row = january.row(1, named=True)
    assert row["satisfaction"] == 40.0
    assert row["publicity"] == 10.0
    assert sum(row[code] for code in GROUP_CODES) == pytest.approx(row["total"])
    february = ranking.filter(pl.col("period") == "2025-02")
    # B has no total in February: it is listed last, unranked, and not counted as a peer.
    assert february["unit"].to_list() == ["A", "B"]
    assert february["ranked"].to_list() == [1, 1]
    assert february.row(1, named=True)["total"] is None
    assert february["period_kind"].unique().to_list() == ["month"]


def test_the_trend_changes_within_a_kind_of_period_and_keeps_null_apart() -> None:
    trend = onestop_trend(_score_rows())
    a = trend.filter(pl.col("unit") == "A")
    assert a["change"].to_list() == [None, pytest.approx(-2.5)]
    assert a["previous_period"].to_list() == [None, "2025-01"]
    b = trend.filter(pl.col("unit") == "B")
    assert b["change"].to_list() == [None, None]  # no February total: no change, not -90


def _kpis() -> pl.DataFrame:
    rows = [
        # code, numerator, denominator, estimate
        ("handled", 10.0, 10, 10.0),
        ("early", 6.0, 10, 0.6),
        ("on_due_day", 3.0, 10, 0.3),
        ("online_share", 7.0, 10, 0.7),
        ("postal_submission", 1.0, 10, 0.1),
        ("days_overdue", 0.0, 0, None),
    ]
    frame = pl.DataFrame(
        rows, schema=["code", "numerator", "denominator", "estimate"], orient="row"
    )
    return frame.with_columns(
        pl.lit("2025-01").alias("period"),
        pl.lit("province").alias("geography"),
        pl.lit("22").alias("unit"),
        pl.col("code").alias("name_vi"),
        pl.col("code").alias("name_en"),
        pl.when(pl.col("estimate").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit("published"))
        .alias("status"),
        pl.when(pl.col("estimate").is_null())
        .then(pl.lit("no_denominator"))
        .otherwise(None)
        .alias("reason"),
    )


def test_kpi_tiles_name_the_unit_add_on_time_and_keep_null_apart_from_zero() -> None:
    tiles = onestop_kpi_tiles(_kpis(), {"22": "Quảng Ninh"})
    by_code = {row["code"]: row for row in tiles.to_dicts()}
    assert {row["unit"] for row in by_code.values()} == {"Quảng Ninh"}
    assert by_code["on_time"]["numerator"] == 9.0  # 6 early + 3 on the due day
    assert by_code["on_time"]["denominator"] == 10
    assert by_code["on_time"]["estimate"] == pytest.approx(0.9)
    overdue = by_code["days_overdue"]
    assert overdue["estimate"] is None
    assert overdue["denominator"] == 0
    assert overdue["reason"] == "no_denominator"


def test_the_channel_mix_adds_up_to_the_dossiers_handled() -> None:
    channels = onestop_channels(_kpis(), {"22": "Quảng Ninh"})
    counts = dict(zip(channels["channel"], channels["dossiers"], strict=True))
    assert counts == {"direct": 2, "online": 7, "postal": 1}
    assert channels["denominator"].unique().to_list() == [10]
    assert channels["share"].sum() == pytest.approx(1.0)
