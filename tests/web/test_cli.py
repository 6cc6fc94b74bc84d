"""``govindex serve`` and ``govindex export-site`` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from govindex.cli import app
from govindex.storage import RunStore


def _invoke(*arguments: str | Path) -> Any:
    return CliRunner().invoke(app, [str(argument) for argument in arguments])


def test_serve_refuses_a_store_without_runs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    RunStore(empty).close()
    result = _invoke("serve", "--store", empty)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "holds no runs" in lines[0]
    assert "govindex demo" in lines[0]


def test_serve_does_not_create_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    result = _invoke("serve", "--store", missing)
    assert result.exit_code == 1
    assert "govindex demo" in result.output
    assert not missing.exists()


def test_serve_loads_once_and_runs_one_worker(web_store, monkeypatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []

    def run(application: Any, **options: Any) -> None:
        calls.append({"app": application, **options})

    monkeypatch.setattr(uvicorn, "run", run)
    result = _invoke("serve", "--store", web_store[0], "--port", "8123")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert calls[0]["workers"] == 1
    assert calls[0]["port"] == 8123


@pytest.mark.slow
def test_export_site_writes_a_whole_year(web_store, tmp_path: Path) -> None:
    result = _invoke(
        "export-site", tmp_path / "site", "--store", web_store[0], "--year", "2024", "--lang", "vi"
    )
    assert result.exit_code == 0, result.output
    assert "wrote 91 pages" in result.output
    profiles = list((tmp_path / "site" / "vi" / "province").glob("*/2024/index.html"))
    assert len(profiles) == 63


def test_serve_on_a_busy_port_exits_with_one_line_naming_the_option(web_store) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _invoke("serve", "--store", web_store[0], "--port", str(port))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"error: port {port} on 127.0.0.1 is already in use; choose another with --port."
    ]
    assert "http://" not in result.output
    assert "Errno" not in result.output
