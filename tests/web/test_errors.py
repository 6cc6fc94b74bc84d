"""Every failure answers with the one error envelope (JSON) or a page showing it (HTML)."""

from __future__ import annotations

import warnings

import pytest

from govindex.views import Dashboard
from govindex.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's httpx2 notice (see conftest)
    from fastapi.testclient import TestClient

ENVELOPE_FIELDS = {"status", "type", "message", "where", "found", "expected", "hint"}


def _error(answer) -> dict:
    body = answer.json()
    assert body["ok"] is False
    assert set(body["error"]) == ENVELOPE_FIELDS
    assert body["error"]["status"] == answer.status_code
    return body["error"]


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        ("/province/Atlantis.json", 404, "NotFound"),
        ("/overview.json?year=1999", 404, "NotFound"),
        ("/overview.json?geo=99", 422, "InvalidParameter"),
        ("/overview.json?lang=fr", 422, "InvalidParameter"),
        ("/overview.json?level=planet", 422, "InvalidParameter"),
        ("/overview.json?year=twenty", 422, "InvalidParameter"),
        ("/overview.json?level=dimension&code=99", 404, "NotFound"),
        ("/overview.json?run=abcdef0123", 404, "RunNotFound"),
        ("/overview.csv?table=nothing", 404, "NotFound"),
        ("/compare.json?province=Ha%20Noi", 422, "SpecError"),
        ("/no/such/page.json", 404, "NotFound"),
    ],
)
def test_errors_use_the_envelope(client, path: str, status: int, kind: str) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    error = _error(answer)
    assert error["type"] == kind
    assert error["message"]


def test_an_unknown_province_says_what_it_found_and_suggests(client) -> None:
    error = _error(client.get("/province/Ha%20Nio.json"))
    assert error["found"] == "Ha Nio"
    assert "Ha Noi" in (error["hint"] or "")


def test_a_bad_parameter_names_it_and_its_values(client) -> None:
    error = _error(client.get("/overview.json?geo=99"))
    assert error["where"] == "query.geo"
    assert error["found"] == "99"
    assert "63" in error["message"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/province/Atlantis", 404), ("/overview?geo=99", 422), ("/no/such/page", 404)],
)
def test_pages_show_the_same_error(client, path: str, status: int) -> None:
    answer = client.get(f"{path}{'&' if '?' in path else '?'}lang=en")
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert f"Error {status}" in answer.text
    data_path = path.replace("?", ".json?") if "?" in path else f"{path}.json"
    message = client.get(data_path).json()["error"]["message"]
    # The unknown-path message names the path asked for.
    message = message.replace(data_path, path)
    assert message.replace("`", "") in answer.text.replace("`", "").replace("&#39;", "'")
    assert "Traceback" not in answer.text


def test_internal_errors_are_logged_not_shown(dashboard: Dashboard, monkeypatch) -> None:
    broken = Dashboard(dashboard.snapshot, dashboard.parameters)

    def fail(*arguments: object, **options: object) -> None:
        message = "secret detail /srv/store.duckdb"
        raise RuntimeError(message)

    monkeypatch.setattr(broken, "runs", fail)
    client = TestClient(create_app(broken))
    data = client.get("/runs.json")
    assert data.status_code == 500
    error = _error(data)
    assert error["type"] == "InternalError"
    page = client.get("/runs")
    assert page.status_code == 500
    for answer in (data, page):
        assert "secret detail" not in answer.text
        assert "Traceback" not in answer.text
