"""Benchmark: the ``govindex`` commands as a user runs them, each a fresh process.

Run ``python -m benchmarks.bench_cli`` (``--help`` for the options). Every figure is the best
wall time of ``--repeats`` runs of a whole process, start-up included, and is reported
beside the start-up of a bare interpreter (``python -c pass``) measured in the same run, so
a loaded machine shows up in the baseline too:

* ``help``: ``govindex --help`` (cold start: nothing but the command list);
* ``estimate``: ``govindex estimate`` on an 8-row CSV (4 PSUs of R's ``apiclus1``);
* ``synth``: ``govindex synth --year 2024`` (a SYNTHETIC survey of ~19,000 respondents);
* ``run``: ``govindex run`` on that survey, end to end (JKn, stored in a fresh store);
* ``report``: ``govindex report "Hà Nội" --pdf`` from a store holding the official record;
* ``demo``: ``govindex demo --no-serve`` into a fresh store;
* ``export-site``: ``govindex export-site`` of the whole site (not in the default list: it
  takes minutes; name it with ``--commands``).

Commands run with this interpreter and ``PYTHONPATH`` pointing at this checkout's ``src``,
so the figures are of this tree, not of whatever ``govindex`` is installed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "papi-2024.yaml"
APICLUS1 = ROOT / "tests" / "reference" / "survey" / "data" / "apiclus1.csv"
DEFAULT_COMMANDS = ("help", "estimate", "synth", "run", "report", "demo")
ALL_COMMANDS = (*DEFAULT_COMMANDS, "export-site")
_LAUNCH = "from govindex.cli import main; main()"


def eight_row_file(target: Path) -> Path:
    """Write 8 rows of R's ``apiclus1`` (two from each of four districts) as CSV."""
    with APICLUS1.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    districts = list(dict.fromkeys(row["dnum"] for row in rows))[:4]
    chosen: list[dict[str, str]] = []
    for district in districts:
        chosen += [row for row in rows if row["dnum"] == district][:2]
    with target.open("w", encoding="utf-8", newline="") as output:
        writer = csv.DictWriter(output, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)
    return target


class Runner:
    """Runs commands as processes in one scratch folder and times them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.environment = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "GOVINDEX_CACHE_DIR": str(folder / "cache"),
        }
        self.environment.pop("GOVINDEX_STORE", None)
        self.cpu = 0.0
        self.best_cpu = 0.0

    def once(self, arguments: Sequence[str], *, govindex: bool = True) -> float:
        """Wall time of one process; a failing command stops the benchmark with its output.

        The process's CPU time is kept in :attr:`cpu` (the last run's).
        """
        command = [sys.executable, "-c", _LAUNCH, *arguments] if govindex else list(arguments)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        completed = subprocess.run(
            command,
            cwd=self.folder,
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if completed.returncode != 0:
            msg = (
                f"{' '.join(arguments)} failed ({completed.returncode}): {completed.stderr[-2000:]}"
            )
            raise RuntimeError(msg)
        return elapsed

    def best(self, repeats: int, arguments: Sequence[str], *, govindex: bool = True) -> float:
        """Best wall time of ``repeats`` runs; the least CPU time goes to :attr:`best_cpu`."""
        walls, cpus = [], []
        for _ in range(repeats):
            walls.append(self.once(arguments, govindex=govindex))
            cpus.append(self.cpu)
        self.best_cpu = min(cpus)
        return min(walls)


def run(
    repeats: int = 3,
    commands: Sequence[str] = DEFAULT_COMMANDS,
    folder: Path | None = None,
) -> dict[str, float]:
    """Time the commands; return seconds per command and each one's excess over start-up.

    ``folder`` keeps the scratch files (survey, stores, PDF) for a look afterwards.
    """
    unknown = sorted(set(commands) - set(ALL_COMMANDS))
    if unknown:
        msg = f"unknown command(s) {unknown}; choose from {list(ALL_COMMANDS)}"
        raise ValueError(msg)
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        runner = Runner(where)
        results: dict[str, float] = {"repeats": float(repeats)}
        results["baseline_python_start"] = runner.best(
            repeats, [sys.executable, "-c", "pass"], govindex=False
        )
        results["baseline_python_start_cpu"] = runner.best_cpu
        survey = where / "survey-2024.parquet"
        store = where / "runs.duckdb"
        for name in commands:
            runner.best_cpu = 0.0
            results[name] = _time_command(runner, name, repeats, survey, store)
            results[f"{name}_cpu"] = runner.best_cpu or runner.cpu
        for name in commands:
            results[f"{name}_over_baseline"] = results[name] - results["baseline_python_start"]
        return results


def _time_command(runner: Runner, name: str, repeats: int, survey: Path, store: Path) -> float:
    where = runner.folder
    if name == "help":
        return runner.best(repeats, ["--help"])
    if name == "estimate":
        data = eight_row_file(where / "eight-rows.csv")
        arguments = ["estimate", str(data), "--weights", "pw", "--psu", "dnum", "--var", "api00"]
        return runner.best(repeats, arguments)
    if name == "synth":
        return runner.best(
            repeats, ["synth", "--year", "2024", "--seed", "1", "--out", str(survey)]
        )
    if not survey.exists() and name == "run":
        runner.once(["synth", "--year", "2024", "--seed", "1", "--out", str(survey)])
    if name == "run":
        times = []
        for attempt in range(repeats):
            fresh = where / f"run-store-{attempt}.duckdb"
            arguments = ["run", str(SPEC), str(survey), "--out", str(where / f"run-{attempt}")]
            times.append(runner.once([*arguments, "--store", str(fresh)]))
        return min(times)
    if name == "report":
        pdf = where / "profile.pdf"
        return runner.best(
            repeats,
            ["report", "Hà Nội", "--year", "2024", "--pdf", str(pdf), "--store", str(store)],
        )
    if name == "demo":
        times = []
        for attempt in range(repeats):
            fresh = where / f"demo-{attempt}"
            arguments = ["demo", "--no-serve", "--store", str(fresh / "runs.duckdb")]
            times.append(runner.once([*arguments, "--out", str(fresh / "files")]))
        return min(times)
    # export-site: the whole site, from a demo store built once (not timed here).
    demo_store = where / "export-demo" / "runs.duckdb"
    if not demo_store.exists():
        runner.once(
            ["demo", "--no-serve", "--store", str(demo_store), "--out", str(demo_store.parent)]
        )
    return runner.best(repeats, ["export-site", str(where / "site"), "--store", str(demo_store)])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per command (best is kept)")
    parser.add_argument(
        "--commands",
        default=",".join(DEFAULT_COMMANDS),
        help=f"comma-separated, from {','.join(ALL_COMMANDS)}",
    )
    parser.add_argument("--keep", type=Path, help="keep the scratch files in this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    chosen = [name.strip() for name in options.commands.split(",") if name.strip()]
    results = run(options.repeats, chosen, options.keep)
    if options.json:
        print(json.dumps(results, indent=2))
        return
    baseline = results["baseline_python_start"]
    print(
        f"best of {options.repeats}; `python -c pass` start-up: {baseline:.3f} s wall, "
        f"{results['baseline_python_start_cpu']:.3f} s CPU; load average {os.getloadavg()[0]:.1f}"
    )
    for name in chosen:
        seconds = results[name]
        print(
            f"  {name:<12} {seconds:8.3f} s wall ({seconds - baseline:+.3f} s over start-up), "
            f"{results[f'{name}_cpu']:.3f} s CPU"
        )


if __name__ == "__main__":
    main()
