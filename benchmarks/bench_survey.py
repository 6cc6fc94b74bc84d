"""Benchmark: the PAPI workload (120 indicators × 63 provinces) under Taylor and JKn.

Run ``python -m benchmarks.bench_survey`` (add ``--no-r`` to skip timing R). It reports, in
one run and on the same synthetic data:

* govindex: design + all 120 indicator means by province, Taylor and JKn (189 replicates);
* a numpy lower bound: the bare work any such computation needs
  (Taylor: domain sums and PSU sums of w·y; JKn: per province, ``bincount`` PSU totals of
  w·y and w, then the jackknife replicate means and variance from those totals — the
  replicates of one province change only that province's weights, so a national
  replicates × respondents product would overstate the work);
* R survey (``Rscript``): ``svyby(~b001+…+o060, ~province, design, svymean,
  covmat = FALSE)`` on the same data — the same output as ours (means and their SEs, no
  covariance between provinces) — timed inside R with ``system.time`` (data loading
  excluded), best of the same N repeats as ours, for both designs.

Targets (issue): ≥ 10× faster than R, ≤ 3× the numpy lower bound.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.bench_scale import jackknife_kernel
from benchmarks.papi_workload import indicator_names, papi_shaped_survey
from govindex.survey import SurveyDesign, mean
from govindex.survey.arrays import indicator

R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
repeats <- as.integer(args[2])
vars <- grep("^[bo][0-9]+$", names(data), value = TRUE)
formula <- as.formula(paste("~", paste(vars, collapse = "+")))
# Best of `repeats`, as the Python side is timed; covmat = FALSE (svyby's default, made
# explicit) because the Python side does not compute covariances between provinces.
taylor <- Inf
jackknife <- Inf
for (i in seq_len(repeats)) {
  taylor <- min(taylor, system.time({
    design <- svydesign(id = ~district, strata = ~province, weights = ~weight, data = data, nest = TRUE)
    result <- svyby(formula, ~province, design, svymean, covmat = FALSE)
  })[["elapsed"]])
  jackknife <- min(jackknife, system.time({
    design <- svydesign(id = ~district, strata = ~province, weights = ~weight, data = data, nest = TRUE)
    replicated <- as.svrepdesign(design, type = "JKn")
    result_jk <- svyby(formula, ~province, replicated, svymean, covmat = FALSE)
  })[["elapsed"]])
}
check <- c(coef(result)[[1]], as.matrix(SE(result))[1, 1], as.matrix(SE(result_jk))[1, 1])
cat(sprintf("%.17g", c(taylor, jackknife, check)), "\n")
"""


def best_of(repeats: int, task: Callable[[], object]) -> float:
    """Fastest wall time of ``repeats`` runs, in seconds."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        timings.append(time.perf_counter() - start)
    return min(timings)


def run(repeats: int, with_r: bool, scale: int) -> dict[str, float]:
    frame = papi_shaped_survey(scale=scale)
    names = indicator_names(frame)
    from govindex.survey.replication import replicate_design

    def taylor() -> object:
        design = SurveyDesign.from_frame(
            frame, weights="weight", strata="province", psu="district", nest=True
        )
        return mean(design, names, by="province")

    def jackknife() -> object:
        design = SurveyDesign.from_frame(
            frame, weights="weight", strata="province", psu="district", nest=True
        )
        return mean(replicate_design(design, "jkn"), names, by="province")

    values = frame.select(names).to_numpy()
    weights = frame["weight"].to_numpy()
    province = frame["province"].to_numpy() - 1
    district = (province * 3 + frame["district"].to_numpy() - 1).astype(np.int64)
    by_province = indicator(province.astype(np.int64), 63)
    by_district = indicator(district, 189)
    jackknife_bound = jackknife_kernel(frame, names, weights, province.astype(np.int64), district)

    def taylor_bound() -> object:
        weighted = values * weights[:, None]
        return by_province @ weighted, by_district @ weighted, by_province @ weights

    results = {
        "rows": float(frame.height),
        "taylor_seconds": best_of(repeats, taylor),
        "taylor_lower_bound_seconds": best_of(repeats, taylor_bound),
        "jkn_seconds": best_of(repeats, jackknife),
        "jkn_lower_bound_seconds": best_of(repeats, jackknife_bound),
    }
    results["taylor_ratio_to_bound"] = (
        results["taylor_seconds"] / results["taylor_lower_bound_seconds"]
    )
    results["jkn_ratio_to_bound"] = results["jkn_seconds"] / results["jkn_lower_bound_seconds"]
    if with_r and shutil.which("Rscript"):
        with tempfile.TemporaryDirectory() as folder:
            data_path = Path(folder) / "papi.csv"
            script_path = Path(folder) / "bench.R"
            frame.write_csv(data_path)
            script_path.write_text(R_SCRIPT)
            output = subprocess.run(
                ["Rscript", str(script_path), str(data_path), str(repeats)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
        r_taylor, r_jackknife, r_estimate, r_se, r_se_jk = (float(value) for value in output)
        ours = taylor()
        ours_jk = jackknife()
        results["r_repeats"] = float(repeats)
        results["r_taylor_seconds"] = r_taylor
        results["r_jkn_seconds"] = r_jackknife
        results["speedup_taylor_vs_r"] = r_taylor / results["taylor_seconds"]
        results["speedup_jkn_vs_r"] = r_jackknife / results["jkn_seconds"]
        results["check_relative_difference"] = max(
            abs(ours.estimate[0] / r_estimate - 1),  # type: ignore[attr-defined]
            abs(ours.se[0] / r_se - 1),  # type: ignore[attr-defined]
            abs(ours_jk.se[0] / r_se_jk - 1),  # type: ignore[attr-defined]
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-r", action="store_true", help="skip timing R survey")
    parser.add_argument("--scale", type=int, default=1, help="respondents per village × 25")
    arguments = parser.parse_args()
    results = run(arguments.repeats, not arguments.no_r, arguments.scale)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
