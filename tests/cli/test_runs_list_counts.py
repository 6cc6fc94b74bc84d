"""``govindex runs list`` counts every run's score rows, PAR and one-stop runs included
(they keep their scores in the run's score table only)."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from govindex.cli import app
from govindex.storage import RunStore


def test_every_instrument_run_counts_its_score_rows(demo_store: Path) -> None:
    listing = CliRunner().invoke(
        app, ["runs", "list", "--store", str(demo_store), "--format", "csv"]
    )
    assert listing.exit_code == 0, listing.output
    runs = pl.read_csv(io.StringIO(listing.stdout), schema_overrides={"years": pl.String})
    assert {"assessment", "records"} <= set(runs["kind"])
    with RunStore(demo_store, read_only=True) as store:
        for run_id, kind, rows, years in runs.select(
            "run_id", "kind", "score_rows", "years"
        ).iter_rows():
            table = store.read_table(run_id, "score_table")
            assert rows == table.height > 0, (kind, rows, table.height)
            expected = sorted({str(period)[:4] for period in table["period"]})
            assert str(years).split(",") == expected, (kind, years)
