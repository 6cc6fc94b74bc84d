"""Fixtures of the feedback tests: every storage test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.feedback.postgres_cluster import Cluster, remove_cluster, start_cluster

from govindex.feedback.store import Centre, FeedbackStore, open_store

SECRET = b"test-secret-0123456789abcdef"
_DATABASES = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the whole session."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        remove_cluster(cluster)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.db'}"
    cluster: Cluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"feedback_{next(_DATABASES)}")


QUANG_NINH = Centre(
    "000.00.22.H37",
    "22",
    "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
    "Quang Ninh Public Administration Service Centre",
    "Hạ Long, Quảng Ninh",
    "quang-ninh@1",
)
QUANG_NINH_2 = Centre(
    "000.00.22.H38",
    "22",
    "Bộ phận Một cửa TP Hạ Long",
    "Ha Long City one-stop desk",
    "Hạ Long",
    "quang-ninh@1",
)
HUE = Centre(
    "000.00.46.H57",
    "46",
    "Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế",
    "Thua Thien Hue Public Administration Service Centre",
    "Huế",
    "default@1",
)


@pytest.fixture
def store(database_url: str) -> Iterator[FeedbackStore]:
    """A migrated store with three centres in two provinces."""
    opened = open_store(database_url)
    for centre in (QUANG_NINH, QUANG_NINH_2, HUE):
        opened.put_centre(centre)
    yield opened
    opened.close()


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, hour, minute, tzinfo=datetime.UTC)
