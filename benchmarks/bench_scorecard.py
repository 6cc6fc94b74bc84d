"""Benchmark: the stored scorecard, read by a page or command, against computing it.

Run ``python -m benchmarks.bench_scorecard --store FILE`` on a store holding runs (e.g. the
one ``govindex demo --no-serve --store FILE`` builds; without ``--store`` a demo store is
built first in a scratch folder). On a copy of the store, best of ``--repeats`` each, the
same run:

* ``read``: :meth:`Scorecard.open`, what the page, its JSON twin, ``govindex scorecard``
  and the PDF do now (open the store read-only, read the two stored tables), and
  ``load``, the reading alone on an open store;
* ``rewrite``: :meth:`RunStore.rewrite_scorecard`, the computation every producer now makes
  when it stores a run (and that opening a store made before the tables were stored),
  writing included;
* ``open + compute``: opening the store read-write and rewriting, the end-to-end cost that
  reading replaces.

The ratio ``rewrite / read`` says how much a reader saves; ``rewrite`` alone is what
storing one run now costs on top of storing it.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The shortest wall time of ``repeats`` calls of ``work``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    """Time reading the stored scorecard against computing it (see the module's text)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store with runs (default: build a demo)")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args(argv)

    from govindex.storage import RunStore
    from govindex.views.scorecard import Scorecard

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if options.store is None:
            from govindex.application.demo import build_demo

            source = build_demo(folder / "demo.duckdb", folder / "files").store_path
        else:
            source = options.store
        path = folder / "copy.duckdb"
        shutil.copy(source, path)

        def rewrite_in(store: RunStore) -> object:
            return store.rewrite_scorecard()

        def open_and_compute() -> object:
            with RunStore(path) as store:
                return store.rewrite_scorecard()

        read = best_of(options.repeats, lambda: Scorecard.open(path))
        with RunStore(path) as store:
            runs = len(store.list_runs())
            rows, pairs = store.rewrite_scorecard()
            rewrite = best_of(options.repeats, lambda: rewrite_in(store))
            load = best_of(options.repeats, lambda: Scorecard.load(store))
        end_to_end = best_of(options.repeats, open_and_compute)
    print(f"store: {runs} runs; scorecard {rows} rows, agreement {pairs} rows")
    print(f"read (Scorecard.open):           {read:.4f} s  (best of {options.repeats})")
    print(f"load (on an open store):         {load:.4f} s  (best of {options.repeats})")
    print(f"rewrite (compute and write):     {rewrite:.4f} s  (best of {options.repeats})")
    print(f"open + rewrite:                  {end_to_end:.4f} s  (best of {options.repeats})")
    print(f"rewrite / load: {rewrite / load:.1f}x; open + rewrite / read: {end_to_end / read:.1f}x")


if __name__ == "__main__":
    main()
