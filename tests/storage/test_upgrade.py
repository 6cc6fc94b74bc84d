"""A store written by the previous version opens and is upgraded in place: one code scheme,
one vocabulary, and a score table for every run; the dashboard then serves it."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import polars as pl
import pytest

import govindex.application  # noqa: F401  (registers the producers an upgrade asks for)
from govindex.scores import ScoreTable
from govindex.storage import RunStore
from govindex.storage.migrate import load_migrations
from govindex.views import Dashboard

OLD_STORE = Path(__file__).parents[1] / "data" / "stores" / "base-ec474fd.duckdb.gz"


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("upgrade") / "old.duckdb"
    with gzip.open(OLD_STORE, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    return target


def test_the_old_store_is_upgraded_in_place(upgraded: Path) -> None:
    import duckdb

    with duckdb.connect(str(upgraded), read_only=True) as connection:
        before = connection.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
        old_codes = connection.execute(
            "SELECT DISTINCT code FROM scores WHERE level = 'dimension' ORDER BY code"
        ).fetchall()
    assert before == 1
    assert ("D3",) in old_codes
    with RunStore(upgraded) as store:
        assert store.schema_version == load_migrations()[-1].version
        manifests = store.list_runs()
        assert {m.kind for m in manifests} == {"published", "microdata"}
        codes = set(store.query_scores(level="dimension")["code"].to_list())
        assert codes == {str(number) for number in range(1, 9)}
        published = next(m for m in manifests if m.kind == "published")
        record = store.read_table(published.run_id, "official_record")
        assert "estimate" in record.columns
        assert "value" not in record.columns
        assert "standard_error" not in record["statistic"].to_list()
        for manifest in manifests:
            table = ScoreTable.from_frame(store.read_table(manifest.run_id, "score_table")).frame
            assert table.height == store.query_scores(run_id=manifest.run_id).height
        groups = store.read_table(published.run_id, "score_table").filter(level="total")
        assert set(groups["group"].drop_nulls().to_list()) == {1, 2, 3, 4}
        microdata = next(m for m in manifests if m.kind == "microdata")
        national = store.read_table(microdata.run_id, "national")
        assert not national.filter(pl.col("code").str.starts_with("D")).height
        synthetic = store.read_table(microdata.run_id, "score_table")
        assert synthetic["synthetic"].all()
        assert synthetic["df"].drop_nulls().len() > 0
    # Opening again changes nothing (the upgrade ran once).
    with RunStore(upgraded) as store:
        assert store.schema_version == load_migrations()[-1].version
        assert set(store.run_tables(published.run_id)) == {
            "scores",
            "official_record",
            "score_table",
            "units_2025",
            "diagnosis_changes",
            "diagnosis_priorities",
            "diagnosis_notes",
        }
        # What the pages publish was worked out by the upgrade, for every PAPI run.
        for manifest in manifests:
            units = store.read_table(manifest.run_id, "units_2025")
            years = set(store.query_scores(run_id=manifest.run_id)["year"].to_list())
            assert set(units["year"].to_list()) == years
            totals = units.filter(level="total")
            assert totals["province"].n_unique() == 34
            assert totals["derived"].all()
        # ... and every province's diagnosis in each published year (neither 2021 nor 2023 has
        # the year before it in this store; 2024 compares with 2023 and the 2021 baseline).
        by_year = {int(m.parameters["year"]): m.run_id for m in manifests if m.kind == "published"}
        notes = store.read_table(by_year[2024], "diagnosis_notes")
        assert notes.height == store.query_scores(run_id=by_year[2024])["province"].n_unique()
        assert set(notes["previous_year"].to_list()) == {2023}
        changes = store.read_table(by_year[2024], "diagnosis_changes")
        assert changes.filter(province="Ha Noi", level="total")["previous_change"].len() == 1
        earliest = store.read_table(by_year[2021], "diagnosis_notes")
        assert earliest["note"].str.starts_with("no published year before 2021").all()
        assert store.verify().passed


def test_the_dashboard_serves_the_upgraded_store(upgraded: Path) -> None:
    with RunStore(upgraded):
        pass
    dashboard = Dashboard.open(upgraded)
    synthetic = str(dashboard.snapshot.datasets.filter("synthetic")["run_id"][0])
    overview = dashboard.overview(run_id=synthetic, level="dimension", code="3")
    assert overview.table("ranking").height == 63
    page = dashboard.profile("Quảng Ninh", year=2024)
    assert page.meta["comparison_possible"] is False
    assert dashboard.profile("Hà Nội", year=2024).table("changes").height > 0
    units = dashboard.overview(year=2024, geography="34").table("ranking")
    assert units.height == 34
    assert units["derived"].all()


def test_an_upgrade_whose_producers_fail_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from govindex.storage import producers

    class Failing:
        def published_groups(self, *_: object) -> pl.DataFrame:
            msg = "no groups here"
            raise RuntimeError(msg)

        def run_tables(self, *_: object) -> dict[str, pl.DataFrame]:
            msg = "no tables here"
            raise RuntimeError(msg)

        def scorecard_tables(self, *_: object) -> tuple[pl.DataFrame, pl.DataFrame]:
            msg = "no scorecard here"
            raise RuntimeError(msg)

    target = tmp_path / "old.duckdb"
    with gzip.open(OLD_STORE, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    monkeypatch.setattr(producers, "_REGISTERED", [Failing()])
    with pytest.raises(RuntimeError, match="no groups here"):
        RunStore(target)
    # Nothing was half done, and the refused store was closed: it is still at its old
    # version and can be opened at once.
    with duckdb.connect(str(target), read_only=True) as connection:
        assert connection.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] == 1
    # Where no producers were registered (a program that uses the store alone), the
    # application's own are loaded by name and the upgrade completes.
    monkeypatch.setattr(producers, "_REGISTERED", [])
    with RunStore(target) as store:
        assert store.schema_version == max(item.version for item in load_migrations())
        published = store.list_runs("published")
        assert "units_2025" in store.run_tables(published[0].run_id)
