"""The scorecard is a stored table: producers rewrite it in the transaction that stores
their run, readers only read it, and an older store gets it when it is upgraded."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from govindex.application import producers
from govindex.application.scorecard import province_scorecard
from govindex.assessment import save_par_run
from govindex.assessment.pipeline import synthetic_par_run
from govindex.assessment.rubric_files import load_rubric
from govindex.errors import StorageError
from govindex.storage import RunStore, scorecard_tables
from govindex.storage.migrate import apply_migrations, load_migrations
from govindex.views.scorecard import Scorecard

OLD_STORE = Path(__file__).parents[1] / "data" / "stores" / "base-ec474fd.duckdb.gz"
PROVINCES = ["Hà Nội", "Huế", "Quảng Ninh", "Đà Nẵng", "Cần Thơ", "Lào Cai"]


def _computed_par(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.filter(instrument="par", source_kind="computed")


def _no_computing(*_: object, **__: object) -> pl.DataFrame:
    msg = "the scorecard was computed while reading"
    raise AssertionError(msg)


def test_storing_a_run_rewrites_the_stored_scorecard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.duckdb"
    rubric = load_rubric(warn=False)
    first = synthetic_par_run(rubric, PROVINCES, year=2024, seed=5)
    with RunStore(path) as store:
        assert not _computed_par(store.scorecard()[0]).height
        save_par_run(store, first.manifest, first.rows)
        rows, _ = store.scorecard()
    stored = _computed_par(rows)
    assert sorted(stored["province_key"].to_list()) == sorted(
        ["hanoi", "hue", "quangninh", "danang", "cantho", "laocai"]
    )
    assert set(stored["run_id"]) == {first.run_id}
    assert stored["synthetic"].all()
    assert stored["group_label"].is_in(["A", "B", "C", "D", "E"]).all()
    # The run's own totals, as its score table holds them.
    with RunStore(path, read_only=True) as store:
        table = store.read_table(first.run_id, "score_table").filter(
            level="total", code="total", geography="province63"
        )
    expected = dict(zip(table["unit"], table["estimate"], strict=True))
    assert dict(zip(stored["province"], stored["estimate"], strict=True)) == expected

    # A newer run of the same period speaks for it as soon as it is stored.
    second = synthetic_par_run(rubric, PROVINCES, year=2024, seed=6)
    with RunStore(path) as store:
        save_par_run(store, second.manifest, second.rows)
    # Readers never compute: the page's, the command's and the report's reading works with
    # the computation switched off, and shows the second run.
    monkeypatch.setattr(producers, "scorecard_table", _no_computing)
    monkeypatch.setattr(producers, "agreement_table", _no_computing)
    reread = _computed_par(Scorecard.open(path).rows)
    assert set(reread["run_id"]) == {second.run_id}
    view = province_scorecard("Quang Ninh", 2024, path)
    assert view.table("scorecard").filter(source_kind="computed")["run_id"].to_list() == [
        second.run_id
    ]


def test_a_failed_rewrite_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = synthetic_par_run(load_rubric(warn=False), PROVINCES, year=2024, seed=5)
    with RunStore(tmp_path / "store.duckdb") as store:
        monkeypatch.setattr(producers, "agreement_table", _no_computing)
        with pytest.raises(StorageError, match="rolled back"):
            save_par_run(store, run.manifest, run.rows)
        assert not store.has_run(run.run_id)
        monkeypatch.undo()
        assert not _computed_par(store.scorecard()[0]).height


def test_an_old_store_is_upgraded_with_its_scorecard(tmp_path: Path) -> None:
    target = tmp_path / "old.duckdb"
    with gzip.open(OLD_STORE, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    with duckdb.connect(str(target), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    assert "scorecard" not in tables
    with RunStore(target) as store:
        rows, agreement = store.scorecard()
        published = {m.run_id for m in store.list_runs("published")}
        computed = {m.run_id for m in store.list_runs("microdata")}
        # What the upgrade stored is what a rewrite computes now.
        assert store.rewrite_scorecard() == (rows.height, agreement.height)
        assert store.scorecard()[0].equals(rows)
    quang_ninh = rows.filter(province_key="quangninh", instrument="papi", year=2024)
    official = quang_ninh.filter(source_kind="official")
    assert round(official["estimate"][0], 2) == 47.82
    assert set(official["run_id"]) <= published
    assert set(quang_ninh.filter(source_kind="computed")["run_id"]) <= computed
    assert set(rows["source_kind"]) == {"official", "computed", "reported"}


def test_the_scorecard_migration_applies_after_any_version_5() -> None:
    connection = duckdb.connect()
    through_4 = [item for item in load_migrations() if item.version <= 4]
    for migration in through_4:
        connection.execute(migration.sql)
    connection.execute("CREATE TABLE unrelated_version_5 (x INTEGER)")
    connection.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at VARCHAR NOT NULL)"
    )
    for version in (1, 2, 3, 4, 5):
        connection.execute("INSERT INTO schema_version VALUES (?, 'earlier', 't')", [version])
    assert apply_migrations(connection, "example") == load_migrations()[-1].version
    rows, agreement = scorecard_tables.read_scorecard(connection)
    assert set(rows["source_kind"]) == {"reported"}
    assert agreement.height == 0
