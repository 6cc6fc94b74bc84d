"""Shipped specs come from govindex's package data, never from the current folder; a bare
name is a shipped spec and a path is a path."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govindex.cli import app
from govindex.errors import SpecError
from govindex.spec import load_spec
from govindex.spec.bundled import bundled_spec_names, default_spec_path, resolve_spec

_IMPOSTOR = "spec_version: '1'\nindex: {code: IMPOSTOR}\n"


@pytest.fixture
def impostors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with files named like the shipped specs, in it and in specs/."""
    (tmp_path / "specs").mkdir()
    for name in ("papi-2024.yaml", "sipas-2024.yaml"):
        (tmp_path / name).write_text(_IMPOSTOR, encoding="utf-8")
        (tmp_path / "specs" / name).write_text(_IMPOSTOR, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_shipped_spec_is_not_taken_from_the_current_folder(impostors: Path) -> None:
    for instrument in ("papi", "sipas"):
        path = default_spec_path(2024, instrument)
        assert not path.is_relative_to(impostors)
        assert "IMPOSTOR" not in path.read_text(encoding="utf-8")
        assert resolve_spec(f"{instrument}-2024") == path
        assert resolve_spec(f"{instrument}-2024.yaml") == path
    assert load_spec(resolve_spec("papi-2024.yaml")).index.code == "PAPI"


def test_a_path_is_a_path(impostors: Path) -> None:
    assert resolve_spec("./papi-2024.yaml").resolve() == impostors / "papi-2024.yaml"
    assert resolve_spec("specs/papi-2024.yaml").resolve() == impostors / "specs" / "papi-2024.yaml"
    absolute = impostors / "papi-2024.yaml"
    assert resolve_spec(absolute) == absolute


def test_an_unknown_bare_name_says_how_to_name_a_local_file(impostors: Path) -> None:
    (impostors / "mine.yaml").write_text(_IMPOSTOR, encoding="utf-8")
    with pytest.raises(SpecError, match=r"no shipped spec named `mine.yaml`.*write \./mine.yaml"):
        resolve_spec("mine.yaml")
    assert set(bundled_spec_names()) >= {"papi-2024", "sipas-2024"}


def test_the_command_line_reads_the_shipped_spec_by_name(impostors: Path) -> None:
    runner = CliRunner()
    # The shipped spec loads; the command then stops at the missing data file.
    shipped = runner.invoke(app, ["validate", "papi-2024.yaml", "no-data.csv"])
    assert shipped.exit_code != 0
    assert "no-data.csv" in shipped.output
    assert "IMPOSTOR" not in shipped.output
    assert "Traceback" not in shipped.output
    # The local file is read when named as a path (and refused: it is no valid spec).
    local = runner.invoke(app, ["validate", "./papi-2024.yaml", "no-data.csv"])
    assert local.exit_code != 0
    assert "papi-2024.yaml" in local.output
    assert "no-data.csv" not in local.output
    unknown = runner.invoke(app, ["validate", "mine.yaml", "no-data.csv"])
    assert unknown.exit_code != 0
    assert "no shipped spec named `mine.yaml`" in unknown.output
    assert "Traceback" not in unknown.output
