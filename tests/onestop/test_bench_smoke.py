"""The one-stop benchmark keeps running at a tiny size (its figures are reported, not asserted)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_onestop import run


def test_onestop_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    results = run(dossiers=2000, repeats=1, jsonl_records=200, folder=tmp_path, provinces=3)
    for key in (
        "synth_dossiers_per_second",
        "jsonl_records_per_second",
        "score_seconds",
        "bare_group_by_seconds",
        "score_ratio_to_bare",
        "incremental_seconds",
        "peak_rss_megabytes",
    ):
        assert results[key] > 0, key
    assert results["jsonl_records"] == 200
    assert results["incremental_recomputed_periods"] == ["2025-12"]
    assert results["incremental_mode"] == "incremental"
    assert results["incremental_scores_equal_full"] is True
    assert 0 < results["incremental_recomputed_dossiers"] < results["open_month_dossiers"]
