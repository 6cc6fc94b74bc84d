"""Start-up: commands are listed without importing them, and a quick command stays quick.

What a process imports is checked in a fresh interpreter (``sys.modules`` after the
command), since the test process itself has everything loaded already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from benchmarks.bench_cli import eight_row_file
from scipy import stats
from tests.cli.conftest import Invoke

from govindex.cli import app
from govindex.cli.commands import COMMANDS, load_command
from govindex.survey.intervals import critical_value

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("polars", "numpy", "scipy", "duckdb", "fastapi", "altair", "weasyprint", "pydantic")


def _modules_after(arguments: list[str], heavy: tuple[str, ...]) -> dict[str, object]:
    """Run ``govindex ARGUMENTS`` in a fresh interpreter; report the exit code and heavy imports."""
    script = (
        "import json, sys\n"
        "from govindex.cli import app\n"
        f"code = app({arguments!r}, standalone_mode=False)\n"
        f"loaded = sorted(m for m in {list(heavy)!r} if m in sys.modules)\n"
        "print(json.dumps({'code': code, 'loaded': loaded}))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_root_help_imports_no_command_module() -> None:
    found = _modules_after(["--help"], HEAVY)
    assert found == {"code": 0, "loaded": []}


def test_estimate_on_a_small_file_imports_neither_scipy_stats_nor_the_spec_models(
    data_folder: Path,
) -> None:
    arguments = ["estimate", str(data_folder / "apiclus1.csv"), "--weights", "pw"]
    arguments += ["--psu", "dnum", "--fpc", "fpc", "--var", "api00", "--format", "json"]
    unwanted = ("scipy.stats", "scipy.linalg", "scipy.sparse", "govindex.spec", "yaml", "duckdb")
    found = _modules_after(arguments, (*unwanted, "fastapi"))
    assert found == {"code": 0, "loaded": []}


#: Modules ``govindex estimate`` of a mean with Taylor variance does not need: calibration,
#: replication and quantiles are imported by the options that use them, scipy's distributions,
#: linear algebra and sparse matrices not at all, nor the spec models, the index, the store or
#: any layer that shows results (views, web, charts, reports).
NOT_FOR_A_MEAN = (
    "govindex.survey.calibration",
    "govindex.survey.regression_calibration",
    "govindex.survey.replication",
    "govindex.survey.quantiles",
    "govindex.survey.quantile_rules",
    "govindex.survey.cell_totals",
    "threadpoolctl",
    "govindex.survey.likelihood_interval",
    "scipy.stats",
    "scipy.linalg",
    "scipy.sparse",
    "govindex.spec",
    "govindex.index",
    "govindex.analysis",
    "govindex.storage",
    "govindex.views",
    "govindex.web",
    "govindex.charts",
    "govindex.reports",
    "yaml",
    "duckdb",
    "fastapi",
)


def test_estimate_on_the_eight_row_file_imports_only_what_a_mean_needs(tmp_path: Path) -> None:
    # The benchmark's file (bench_cli's ``estimate``), so this guards the figure it measures.
    data = eight_row_file(tmp_path / "eight-rows.csv")
    arguments = ["estimate", str(data), "--weights", "pw", "--psu", "dnum", "--var", "api00"]
    found = _modules_after([*arguments, "--format", "json"], NOT_FOR_A_MEAN)
    assert found == {"code": 0, "loaded": []}


def _console(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``govindex ARGUMENTS`` as the installed script does: a fresh process calling ``main``."""
    return subprocess.run(
        [sys.executable, "-c", "from govindex.cli import main; main()", *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=120,
        check=False,
    )


def test_the_console_entry_point_writes_the_whole_output(tmp_path: Path, invoke: Invoke) -> None:
    # ``main`` freezes the collector as the process ends; what it printed and wrote must be
    # complete and equal to the in-process answer.
    data = eight_row_file(tmp_path / "eight-rows.csv")
    arguments = ["estimate", str(data), "--weights", "pw", "--psu", "dnum", "--var", "api00"]
    arguments += ["--format", "json"]
    expected = invoke(*arguments)
    assert expected.exit_code == 0
    written = tmp_path / "estimates.json"
    to_file = _console([*arguments, "--output", str(written)])
    assert to_file.returncode == 0, to_file.stderr
    assert json.loads(written.read_text(encoding="utf-8")) == json.loads(expected.stdout)
    printed = _console(arguments)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == json.loads(expected.stdout)


def test_root_help_lists_every_command_with_its_summary(invoke: Invoke) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for entry in COMMANDS:
        assert f"{entry.name} {entry.summary}" in text


def test_help_shows_flags_without_a_value_placeholder(invoke: Invoke) -> None:
    for arguments in (["--help"], ["estimate", "--help"], ["runs", "--help"]):
        result = invoke(*arguments)
        assert result.exit_code == 0
        assert "<bool>" not in result.output
        assert "--help" in result.output
        assert "--install-completion" not in result.output


@pytest.mark.parametrize("entry", COMMANDS, ids=[entry.name for entry in COMMANDS])
def test_each_listed_summary_is_the_command_s_own_first_line(entry: object) -> None:
    from govindex.cli.commands import CommandEntry

    assert isinstance(entry, CommandEntry)
    command = load_command(entry)
    first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
    assert first_paragraph == entry.summary
    assert command.name == entry.name
    assert command.no_args_is_help == entry.no_args_is_help


def test_every_command_is_listed_once() -> None:
    import typer.main

    group = typer.main.get_command(app)
    names = [entry.name for entry in COMMANDS]
    assert len(set(names)) == len(names)
    assert list(group.list_commands(None)) == names  # type: ignore[attr-defined, arg-type]


def test_a_lazily_listed_command_runs_and_reports_usage_errors(invoke: Invoke) -> None:
    result = invoke("estimate", "--no-such-option")
    assert result.exit_code == 2
    assert "No such option" in result.output
    result = invoke("runs")  # a group with no arguments shows its own help
    assert "list" in result.output
    assert "export" in result.output


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_t_quantiles_from_scipy_special_equal_scipy_stats(level: float) -> None:
    df = np.array([1.0, 2.0, 2.5, 3.0, 7.0, 30.0, 188.0, 18_899.0, np.inf, 0.0, -1.0])
    upper = 1.0 - (1.0 - level) / 2.0
    expected = np.where(np.isinf(df), stats.norm.ppf(upper), stats.t.ppf(upper, df))
    expected = np.where(df > 0, expected, np.nan)
    np.testing.assert_allclose(critical_value(level, df), expected, rtol=1e-14, equal_nan=True)


def test_python_dash_m_govindex_runs_the_command_line() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "govindex", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("govindex ")
