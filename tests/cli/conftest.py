"""Fixtures for the command-line tests: run ``govindex`` in-process and find the R data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from govindex.cli import app

DATA = Path(__file__).parent.parent / "reference" / "survey" / "data"

Invoke = Callable[..., Result]


@pytest.fixture
def data_folder() -> Path:
    """The R ``api``/``lone`` data sets as exported by ``tests/reference/survey/export_data.R``."""
    return DATA


@pytest.fixture
def invoke() -> Invoke:
    """Run ``govindex ARGS...`` in-process; paths are passed as ``str``."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(app, [str(arg) for arg in args])

    return run
