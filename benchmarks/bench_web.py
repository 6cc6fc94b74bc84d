"""Benchmark: latency of the province-profile JSON under 50 concurrent clients on loopback.

Run ``python -m benchmarks.bench_web``. It builds the demo store (official record and a
SYNTHETIC run) in a temporary folder, starts ``govindex serve`` on a free loopback port in
its own process, and drives it from this process with 50 concurrent keep-alive HTTP/1.1
clients, each asking in turn for the profile JSON of every province (published 2024).

In the same run, under the same load, it measures a baseline: the smallest JSON answer the
server gives (``/runs.json``), which costs the framework, the answer cache and the network
stack but almost no data. It also reports the cold profile (each province's first request,
one client: the view built, rendered and cached) against the same requests warm, and an
open-loop run: requests sent at a fixed arrival rate whatever the pace of the answers, with
latency measured from each request's scheduled send time (so queueing counts). Reported:
requests, throughput, p50/p95/p99 latency, the ratio of the profile's p95 to the
baseline's and of the cold p50 to the warm one. Targets: profile p95 < 50 ms under 50
clients; a cold profile at most 3× a warm one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CLIENTS = 50
PROFILE_PATH = "/province/{province}.json?year=2024"
BASELINE_PATH = "/runs.json"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(store: Path, port: int) -> subprocess.Popen[bytes]:
    """Start ``govindex serve`` and wait until it answers."""
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
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode() if server.stderr else ""
            msg = f"govindex serve exited early: {error}"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{BASELINE_PATH}", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    msg = "govindex serve did not answer within 60 s"
    raise RuntimeError(msg)


async def _client(port: int, paths: list[str], latencies: list[float], rounds: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for index in range(rounds):
            path = paths[index % len(paths)]
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
            start = time.perf_counter()
            writer.write(request.encode())
            await writer.drain()
            header = await reader.readuntil(b"\r\n\r\n")
            status = int(header.split(b" ", 2)[1])
            length = next(
                int(line.split(b":", 1)[1])
                for line in header.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                msg = f"{path} answered {status}"
                raise RuntimeError(msg)
    finally:
        writer.close()
        await writer.wait_closed()


async def load(port: int, paths: list[str], clients: int, rounds: int) -> tuple[list[float], float]:
    """Run ``clients`` concurrent clients for ``rounds`` requests each; latencies and wall time."""
    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(
        *(
            _client(port, paths[index:] + paths[:index], latencies, rounds)
            for index in range(clients)
        )
    )
    return latencies, time.perf_counter() - start


def drive(port: int, paths: list[str], clients: int, rounds: int) -> tuple[list[float], float]:
    """:func:`load` on its own event loop in a worker thread (the caller may own a loop)."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(lambda: asyncio.run(load(port, paths, clients, rounds))).result()


async def _send(
    connections: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]],
    path: str,
    scheduled: float,
    latencies: list[float],
) -> None:
    reader, writer = await connections.get()
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
        writer.write(request.encode())
        await writer.drain()
        header = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in header.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        # Open loop: latency counts from the scheduled send time, so time spent waiting for
        # a free connection (queueing behind slow answers) is part of it.
        latencies.append(time.perf_counter() - scheduled)
    finally:
        connections.put_nowait((reader, writer))


async def open_loop(
    port: int, paths: list[str], rate: float, requests: int, connections: int
) -> tuple[list[float], float]:
    """Send ``requests`` requests at a fixed ``rate`` per second whatever the answers' pace,
    over up to ``connections`` keep-alive connections; latencies from the scheduled times."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    tasks = []
    start = time.perf_counter()
    for index in range(requests):
        scheduled = start + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(
            asyncio.create_task(_send(pool, paths[index % len(paths)], scheduled, latencies))
        )
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - start
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()
        await writer.wait_closed()
    return latencies, seconds


def drive_open_loop(
    port: int, paths: list[str], rate: float, requests: int, connections: int
) -> tuple[list[float], float]:
    """:func:`open_loop` on its own event loop in a worker thread."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(
            lambda: asyncio.run(open_loop(port, paths, rate, requests, connections))
        ).result()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (share in [0, 1])."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(latencies: list[float], seconds: float) -> dict[str, float]:
    """Throughput and latency percentiles in milliseconds."""
    return {
        "requests": len(latencies),
        "requests_per_second": len(latencies) / seconds,
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "p99_ms": 1000 * percentile(latencies, 0.99),
    }


def run(
    rounds: int = 40,
    clients: int = CLIENTS,
    store: Path | None = None,
    rate: float = 200.0,
    open_requests: int = 1000,
) -> dict[str, object]:
    """Build (or reuse) a demo store, serve it and measure; return every figure."""
    import polars as pl

    from govindex.application.demo import build_demo
    from govindex.official import bundled_data_dir

    with tempfile.TemporaryDirectory() as folder:
        if store is None:
            store = build_demo(Path(folder) / "store.duckdb", Path(folder) / "files").store_path
        provinces = sorted(
            pl.read_csv(bundled_data_dir() / "published_scores.csv")
            .filter((pl.col("year") == 2024) & pl.col("score").is_not_null())["province"]
            .unique()
            .to_list()
        )
        paths = [PROFILE_PATH.format(province=urllib.parse.quote(name)) for name in provinces]
        port = free_port()
        server = start_server(store, port)
        try:
            # Every profile's first request builds and caches its view: the cold figures.
            cold, cold_seconds = drive(port, paths, 1, len(paths))
            # The same requests again, one client: the warm figures the cold ones are held to.
            warm, warm_seconds = drive(port, paths, 1, len(paths))
            drive(port, [BASELINE_PATH], 1, 20)
            profile, profile_seconds = drive(port, paths, clients, rounds)
            baseline, baseline_seconds = drive(port, [BASELINE_PATH], clients, rounds)
            opened, opened_seconds = drive_open_loop(port, paths, rate, open_requests, clients)
        finally:
            server.terminate()
            server.wait(timeout=10)
            if server.stderr is not None:
                server.stderr.close()
    results: dict[str, object] = {
        "clients": clients,
        "profile": summary(profile, profile_seconds),
        "baseline_runs_json": summary(baseline, baseline_seconds),
        "profile_cold_single_client": summary(cold, cold_seconds),
        "profile_warm_single_client": summary(warm, warm_seconds),
        "profile_open_loop": {
            "rate_per_second": rate,
            "connections": clients,
            **summary(opened, opened_seconds),
        },
        "cores": os.cpu_count(),
    }
    cold_p50 = results["profile_cold_single_client"]["p50_ms"]  # type: ignore[index]
    warm_p50 = results["profile_warm_single_client"]["p50_ms"]  # type: ignore[index]
    results["cold_to_warm_p50"] = cold_p50 / warm_p50
    results["cold_target_ratio"] = 3.0
    results["cold_meets_target"] = cold_p50 <= 3.0 * warm_p50
    profile_p95 = results["profile"]["p95_ms"]  # type: ignore[index]
    baseline_p95 = results["baseline_runs_json"]["p95_ms"]  # type: ignore[index]
    results["p95_ratio_to_baseline"] = profile_p95 / baseline_p95
    results["target_p95_ms"] = 50.0
    results["meets_target"] = profile_p95 < 50.0
    return results


def main() -> None:
    """Command-line entry: print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="requests per client")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--store", type=Path, default=None, help="reuse an existing store")
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests per second")
    parser.add_argument(
        "--open-requests", type=int, default=1000, help="requests of the open-loop run"
    )
    arguments = parser.parse_args()
    figures = run(
        arguments.rounds,
        arguments.clients,
        arguments.store,
        arguments.rate,
        arguments.open_requests,
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
