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


def test_jackknife_kernel_gives_the_same_means_and_variances_as_the_estimator() -> None:
    # The kernel is a fair lower bound only if it produces the same output.
    import numpy as np
    from benchmarks.bench_scale import jackknife_kernel
    from benchmarks.papi_workload import indicator_names, papi_shaped_survey

    from govindex.survey import SurveyDesign, mean, replicate_design

    frame = papi_shaped_survey(seed=7)
    names = indicator_names(frame)[:6]
    design = SurveyDesign.from_frame(
        frame, weights="weight", strata="province", psu="district", nest=True
    )
    table = mean(replicate_design(design, "jkn"), names, by="province")
    province = frame["province"].to_numpy().astype(np.int64) - 1
    district = province * 3 + frame["district"].to_numpy() - 1
    results = jackknife_kernel(frame, names, frame["weight"].to_numpy(), province, district)()
    estimates, variances, respondents, deff = results  # type: ignore[misc]
    # The table is long: variable by variable, provinces within each.
    np.testing.assert_allclose(estimates.T.ravel(), table.estimate, rtol=1e-12)
    np.testing.assert_allclose(np.sqrt(variances).T.ravel(), table.se, rtol=1e-9)
    np.testing.assert_array_equal(respondents.T.ravel(), table.n)
    np.testing.assert_allclose(deff.T.ravel(), table.deff, rtol=1e-9)


def test_psu_total_estimator_of_the_scale_benchmark_gives_the_engine_figures() -> None:
    # Timed against the same kernel, it must produce what the engine produces.
    import numpy as np
    from benchmarks.bench_scale import cell_totals_estimation
    from benchmarks.papi_workload import indicator_names, papi_shaped_survey

    from govindex.survey import SurveyDesign, mean, replicate_design

    frame = papi_shaped_survey(seed=7)
    names = indicator_names(frame)[:6]
    design = SurveyDesign.from_frame(
        frame, weights="weight", strata="province", psu="district", nest=True
    )
    table = mean(replicate_design(design, "jkn"), names, by="province", na_rm=True)
    ours = cell_totals_estimation(frame, frame.select(names).to_numpy(), names, 997)()
    np.testing.assert_allclose(ours.estimate, table.estimate, rtol=1e-12)  # type: ignore[attr-defined]
    np.testing.assert_allclose(ours.se, table.se, rtol=1e-9)  # type: ignore[attr-defined]
    np.testing.assert_allclose(ours.deff, table.deff, rtol=1e-9)  # type: ignore[attr-defined]


def test_scale_benchmark_runs_the_command_line_and_reports_process_figures(
    tmp_path: object,
) -> None:
    from pathlib import Path

    import polars as pl
    import pyarrow.parquet as parquet
    from benchmarks.bench_scale import run as run_scale

    folder = Path(str(tmp_path))
    results = run_scale([1, 2], folder=folder, repeats=1, kernel_max_scale=1)
    points: list[dict[str, float]] = results["points"]  # type: ignore[assignment]
    first, second = points
    assert second["rows"] == 2 * first["rows"]
    for point in (first, second):
        assert point["run_seconds"] > 0
        assert point["run_peak_rss_mib"] > 50  # a whole Python process, not numpy's share
    assert first["jkn_ratio_to_kernel"] > 0
    assert first["jkn_from_psu_totals_ratio_to_kernel"] > 0
    assert first["run_peak_rss_kib_per_respondent"] > 0
    assert "jkn_ratio_to_kernel" not in second
    assert "marginal_seconds_per_million_rows" in results
    assert "marginal_rss_bytes_per_respondent" in results
    stacked = next(folder.glob("*-x2.parquet"))
    ids = pl.read_parquet(stacked, columns=["respondent_id"])["respondent_id"]
    assert ids.n_unique() == ids.len() == second["rows"]
    assert b"synthetic" in str(parquet.ParquetFile(stacked).metadata.metadata).encode().lower()
    assert (folder / "run-x2").is_dir()


def test_suppression_benchmark_runs_and_reports_both_rules() -> None:
    from benchmarks.bench_suppression import run as run_suppression

    results = run_suppression(density=0.004, repeats=1)
    for rule in ("lowest-level-complement", "greedy"):
        figures = results[rule]
        assert figures["passed"] is True  # type: ignore[index]
        assert figures["seconds"] > 0  # type: ignore[index]
        assert figures["secondary_cells"] >= 1  # type: ignore[index]
    assert results["primary_cells"] == 30
    assert results["speed_ratio_old_over_greedy"] > 0  # type: ignore[operator]
