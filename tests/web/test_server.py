"""`govindex serve` as a real server: worker processes, slow clients dropped, new runs shown.

One server with two workers, a 1.5 s header timeout and a 1 s store check serves a copy
of the test store; the tests talk to it over loopback sockets.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

HEADER_TIMEOUT = 1.5
REFRESH_INTERVAL = 1.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclasses.dataclass
class Served:
    base: str
    port: int
    store: Path
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def served(
    web_store: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """`govindex serve --workers 2` on a copy of the test store (the tests add a run to it)."""
    folder = tmp_path_factory.mktemp("served")
    store = folder / "store.duckdb"
    shutil.copy(web_store[0], store)
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from govindex.cli import main; main()",
        "serve",
        "--store",
        str(store),
        "--port",
        str(port),
        "--workers",
        "2",
        "--header-timeout",
        str(HEADER_TIMEOUT),
        "--refresh-interval",
        str(REFRESH_INTERVAL),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    # Each worker reads the store itself: on a loaded machine that takes minutes.
    deadline = time.monotonic() + 600
    try:
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"govindex serve exited: {error}")
            try:
                with urllib.request.urlopen(f"{base}/runs.json", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("govindex serve did not answer within 600 s")
                time.sleep(0.25)
        yield Served(base, port, store, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


def _get(url: str, method: str = "GET", host: str | None = None) -> tuple[int, bytes, Message]:
    request = urllib.request.Request(url, method=method)
    if host is not None:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def _run_ids(base: str) -> set[str]:
    status, body, _ = _get(f"{base}/runs.json")
    assert status == 200
    return {row["run_id"] for row in json.loads(body)["tables"]["runs"]["rows"]}


def _children(pid: int) -> list[str]:
    """The command lines of the child processes of ``pid`` (from /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:  # it exited meanwhile
                continue
            found.append(command.decode(errors="replace"))
    return found


def test_workers_run_as_separate_processes_14(served: Served) -> None:
    # The first worker to start answers; the second may still be starting.
    deadline = time.monotonic() + 600
    while True:
        children = _children(served.process.pid)
        workers = [command for command in children if "spawn_main" in command]
        if len(workers) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(workers) == 2, children
    assert _get(f"{served.base}/overview.json?year=2024")[0] == 200


def _trickle(port: int, stop_after: float) -> float | None:
    """Send a request's headers one byte every 0.1 s; return when the server closed (s)."""
    head = b"GET /runs.json HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-client\r\n" * 20
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        for byte in head:
            if time.monotonic() - started > stop_after:
                return None
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                return time.monotonic() - started
            readable, _, _ = select.select([connection], [], [], 0.1)
            if readable:
                try:
                    if connection.recv(1024) == b"":
                        return time.monotonic() - started
                except OSError:
                    return time.monotonic() - started
    return None


def test_slow_clients_are_dropped_and_others_still_served_14(served: Served) -> None:
    closed: list[float | None] = []
    lock = threading.Lock()

    def slow() -> None:
        seconds = _trickle(served.port, stop_after=HEADER_TIMEOUT + 8)
        with lock:
            closed.append(seconds)

    clients = [threading.Thread(target=slow) for _ in range(20)]
    for client in clients:
        client.start()
    time.sleep(0.5)
    # While twenty clients hold half-sent headers, an ordinary request is answered.
    answered = time.monotonic()
    status, _, _ = _get(f"{served.base}/overview.json?year=2024&lang=en")
    assert status == 200
    assert time.monotonic() - answered < HEADER_TIMEOUT + 5
    for client in clients:
        client.join()
    assert None not in closed, closed
    assert all(HEADER_TIMEOUT - 0.2 <= seconds <= HEADER_TIMEOUT + 3 for seconds in closed), closed


def test_head_and_the_host_allow_list_on_the_real_server_14(served: Served) -> None:
    status, body, headers = _get(f"{served.base}/overview?year=2024", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) > 1000
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, body, _ = _get(f"{served.base}/runs.json", host="rebound.example")
    assert status == 400
    assert json.loads(body)["error"]["where"] == "Host"
    assert _get(f"{served.base}/runs.json", host=f"localhost:{served.port}")[0] == 200


def test_a_new_run_is_shown_without_a_restart_14(served: Served) -> None:
    from govindex.storage import RunStore

    before = _run_ids(served.base)
    deadline = time.monotonic() + 30
    while True:  # a worker may be reading the store at this moment: try again
        try:
            with RunStore(served.store) as store:
                manifest = next(m for m in store.list_runs() if m.kind == "published")
                scores = store.read_table(manifest.run_id, "scores")
                copy = dataclasses.replace(manifest, run_id=f"{manifest.run_id[:-4]}beef")
                store.save_run(copy, scores.drop("run_id", strict=False))
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    stored = time.monotonic()
    assert copy.run_id not in before
    # Both workers must show it: ask until ten answers in a row list it.
    in_a_row = 0
    while in_a_row < 10:
        assert time.monotonic() - stored < REFRESH_INTERVAL + 30, "the new run never appeared"
        in_a_row = in_a_row + 1 if copy.run_id in _run_ids(served.base) else 0
        time.sleep(0.05)


def test_serve_passes_workers_limits_and_hosts_to_uvicorn_14(web_store, monkeypatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from govindex.cli import app
    from govindex.web.server import SETTINGS_VARIABLE, HeaderTimeoutProtocol, ServerSettings

    calls: list[tuple[object, dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append((target, options)))
    monkeypatch.delenv(SETTINGS_VARIABLE, raising=False)
    arguments = [
        "serve", "--store", str(web_store[0]), "--port", "8124", "--workers", "3",
        "--allowed-hosts", "papi.example.vn, *.example.org", "--max-connections", "50",
        "--header-timeout", "4", "--keep-alive-timeout", "2",
    ]  # fmt: skip
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    target, options = calls[0]
    assert target == "govindex.web.server:app_from_environment"
    assert options["factory"] is True
    assert options["workers"] == 3
    assert options["http"] is HeaderTimeoutProtocol
    assert options["limit_concurrency"] == 50
    assert options["timeout_keep_alive"] == 2.0
    settings = ServerSettings.from_json(os.environ[SETTINGS_VARIABLE])
    assert settings.allowed_hosts == ("papi.example.vn", "*.example.org")
    assert settings.header_timeout == 4.0
    assert settings.store == str(web_store[0])


def test_an_empty_host_list_is_refused_in_one_line_14(web_store) -> None:
    from typer.testing import CliRunner

    from govindex.cli import app

    result = CliRunner().invoke(
        app, ["serve", "--store", str(web_store[0]), "--allowed-hosts", " , "]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: `--allowed-hosts` names no host; give comma-separated names such as `localhost`."
    ]


def test_an_answer_built_from_a_replaced_snapshot_is_not_kept_14() -> None:
    from govindex.web.response_cache import CachedAnswer, ResponseCache

    cache = ResponseCache()
    cache.put("/runs.json?", CachedAnswer(b"old", "application/json"))
    building = cache.generation
    cache.clear()  # a new snapshot replaced the old one while the answer was being built
    cache.put("/runs.json?", CachedAnswer(b"stale", "application/json"), building)
    assert cache.get("/runs.json?") is None
    cache.put("/runs.json?", CachedAnswer(b"new", "application/json"), cache.generation)
    assert cache.get("/runs.json?").body == b"new"


def test_connections_beyond_the_cap_are_answered_503_14() -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from govindex.web.server import HeaderTimeoutProtocol

    async def hello(request: object) -> PlainTextResponse:
        return PlainTextResponse("hello")

    port = _free_port()
    config = uvicorn.Config(
        Starlette(routes=[Route("/", hello)]),
        host="127.0.0.1",
        port=port,
        http=HeaderTimeoutProtocol,
        limit_concurrency=3,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        assert _get(f"http://127.0.0.1:{port}/")[0] == 200
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
        time.sleep(0.2)
        try:
            # Two idle connections and this one make three: the cap.
            assert _get(f"http://127.0.0.1:{port}/")[0] == 503
        finally:
            for connection in idle:
                connection.close()
        time.sleep(0.2)
        assert _get(f"http://127.0.0.1:{port}/")[0] == 200
    finally:
        server.should_exit = True
        thread.join(timeout=10)
