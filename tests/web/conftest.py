"""Fixtures of the web tests: one run store per session (the official record and a small
SYNTHETIC run, see :mod:`tests.web.store_fixture`), its dashboard and a client of the app."""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest
from tests.web.store_fixture import build_test_store

from govindex.views import Dashboard
from govindex.web import create_app

with warnings.catch_warnings():
    # This starlette asks for the `httpx2` fork of httpx on import; the test client works
    # with httpx as installed, so the notice is not a failure here.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The store file and the id of its SYNTHETIC run (read-only for the tests)."""
    folder = tmp_path_factory.mktemp("web-store")
    path = folder / "store.duckdb"
    run_id = build_test_store(path)
    return path, run_id


@pytest.fixture(scope="session")
def synthetic_run(web_store: tuple[Path, str]) -> str:
    """The id of the SYNTHETIC microdata run."""
    return web_store[1]


@pytest.fixture(scope="session")
def dashboard(web_store: tuple[Path, str]) -> Dashboard:
    """The dashboard of the test store."""
    return Dashboard.open(web_store[0])


@pytest.fixture(scope="session")
def client(dashboard: Dashboard) -> TestClient:
    """A client of the app (answers are cached across tests, as in a running server)."""
    return TestClient(create_app(dashboard))


@pytest.fixture(scope="session")
def suppressed_cell(dashboard: Dashboard, synthetic_run: str) -> dict[str, str]:
    """One suppressed indicator cell of the SYNTHETIC run: province, level and code."""
    scores = dashboard.snapshot.scores
    row = (
        scores.filter((pl.col("run_id") == synthetic_run) & pl.col("suppressed"))
        .sort("code", "province")
        .row(0, named=True)
    )
    return {"province": row["province"], "level": row["level"], "code": row["code"]}
