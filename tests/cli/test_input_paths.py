"""A folder given where a spec or data file belongs: one clear line, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.conftest import Invoke

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("validate", SPEC, "{folder}"), "is a folder; expected a data file"),
        (("validate", "{folder}", "{data}"), "it is a folder; expected a YAML file"),
        (("run", "{folder}", "{data}", "--out", "{out}"), "is a folder; expected a spec file"),
        (("run", SPEC, "{folder}", "--out", "{out}"), "is a folder; expected a data file"),
        (("estimate", "{folder}", "--var", "x"), "is a folder; expected a data file"),
    ],
)
def test_a_folder_as_input_is_named(
    command: tuple[object, ...], expected: str, invoke: Invoke, tmp_path: Path
) -> None:
    folder = tmp_path / "survey.csv"  # a folder with a data file's name
    folder.mkdir()
    data = tmp_path / "data.csv"
    data.write_text("respondent_id,province\n1,Ha Noi\n")
    names = {"folder": folder, "data": data, "out": tmp_path / "out"}
    arguments = [str(part).format(**names) for part in command]
    result = (
        invoke(*arguments, "--store", tmp_path / "store.duckdb")
        if command[0] == "run"
        else invoke(*arguments)
    )
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "internal error" not in result.output
    assert "Traceback" not in result.output
