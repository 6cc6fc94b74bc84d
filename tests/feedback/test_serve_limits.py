"""`govindex feedback serve` drops slow request headers and answers only its own host names,
the same way `govindex serve` does."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.feedback.conftest import SECRET
from typer.testing import CliRunner

from govindex.cli import app
from govindex.web.server import (
    SETTINGS_VARIABLE,
    HeaderTimeoutProtocol,
    ServerSettings,
    _settings_from_environment,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

_OPTIONS_VARIABLE = "GOVINDEX_FEEDBACK_SERVE_OPTIONS"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    """What `feedback serve` hands to uvicorn (nothing is started)."""
    import uvicorn

    monkeypatch.setenv("GOVINDEX_FEEDBACK_SECRET", SECRET.decode())
    monkeypatch.delenv(SETTINGS_VARIABLE, raising=False)
    monkeypatch.delenv(_OPTIONS_VARIABLE, raising=False)
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append((target, options)))
    yield calls
    # The limit read from the environment is kept per process: forget this test's.
    _settings_from_environment.cache_clear()


def _serve(database: Path, *arguments: str) -> str:
    result = CliRunner().invoke(
        app, ["feedback", "serve", "--database", f"sqlite:///{database}", *arguments]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_one_process_gets_the_header_timeout_and_the_host_list(
    served: list[tuple[Any, dict[str, Any]]], tmp_path: Path
) -> None:
    output = _serve(tmp_path / "feedback.db", "--header-timeout", "4", "--port", "8125")
    assert "answers for the hosts: localhost, 127.0.0.1, ::1" in output
    target, options = served[0]
    assert options["http"] is HeaderTimeoutProtocol
    assert options["h11_max_incomplete_event_size"] == 16 * 1024
    assert ServerSettings.from_json(os.environ[SETTINGS_VARIABLE]).header_timeout == 4.0

    client = TestClient(target)
    # The test client's own Host, `testserver`, is not one of the defaults either.
    assert client.get("/healthz").status_code == 400
    page = client.get("/healthz", headers={"Host": "evil.example"})
    assert page.status_code == 400
    assert page.headers["x-frame-options"] == "DENY"
    api = client.post("/api/v1/ratings", headers={"Host": "evil.example"}, json={})
    assert api.status_code == 400
    assert api.json()["error"]["where"] == "Host"
    assert client.get("/healthz", headers={"Host": "localhost:8125"}).status_code == 200


def test_workers_build_their_app_with_the_same_hosts(
    served: list[tuple[Any, dict[str, Any]]], tmp_path: Path
) -> None:
    _serve(
        tmp_path / "feedback.db",
        "--workers", "2", "--allowed-hosts", "gopy.example.vn, *.example.org",
    )  # fmt: skip
    target, options = served[0]
    assert target == "govindex.cli.feedback:app_from_environment"
    assert options["http"] is HeaderTimeoutProtocol
    assert ServerSettings.from_json(os.environ[SETTINGS_VARIABLE]).header_timeout == 10.0
    assert json.loads(os.environ[_OPTIONS_VARIABLE])["allowed_hosts"] == [
        "gopy.example.vn",
        "*.example.org",
    ]
    from govindex.cli.feedback import app_from_environment

    client = TestClient(app_from_environment())
    assert client.get("/healthz", headers={"Host": "gopy.example.vn"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "a.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 400


def test_an_empty_host_list_is_refused_in_one_line(
    served: list[tuple[Any, dict[str, Any]]], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["feedback", "serve", "--database", f"sqlite:///{tmp_path / 'f.db'}",
         "--allowed-hosts", " , "],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "`--allowed-hosts` names no host" in result.output
    assert not served
