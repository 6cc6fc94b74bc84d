"""Fixtures of the feedback tests: every storage test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime
import itertools
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from govindex.feedback.app import create_app
from govindex.feedback.local_servers import Cluster, remove_cluster, start_cluster
from govindex.feedback.roles import Role, StaffUser
from govindex.feedback.rules import AntiAbusePolicy
from govindex.feedback.settings import FeedbackSettings
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
    # A cheap argon2 cost keeps the tests quick; the service uses argon2-cffi's default.
    opened = open_store(database_url, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024))
    for centre in (QUANG_NINH, QUANG_NINH_2, HUE):
        opened.put_centre(centre)
    yield opened
    opened.close()


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, hour, minute, tzinfo=datetime.UTC)


with warnings.catch_warnings():
    # This starlette asks for the `httpx2` fork of httpx on import; the test client works
    # with httpx as installed, so the notice is not a failure here.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def make_settings(database_url: str, **changes: object) -> FeedbackSettings:
    policy = AntiAbusePolicy(
        min_seconds=0.0,
        per_device_per_minute=10,
        per_service_point_per_minute=1000,
        per_api_key_per_minute=1000,
    )
    values: dict[str, object] = {"policy": policy, "secure_cookies": False, **changes}
    return FeedbackSettings(database_url, SECRET, **values)  # type: ignore[arg-type]


@pytest.fixture
def client(store: FeedbackStore, database_url: str) -> Iterator[TestClient]:
    """A client of the app over the three-centre store, with three staff accounts."""
    store.add_user(StaffUser("admin", Role.ADMINISTRATOR), "admin-password-1")
    store.add_user(StaffUser("qn", Role.PROVINCE_MANAGER, "22"), "province-password-1")
    store.add_user(
        StaffUser("lan", Role.CENTRE_MANAGER, "22", QUANG_NINH.agency_code), "centre-password-1"
    )
    store.add_user(StaffUser("hue", Role.CENTRE_MANAGER, "46", HUE.agency_code), "hue-password-01")
    app = create_app(make_settings(database_url), store)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def sign_in(client: TestClient, username: str, password: str) -> str:
    """Sign ``username`` in; the session's CSRF token."""
    page = client.get("/staff/sign-in")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    answer = client.post(
        "/staff/sign-in",
        data={"username": username, "password": password, "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    home = client.get("/staff")
    token = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert token is not None
    return token.group(1)
