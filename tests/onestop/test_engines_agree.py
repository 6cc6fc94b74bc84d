"""DuckDB and Spark run the same indicator definitions and agree exactly.

The SYNTHETIC national year is scored by both engines for every indicator and KPI, every
unit (province, agency, procedure) and every period (12 months, 4 quarters, the year).
Size: ``GOVINDEX_ONESTOP_SPARK_DOSSIERS`` (default 5,000 for development; the test command
sets 2,000,000).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import require_program

from govindex.onestop.periods import periods_of_year
from govindex.onestop.profile import shipped_profile
from govindex.onestop.synthetic import SyntheticNation, SyntheticSettings
from govindex.onestop_engines.engines import DuckDBEngine, SparkEngine
from govindex.onestop_engines.scorecard import score_records
from govindex.onestop_engines.store import RecordStore
from govindex.onestop_engines.synthetic_writer import write_synthetic

DOSSIERS = int(os.environ.get("GOVINDEX_ONESTOP_SPARK_DOSSIERS", "5000"))
PERIODS = (
    periods_of_year(2025, "month")
    + periods_of_year(2025, "quarter")
    + periods_of_year(2025, "year")
)


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    require_program("java", "openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("govindex-onestop-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> RecordStore:
    folder: Path = tmp_path_factory.mktemp("onestop-engines")
    records = RecordStore(folder)
    write_synthetic(SyntheticNation(SyntheticSettings(dossiers_per_year=DOSSIERS)), 2025, records)
    return records


@pytest.mark.slow
@pytest.mark.timeout(5400)
def test_duckdb_and_spark_give_identical_counts_and_ratios(
    spark: object, store: RecordStore
) -> None:
    profile = shipped_profile().resolve()
    # The set exercises answered supplements (pause subtracted) and procedure publications.
    assert store.read("dossiers")["supplement_pause_working_days"].sum() > 0
    assert store.read("publications").height > 0
    duck = score_records(DuckDBEngine(store.sources()), profile, PERIODS)
    sparked = score_records(SparkEngine(spark, store.folders()), profile, PERIODS)
    keys = ["period_id", "geography", "unit", "kind", "code"]
    left = duck.counts.sort(keys)
    right = sparked.counts.sort(keys)
    assert left.height == right.height > 0
    assert left.select(keys).equals(right.select(keys))
    assert left["denominator"].equals(right["denominator"])
    assert left["numerator"].equals(right["numerator"])
    ratios = (
        left.join(right, on=keys, suffix="_spark")
        .filter(pl.col("denominator") > 0)
        .select(
            (pl.col("numerator") / pl.col("denominator")).alias("duck"),
            (pl.col("numerator_spark") / pl.col("denominator_spark")).alias("spark"),
        )
    )
    assert (
        (ratios["duck"] - ratios["spark"]).abs()
        <= 1e-12 * ratios["duck"].abs().clip(lower_bound=1.0)
    ).all()
    # Every indicator, every geography and every period is covered.
    assert set(left["geography"]) == {"province", "department", "commune", "procedure"}
    assert set(left["period_id"]) == {period.period_id for period in PERIODS}
    computed = {i.code for i in profile.indicators if i.source != "unavailable"}
    assert set(left.filter(pl.col("kind") == "indicator")["code"]) == computed
    # Scores come from identical counts; group sums may add in another order.
    scores_keys = ["period", "geography", "unit", "level", "code"]
    both = duck.scores.join(sparked.scores, on=scores_keys, suffix="_spark", nulls_equal=True)
    assert both.height == duck.scores.height == sparked.scores.height
    assert (both["estimate"].is_null() == both["estimate_spark"].is_null()).all()
    assert ((both["estimate"] - both["estimate_spark"]).abs().fill_null(0.0) <= 1e-9).all()
    # The KPIs from ratings and queue tickets agree too.
    assert duck.kpis is not None
    assert sparked.kpis is not None
    kpi_keys = ["period", "geography", "unit", "code"]
    kpis = duck.kpis.join(sparked.kpis, on=kpi_keys, suffix="_spark", nulls_equal=True)
    assert kpis.height == duck.kpis.height == sparked.kpis.height
    assert (kpis["n"] == kpis["n_spark"]).all()
    assert ((kpis["estimate"] - kpis["estimate_spark"]).abs().fill_null(0.0) <= 1e-9).all()
