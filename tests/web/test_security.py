"""Security headers on every answer, HEAD answered like GET, and the Host allow-list."""

from __future__ import annotations

import warnings

import pytest

from govindex.views import Dashboard
from govindex.web import create_app
from govindex.web.security import DASHBOARD_POLICY, default_allowed_hosts, host_allowed

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # starlette's httpx2 notice (see conftest)
    from fastapi.testclient import TestClient

PATHS = [
    "/overview?year=2024",
    "/overview.json?year=2024",
    "/overview.csv?year=2024",
    "/overview.xlsx?year=2024",
    "/runs",
    "/static/js/dashboard.js",
    "/static/vendor/vega-embed.min.js",
    "/openapi.json",
    "/no/such/page",
    "/no/such/page.json",
    "/overview.json?year=1999",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers_14(client, path: str) -> None:
    # Twice: the second answer of a page comes from the response cache, before routing.
    for _ in range(2):
        answer = client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-eval" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in answer.headers["permissions-policy"]


def test_the_api_documentation_alone_may_run_its_inline_script_14(client) -> None:
    answer = client.get("/docs")
    assert answer.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "path",
    [
        "/overview?year=2024",
        "/overview.json?year=2024",
        "/overview.xlsx?year=2024",
        "/static/css/site.css",
        "/docs",
        "/openapi.json",
    ],
)
def test_head_is_answered_like_get_without_a_body_14(client, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["x-content-type-options"] == "nosniff"


def test_head_of_a_missing_page_is_404_and_other_methods_stay_refused_14(client) -> None:
    head = client.head("/province/Atlantis.json")
    assert head.status_code == 404
    assert head.content == b""
    post = client.post("/overview.json")
    assert post.status_code == 405
    assert post.json()["error"]["type"] == "MethodNotAllowed"


@pytest.fixture(scope="module")
def guarded(dashboard: Dashboard) -> TestClient:
    """The app answering only ``govindex.example.org`` and the loopback names."""
    hosts = (*default_allowed_hosts("127.0.0.1"), "govindex.example.org")
    app = create_app(dashboard, allowed_hosts=hosts)
    return TestClient(app, base_url="http://govindex.example.org")


def test_an_allowed_host_is_answered_14(guarded: TestClient) -> None:
    assert guarded.get("/overview.json?year=2024").status_code == 200
    port = guarded.get("/runs.json", headers={"host": "localhost:8000"})
    assert port.status_code == 200
    ipv6 = guarded.get("/runs.json", headers={"host": "[::1]:8000"})
    assert ipv6.status_code == 200


def test_a_foreign_host_gets_the_error_envelope_400_14(guarded: TestClient) -> None:
    answer = guarded.get("/overview.json?year=2024", headers={"host": "attacker.example:8000"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "BadRequest"
    assert error["where"] == "Host"
    assert error["found"] == "attacker.example:8000"
    assert "govindex.example.org" in error["expected"]
    assert "--allowed-hosts" in error["hint"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    page = guarded.get("/overview", headers={"host": "attacker.example"})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "attacker.example" in page.text
    # A cached answer is not a way round the check.
    assert guarded.get("/runs.json", headers={"host": "attacker.example"}).status_code == 400


def test_host_names_match_exactly_or_as_subdomains_14() -> None:
    assert host_allowed("a.example.org", ["*.example.org"])
    assert not host_allowed("example.org.evil.net", ["example.org", "*.example.org"])
    assert not host_allowed("badexample.org", ["*.example.org"])
    assert host_allowed("anything", ["*"])
    assert not host_allowed("", ["localhost"])
    assert default_allowed_hosts("0.0.0.0") == ("localhost", "127.0.0.1", "::1")
    assert default_allowed_hosts("::") == ("localhost", "127.0.0.1", "::1")
    assert default_allowed_hosts("10.0.0.5")[-1] == "10.0.0.5"


def test_the_dashboard_and_the_feedback_service_share_one_header_middleware_14() -> None:
    from govindex.feedback import app as feedback_app
    from govindex.web import security

    assert feedback_app.SecurityHeaders is security.SecurityHeaders
    assert feedback_app.FEEDBACK_POLICY.headers["X-Frame-Options"] == "DENY"
    assert DASHBOARD_POLICY.headers["X-Content-Type-Options"] == "nosniff"
