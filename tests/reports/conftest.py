"""Fixtures for the report tests: a store with the official record, and the demo store."""

from __future__ import annotations

from pathlib import Path

import pytest

from govindex.views import Dashboard


@pytest.fixture(scope="session")
def published_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run store holding only the official PAPI record 2011–2024 (built once, read-only)."""
    from govindex.application.demo import ensure_published
    from govindex.storage import RunStore

    path = tmp_path_factory.mktemp("reports") / "s.duckdb"
    with RunStore(path) as store:
        ensure_published(store)
    return path


@pytest.fixture(scope="session")
def published(published_store: Path) -> Dashboard:
    """The dashboard of the official record."""
    return Dashboard.open(published_store)


@pytest.fixture(scope="session")
def demo(demo_store: Path) -> Dashboard:
    """The dashboard of the demo store (official record and one SYNTHETIC 2024 run)."""
    return Dashboard.open(demo_store)


@pytest.fixture(scope="session")
def synthetic_run(demo: Dashboard) -> str:
    """The id of the demo store's SYNTHETIC run."""
    return str(demo.snapshot.datasets.filter("synthetic")["run_id"][0])
