"""A run store with one SYNTHETIC one-stop run scored by month and by quarter (the web and
browser tests of the one-stop pages read it)."""

from __future__ import annotations

from pathlib import Path

from govindex.application.instrument_runs import (
    OnestopDemoSize,
    store_onestop_run,
    write_synthetic_onestop,
)

ONESTOP_PERIODS = ("2025-01", "2025-02", "2025-03", "2025-Q1")


def build_onestop_store(folder: Path, *, with_record: bool = False) -> tuple[Path, str]:
    """Write the SYNTHETIC records and store their one-stop run: (store path, run id).

    ``with_record`` loads the official PAPI record too (the pages then switch between the
    instruments; `govindex serve` opens a store of the one-stop run alone as well)."""
    # A quarter of records (the demo writes a year): the periods above and no more.
    records = write_synthetic_onestop(folder / "records", OnestopDemoSize(months=3))
    store = folder / "store.duckdb"
    if with_record:
        from govindex.application.demo import ensure_published
        from govindex.storage import RunStore

        with RunStore(store) as opened:
            ensure_published(opened)
    run = store_onestop_run(records, store, list(ONESTOP_PERIODS), agencies=True)
    return store, run.run_id
