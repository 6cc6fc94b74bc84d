"""`govindex feedback serve` in its own process on a free loopback port (what a centre runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tests.feedback.conftest import SECRET
from tests.feedback.postgres_cluster import free_port

SOURCE = Path(__file__).resolve().parents[2] / "src"


@dataclass
class ServerProcess:
    database_url: str
    options: tuple[str, ...]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        self.port = self.port or free_port()
        environment = {
            **os.environ,
            "GOVINDEX_FEEDBACK_SECRET": SECRET.decode(),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(SOURCE), os.environ.get("PYTHONPATH")])
            ),
        }
        command = [
            sys.executable,
            "-c",
            "from govindex.cli import main; main()",
            "feedback",
            "serve",
            "--database",
            self.database_url,
            "--port",
            str(self.port),
            "--insecure-cookies",
            *self.options,
        ]
        # The log goes to a file: a pipe nobody reads would fill up and stall the server.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _close)
        self.process = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=self.log
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                error = self.read_log()
                message = f"govindex feedback serve exited: {error}"
                raise RuntimeError(message)
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    message = f"govindex feedback serve did not answer within {timeout} s"
                    raise RuntimeError(message) from None
                time.sleep(0.2)

    def kill(self) -> None:
        """``kill -9``: no chance to finish anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._close()

    def read_log(self) -> str:
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def _close(self) -> None:
        if self.log is not None:
            self.log.close()
            self.log = None
