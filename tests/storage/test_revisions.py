"""Storing a run with the derived tables of stored runs it makes stale: all or nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from govindex.errors import GovIndexError
from govindex.manifest import RunManifest
from govindex.storage import RunStore


def _run(year: int) -> tuple[RunManifest, pl.DataFrame]:
    manifest = RunManifest.create(
        kind="published",
        spec_hash="s",
        data_hash=str(year),
        parameters={"year": year},
        source="test",
    )
    scores = pl.DataFrame(
        {
            "year": [year],
            "province": ["A"],
            "level": ["total"],
            "code": ["total"],
            "estimate": [1.0],
        }
    )
    return manifest, scores


def test_revised_tables_are_replaced_with_their_checksums(tmp_path: Path) -> None:
    later, earlier = _run(2024), _run(2023)
    with RunStore(tmp_path / "store.duckdb") as store:
        store.save_run(*later, {"notes": pl.DataFrame({"note": ["nothing to compare with"]})})
        revised = pl.DataFrame({"note": ["compared with 2023", "second row"]})
        store.save_run(*earlier, revised={later[0].run_id: {"notes": revised}})
        assert store.read_table(later[0].run_id, "notes").equals(revised)
        assert store.run_tables(later[0].run_id)["notes"] == 2
        report = store.verify()
        assert report.passed
        assert any(check.run_id == later[0].run_id for check in report.checks)


def test_a_failed_revision_stores_nothing(tmp_path: Path) -> None:
    later, earlier = _run(2024), _run(2023)
    with RunStore(tmp_path / "store.duckdb") as store:
        store.save_run(*later, {"notes": pl.DataFrame({"note": ["old"]})})
        # A table the stored run does not have: the whole transaction is rolled back.
        revised = {"notes": pl.DataFrame({"note": ["new"]}), "absent": pl.DataFrame({"x": [1]})}
        with pytest.raises(GovIndexError):
            store.save_run(*earlier, revised={later[0].run_id: revised})
        assert not store.has_run(earlier[0].run_id)
        assert store.read_table(later[0].run_id, "notes")["note"].to_list() == ["old"]
        assert store.verify().passed
