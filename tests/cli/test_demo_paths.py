"""Where `govindex demo` writes its files: beside the store unless --out says otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govindex.cli import app
from govindex.errors import GovIndexError


class _Stop(GovIndexError):
    """Raised in place of building the demo, once the folders are known."""


@pytest.fixture
def chosen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path | None, Path]]:
    # Only the paths are under test here; the build itself is tested in test_demo.py.
    import govindex.cli.demo as demo_module

    seen: list[tuple[Path | None, Path]] = []

    def record(store: Path | None, out: Path, seed: int) -> None:
        seen.append((store, out))
        msg = "stopped after choosing the folders"
        raise _Stop(msg)

    monkeypatch.setattr(demo_module, "build_demo", record)
    return seen


def test_files_go_beside_the_given_store(
    chosen: list[tuple[Path | None, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "stores" / "runs.duckdb"
    CliRunner().invoke(app, ["demo", "--no-serve", "--store", str(store)])
    assert chosen == [(store, tmp_path / "stores" / "govindex-demo")]
    assert not (tmp_path / "govindex-demo").exists()


def test_files_go_beside_the_default_store(
    chosen: list[tuple[Path | None, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVINDEX_STORE", str(tmp_path / "home" / "govindex.duckdb"))
    CliRunner().invoke(app, ["demo", "--no-serve"])
    assert chosen == [(None, tmp_path / "home" / "govindex-demo")]


def test_out_wins(chosen: list[tuple[Path | None, Path]], tmp_path: Path) -> None:
    CliRunner().invoke(app, ["demo", "--no-serve", "--out", str(tmp_path / "here")])
    assert chosen[0][1] == tmp_path / "here"
