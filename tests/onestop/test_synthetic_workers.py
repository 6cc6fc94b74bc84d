"""``govindex onestop synth --workers``: provinces written side by side hold the same records
as one process writing them in turn, file by file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from govindex.cli import app
from govindex.onestop_engines.store import RecordStore


def _synth(out: Path, workers: int) -> str:
    result = CliRunner().invoke(
        app,
        [
            "onestop", "synth", "--out", str(out), "--dossiers", "6800", "--seed", "4",
            "--workers", str(workers),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def test_two_workers_write_the_same_records_as_one(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert _synth(one, 1) == _synth(two, 2).replace(str(two), str(one))
    files = sorted(path.relative_to(one) for path in one.rglob("*.parquet"))
    assert files == sorted(path.relative_to(two) for path in two.rglob("*.parquet"))
    # 34 provinces × 12 months × 4 tables, plus the catalogue, agencies and publications.
    assert len(files) == 34 * 12 * 4 + 3
    for name in files:
        left, right = pl.read_parquet(one / name), pl.read_parquet(two / name)
        assert left.height > 0 or "dossiers" not in str(name)
        assert left.equals(right), name
    store = RecordStore(two)
    assert store.metadata("ratings")["govindex.synthetic"].startswith("SYNTHETIC")
    assert "seed=4" in store.metadata("dossiers")["govindex.synthetic"]
