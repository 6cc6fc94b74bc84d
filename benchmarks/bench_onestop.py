"""Benchmark: one-stop records to the Decision 766 index on SYNTHETIC national data.

Run ``python -m benchmarks.bench_onestop --dossiers 2000000 [--spark]``. In one run, on the
same Parquet files, it reports:

* synthetic generation (dossiers/s, streamed by province-month);
* JSON Lines ingest throughput (portal sync layout; records/s, checks included);
* year-to-date scoring of every unit (province and agency) × month with DuckDB — facts,
  every indicator and KPI, groups, totals, bands and ranks — best of N;
* a bare DuckDB ``GROUP BY`` of the same number of counts over the same Parquet files and
  units (simple conditions on raw columns, nothing else), best of N, and the ratio;
* one day's incremental update: the state of the open month kept as of the end of
  30 December, a day of new dossiers received on 31 December appended (``--day-dossiers``, a
  365th of the year by default) and the scores refreshed as of the end of 31 December, so the
  status events of earlier dossiers stamped that day count too — beside a full rescore of the
  same open month from its records (the baseline, same output), best of N both sides;
* beside each wall time, the process's processor time (the machine is shared);
* peak resident memory of the process (``ru_maxrss``; includes DuckDB's native memory);
* optionally Spark local mode scoring the same data.

Sizes are parameters; the machine it runs on is shared, so report the sizes with the figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from govindex.onestop.aggregation import KPI_MEASURES
from govindex.onestop.periods import Period, parse_period, periods_of_year
from govindex.onestop.profile import shipped_profile
from govindex.onestop.records import from_local_seconds
from govindex.onestop.synthetic import SyntheticNation, SyntheticSettings
from govindex.onestop.working_calendar import WorkingCalendar
from govindex.onestop_engines.engines import DuckDBEngine
from govindex.onestop_engines.ingest import ingest_files
from govindex.onestop_engines.scorecard import score_records
from govindex.onestop_engines.snapshots import ScoreSnapshots, refresh_scores
from govindex.onestop_engines.store import RecordStore
from govindex.onestop_engines.synthetic_writer import write_synthetic


def best_of(repeats: int, task: Callable[[], object]) -> float:
    """Best wall time of ``repeats`` calls, in seconds."""
    return best_wall_and_processor(repeats, task)[0]


def _processor_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best_wall_and_processor(repeats: int, task: Callable[[], object]) -> tuple[float, float]:
    """Best wall time and best processor time (user + system, all threads of this process)
    of ``repeats`` calls, in seconds. On a machine shared with other work the wall time
    stretches with the load; the processor time much less, so both are reported."""
    walls, processors = [], []
    for _ in range(repeats):
        start, used = time.perf_counter(), _processor_seconds()
        task()
        walls.append(time.perf_counter() - start)
        processors.append(_processor_seconds() - used)
    return min(walls), min(processors)


def _portal(frame: pl.DataFrame) -> list[dict[str, Any]]:
    def stamp(value: int | None) -> str | None:
        return None if value is None else from_local_seconds(value).strftime("%Y%m%d%H%M%S")

    return [
        {
            "MaHoSo": f"J{row['dossier_code']}",
            "MaTTHC": row["procedure_code"],
            "DonViXuLy": row["agency_id"],
            "KenhThucHien": row["channel"],
            "TrangThaiHoSo": row["status"],
            "NgayNopHoSo": stamp(row["submitted_at"]),
            "NgayTiepNhan": stamp(row["received_at"]),
            "NgayHenTra": stamp(row["due_at"]),
            "NgayKetThucXuLy": stamp(row["processed_at"]),
            "DanhSachLePhi": [
                {"Gia": row["fee_total"], "HinhThucThu": 2 if row["paid_noncash"] else 1}
            ],
            "TaiLieuNop": [{"DuocSoHoa": 2 if row["reused_components"] else 1}],
        }
        for row in frame.iter_rows(named=True)
    ]


def _new_day(store: RecordStore, size: int, day: int) -> pl.DataFrame:
    """``size`` new dossiers received on local day ``day`` (days since 1970): the stored
    December records under new codes (repeated with a round prefix when the day is larger
    than the month), every time moved by whole days so each is received that day."""
    month = pl.scan_parquet(str(store.path("dossiers") / "*" / "2025-12" / "*.parquet"))
    available = month.select(pl.len()).collect().item()
    rounds = -(-size // max(1, available))
    base = month.head(size).collect()
    shift = (day - pl.col("received_at") // 86400) * 86400
    times = [name for name in base.columns if name.endswith("_at") or name == "due_at_original"]
    base = base.with_columns([(pl.col(name) + shift).alias(name) for name in times])
    copies = [
        base.with_columns((f"DAY{number}-" + pl.col("dossier_code")).alias("dossier_code"))
        for number in range(rounds)
    ]
    return pl.concat(copies).head(size)


def _bare_sql(measures: int) -> str:
    conditions = [
        "status >= 9",
        "channel = 2",
        "fee_total > 0",
        "reused_components > 0",
        "due_at >= processed_at",
    ]
    columns = ",\n  ".join(
        f"SUM(CASE WHEN {conditions[i % len(conditions)]} THEN 1 ELSE 0 END) AS n{i}, COUNT(*) AS d{i}"
        for i in range(measures)
    )
    return (
        "SELECT month, province_code, agency_id,\n  "
        + columns
        + "\nFROM dossiers GROUP BY month, province_code, agency_id"
        " UNION ALL SELECT month, province_code, NULL,\n  "
        + columns
        + "\nFROM dossiers GROUP BY month, province_code"
    )


def run(
    dossiers: int = 200_000,
    repeats: int = 3,
    jsonl_records: int = 20_000,
    spark: bool = False,
    folder: Path | None = None,
    provinces: int = 34,
    day_dossiers: int | None = None,
    records: Path | None = None,
    memory_limit: str | None = None,
) -> dict[str, Any]:
    """Run every measurement; return the figures.

    ``records`` scores a SYNTHETIC 2025 already written by ``govindex onestop synth --out``
    (generation is then not timed; the appended day is removed again afterwards, so the
    folder is left as it was). ``memory_limit`` bounds DuckDB (it spills beyond it), for
    both the scoring and the bare ``GROUP BY``.
    """
    root = Path(folder or tempfile.mkdtemp(prefix="bench-onestop-"))
    root.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"memory_limit": memory_limit}
    if records is None:
        store = RecordStore(root / "store")
        nation = SyntheticNation(SyntheticSettings(dossiers_per_year=dossiers, provinces=provinces))
        start = time.perf_counter()
        counts = write_synthetic(nation, 2025, store)
        synth_seconds = time.perf_counter() - start
        results["dossiers"] = counts["dossiers"]
        results["synth_dossiers_per_second"] = counts["dossiers"] / synth_seconds
    else:
        store = RecordStore(records)
        stored = pl.scan_parquet(store.sources()["dossiers"]).select(pl.len()).collect().item()
        results["dossiers"] = stored
        results["records"] = str(records)
    try:
        _measure(results, store, root, repeats, jsonl_records, spark, day_dossiers, memory_limit)
    finally:
        if records is not None:
            # The appended day is the benchmark's, not the year's: leave the folder as found.
            for appended in store.path("dossiers").glob("*/2025-12/part-day.parquet"):
                appended.unlink()
    results["peak_rss_megabytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def _measure(
    results: dict[str, Any],
    store: RecordStore,
    root: Path,
    repeats: int,
    jsonl_records: int,
    spark: bool,
    day_dossiers: int | None,
    memory_limit: str | None,
) -> None:
    dossiers = int(results["dossiers"])

    # JSON Lines ingest into a separate store with the same catalogue.
    # Read lazily: at national sizes the whole table does not fit the memory budget.
    sample = pl.scan_parquet(store.sources()["dossiers"]).head(jsonl_records).collect()
    jsonl = root / "batch.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps(record) for record in _portal(sample)) + "\n", encoding="utf-8"
    )
    ingest_store = RecordStore(root / "ingest")
    ingest_store.write("procedures", store.read("procedures"))
    ingest_store.write("agencies", store.read("agencies"))
    calendar = WorkingCalendar.for_years([2024, 2025, 2026])
    start = time.perf_counter()
    report = ingest_files(ingest_store, [jsonl], calendar)
    results["jsonl_records"] = report.records
    results["jsonl_records_per_second"] = report.records / (time.perf_counter() - start)

    profile = shipped_profile().resolve()
    months = periods_of_year(2025, "month")
    engine = DuckDBEngine(store.sources(), memory_limit=memory_limit)
    results["score_seconds"], results["score_processor_seconds"] = best_wall_and_processor(
        repeats, lambda: score_records(engine, profile, months, ("province", "agency"))
    )
    measures = (
        len(profile.computed("dossiers"))
        + len(profile.computed("petitions"))
        + len(profile.computed("publications"))
        + len(KPI_MEASURES)
    )
    bare = _bare_sql(measures)
    results["bare_group_by_seconds"], results["bare_group_by_processor_seconds"] = (
        best_wall_and_processor(repeats, lambda: engine.query(bare))
    )
    results["score_ratio_to_bare"] = results["score_seconds"] / results["bare_group_by_seconds"]
    results["score_processor_ratio_to_bare"] = (
        results["score_processor_seconds"] / results["bare_group_by_processor_seconds"]
    )

    # One day's update: the open month's state kept as of the end of 30 December; a day of new
    # dossiers received on 31 December appended; the scores refreshed as of the day's end.
    december: Period = parse_period("2025-12")
    last_day = december.end_s // 86400
    before, as_of = last_day * 86400 - 1, december.end_s
    geographies = ("province", "agency")
    snapshots_root = root / "snapshots"
    shutil.rmtree(snapshots_root, ignore_errors=True)
    refresh_scores(
        ScoreSnapshots(snapshots_root),
        DuckDBEngine(store.sources(), memory_limit=memory_limit),
        profile,
        months,
        before,
        geographies,
    )
    saved = root / "snapshots-saved"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(snapshots_root, saved)
    day = _new_day(store, day_dossiers or max(1, dossiers // 365), last_day)
    start = time.perf_counter()
    # One pass splits the day by province (a filter per province would read it 34 times).
    for (province,), records in day.partition_by("province_code", as_dict=True).items():
        store.write("dossiers", records, province_code=str(province), month="2025-12", part="day")
    results["incremental_write_seconds"] = time.perf_counter() - start
    results["incremental_day_dossiers"] = day.height
    del day
    updates: list[Any] = []

    def update(incremental: bool) -> None:
        # Every repeat starts from the state kept on 30 December (copied back, not timed).
        shutil.rmtree(snapshots_root)
        shutil.copytree(saved, snapshots_root)
        engine = DuckDBEngine(store.sources(), memory_limit=memory_limit)
        start, used = time.perf_counter(), _processor_seconds()
        report = refresh_scores(
            ScoreSnapshots(snapshots_root),
            engine,
            profile,
            months,
            as_of,
            geographies,
            incremental=incremental,
        )
        updates.append((incremental, time.perf_counter() - start, _processor_seconds() - used))
        updates.append(report)

    for _ in range(repeats):
        update(True)
        update(False)
    timed = [u for u in updates if isinstance(u, tuple)]
    reports = [u for u in updates if not isinstance(u, tuple)]
    incremental_runs = [t for t in timed if t[0]]
    full_runs = [t for t in timed if not t[0]]
    results["incremental_seconds"] = min(t[1] for t in incremental_runs)
    results["incremental_processor_seconds"] = min(t[2] for t in incremental_runs)
    results["incremental_full_rescore_seconds"] = min(t[1] for t in full_runs)
    results["incremental_full_rescore_processor_seconds"] = min(t[2] for t in full_runs)
    results["incremental_ratio_to_full_rescore"] = (
        results["incremental_seconds"] / results["incremental_full_rescore_seconds"]
    )
    results["incremental_mode"] = reports[0].mode
    results["incremental_recomputed_dossiers"] = reports[0].recomputed_dossiers
    results["incremental_recomputed_periods"] = list(reports[0].computed)
    open_month = pl.scan_parquet(str(store.path("dossiers") / "*" / "2025-12" / "*.parquet"))
    results["open_month_dossiers"] = open_month.select(pl.len()).collect().item()
    keys = ["period", "geography", "unit", "level", "code"]
    try:
        assert_frame_equal(
            reports[0].scores.sort(keys),
            reports[1].scores.sort(keys),
            check_exact=False,
            rel_tol=0,
            abs_tol=1e-12,
        )
        results["incremental_scores_equal_full"] = True
    except AssertionError as difference:
        results["incremental_scores_equal_full"] = str(difference)

    if spark:
        from pyspark.sql import SparkSession

        from govindex.onestop_engines.engines import SparkEngine

        session = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate()
        )
        spark_engine = SparkEngine(session, store.folders())
        results["spark_score_seconds"] = best_of(
            repeats, lambda: score_records(spark_engine, profile, months, ("province", "agency"))
        )
        results["spark_ratio_to_duckdb"] = results["spark_score_seconds"] / results["score_seconds"]
        session.stop()


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jsonl-records", type=int, default=20_000)
    parser.add_argument("--spark", action="store_true")
    parser.add_argument(
        "--day-dossiers",
        type=int,
        default=None,
        help="size of the appended day (default: a 365th of --dossiers; the nation's day is "
        "about 1,000,000)",
    )
    parser.add_argument("--folder", type=Path, default=None, help="keep the store here")
    parser.add_argument(
        "--records",
        type=Path,
        default=None,
        help="score this SYNTHETIC 2025 (`govindex onestop synth --out`) instead of generating one",
    )
    parser.add_argument("--memory-limit", default=None, help="DuckDB's memory limit, e.g. 4GB")
    arguments = parser.parse_args()
    figures = run(
        arguments.dossiers,
        arguments.repeats,
        arguments.jsonl_records,
        arguments.spark,
        folder=arguments.folder,
        day_dossiers=arguments.day_dossiers,
        records=arguments.records,
        memory_limit=arguments.memory_limit,
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
