"""Throwaway servers on loopback for the feedback tests and load benchmark.

A PostgreSQL cluster made with ``initdb`` in a temporary folder (a free loopback port, its
Unix socket in the same folder, removed at the end), and ``govindex feedback serve`` in its
own process, which is what a centre runs. Both the test suite and
``benchmarks/bench_feedback.py`` use these, so what is measured is what is tested.

PostgreSQL refuses to run as root; as root the cluster runs as the ``postgres`` system user
(which Debian's package creates) through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from govindex.errors import StorageError

__all__ = ["Cluster", "ServerProcess", "free_port", "remove_cluster", "start_cluster"]

_SOURCE = Path(__file__).resolve().parents[2]
"""The folder holding the ``govindex`` package the server process must import (this one)."""


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        message = "PostgreSQL is not installed (/usr/lib/postgresql/*/bin); run `bash scripts/test`"
        raise StorageError(message, where="/usr/lib/postgresql", expected="Debian's postgresql")
    return Path(found[-1]).parent


def free_port() -> int:
    """A loopback TCP port nobody listens on right now.

    Examples
    --------
    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway PostgreSQL cluster (trust authentication, loopback only).

    Examples
    --------
    >>> cluster = Cluster(Path("/tmp/pg"), 54321, Path("/usr/lib/postgresql/15/bin"), [])
    >>> cluster.url("bench"), cluster.data
    ('postgresql+psycopg://postgres@127.0.0.1:54321/bench', PosixPath('/tmp/pg/data'))
    """

    folder: Path
    port: int
    bin: Path
    as_user: list[str]

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        return self.folder / "data"

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_user, *args],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``, or ``immediate``: a crash without a checkpoint)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop and start again (the clients' connections are cut)."""
        self.stop("fast")
        self.start()

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` in this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database; its URL."""
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        return self.url(name)


def start_cluster() -> Cluster:
    """``initdb`` a new cluster in a temporary folder and start it on a free loopback port."""
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="govindex-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(folder, free_port(), binaries, as_user)
    cluster._run(
        str(binaries / "initdb"),
        "-D",
        str(cluster.data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
        timeout=120,
    )
    cluster.start()
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    """Stop the cluster at once and delete its folder."""
    try:
        cluster.stop("immediate")
    except (subprocess.SubprocessError, OSError):
        time.sleep(0.1)
    shutil.rmtree(cluster.folder, ignore_errors=True)


@dataclass
class ServerProcess:
    """``govindex feedback serve`` over ``database_url`` in its own process on loopback.

    Examples
    --------
    >>> server = ServerProcess("sqlite:///feedback.db", ("--workers", "2"), "s" * 16, port=8100)
    >>> server.base
    'http://127.0.0.1:8100'
    >>> server.read_log()  # not started: nothing written yet
    ''
    """

    database_url: str
    options: tuple[str, ...]
    secret: str
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    @property
    def base(self) -> str:
        """The server's base address."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until ``/healthz`` answers."""
        self.port = self.port or free_port()
        environment = {
            **os.environ,
            "GOVINDEX_FEEDBACK_SECRET": self.secret,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(_SOURCE), os.environ.get("PYTHONPATH")])
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
                message = f"govindex feedback serve exited: {self.read_log()}"
                raise StorageError(message, where="govindex feedback serve")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    message = f"govindex feedback serve did not answer within {timeout} s"
                    raise StorageError(message, where="govindex feedback serve") from None
                time.sleep(0.2)

    def kill(self) -> None:
        """``kill -9``: no chance to finish anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close()

    def stop(self) -> None:
        """Ask the server to stop; kill it if it has not within 10 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._close()

    def read_log(self) -> str:
        """What the server wrote to its standard error so far."""
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def _close(self) -> None:
        if self.log is not None:
            self.log.close()
            self.log = None
