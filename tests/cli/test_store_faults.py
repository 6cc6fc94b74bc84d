"""A store that is full, damaged, cut short, read-only or in use: one precise line, exit 1.

Each case makes the fault for real: random bytes, a file cut in half, a file size limit
(RLIMIT_FSIZE, which fails writes as a full disk does, without mounting anything), a
second process holding DuckDB's lock. Root ignores permission bits, so the read-only cases
use DuckDB's own read-only opening (what a read-only mount leaves) and check that the
commands that only read never write; the permission-denied message is covered at the level
of its errno in tests/storage/test_store_failures.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli.conftest import Invoke
from tests.cli.test_run import SPEC, survey_file  # noqa: F401  (the module's survey fixture)
from tests.storage.conftest import make_manifest, make_scores

from govindex.application.site import load_dashboard
from govindex.storage import RunStore

_CLI = "from govindex.cli import main; main()"


def _one_clean_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert "Traceback" not in output
    assert "internal error" not in output
    assert "bug" not in output
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, output
    return errors[0]


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A store file holding one small run."""
    path = tmp_path / "store.duckdb"
    with RunStore(path) as store:
        store.save_run(make_manifest(), make_scores({"Ha Noi": 60.0, "Hue": 55.5}))
    return path


def test_a_corrupt_store_is_named_damaged(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    path.write_bytes(os.urandom(300_000))
    result = invoke("runs", "list", "--store", path)
    assert result.exit_code == 1
    line = _one_clean_line(result.output)
    assert "is damaged or not a govindex store" in line
    assert str(path) in line


def test_a_truncated_store_is_named_truncated(invoke: Invoke, stored: Path) -> None:
    content = stored.read_bytes()
    stored.write_bytes(content[: len(content) // 2])
    result = invoke("runs", "list", "--store", stored)
    assert result.exit_code == 1
    assert "is truncated" in _one_clean_line(result.output)
    stored.write_bytes(content[:100])
    assert "is truncated" in _one_clean_line(invoke("runs", "list", "--store", stored).output)


@pytest.fixture
def holder(stored: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store open for writing (DuckDB's exclusive lock)."""
    process = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(stored)!r}); print('ready', flush=True);"
         " time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    yield process
    process.kill()
    process.wait()
    process.stdout.close()


def test_a_store_locked_by_another_process_names_it(
    invoke: Invoke, stored: Path, holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    for command in (("runs", "list"), ("runs", "show", make_manifest().run_id)):
        result = invoke(*command, "--store", stored)
        assert result.exit_code == 1
        line = _one_clean_line(result.output)
        assert f"is in use by process {holder.pid}" in line, line
    assert "--store" in invoke("runs", "list", "--store", stored).output  # the hint


def test_read_commands_open_the_store_read_only(
    invoke: Invoke, stored: Path, tmp_path: Path
) -> None:
    # A reader holding a read-only connection takes DuckDB's shared lock: another read-only
    # opening succeeds, a read-write one would fail. So these commands open read-only.
    reader = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(stored)!r}, read_only=True);"
         " print('ready', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "ready"
        before = stored.read_bytes()
        run_id = make_manifest().run_id
        for command in (
            ("runs", "list"),
            ("runs", "show", run_id),
            ("runs", "export", run_id, "--out", tmp_path / "export.csv"),
            ("store", "verify"),
            ("store", "backup", tmp_path / "backup.duckdb"),
            ("scores",),
        ):
            result = invoke(*command, "--store", stored)
            assert result.exit_code == 0, (command, result.output)
        # What `serve` and `export-site` read the store with.
        dashboard = load_dashboard(stored)
        assert dashboard.snapshot.datasets.height > 0
        assert stored.read_bytes() == before
    finally:
        reader.kill()
        reader.wait()
        if reader.stdout is not None:
            reader.stdout.close()


def test_a_missing_store_is_read_as_empty_without_creating_it(
    invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "nowhere" / "store.duckdb"
    result = invoke("runs", "list", "--store", path)
    assert result.exit_code == 0, result.output
    assert "holds no runs yet" in result.output
    assert not path.parent.exists()


def _limited_cli(limit: int) -> str:
    """The CLI, run after limiting the size of any file it writes to ``limit`` bytes.

    What a full disk does to a write, for this process only: EFBIG instead of ENOSPC
    (SIGXFSZ ignored, so the write fails rather than the process being killed).
    """
    return (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); {_CLI}"
    )


def test_a_full_disk_while_storing_is_one_line_and_stores_nothing(
    survey_file: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.duckdb"
    RunStore(store).close()
    # Room for every output file (scores.csv is about 220 kB), not for the run in the
    # store's write-ahead log (about 840 kB).
    limit = 400_000
    result = subprocess.run(
        [sys.executable, "-c", _limited_cli(limit), "run", str(SPEC), str(survey_file),
         "--out", str(tmp_path / "out"), "--store", str(store)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    line = _one_clean_line(result.stderr)
    assert "the disk is full (or a file size limit was reached); nothing was stored" in line
    assert str(store) in line
    assert not (tmp_path / "out").exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".out")] == []
    with RunStore(store, read_only=True) as opened:
        assert opened.list_runs() == ()
