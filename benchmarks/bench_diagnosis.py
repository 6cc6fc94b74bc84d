"""Benchmark: the stored diagnoses' producer, against the version it replaced.

Run ``python -m benchmarks.bench_diagnosis`` from the repository. The baseline is the
producer as it was at ``--baseline`` (a git revision, default ``7b0d7bf``, where each
province was diagnosed on its own, 819 times for the bundled record): its two modules are
read with ``git show`` and loaded beside today's, so both sides run in the same process on
the same record. Best of ``--repeats`` each:

* ``producer``: :func:`govindex.application.diagnosis_tables.diagnosis_tables` for every
  published year of the bundled record (what importing it computes), old and new, and
  whether every table is equal (frames compared exactly);
* ``import`` (end to end, best of ``--import-repeats``): storing the bundled record in a
  fresh store, with the old producer swapped in for the baseline side.

The ratio ``new / old`` is what counts; absolute times depend on the machine's load.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

_ROOT = Path(__file__).resolve().parents[1]
_DIAGNOSTICS = "src/govindex/analysis/diagnostics.py"
_TABLES = "src/govindex/application/diagnosis_tables.py"

Producer = Callable[..., dict[str, pl.DataFrame]]


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The shortest wall time of ``repeats`` calls of ``work``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__["__name__"] = name
    sys.modules[name] = module  # dataclasses look their module up while the code runs
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def baseline_producer(revision: str) -> Producer:
    """``diagnosis_tables`` as it was at ``revision``, using that revision's diagnoses."""

    def show(path: str) -> str:
        return subprocess.run(
            ["git", "show", f"{revision}:{path}"],
            cwd=_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    diagnostics = _module("_baseline_diagnostics", show(_DIAGNOSTICS))
    tables = _module("_baseline_diagnosis_tables", show(_TABLES))
    # The old producer imported the old per-province entry point by name.
    tables.__dict__["diagnose_provinces"] = diagnostics.diagnose_provinces
    producer: Producer = tables.diagnosis_tables
    return producer


def every_year(producer: Producer, record: pl.DataFrame) -> dict[int, dict[str, pl.DataFrame]]:
    """The producer's tables for every year of ``record``, as the import calls it."""
    from govindex.application.official_record import record_scores

    out = {}
    for year in sorted(record["year"].unique().to_list()):
        scores = record_scores(record.filter(pl.col("year") == year))
        provinces = sorted(str(name) for name in scores["province"].unique().to_list())
        out[int(year)] = producer(record, int(year), provinces)
    return out


def _import_seconds(producer: Producer, repeats: int) -> float:
    import govindex.application.official_record as official_record
    from govindex.storage import RunStore

    current: Any = official_record.diagnosis_tables
    official_record.diagnosis_tables = producer  # type: ignore[assignment]
    try:
        times = []
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as scratch:
                start = time.perf_counter()
                with RunStore(Path(scratch) / "store.duckdb") as store:
                    official_record.store_published_record(store)
                times.append(time.perf_counter() - start)
        return min(times)
    finally:
        official_record.diagnosis_tables = current


def main(argv: list[str] | None = None) -> None:
    """Time the diagnoses' producer against the baseline revision (see the module's text)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="7b0d7bf", help="git revision of the old producer")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--import-repeats", type=int, default=1, help="0 skips the import")
    options = parser.parse_args(argv)

    import govindex.application  # noqa: F401  (registers the store's producers)
    from govindex.application.diagnosis_tables import diagnosis_tables
    from govindex.official import bundled_data_dir, load_published_record

    record = load_published_record(bundled_data_dir())
    old = baseline_producer(options.baseline)
    old_tables, new_tables = every_year(old, record), every_year(diagnosis_tables, record)
    compared = 0
    for year, tables in new_tables.items():
        for name, frame in tables.items():
            assert_frame_equal(frame, old_tables[year][name], check_exact=True)
            compared += 1
    print(f"identical: {compared} tables of {len(new_tables)} years equal to {options.baseline}'s")

    old_time = best_of(options.repeats, lambda: every_year(old, record))
    new_time = best_of(options.repeats, lambda: every_year(diagnosis_tables, record))
    print(
        f"producer, every year (best of {options.repeats}): old {old_time:.3f} s, "
        f"new {new_time:.3f} s, new/old {new_time / old_time:.3f}"
    )
    if options.import_repeats > 0:
        old_import = _import_seconds(old, options.import_repeats)
        new_import = _import_seconds(diagnosis_tables, options.import_repeats)
        print(
            f"import of the bundled record (best of {options.import_repeats}): "
            f"old {old_import:.2f} s, new {new_import:.2f} s, new/old {new_import / old_import:.3f}"
        )


if __name__ == "__main__":
    main()
