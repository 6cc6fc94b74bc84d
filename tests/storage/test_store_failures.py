"""Store failures named by kind, read-only opening, and checksums that catch a changed table."""

from __future__ import annotations

import errno
from pathlib import Path

import duckdb
import pytest
from tests.storage.conftest import make_manifest, make_scores

from govindex.errors import StorageError
from govindex.storage import RunStore
from govindex.storage.failures import classify_failure, store_failure


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (errno.ENOSPC, "full"),
        (errno.EFBIG, "full"),
        (errno.EROFS, "read_only"),
        (errno.EACCES, "read_only"),
        (errno.EISDIR, "folder"),
    ],
)
def test_operating_system_errors_are_classified_by_errno(number: int, kind: str) -> None:
    assert classify_failure(OSError(number, "text that does not matter")) == kind


def test_a_permission_denied_store_says_it_is_read_only() -> None:
    # Root ignores permission bits, so the errno DuckDB would see is given directly.
    error = OSError(errno.EACCES, "Permission denied")
    failure = store_failure(error, "/srv/store.duckdb", "open")
    assert failure.message == "the run store /srv/store.duckdb is read-only here; could not open."
    assert "read-only store" in str(failure.hint)


def test_writing_to_a_store_opened_read_only_is_refused_clearly(store_path: Path) -> None:
    RunStore(store_path).close()
    with RunStore(store_path, read_only=True) as store:
        assert store.read_only
        with pytest.raises(StorageError, match="is opened read-only; could not store run"):
            store.save_run(make_manifest(), make_scores({"Ha Noi": 1.0}))


def test_a_duckdb_refusal_to_write_is_named_read_only(store_path: Path) -> None:
    RunStore(store_path).close()
    with (
        duckdb.connect(str(store_path), read_only=True) as connection,
        pytest.raises(duckdb.Error) as caught,
    ):
        connection.execute("INSERT INTO runs SELECT * FROM runs")
    assert classify_failure(caught.value) == "read_only"


def test_an_old_store_opened_read_only_says_how_to_upgrade(store_path: Path) -> None:
    with duckdb.connect(str(store_path)) as connection:
        connection.execute(
            "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR, "
            "applied_at VARCHAR)"
        )
        connection.execute("INSERT INTO schema_version VALUES (1, 'initial', 'then')")
    with pytest.raises(StorageError, match="older than this govindex uses") as caught:
        RunStore(store_path, read_only=True)
    assert "govindex store upgrade" in str(caught.value.hint)


def test_a_folder_given_as_the_store_is_named(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a folder; expected a DuckDB file"):
        RunStore(tmp_path)


def test_checksums_are_recorded_and_catch_a_changed_row(store_path: Path) -> None:
    manifest = make_manifest()
    with RunStore(store_path) as store:
        store.save_run(manifest, make_scores({"Ha Noi": 60.0, "Hue": 55.5}))
        report = store.verify()
    assert report.passed
    assert [(check.name, check.found_rows) for check in report.checks] == [("scores", 2)]
    with duckdb.connect(str(store_path)) as connection:
        connection.execute("UPDATE scores SET estimate = 60.000001 WHERE province = 'Ha Noi'")
    with RunStore(store_path, read_only=True) as store:
        report = store.verify()
    assert not report.passed
    assert [check.name for check in report.failures] == ["scores"]


def test_runs_stored_without_checksums_are_listed_not_failed(store_path: Path) -> None:
    with RunStore(store_path) as store:
        store.save_run(make_manifest(), make_scores({"Ha Noi": 60.0}))
    with duckdb.connect(str(store_path)) as connection:
        connection.execute("DELETE FROM table_checksums")  # as a store from before checksums
    with RunStore(store_path, read_only=True) as store:
        report = store.verify()
    assert report.passed
    assert report.unrecorded == (make_manifest().run_id,)
