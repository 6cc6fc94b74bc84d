"""The docstring examples of ``src/govindex`` run as tests (``--doctest-modules``).

Only the package's own modules are read for examples: the helper modules and scripts of
``tests/`` and ``benchmarks/`` are not, and neither are Alembic's migration scripts (they
run only inside Alembic). Each example sees ``pl`` (polars) and runs from the repository
folder, so an example may name a shipped file such as ``specs/papi-2024.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from _pytest.doctest import DoctestItem, DoctestModule

ROOT = Path(__file__).resolve().parent
PACKAGE = ROOT / "src" / "govindex"


def _has_examples(path: Path) -> bool:
    """Whether ``path`` is a module of the package whose examples run as tests."""
    return path.is_relative_to(PACKAGE) and "migrations" not in path.relative_to(PACKAGE).parts


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Iterator[Any]:
    collected = yield
    if _has_examples(file_path):
        return collected
    return [item for item in collected if not isinstance(item, DoctestModule)]


@pytest.fixture(autouse=True)
def _examples_run_from_the_repository(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if isinstance(request.node, DoctestItem):
        monkeypatch.chdir(ROOT)


@pytest.fixture(autouse=True, scope="session")
def _example_names(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["pl"] = pl
