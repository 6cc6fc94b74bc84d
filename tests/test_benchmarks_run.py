"""The benchmarks keep running (timings are reported by the benchmarks, not asserted here)."""

from __future__ import annotations

from benchmarks.bench_survey import run


def test_survey_benchmark_runs_and_reports_every_figure() -> None:
    results = run(repeats=1, with_r=False, scale=1)
    for key in ("taylor_seconds", "jkn_seconds", "taylor_ratio_to_bound", "jkn_ratio_to_bound"):
        assert results[key] > 0
    assert results["rows"] == 18_900
