"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a free loopback
port, the Unix socket in the same folder, stopped and removed at the end.

PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` system user
(which Debian's package creates) through `runuser`.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        message = "PostgreSQL is not installed (/usr/lib/postgresql/*/bin); run `bash scripts/test`"
        raise RuntimeError(message)
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    as_user: list[str]

    @property
    def data(self) -> Path:
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
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
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
    try:
        cluster.stop("immediate")
    except (subprocess.SubprocessError, OSError):
        time.sleep(0.1)
    shutil.rmtree(cluster.folder, ignore_errors=True)
