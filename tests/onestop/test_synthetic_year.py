"""A SYNTHETIC national year scored for every unit × month, quarter and year: scores within
their maxima, sums that add up, month counts that add to quarters and the year, and the seed
province's recomputed rates equal to its generating truth within sampling error."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest

from govindex.onestop.periods import periods_of_year
from govindex.onestop.profile import shipped_profile
from govindex.onestop.synthetic import SEED_PROVINCE, SEED_TRUTH, SyntheticNation, SyntheticSettings
from govindex.onestop_engines.engines import DuckDBEngine
from govindex.onestop_engines.scorecard import Scorecard, score_records
from govindex.onestop_engines.store import RecordStore
from govindex.onestop_engines.synthetic_writer import write_synthetic

PERIODS = (
    periods_of_year(2025, "month")
    + periods_of_year(2025, "quarter")
    + periods_of_year(2025, "year")
)
#: Indicators and KPIs whose denominator is "received in the period": additive over months.
ADDITIVE = ("1.4", "3.3", "4.2", "4.3", "4.4", "4.5b", "online_share", "digitised_reuse")


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Scorecard:
    folder: Path = tmp_path_factory.mktemp("synthetic-year")
    store = RecordStore(folder)
    # Few agencies per province keep the run short; the national shape is the benchmark's.
    settings = SyntheticSettings(
        dossiers_per_year=40_000, seed=11, departments_per_province=4, communes_per_province=8
    )
    write_synthetic(SyntheticNation(settings), 2025, store)
    assert store.metadata("dossiers")["govindex.synthetic"].startswith("SYNTHETIC")
    return score_records(
        DuckDBEngine(store.sources(), threads=2),
        shipped_profile().resolve(),
        PERIODS,
        ("province", "agency"),
        synthetic=True,
    )


def test_scores_stay_within_their_maxima_and_add_up(card: Scorecard) -> None:
    scores = card.scores
    assert scores["synthetic"].all()
    indicators = scores.filter(pl.col("level") == "indicator")
    published = indicators.filter(pl.col("estimate").is_not_null())
    assert published.height > 0
    assert (
        (published["estimate"] >= 0) & (published["estimate"] <= published["max_points"] + 1e-12)
    ).all()
    keys = ["period", "geography", "unit"]
    sums = indicators.group_by(*keys, "group").agg(
        pl.col("estimate").fill_null(0).sum().alias("indicators")
    )
    groups = scores.filter(pl.col("level") == "group").select(
        *keys, pl.col("code").alias("group"), "estimate"
    )
    joined = groups.join(sums, on=[*keys, "group"])
    assert joined.height == groups.height
    assert ((joined["estimate"] - joined["indicators"]).abs() < 1e-9).all()
    group_sums = groups.group_by(keys).agg(pl.col("estimate").sum().alias("groups"))
    totals = scores.filter(pl.col("level") == "total").join(group_sums, on=keys)
    assert ((totals["estimate"] - totals["groups"]).abs() < 1e-9).all()
    assert ((totals["estimate"] >= 0) & (totals["estimate"] <= 100)).all()
    # Ranks among peers: 1..34 among provinces in each period.
    provinces = totals.filter(pl.col("geography") == "province")
    assert provinces.group_by("period").agg(pl.col("rank").min()).get_column("rank").to_list() == [
        1
    ] * len(PERIODS)


def test_month_counts_add_up_to_quarters_and_the_year(card: Scorecard) -> None:
    counts = card.counts.filter(
        pl.col("code").is_in(ADDITIVE) & (pl.col("geography") == "province")
    )
    kind = pl.col("period_id").str.len_chars()
    months = counts.filter((kind == 7) & ~pl.col("period_id").str.contains("Q")).with_columns(
        (
            "2025-Q"
            + ((pl.col("period_id").str.slice(5, 2).cast(pl.Int32) - 1) // 3 + 1).cast(pl.String)
        ).alias("quarter")
    )
    by_quarter = months.group_by("quarter", "unit", "code").agg(
        pl.col("numerator").sum(), pl.col("denominator").sum()
    )
    quarters = counts.filter(pl.col("period_id").str.contains("Q")).rename({"period_id": "quarter"})
    joined = quarters.join(by_quarter, on=["quarter", "unit", "code"], suffix="_months")
    assert joined.height == quarters.height > 0
    assert (joined["denominator"] == joined["denominator_months"]).all()
    assert (joined["numerator"] == joined["numerator_months"]).all()
    year = counts.filter(kind == 4)
    by_year = quarters.group_by("unit", "code").agg(pl.col("denominator").sum())
    assert (
        year.join(by_year, on=["unit", "code"], suffix="_quarters")
        .select((pl.col("denominator") == pl.col("denominator_quarters")).all())
        .item()
    )


def _rate(card: Scorecard, code: str, level: str = "kpi") -> tuple[float, int]:
    frame = card.kpis if level == "kpi" else card.scores
    assert frame is not None
    found = frame.filter(
        (pl.col("period") == "2025")
        & (pl.col("geography") == "province")
        & (pl.col("unit") == SEED_PROVINCE)
        & (pl.col("code") == code)
    ).row(0, named=True)
    value = found["ratio"] if level == "indicator" else found["estimate"]
    return float(value), int(found["n"])


@pytest.mark.parametrize(
    ("code", "level", "truth"),
    [
        ("2.1", "indicator", SEED_TRUTH["on_time"]),
        ("online_share", "kpi", SEED_TRUTH["online"]),
        ("postal_return", "kpi", SEED_TRUTH["postal_return"]),
        ("noncash_payment", "kpi", SEED_TRUTH["noncash"]),
    ],
)
def test_the_seed_province_recovers_its_generating_rates(
    card: Scorecard, code: str, level: str, truth: float
) -> None:
    rate, n = _rate(card, code, level)
    standard_error = math.sqrt(max(truth * (1 - truth), 1e-12) / n)
    assert abs(rate - truth) <= 4 * standard_error + 1e-12, (rate, truth, n)


def test_the_seed_province_counter_time_is_its_generating_mean(card: Scorecard) -> None:
    minutes, tickets = _rate(card, "counter_minutes")
    # Service times are gamma(shape 4): standard deviation = mean / 2.
    standard_error = SEED_TRUTH["counter_minutes"] / 2 / math.sqrt(tickets)
    assert abs(minutes - SEED_TRUTH["counter_minutes"]) <= 4 * standard_error
