"""schemathesis, driven by the app's own OpenAPI document, finds no server error.

Every documented operation (pages, JSON twins, CSV and XLSX downloads) is called with
generated parameters: valid years, levels and languages, and nonsense ones. Each answer
must be below 500, and every error answer to a JSON path must be the one error envelope.
"""

from __future__ import annotations

import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from govindex.views import Dashboard
from govindex.web import create_app


@pytest.fixture(scope="session")
def api_schema(dashboard: Dashboard) -> schemathesis.BaseSchema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schemathesis.openapi.from_asgi("/openapi.json", create_app(dashboard))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.timeout(600)
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        response = case.call()
    where = f"{case.method} {case.formatted_path} {case.query}"
    assert response.status_code < 500, f"{where} → {response.status_code}: {response.text[:300]}"
    if response.status_code >= 400 and case.path.endswith(".json"):
        document = response.json()
        assert document["ok"] is False, where
        assert {"status", "type", "message"} <= set(document["error"]), where
