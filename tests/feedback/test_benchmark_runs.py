"""The load benchmark keeps running (its timings are reported by it, not asserted here)."""

from __future__ import annotations

from benchmarks.bench_feedback import RaterModel, run, schedule


def test_the_rater_schedule_is_seeded_and_keeps_think_times_within_bounds() -> None:
    model = RaterModel(raters=20, seconds=60.0, think=(10.0, 30.0), gap=(2.0, 10.0), seed=7)
    plan = schedule(model)
    assert plan == schedule(model)
    assert plan != schedule(RaterModel(raters=20, seconds=60.0, seed=8))
    for cycles in plan:
        for (scan, post), following in zip(cycles, [*cycles[1:], None], strict=True):
            assert 0 <= scan < 60.0
            assert 10.0 <= post - scan <= 30.0
            if following is not None:
                assert 2.0 <= following[0] - post <= 10.0


def test_the_feedback_benchmark_runs_and_checks_every_acknowledged_rating() -> None:
    model = RaterModel(
        raters=3, seconds=1.0, think=(1.0, 1.2), gap=(0.1, 0.2), desks=2, min_form_seconds=0.5
    )
    results = run(model, ("sqlite",), capacity_step=0.5, capacity_clients=2)
    figures = results["sqlite"]
    page, kiosk = figures["raters_page"], figures["raters_kiosk"]
    assert page["get"]["count"] > 0
    assert page["post"]["count"] > 0
    assert page["post"]["p95_ms"] > 0
    assert page["acknowledged"] == page["post"]["count"], page["error_kinds"]
    assert kiosk["acknowledged"] == kiosk["post"]["count"] > 0, kiosk["error_kinds"]
    assert figures["capacity"]["steps"][0]["per_second"] > 0
    check = figures["check"]
    assert check["every_acknowledged_stored"] is True
    assert check["acknowledged"] == check["stored"]
    assert check["duplicates"] == 0
