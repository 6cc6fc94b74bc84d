"""Benchmark: the scale curve of ``govindex run`` on a stacked SYNTHETIC PAPI 2024 survey.

Run ``python -m benchmarks.bench_scale`` (1× and 10×), ``--scales 1 10 50`` or, on a
machine with the time and disk for it, ``--scales 1 10 50 500`` (500× ≈ 9.3 million rows).

For each scale it:

* writes the synthetic 2024 survey (``govindex synth``, made once) stacked that many times
  as one Parquet file, each copy with new respondent ids and the same districts, communes
  and villages — so the design (63 strata, their PSUs) is fixed and only respondents grow;
  the file keeps the SYNTHETIC marking of the original;
* runs ``govindex run --chunk-rows N`` on it (``--chunk-rows 0``: the whole file in memory)
  as a separate process and reads that process's wall time and peak resident set size
  (the kernel's ``ru_maxrss`` for the whole process: Python, numpy, polars' Rust heap,
  DuckDB), and the peak RSS per respondent and its slope between the smallest and largest
  scale;
* reports seconds per million rows, so linearity can be read off directly;
* in this process, times the JKn estimation (120 indicator means by province with their
  JKn standard errors, respondents and design effects:
  ``mean(replicate_design(...), by="province")``) against a per-province PSU-total kernel
  that produces the same figures with the least work — the scores read out of the same data
  frame, then bare numpy ``bincount`` of w·y, w·[y present], w·y² and the respondents over
  each province's PSU ids, and the jackknife means, variances and design effects from those
  totals — best of N on both sides; and the estimator the chunked run uses (per-PSU sums,
  then ``mean_from_cell_totals``) against the same kernel.

Targets: peak RSS of the 500× run ≤ 4 GiB; time linear in rows; JKn estimation within 2×
of the kernel.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "papi-2024.yaml"
DEFAULT_SEED = 20240101
# Above this scale the in-process estimation comparison is skipped by default: it holds
# the (rows × 120) score matrix in memory, which the CLI run being measured does not.
DEFAULT_KERNEL_MAX_SCALE = 50
# Rows read, checked and scored at a time by ``govindex run --chunk-rows``; 0 runs the
# whole file in memory (the earlier behaviour, for comparison).
DEFAULT_CHUNK_ROWS = 50_000


PROCESSOR_TIMES: dict[int, float] = {}
"""Best processor time of the last :func:`best_of` of each task (by ``id``), in seconds."""


def best_of(repeats: int, task: Callable[[], object]) -> float:
    """Best wall time of ``repeats`` calls, in seconds.

    The best processor time (this process's, all threads) of the same calls is kept in
    :data:`PROCESSOR_TIMES`: on a shared machine it moves far less with the load than the
    wall time, so a ratio of processor times is the steadier comparison of two tasks.
    """
    times = []
    processor = []
    for _ in range(repeats):
        start, start_processor = time.perf_counter(), time.process_time()
        task()
        times.append(time.perf_counter() - start)
        processor.append(time.process_time() - start_processor)
    PROCESSOR_TIMES[id(task)] = min(processor)
    return min(times)


def govindex_command() -> list[str]:
    """The CLI as a process, with this checkout's sources first on the path."""
    return [sys.executable, "-c", "from govindex.cli import main; main()"]


def child_environment() -> dict[str, str]:
    """Environment for the CLI processes: this checkout's ``src`` first on the path."""
    environment = dict(os.environ)
    source = str(ROOT / "src")
    environment["PYTHONPATH"] = os.pathsep.join(
        [source, *filter(None, [environment.get("PYTHONPATH")])]
    )
    return environment


def measured_process(arguments: Sequence[str], log: Path) -> dict[str, float]:
    """Run a process; return its wall seconds and peak RSS (MiB) as the kernel counted them.

    The process is started by ``/usr/bin/time``, a small program: a child forked straight
    from this (possibly large) benchmark process would be charged this process's pages in
    its peak RSS. Without ``/usr/bin/time``, ``os.wait4`` is used and the figure is an upper
    bound.
    """
    report = log.with_suffix(".rss")
    timer = shutil.which("time", path="/usr/bin")
    command = list(arguments)
    if timer is not None:
        command = [timer, "--format", "%M", "--output", str(report), *command]
    start = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=child_environment()
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        msg = f"{' '.join(arguments[3:5])} exited {process.returncode}:\n{tail}"
        raise RuntimeError(msg)
    # Both figures are in KiB on Linux.
    peak_kib = float(report.read_text().split()[-1]) if timer is not None else usage.ru_maxrss
    return {"seconds": seconds, "peak_rss_mib": peak_kib / 1024}


def synthetic_survey(folder: Path, seed: int) -> Path:
    """The synthetic 2024 PAPI survey, written once by ``govindex synth``."""
    path = folder / f"papi-2024-synthetic-{seed}.parquet"
    if not path.exists():
        measured_process(
            [*govindex_command(), "synth", "--seed", str(seed), "--out", str(path)],
            folder / "synth.log",
        )
    return path


def stacked_survey(base: Path, copies: int, folder: Path) -> Path:
    """``copies`` copies of ``base`` in one Parquet file, respondent ids renumbered.

    Written copy by copy, so making the 500× file never holds more than one copy; the
    original's key-value metadata (its SYNTHETIC marking and design notes) is kept.
    """
    import pyarrow.parquet as parquet

    path = folder / f"{base.stem}-x{copies}.parquet"
    if path.exists():
        return path
    frame = pl.read_parquet(base)
    metadata = parquet.ParquetFile(base).metadata.metadata or {}
    offset = int(frame["respondent_id"].max()) + 1
    partial = path.with_suffix(".partial")
    writer = None
    try:
        for copy in range(copies):
            table = frame.with_columns(
                (pl.col("respondent_id") + copy * offset).alias("respondent_id")
            ).to_arrow()
            if writer is None:
                schema = table.schema.with_metadata(metadata)
                writer = parquet.ParquetWriter(partial, schema)
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()
    partial.rename(path)
    return path


def jackknife_kernel(
    frame: pl.DataFrame,
    names: list[str],
    weights: np.ndarray,
    provinces: np.ndarray,
    districts: np.ndarray,
) -> Callable[[], object]:
    """PSU totals by ``bincount`` and every figure the estimator reports, vectorised.

    The least work any JKn estimator of these means must do for the same output: read the
    120 score columns out of the data frame, mark the missing values, then per indicator one
    ``bincount`` pass over all rows for each sum the output needs — Σw·y and Σw·[y present]
    (estimate and replicates), Σw·y² and the respondents with a value and a non-zero weight
    (``n`` and the design effect) — by PSU, and arithmetic on PSUs × indicators arrays for
    every province at once. Numbering the PSUs (in province order) is made before timing,
    as the estimator's design is built before timing.
    """
    # PSUs numbered province by province, so that a province's PSUs are one run of numbers.
    keys = provinces.astype(np.int64) * (int(districts.max()) + 1) + districts.astype(np.int64)
    psu_keys, psu = np.unique(keys, return_inverse=True)
    psu = psu.reshape(-1)
    n_psus = psu_keys.shape[0]
    psu_province = psu_keys // (int(districts.max()) + 1)
    _, starts, sizes_int = np.unique(psu_province, return_index=True, return_counts=True)
    sizes = sizes_int.astype(np.float64)
    n_replicates = float(n_psus)
    # R's JKn: one replicate per PSU, rscale (n_h − 1)/n_h, centred at the mean of all
    # replicates; a province's estimate is unchanged by the other provinces' replicates.
    rscale_sum = (sizes - 1.0).sum()
    nonzero = weights != 0
    width = len(names)

    def task() -> object:
        # Column-major: each indicator's rows contiguous for its ``bincount`` passes.
        matrix = frame.select(pl.col(names).cast(pl.Float64)).to_numpy(order="fortran")
        totals = np.empty((4, n_psus, width))
        for column in range(width):
            values = matrix[:, column]
            present = ~np.isnan(values)
            values = np.where(present, values, 0.0)
            weighted = values * weights
            totals[0, :, column] = np.bincount(psu, weighted, n_psus)
            totals[1, :, column] = np.bincount(psu, present * weights, n_psus)
            totals[2, :, column] = np.bincount(psu, weighted * values, n_psus)
            totals[3, :, column] = np.bincount(psu, present & nonzero, n_psus)
        top, bottom, squares, respondents = (np.add.reduceat(part, starts) for part in totals)
        estimate = top / bottom
        owner = np.repeat(np.arange(sizes.shape[0]), sizes_int)
        # Replicate r drops PSU r and reweights the others by n/(n−1); the factor cancels
        # in a ratio, so the replicate mean is the mean without PSU r.
        replicate = (top[owner] - totals[0]) / (bottom[owner] - totals[1])
        own_count = sizes[:, None]
        centre = (np.add.reduceat(replicate, starts) + (n_replicates - own_count) * estimate) / (
            n_replicates
        )
        spread = np.add.reduceat((replicate - centre[owner]) ** 2, starts)
        own = (own_count - 1.0) / own_count * spread
        others = (rscale_sum - (own_count - 1.0)) * (estimate - centre) ** 2
        variance = own + others
        # The design effect against SRS, as the estimator reports it.
        srs = (squares - bottom * estimate**2) / bottom**2
        srs = srs / bottom * respondents / (respondents - 1.0)
        srs = srs * (bottom - respondents) * bottom / respondents
        return estimate, variance, respondents, variance / srs

    return task


def estimation_comparison(
    data_path: Path, repeats: int, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> dict[str, float]:
    """JKn estimation by province against the PSU-total kernel, best of ``repeats`` each."""
    from govindex.index import indicator_scores
    from govindex.spec import load_spec
    from govindex.survey import SurveyDesign, mean, replicate_design

    spec = load_spec(SPEC)
    data = pl.read_parquet(data_path)
    scores = indicator_scores(spec, data)
    names = list(scores.columns)
    frame = pl.concat([data.select("province", "district", "weight"), scores], how="horizontal")
    del data
    design = replicate_design(
        SurveyDesign.from_frame(
            frame, weights="weight", strata="province", psu="district", nest=True
        ),
        "jkn",
    )

    def estimate() -> object:
        return mean(design, names, by="province", na_rm=True, df_rule="design")

    ours = best_of(repeats, estimate)
    provinces = frame["province"].cast(pl.Categorical).to_physical().to_numpy().astype(np.int64)
    kernel = jackknife_kernel(
        frame,
        names,
        frame["weight"].to_numpy().astype(np.float64),
        provinces,
        frame["district"].to_numpy(),
    )
    bound = best_of(repeats, kernel)
    chunked = cell_totals_estimation(frame, scores.to_numpy(), names, chunk_rows)
    from_cells = best_of(repeats, chunked)
    ours_cpu, bound_cpu, from_cells_cpu = (
        PROCESSOR_TIMES[id(task)] for task in (estimate, kernel, chunked)
    )
    return {
        "indicators": float(len(names)),
        "jkn_estimation_seconds": ours,
        "jkn_from_psu_totals_seconds": from_cells,
        "psu_total_kernel_seconds": bound,
        "jkn_ratio_to_kernel": ours / bound,
        "jkn_from_psu_totals_ratio_to_kernel": from_cells / bound,
        "jkn_estimation_cpu_seconds": ours_cpu,
        "jkn_from_psu_totals_cpu_seconds": from_cells_cpu,
        "psu_total_kernel_cpu_seconds": bound_cpu,
        "jkn_cpu_ratio_to_kernel": ours_cpu / bound_cpu,
        "jkn_from_psu_totals_cpu_ratio_to_kernel": from_cells_cpu / bound_cpu,
    }


def cell_totals_estimation(
    frame: pl.DataFrame,
    scores: np.ndarray,
    names: list[str],
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Callable[[], object]:
    """The estimator ``govindex run --chunk-rows`` uses, on the same rows as the kernel.

    Per-(province, PSU) sums of w·y, w·[y present], w·y² and the respondents, added chunk
    by chunk of ``chunk_rows`` rows as the run adds them (one sparse product each), then
    ``mean_from_cell_totals``: estimates, JKn replicate estimates and variances, design
    effects and the table. As for the kernel, the PSU numbering of the rows and the
    reading the scores out of the data frame, the missing-value mask and forming the weighted
    values are timed, as they are for the kernel.
    """
    from govindex.survey import SurveyDesign, replicate_design
    from govindex.survey.arrays import weighted_indicator
    from govindex.survey.cell_totals import CellTotals, mean_from_cell_totals

    keys = frame.select("province", "district")
    distinct = keys.unique(maintain_order=True).with_row_index("cell")
    cells = keys.join(distinct, on=["province", "district"], how="left", maintain_order="left")
    cell_of_row = cells["cell"].to_numpy().astype(np.int64)
    count = distinct.height
    weights = frame["weight"].to_numpy().astype(np.float64)
    cell_frame = distinct.drop("cell").with_columns(
        pl.Series("weight", np.bincount(cell_of_row, weights=weights, minlength=count))
    )
    design = replicate_design(
        SurveyDesign.from_frame(
            cell_frame, weights="weight", strata="province", psu="district", nest=True
        ),
        "jkn",
    )
    nonzero = weights != 0
    width = scores.shape[1]

    def task() -> object:
        # Read out of the data frame as the kernel reads it: row-major, each row's 120
        # values side by side for the sparse row sums.
        matrix = frame.select(pl.col(names).cast(pl.Float64)).to_numpy(order="c")
        present = ~np.isnan(matrix)
        values = np.where(present, matrix, 0.0)
        sums = [np.zeros((count, width)) for _ in range(4)]
        for start in range(0, values.shape[0], chunk_rows):
            rows = slice(start, start + chunk_rows)
            codes, chunk, chunk_weights = cell_of_row[rows], values[rows], weights[rows]
            # As the run adds a chunk (``CellAccumulator.add``): the weights ride in the
            # sparse indicators, and w·y² is formed in the mask's block once it is summed.
            answered = present[rows].astype(np.float64)
            by_weight = weighted_indicator(codes, count, chunk_weights)
            sums[0] += by_weight @ chunk
            sums[1] += by_weight @ answered
            sums[3] += weighted_indicator(codes, count, nonzero[rows] * 1.0) @ answered
            squares = np.multiply(chunk, chunk_weights[:, None], out=answered)
            squares *= chunk
            sums[2] += weighted_indicator(codes, count) @ squares
        totals = CellTotals(
            names=tuple(names),
            weighted=sums[0],
            present_weight=sums[1],
            squares=sums[2],
            counted=sums[3],
        )
        return mean_from_cell_totals(design, totals, by="province", df_rule="design")

    return task


def run(
    scales: Sequence[int],
    *,
    folder: Path,
    repeats: int = 3,
    seed: int = DEFAULT_SEED,
    kernel_max_scale: int = DEFAULT_KERNEL_MAX_SCALE,
    spec: Path = SPEC,
    chunk_rows: int | None = DEFAULT_CHUNK_ROWS,
) -> dict[str, object]:
    """Run every scale; return the figures (also the per-row times and the 500× target)."""
    base = synthetic_survey(folder, seed)
    rows_per_copy = pl.scan_parquet(base).select(pl.len()).collect().item()
    points: list[dict[str, float]] = []
    for scale in scales:
        data = stacked_survey(base, scale, folder)
        rows = rows_per_copy * scale
        # A fresh store and output folder each time: a stored run is never replaced, and
        # an existing store would make the run a different amount of work.
        store = folder / f"store-x{scale}.duckdb"
        output = folder / f"run-x{scale}"
        for leftover in (store, store.with_name(store.name + ".wal")):
            leftover.unlink(missing_ok=True)
        if output.exists():
            shutil.rmtree(output)
        figures = measured_process(
            [
                *govindex_command(),
                "run",
                str(spec),
                str(data),
                "--out",
                str(output),
                "--store",
                str(store),
                *(["--chunk-rows", str(chunk_rows)] if chunk_rows else []),
            ],
            folder / f"run-x{scale}.log",
        )
        point = {
            "scale": float(scale),
            "rows": float(rows),
            "run_seconds": figures["seconds"],
            "run_peak_rss_mib": figures["peak_rss_mib"],
            "seconds_per_million_rows": figures["seconds"] / rows * 1e6,
            "file_mib": data.stat().st_size / 2**20,
            "run_peak_rss_kib_per_respondent": figures["peak_rss_mib"] * 1024 / rows,
        }
        if scale <= kernel_max_scale:
            point.update(estimation_comparison(data, repeats, chunk_rows or DEFAULT_CHUNK_ROWS))
        points.append(point)
    first, last = points[0], points[-1]
    summary: dict[str, object] = {
        "synthetic": True,
        "seed": seed,
        "repeats": repeats,
        "chunk_rows": chunk_rows,
        "points": points,
    }
    if len(points) > 1:
        # Time and memory added per extra million rows between the smallest and largest
        # run: the slope of the curve, which fixed start-up costs do not hide.
        extra_rows = (last["rows"] - first["rows"]) / 1e6
        summary["marginal_seconds_per_million_rows"] = (
            last["run_seconds"] - first["run_seconds"]
        ) / extra_rows
        summary["marginal_rss_mib_per_million_rows"] = (
            last["run_peak_rss_mib"] - first["run_peak_rss_mib"]
        ) / extra_rows
        # The same slope per respondent (bytes): what each extra respondent costs in memory.
        summary["marginal_rss_bytes_per_respondent"] = (
            (last["run_peak_rss_mib"] - first["run_peak_rss_mib"]) * 2**20 / (extra_rows * 1e6)
        )
    return summary


def main() -> None:
    """Command-line entry point: print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="copies stacked")
    parser.add_argument("--repeats", type=int, default=3, help="best of N (estimation timing)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="synthetic survey seed")
    parser.add_argument(
        "--kernel-max-scale",
        type=int,
        default=DEFAULT_KERNEL_MAX_SCALE,
        help="largest scale at which estimation is also timed in-process against the kernel",
    )
    parser.add_argument(
        "--folder", type=Path, default=None, help="keep the files here (default: a temp dir)"
    )
    parser.add_argument(
        "--chunk-rows",
        type=int,
        default=DEFAULT_CHUNK_ROWS,
        help="govindex run --chunk-rows (0: read the whole file into memory)",
    )
    arguments = parser.parse_args()
    if arguments.folder is not None:
        arguments.folder.mkdir(parents=True, exist_ok=True)
        results = run(
            arguments.scales,
            folder=arguments.folder,
            repeats=arguments.repeats,
            seed=arguments.seed,
            kernel_max_scale=arguments.kernel_max_scale,
            chunk_rows=arguments.chunk_rows or None,
        )
    else:
        with tempfile.TemporaryDirectory(prefix="govindex-scale-") as temporary:
            results = run(
                arguments.scales,
                folder=Path(temporary),
                repeats=arguments.repeats,
                seed=arguments.seed,
                kernel_max_scale=arguments.kernel_max_scale,
                chunk_rows=arguments.chunk_rows or None,
            )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
