"""schemathesis, driven by the service's own OpenAPI document, finds no server error.

Every API operation is called with generated bodies, headers and paths, with a valid device
key (so the checks behind authentication are reached) and with generated ones. Each answer
must be below 500, and every error must be the project's envelope. Run on the embedded
SQLite store (the same code paths as PostgreSQL above the store, which the other tests cover
on both backends).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from tests.feedback.conftest import QUANG_NINH, make_settings

from govindex.feedback.app import create_app
from govindex.feedback.store import open_store

DEVICE_KEY: list[str] = []


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('schema')) / 'feedback.db'}"
    store = open_store(url, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024))
    store.put_centre(QUANG_NINH)
    DEVICE_KEY.append(store.add_device(QUANG_NINH.agency_code, "kiosk")[1])
    app = create_app(make_settings(url), store)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    store.close()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.timeout(300)
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case) -> None:
    for headers in ({"X-API-Key": DEVICE_KEY[0]}, None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            response = case.call(headers=headers)
        where = f"{case.method} {case.formatted_path} {case.body!r:.200}"
        assert response.status_code < 500, (
            f"{where} → {response.status_code}: {response.text[:300]}"
        )
        if response.status_code >= 400:
            document = response.json()
            assert document["ok"] is False, where
            assert {"status", "type", "message"} <= set(document["error"]), where
