"""``govindex run`` killed with SIGKILL at each point between computing and finishing.

A real subprocess kills itself at a documented fault point (``GOVINDEX_FAULT_POINT``, see
govindex.application.run_folders); the next ``govindex run`` (here: a different folder)
must leave the killed run's folder and the store consistent, with no hidden staging left.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli.conftest import Invoke
from tests.cli.test_run import SPEC, survey_file  # noqa: F401  (the module's survey fixture)

from govindex.storage import RunStore

_CLI = "from govindex.cli import main; main()"


@pytest.fixture(scope="module")
def first_run(survey_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A folder with a store holding run A and A's output folder ``out``."""
    from typer.testing import CliRunner

    from govindex.cli import app

    folder = tmp_path_factory.mktemp("first")
    result = CliRunner().invoke(
        app,
        ["run", str(SPEC), str(survey_file), "--out", str(folder / "out"),
         "--store", str(folder / "store.duckdb")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder


def _manifest_id(folder: Path) -> str:
    return str(json.loads((folder / "manifest.json").read_text())["run_id"])


def _hidden(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


@pytest.mark.parametrize("point", ["staged", "stored", "moved-aside", "renamed"])
def test_a_kill_at_any_point_is_repaired_at_the_next_run(
    point: str,
    first_run: Path,
    survey_file: Path,  # noqa: F811
    tmp_path: Path,
    invoke: Invoke,
) -> None:
    shutil.copy(first_run / "store.duckdb", tmp_path / "store.duckdb")
    shutil.copytree(first_run / "out", tmp_path / "out")
    first_id = _manifest_id(tmp_path / "out")
    store = tmp_path / "store.duckdb"
    environment = {**os.environ, "GOVINDEX_FAULT_POINT": point}
    killed = subprocess.run(
        [sys.executable, "-c", _CLI, "run", str(SPEC), str(survey_file), "--out",
         str(tmp_path / "out"), "--store", str(store), "--level", "0.9"],
        env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with RunStore(store, read_only=True) as opened:
        second = [run.run_id for run in opened.list_runs() if run.run_id != first_id]
    # What the kill left, before any repair.
    if point == "staged":
        assert second == []
        assert _manifest_id(tmp_path / "out") == first_id
        assert _hidden(tmp_path)  # the dead process's staging folder
    elif point == "stored":
        assert len(second) == 1
        assert _manifest_id(tmp_path / "out") == first_id  # the old folder, not yet replaced
    elif point == "moved-aside":
        assert len(second) == 1
        assert not (tmp_path / "out").exists()
        assert ".out.previous" in _hidden(tmp_path)
    else:
        assert len(second) == 1
        assert _manifest_id(tmp_path / "out") == second[0]

    # The next run, of anything to anywhere, repairs what the kill left.
    again = invoke("run", SPEC, survey_file, "--out", tmp_path / "other", "--store", store)
    assert again.exit_code == 0, again.output
    assert _hidden(tmp_path) == []
    expected = first_id if point == "staged" else second[0]
    assert _manifest_id(tmp_path / "out") == expected
    with RunStore(store, read_only=True) as opened:
        assert opened.pending_folders() == ()
        assert opened.verify().passed
        stored_rows = opened.run_tables(expected)["details"]
    assert (tmp_path / "out" / "scores.csv").read_text().count("\n") == stored_rows + 1
