"""Benchmark: ``govindex export-site`` as a user runs it, a fresh process per export.

Run ``python -m benchmarks.bench_export`` (``--help`` for the options). Each export writes
the site of a demo store (built once with ``govindex demo`` unless ``--store`` names one)
and is reported with its pages, wall seconds, pages per second and processor seconds (the
process and its workers). In the same run a bare interpreter's start-up is timed as the
baseline, so a loaded machine shows in the figures; the load average is printed too.

``--years``/``--langs`` limit the export (a partial site for a quick look); ``--workers``
takes a comma-separated list, so ``--workers 1,2`` times the same work both ways. The
figures are of this checkout's ``src``, whatever ``govindex`` is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_LAUNCH = "from govindex.cli import main; main()"


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(ROOT / "src")
    return environment


def _timed(arguments: Sequence[str]) -> tuple[float, float, str]:
    """Wall and processor seconds of one process (its children included), and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, *arguments],
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        msg = f"{' '.join(arguments[:4])} failed:\n{finished.stdout}\n{finished.stderr}"
        raise SystemExit(msg)
    processor = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, processor, finished.stdout


def export_once(
    store: Path, target: Path, workers: int, years: Sequence[int], languages: Sequence[str]
) -> dict[str, float]:
    """One export as a fresh process: pages, seconds, pages per second, processor seconds."""
    arguments = ["-c", _LAUNCH, "export-site", str(target), "--store", str(store)]
    arguments += ["--workers", str(workers)]
    for year in years:
        arguments += ["--year", str(year)]
    for language in languages:
        arguments += ["--lang", language]
    wall, processor, output = _timed(arguments)
    found = re.search(r"wrote (\d+) pages", output)
    pages = int(found.group(1)) if found else 0
    return {
        "workers": workers,
        "pages": pages,
        "seconds": round(wall, 2),
        "pages_per_second": round(pages / wall, 2),
        "processor_seconds": round(processor, 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="store to export (default: a fresh demo)")
    parser.add_argument("--workers", default="2", help="comma-separated worker counts to time")
    parser.add_argument("--repeats", type=int, default=1, help="exports per count (best kept)")
    parser.add_argument("--years", default="", help="comma-separated years (default: all)")
    parser.add_argument("--langs", default="", help="comma-separated languages (default: vi,en)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    years = [int(year) for year in options.years.split(",") if year.strip()]
    languages = [language for language in options.langs.split(",") if language.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        where = Path(scratch)
        store = options.store
        if store is None:
            store = where / "demo" / "runs.duckdb"
            demo = ["-c", _LAUNCH, "demo", "--no-serve", "--store", str(store)]
            _timed([*demo, "--out", str(store.parent)])
        baseline = min(_timed(["-c", "pass"])[0] for _ in range(3))
        results: list[dict[str, float]] = []
        for workers in (int(part) for part in options.workers.split(",")):
            runs = [
                export_once(store, where / f"site-{workers}", workers, years, languages)
                for _ in range(options.repeats)
            ]
            results.append(min(runs, key=lambda run: run["seconds"]))
    figures = {
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "baseline_python_start": round(baseline, 3),
        "exports": results,
    }
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"load average {figures['load_average']}; python start-up {baseline:.3f} s")
    for run in results:
        print(
            f"workers {run['workers']}: {run['pages']} pages in {run['seconds']:.1f} s "
            f"({run['pages_per_second']:.1f} pages/s), processor {run['processor_seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()
