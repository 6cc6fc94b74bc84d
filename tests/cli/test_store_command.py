"""``govindex store verify``, ``store backup`` and ``store upgrade``."""

from __future__ import annotations

from pathlib import Path

import duckdb
from tests.cli.conftest import Invoke
from tests.storage.conftest import make_manifest, make_scores

from govindex.storage import RunStore
from govindex.storage.migrate import load_migrations


def _store(path: Path) -> Path:
    with RunStore(path) as store:
        store.save_run(make_manifest(), make_scores({"Ha Noi": 60.0, "Hue": 55.5}))
        store.save_run(make_manifest(data_hash="other"), make_scores({"Ha Noi": 61.0}))
    return path


def test_verify_passes_then_names_a_changed_table(invoke: Invoke, tmp_path: Path) -> None:
    store = _store(tmp_path / "store.duckdb")
    result = invoke("store", "verify", "--store", store)
    assert result.exit_code == 0, result.output
    assert "checked 2 tables of 2 runs: all match." in result.output
    with duckdb.connect(str(store)) as connection:
        connection.execute("DELETE FROM scores WHERE province = 'Hue'")
    result = invoke("store", "verify", "--store", store)
    assert result.exit_code == 1
    run_id = make_manifest().run_id
    assert f"error: run {run_id}, table scores: stored with 2 rows" in result.output
    assert "now 1 rows" in result.output
    assert "Traceback" not in result.output


def test_verify_names_runs_stored_before_checksums(invoke: Invoke, tmp_path: Path) -> None:
    store = _store(tmp_path / "store.duckdb")
    with duckdb.connect(str(store)) as connection:
        connection.execute("DELETE FROM table_checksums")
    result = invoke("store", "verify", "--store", store)
    assert result.exit_code == 0, result.output
    assert "note: no checksums recorded for runs" in result.output
    assert make_manifest().run_id in result.output


def test_backup_is_a_verified_copy_and_never_overwrites(invoke: Invoke, tmp_path: Path) -> None:
    store = _store(tmp_path / "store.duckdb")
    copy = tmp_path / "backups" / "copy.duckdb"
    result = invoke("store", "backup", copy, "--store", store)
    assert result.exit_code == 0, result.output
    assert f"backup {copy}: 2 runs, opened and verified." in result.output
    with RunStore(copy, read_only=True) as backup, RunStore(store, read_only=True) as original:
        assert backup.list_runs() == original.list_runs()
        assert backup.query_scores().equals(original.query_scores())
        assert backup.verify().passed
    again = invoke("store", "backup", copy, "--store", store)
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_upgrade_brings_an_old_store_to_the_newest_schema(invoke: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    with duckdb.connect(str(store)) as connection:
        first = load_migrations()[0]
        connection.execute(first.sql)
        connection.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at VARCHAR NOT NULL)"
        )
        connection.execute("INSERT INTO schema_version VALUES (1, 'initial', 'then')")
    refused = invoke("runs", "list", "--store", store)
    assert refused.exit_code == 1
    assert "govindex store upgrade" in refused.output
    result = invoke("store", "upgrade", "--store", store)
    assert result.exit_code == 0, result.output
    newest = load_migrations()[-1].version
    assert f"upgraded from schema version 1 to {newest}" in result.output
    assert invoke("runs", "list", "--store", store).exit_code == 0
    assert "up to date" in invoke("store", "upgrade", "--store", store).output
