"""The load benchmark keeps running (its timings are reported by it, not asserted here)."""

from __future__ import annotations

from benchmarks.bench_feedback import run


def test_the_feedback_benchmark_runs_and_checks_every_acknowledged_rating() -> None:
    results = run(raters=3, seconds=1.0, backends=("sqlite",))
    figures = results["sqlite"]
    assert figures["requests"] > 0
    assert figures["p95_ms"] > 0
    assert figures["every_acknowledged_stored"] is True
    assert figures["duplicates"] == 0
