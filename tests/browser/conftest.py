"""A real dashboard server and Debian's Chromium, driven by Playwright's Python package.

The server is `govindex serve` in its own process on a free loopback port, serving the
session's demo store. Chromium is the Debian package (`/usr/bin/chromium`), never a
downloaded browser; `bash scripts/test` installs it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server(demo_store: Path) -> Iterator[str]:
    """The base URL of `govindex serve` on the demo store."""
    yield from serve(demo_store)


def serve(store: Path) -> Iterator[str]:
    """Run `govindex serve` on ``store`` until the generator is closed; yield its base URL."""
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
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"govindex serve exited: {error}")
            try:
                with urllib.request.urlopen(f"{base}/runs.json", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("govindex serve did not answer within 60 s")
                time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
