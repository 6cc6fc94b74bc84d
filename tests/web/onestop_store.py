"""A run store with one SYNTHETIC one-stop run scored by month and by quarter (the web and
browser tests of the one-stop pages read it)."""

from __future__ import annotations

from pathlib import Path

from govindex.application.instrument_runs import store_onestop_run, write_synthetic_onestop

ONESTOP_PERIODS = ("2025-01", "2025-02", "2025-03", "2025-Q1")


def build_onestop_store(folder: Path) -> tuple[Path, str]:
    """Write the SYNTHETIC records and store their one-stop run: (store path, run id)."""
    records = write_synthetic_onestop(folder / "records")
    store = folder / "store.duckdb"
    run = store_onestop_run(records, store, list(ONESTOP_PERIODS))
    return store, run.run_id
