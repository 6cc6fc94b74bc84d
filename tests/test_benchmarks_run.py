"""The benchmarks keep running (timings are reported by the benchmarks, not asserted here)."""

from __future__ import annotations

from benchmarks.bench_survey import run


def test_survey_benchmark_runs_and_reports_every_figure() -> None:
    results = run(repeats=1, with_r=False, scale=1)
    for key in ("taylor_seconds", "jkn_seconds", "taylor_ratio_to_bound", "jkn_ratio_to_bound"):
        assert results[key] > 0
    assert results["rows"] == 18_900


def test_web_benchmark_runs_and_reports_every_figure(demo_store: object) -> None:
    from pathlib import Path

    from benchmarks.bench_web import run as run_web

    results = run_web(rounds=3, clients=5, store=Path(str(demo_store)), rate=50.0, open_requests=40)
    for key in (
        "profile",
        "baseline_runs_json",
        "profile_cold_single_client",
        "profile_warm_single_client",
        "profile_open_loop",
    ):
        figures = results[key]
        assert figures["requests"] > 0  # type: ignore[index]
        assert figures["p95_ms"] > 0  # type: ignore[index]
    assert results["p95_ratio_to_baseline"] > 0  # type: ignore[operator]
    assert results["cold_to_warm_p50"] > 0  # type: ignore[operator]
    assert results["profile_open_loop"]["requests"] == 40  # type: ignore[index]


def test_cli_benchmark_runs_and_reports_every_figure() -> None:
    from benchmarks.bench_cli import run as run_cli

    results = run_cli(repeats=1, commands=("help", "estimate"))
    for key in ("baseline_python_start", "help", "estimate"):
        assert results[key] > 0
        assert results[f"{key}_cpu"] > 0
    assert results["help_over_baseline"] == results["help"] - results["baseline_python_start"]
