"""Benchmark: N concurrent raters posting ratings for T seconds, on PostgreSQL and SQLite.

Run ``python -m benchmarks.bench_feedback --raters 50 --seconds 10``. For each backend it
prepares a fresh store (PostgreSQL: a throwaway cluster on a loopback port, started and
removed by the benchmark; SQLite: a file in a temporary folder), starts
``govindex feedback serve`` in its own process on a free loopback port, and drives it from
this process with N keep-alive HTTP/1.1 clients, each posting kiosk ratings (its own
submission ids) one after another through the API for T seconds. Reported per backend:
requests, acknowledged, errors, throughput, p50/p95/p99 latency, and whether every
acknowledged rating is in the store afterwards (count and ids compared). Bounded: loopback
only, at most ``--seconds`` of load per backend. The issue's target: 500 raters × 60 s on
PostgreSQL, p95 < 100 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.feedback.postgres_cluster import free_port, remove_cluster, start_cluster
from tests.feedback.server_process import ServerProcess

from govindex.feedback.store import Centre, open_store

CENTRE = Centre(
    "000.00.22.H37",
    "22",
    "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
    "Quang Ninh Public Administration Service Centre",
    "Hạ Long",
    "quang-ninh@1",
)


async def _rater(
    port: int,
    key: str,
    label: str,
    until: float,
    latencies: list[float],
    acknowledged: list[str],
    errors: list[str],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    number = 0
    try:
        while time.perf_counter() < until:
            number += 1
            submission_id = f"{label}-{number:07d}"
            body = json.dumps(
                {
                    "submission_id": submission_id,
                    "desk": "desk-1",
                    "procedure_code": "1.001234",
                    "answers": {"overall": 1 + number % 5, "staff_attitude": 4},
                }
            )
            request = (
                "POST /api/v1/ratings HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
                f"Content-Type: application/json\r\nX-API-Key: {key}\r\n"
                f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
            )
            start = time.perf_counter()
            writer.write(request.encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            length = next(
                int(line.split(":", 1)[1])
                for line in lines
                if line.lower().startswith("content-length:")
            )
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status == 201:
                acknowledged.append(submission_id)
            else:
                errors.append(f"HTTP {status}")
    except (OSError, asyncio.IncompleteReadError) as error:
        errors.append(type(error).__name__)
    finally:
        writer.close()


async def _drive(port: int, key: str, raters: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    acknowledged: list[str] = []
    errors: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(
            _rater(port, key, f"r{index}", until, latencies, acknowledged, errors)
            for index in range(raters)
        )
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def quantile(q: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    return {
        "requests": len(latencies),
        "acknowledged": acknowledged,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "seconds": round(elapsed, 2),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(quantile(0.50), 1),
        "p95_ms": round(quantile(0.95), 1),
        "p99_ms": round(quantile(0.99), 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else 0.0,
    }


def run_backend(url: str, raters: int, seconds: float, workers: int = 1) -> dict[str, Any]:
    """Load one backend and check every acknowledged rating is stored, once."""
    store = open_store(url)
    store.put_centre(CENTRE)
    _device, key = store.add_device(CENTRE.agency_code, "benchmark kiosk")
    server = ServerProcess(
        url, ("--api-key-limit", "100000000", "--workers", str(workers)), port=free_port()
    )
    server.start()
    try:
        figures = asyncio.run(_drive(server.port, key, raters, seconds))
    finally:
        server.stop()
    stored = store.submission_ids()
    store.close()
    acknowledged = figures.pop("acknowledged")
    figures.update(
        {
            "acknowledged": len(acknowledged),
            "stored": len(stored),
            "every_acknowledged_stored": set(acknowledged) <= set(stored),
            "duplicates": len(stored) - len(set(stored)),
        }
    )
    return figures


def run(
    raters: int = 50,
    seconds: float = 10.0,
    backends: tuple[str, ...] = ("postgresql", "sqlite"),
    workers: int = 1,
) -> dict[str, Any]:
    """Every backend's figures under the same load."""
    results: dict[str, Any] = {"raters": raters, "seconds": seconds, "workers": workers}
    os.environ.setdefault("GOVINDEX_FEEDBACK_SECRET", "benchmark-secret-0123456789")
    if "postgresql" in backends:
        cluster = start_cluster()
        try:
            results["postgresql"] = run_backend(
                cluster.create_database("bench"), raters, seconds, workers
            )
        finally:
            remove_cluster(cluster)
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            results["sqlite"] = run_backend(
                f"sqlite:///{Path(folder) / 'bench.db'}", raters, seconds, workers
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    arguments = parser.parse_args(argv)
    if not (1 <= arguments.raters <= 1000 and 0 < arguments.seconds <= 300):
        print(
            "error: --raters must be 1..1000 and --seconds 0..300 (loopback, bounded)",
            file=sys.stderr,
        )
        return 2
    backends = ("postgresql", "sqlite") if arguments.backend == "both" else (arguments.backend,)
    print(
        json.dumps(run(arguments.raters, arguments.seconds, backends, arguments.workers), indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
