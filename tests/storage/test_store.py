"""The run store: one-transaction saves, immutability, reopening, queries and exports."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from govindex.errors import DataValidationError, RunNotFound, StorageError
from govindex.storage import SCORES_SCHEMA, RunStore, default_store_path
from govindex.storage.migrate import load_migrations

from .conftest import make_manifest, make_scores

SCORES = {"Ha Noi": 42.0, "Hue": 44.5, "Ca Mau": None}


def extra_tables() -> dict[str, pl.DataFrame]:
    return {
        "estimates": pl.DataFrame({"indicator": ["d101", "d102"], "estimate": [0.4, 0.7]}),
        "diagnostics": pl.DataFrame({"code": ["low_n"], "message": ["n < 100 in Ca Mau"]}),
    }


def test_saved_run_survives_reopening(store_path: Path) -> None:
    manifest = make_manifest()
    with RunStore(store_path) as store:
        store.save_run(manifest, make_scores(SCORES), extra_tables())
    with RunStore(store_path) as store:
        assert store.get_run(manifest.run_id) == manifest
        assert store.list_runs() == (manifest,)
        assert store.run_tables(manifest.run_id) == {"scores": 3, "diagnostics": 1, "estimates": 2}
        scores = store.query_scores(run_id=manifest.run_id)
        assert scores.schema == pl.Schema({**SCORES_SCHEMA, "synthetic": pl.Boolean()})
        withheld_row = scores.filter(pl.col("province") == "Ca Mau").row(0, named=True)
        assert (withheld_row["estimate"], withheld_row["withheld"]) == (None, True)
        assert not withheld_row["suppressed"]
        withheld = scores.filter(pl.col("withheld"))
        assert withheld["province"].to_list() == ["Ca Mau"]
        assert withheld["estimate"].to_list() == [None]
        assert store.read_table(manifest.run_id, "estimates")["estimate"].to_list() == [0.4, 0.7]


def test_schema_version_table_records_migrations(store: RunStore) -> None:
    assert store.schema_version == load_migrations()[-1].version >= 1
    rows = store._rows("SELECT version, name FROM schema_version ORDER BY version", [])
    assert rows[0] == (1, "initial")


def test_failed_save_leaves_no_partial_run(
    store: RunStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    original = RunStore._write_table

    def fail_on_second_table(
        self: RunStore, name: str, frame: pl.DataFrame, **options: Any
    ) -> None:
        if written:
            msg = "disk full"
            raise OSError(msg)
        written.append(name)
        original(self, name, frame, **options)

    monkeypatch.setattr(RunStore, "_write_table", fail_on_second_table)
    manifest = make_manifest()
    with pytest.raises(StorageError, match="could not be stored and was rolled back"):
        store.save_run(manifest, make_scores(SCORES), extra_tables())
    assert written == ["scores"]
    assert store.list_runs() == ()
    assert store.query_scores().height == 0
    assert store._rows("SELECT count(*) FROM run_tables", []) == [(0,)]
    extra = "SELECT count(*) FROM duckdb_tables() WHERE regexp_matches(table_name, '^run_[0-9a-f]{16}_')"
    assert store._rows(extra, []) == [(0,)]
    # The same run can be saved once the failure is gone.
    monkeypatch.undo()
    store.save_run(manifest, make_scores(SCORES), extra_tables())
    assert store.run_tables(manifest.run_id)["estimates"] == 2


def test_a_batch_rewrites_the_scorecard_once_and_commits_together(
    store: RunStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govindex.storage import store as store_module

    rewrites: list[int] = []
    original = store_module.rewrite_scorecard

    def counting(connection: Any) -> tuple[int, int]:
        rewrites.append(1)
        return original(connection)

    monkeypatch.setattr(store_module, "rewrite_scorecard", counting)
    manifests = [make_manifest(data_hash=f"data {n}") for n in range(3)]
    with store.batch():
        for manifest in manifests:
            store.save_run(manifest, make_scores(SCORES), extra_tables())
    assert len(rewrites) == 1
    assert {manifest.run_id for manifest in store.list_runs()} == {m.run_id for m in manifests}
    assert store.verify().passed
    store.save_run(make_manifest(data_hash="alone"), make_scores(SCORES))
    assert len(rewrites) == 2


def test_a_failed_run_rolls_the_whole_batch_back(
    store: RunStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = RunStore._write_table

    def fail_on_the_third_run(
        self: RunStore, name: str, frame: pl.DataFrame, **options: Any
    ) -> None:
        if name == "scores" and len(store._rows("SELECT run_id FROM runs", [])) == 3:
            msg = "disk full"
            raise OSError(msg)
        original(self, name, frame, **options)

    monkeypatch.setattr(RunStore, "_write_table", fail_on_the_third_run)
    manifests = [make_manifest(data_hash=f"data {n}") for n in range(3)]

    def store_all(*, swallow: bool) -> None:
        with store.batch():
            for manifest in manifests:
                try:
                    store.save_run(manifest, make_scores(SCORES), extra_tables())
                except StorageError:
                    if not swallow:
                        raise

    with pytest.raises(StorageError, match="could not be stored and was rolled back"):
        store_all(swallow=False)
    assert store.list_runs() == ()
    assert store._rows("SELECT count(*) FROM run_tables", []) == [(0,)]
    # A batch whose failure was caught inside it still commits nothing.
    with pytest.raises(StorageError, match="whole batch was rolled back"):
        store_all(swallow=True)
    assert store.list_runs() == ()
    monkeypatch.undo()
    store_all(swallow=False)
    assert len(store.list_runs()) == 3


def test_crash_mid_save_leaves_no_partial_run(store_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os
        from govindex.storage import RunStore
        from tests.storage.conftest import make_manifest, make_scores
        from tests.storage.test_store import SCORES, extra_tables

        original = RunStore._write_table
        calls = []

        def crash_on_second_table(self, name, frame, **options):
            if calls:
                os._exit(3)  # the process dies: no rollback, no close
            calls.append(name)
            original(self, name, frame, **options)

        RunStore._write_table = crash_on_second_table
        store = RunStore({str(store_path)!r})
        store.save_run(make_manifest(), make_scores(SCORES), extra_tables())
        """
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 3, result.stderr
    with RunStore(store_path) as store:
        assert store.list_runs() == ()
        assert store.query_scores().height == 0


def test_runs_are_immutable(store: RunStore) -> None:
    manifest = make_manifest()
    store.save_run(manifest, make_scores(SCORES))
    with pytest.raises(StorageError, match="already stored"):
        store.save_run(manifest, make_scores({"Ha Noi": 1.0}))
    assert not any(hasattr(store, name) for name in ("delete_run", "update_run", "replace_run"))
    assert store.query_scores()["estimate"].to_list() == [None, 42.0, 44.5]  # Ca Mau first


def test_correction_supersedes_the_old_run(store: RunStore) -> None:
    old = make_manifest()
    store.save_run(old, make_scores(SCORES))
    new = make_manifest(data_hash="corrected", supersedes=old.run_id)
    store.save_run(new, make_scores({**SCORES, "Hue": 44.0}))
    assert {manifest.run_id for manifest in store.list_runs()} == {old.run_id, new.run_id}
    current = store.query_scores()
    assert set(current["run_id"]) == {new.run_id}
    assert current.filter(pl.col("province") == "Hue")["estimate"].item() == 44.0
    assert (
        store.query_scores(run_id=old.run_id).filter(pl.col("province") == "Hue")["estimate"].item()
        == 44.5
    )
    overview = store.runs_overview().filter(pl.col("run_id") == old.run_id)
    assert overview["superseded_by"].item() == new.run_id


def test_correction_must_name_a_stored_run(store: RunStore) -> None:
    with pytest.raises(RunNotFound, match="not stored"):
        store.save_run(make_manifest(supersedes="0123456789abcdef"), make_scores(SCORES))


def test_query_filters(store: RunStore) -> None:
    store.save_run(make_manifest(), make_scores(SCORES, year=2023))
    store.save_run(make_manifest(data_hash="b", synthetic=True), make_scores(SCORES, year=2024))
    assert store.query_scores(year=2024).height == 3
    assert store.query_scores(year=2024)["synthetic"].all()
    assert store.query_scores(province="Hue")["year"].to_list() == [2023, 2024]
    assert store.query_scores(province=["Hue", "Ha Noi"], year=2023).height == 2
    assert store.query_scores(level="dimension").height == 0
    assert store.query_scores(source="published").height == 0
    assert store.query_scores(source="microdata").height == 6


def test_unknown_and_prefix_run_ids(store: RunStore) -> None:
    manifest = make_manifest()
    store.save_run(manifest, make_scores(SCORES))
    assert store.get_run(manifest.run_id[:6]).run_id == manifest.run_id
    with pytest.raises(RunNotFound, match="no stored run has id `nope`"):
        store.get_run("nope")
    with pytest.raises(RunNotFound):
        store.query_scores(run_id="ffffffffffffffff")
    with pytest.raises(RunNotFound, match="has no table `missing`"):
        store.read_table(manifest.run_id, "missing")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda frame: frame.drop("estimate"), "lacks columns"),
        (lambda frame: frame.with_columns(pl.lit("x").alias("colour")), "unknown columns"),
        (lambda frame: frame.with_columns(pl.lit("region").alias("level")), "column `level`"),
        (lambda frame: pl.concat([frame, frame]), "repeats"),
        (lambda frame: frame.with_columns(pl.lit(True).alias("withheld")), "withheld rows"),
        (lambda frame: frame.with_columns(pl.lit(None, pl.String).alias("province")), "null"),
    ],
)
def test_bad_scores_are_refused_before_writing(store: RunStore, change: Any, message: str) -> None:
    with pytest.raises(DataValidationError, match=message):
        store.save_run(make_manifest(), change(make_scores(SCORES)))
    assert store.list_runs() == ()


def test_bad_extra_table_name_is_refused(store: RunStore) -> None:
    with pytest.raises(DataValidationError, match="extra table name"):
        store.save_run(make_manifest(), make_scores(SCORES), {"Scores; DROP": pl.DataFrame()})


def test_export_formats_are_readable(store: RunStore, tmp_path: Path) -> None:
    manifest = make_manifest(synthetic=True)
    store.save_run(manifest, make_scores(SCORES), extra_tables())

    csv_files = store.export_run(manifest.run_id, tmp_path / "csv" / "run.csv", "csv")
    assert [path.name for path in csv_files] == [
        "run.csv",
        "run.diagnostics.csv",
        "run.estimates.csv",
        "run.manifest.json",
    ]
    scores = pl.read_csv(csv_files[0])
    assert scores.height == 3
    assert scores.filter(pl.col("withheld"))["estimate"].to_list() == [None]
    assert json.loads(csv_files[-1].read_text())["run_id"] == manifest.run_id

    parquet_files = store.export_run(manifest.run_id, tmp_path / "pq" / "run.parquet", "parquet")
    assert pl.read_parquet(parquet_files[0]).schema["estimate"] == pl.Float64
    assert pl.read_parquet(parquet_files[2])["indicator"].to_list() == ["d101", "d102"]

    (workbook_file,) = store.export_run(manifest.run_id, tmp_path / "run.xlsx", "xlsx")
    book = openpyxl.load_workbook(workbook_file, read_only=True)
    try:
        assert book.sheetnames == ["scores", "diagnostics", "estimates", "manifest"]
        manifest_rows = dict(book["manifest"].iter_rows(min_row=2, values_only=True))
        assert manifest_rows["run_id"] == manifest.run_id
        assert manifest_rows["synthetic"] is True
        assert manifest_rows["parameters.normaliser"] == "minmax"
        assert book["scores"].max_row == 4
    finally:
        book.close()


def test_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOVINDEX_STORE", str(tmp_path / "custom.duckdb"))
    assert default_store_path() == tmp_path / "custom.duckdb"
    monkeypatch.delenv("GOVINDEX_STORE")
    assert default_store_path() == Path.home() / ".local" / "share" / "govindex" / "govindex.duckdb"
