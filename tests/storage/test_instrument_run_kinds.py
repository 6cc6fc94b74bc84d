"""Version 3 of the store: runs of every instrument in one store. An old store's runs keep
every field, and a PAR run (kind ``assessment``) is accepted after the upgrade and refused
nowhere else."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from govindex.assessment import list_par_runs, read_par_run, save_par_run
from govindex.assessment.pipeline import synthetic_par_run
from govindex.assessment.rubric_files import load_rubric
from govindex.errors import StorageError
from govindex.storage import RunStore

OLD_STORE = Path(__file__).parents[1] / "data" / "stores" / "base-ec474fd.duckdb.gz"


def test_an_old_store_keeps_its_runs_and_takes_a_par_run(tmp_path: Path) -> None:
    target = tmp_path / "old.duckdb"
    with gzip.open(OLD_STORE, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    with duckdb.connect(str(target), read_only=True) as connection:
        before = connection.execute("SELECT * FROM runs ORDER BY run_id").fetchall()
    run = synthetic_par_run(load_rubric(warn=False), ["Hà Nội", "Huế"], year=2024, seed=5)
    with RunStore(target) as store:
        after = store._rows("SELECT * FROM runs ORDER BY run_id", [])
        assert after == before  # every field of every run, as it was
        save_par_run(store, run.manifest, run.rows)
        assert list_par_runs(store)["run_id"].to_list() == [run.run_id]
        rows = read_par_run(store, run.run_id)
        assert rows.equals(run.rows.sort("unit", "code"))
        with pytest.raises(StorageError, match="never replaced"):
            save_par_run(store, run.manifest, run.rows)
        # The survey pages read `scores`: a PAR run adds nothing there.
        assert store.query_scores(run_id=run.run_id).height == 0


def test_the_kind_check_still_refuses_an_unknown_kind(tmp_path: Path) -> None:
    with (
        RunStore(tmp_path / "store.duckdb") as store,
        pytest.raises(duckdb.ConstraintException),
    ):
        store._connection.execute(
            "INSERT INTO runs VALUES ('x', 'guess', 's', 'd', '{}', '{}', NULL, 't', 's',"
            " NULL, false, 't')"
        )
