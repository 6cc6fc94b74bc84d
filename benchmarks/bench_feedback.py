"""Benchmark: N concurrent raters at one-stop desks, on PostgreSQL and SQLite.

Run ``python -m benchmarks.bench_feedback --raters 500 --seconds 60 --workers 2``.

**Raters (open loop).** A rater is a citizen at a desk: they scan the QR code (GET the
rating page), spend a think time choosing, drawn uniformly from ``--think`` (default 10–30 s,
seeded), and post the form (the public page, what a citizen's phone does); the next citizen at
that desk scans ``--gap`` seconds later (default 2–10 s). Every send time is fixed in advance
from the seed, and each request's latency is measured from its *scheduled* send time, so a slow
server cannot hide its queueing by slowing the clients down. N raters run at once (on up
to 50 desks' QR codes); scans are scheduled during the first ``--seconds`` and every citizen
who scanned also posts, so a run lasts at most ``--seconds`` + the longest think time + the
drain. Each request is a fresh connection (phones do not share one). A second scenario does
the same through the kiosk API (``POST /api/v1/ratings`` with the device's key after the think
time, no page). Reported for each: requests, errors, p50/p95/p99 of GET and of POST, and
whether every acknowledged rating (303 to the thank-you page; 201 from the API) is in the
store afterwards (count and ids).

**Capacity (closed loop, labelled separately).** 1, 2, 4 … keep-alive kiosk clients posting
back to back with no think time, ``--capacity-step`` seconds per step: the requests per second
of the last step whose POST p95 stayed under 100 ms. This measures the server's saturation,
not raters.

Bounded: loopback only; the server is a ``govindex feedback serve`` process on a free port
over a fresh store (PostgreSQL: a throwaway cluster, removed at the end; SQLite: a temporary
file); the page throttle per service point is raised (``--point-limit``) since the benchmark
puts many citizens on few addresses; the minimum form time stays on. The issue's target:
500 raters × 60 s on PostgreSQL, p95 < 100 ms, 0 errors, every acknowledged rating stored.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from govindex.feedback.local_servers import ServerProcess, free_port, remove_cluster, start_cluster
from govindex.feedback.store import Centre, open_store
from govindex.feedback.tokens import ServicePoint, sign_token

CENTRE = Centre(
    "000.00.22.H37",
    "22",
    "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
    "Quang Ninh Public Administration Service Centre",
    "Hạ Long",
    "quang-ninh@1",
)
SECRET = "benchmark-secret-0123456789abcdef"
P95_TARGET_MS = 100.0


@dataclass(frozen=True)
class RaterModel:
    """The assumptions about raters, recorded with every result."""

    raters: int = 50
    seconds: float = 15.0
    think: tuple[float, float] = (10.0, 30.0)
    gap: tuple[float, float] = (2.0, 10.0)
    seed: int = 20260302
    desks: int = 50
    min_form_seconds: float = 3.0
    point_limit: int = 100_000


@dataclass
class Tally:
    """Latencies (ms, from the scheduled send time), errors and acknowledged submission ids."""

    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)


def schedule(model: RaterModel) -> list[list[tuple[float, float]]]:
    """Per rater, the (scan, post) times in seconds from the start, fixed by the seed."""
    generator = random.Random(model.seed)
    plan: list[list[tuple[float, float]]] = []
    for _rater in range(model.raters):
        # Desks are already busy at the start: each first scan falls anywhere in one cycle.
        moment = generator.uniform(0.0, model.think[0] + model.gap[1])
        cycles: list[tuple[float, float]] = []
        while moment < model.seconds:
            post = moment + generator.uniform(*model.think)
            cycles.append((moment, post))
            moment = post + generator.uniform(*model.gap)
        plan.append(cycles)
    return plan


_T = TypeVar("_T")


def _on_own_loop(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` on its own event loop in a worker thread (the caller may own a loop,
    as a test session driving a browser through Playwright's sync API does)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


async def _exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        answer = await reader.read()  # Connection: close: the server ends the answer
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or len(lines[0].split()) < 2:
        message = "no HTTP answer"
        raise ConnectionError(message)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return int(lines[0].split()[1]), headers, body


async def _at(start: float, offset: float) -> None:
    delay = start + offset - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


def _ms(start: float, offset: float) -> float:
    return 1000 * (time.perf_counter() - (start + offset))


async def _page_rater(
    port: int, token: str, cycles: Sequence[tuple[float, float]], start: float, tally: Tally
) -> None:
    for scan, post in cycles:
        await _at(start, scan)
        request = (
            f"GET /r/{token} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ).encode()
        try:
            status, headers, body = await _exchange(port, request)
        except (OSError, ConnectionError) as error:
            tally.errors.append(f"GET {type(error).__name__}")
            continue
        tally.get_ms.append(_ms(start, scan))
        page = body.decode(errors="replace")
        submission = re.search(r'name="submission_id" value="([^"]+)"', page)
        stamp = re.search(r'name="stamp" value="([^"]+)"', page)
        if status != 200 or submission is None or stamp is None:
            tally.errors.append(f"GET HTTP {status}")
            continue
        cookie = headers.get("set-cookie", "").split(";", 1)[0]
        form = (
            f"submission_id={submission.group(1)}&stamp={stamp.group(1)}&website="
            f"&overall={1 + len(tally.get_ms) % 5}&staff_attitude=4"
        )
        await _at(start, post)
        request = (
            f"POST /r/{token} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\n\r\n{form}"
        ).encode()
        try:
            status, headers, _body = await _exchange(port, request)
        except (OSError, ConnectionError) as error:
            tally.errors.append(f"POST {type(error).__name__}")
            continue
        tally.post_ms.append(_ms(start, post))
        if status == 303 and headers.get("location", "").startswith("/thanks"):
            tally.acknowledged.append(submission.group(1))
        else:
            tally.errors.append(f"POST HTTP {status}")


def _api_request(key: str, submission_id: str, desk: str, overall: int, close: bool) -> bytes:
    body = json.dumps(
        {
            "submission_id": submission_id,
            "desk": desk,
            "procedure_code": "1.001234",
            "answers": {"overall": overall, "staff_attitude": 4},
        }
    )
    return (
        f"POST /api/v1/ratings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Connection: {'close' if close else 'keep-alive'}\r\n"
        f"Content-Type: application/json\r\nX-API-Key: {key}\r\n"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
    ).encode()


async def _kiosk_rater(
    port: int,
    key: str,
    label: str,
    cycles: Sequence[tuple[float, float]],
    start: float,
    tally: Tally,
) -> None:
    for number, (_scan, post) in enumerate(cycles):
        submission_id = f"{label}-{number:05d}"
        await _at(start, post)
        request = _api_request(key, submission_id, label.split("-")[0], 1 + number % 5, True)
        try:
            status, _headers, _body = await _exchange(port, request)
        except (OSError, ConnectionError) as error:
            tally.errors.append(f"POST {type(error).__name__}")
            continue
        tally.post_ms.append(_ms(start, post))
        if status == 201:
            tally.acknowledged.append(submission_id)
        else:
            tally.errors.append(f"POST HTTP {status}")


def _quantiles(values: list[float]) -> dict[str, float | int]:
    ordered = sorted(values)

    def quantile(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0

    return {
        "count": len(ordered),
        "p50_ms": quantile(0.50),
        "p95_ms": quantile(0.95),
        "p99_ms": quantile(0.99),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
    }


def _summary(tally: Tally, elapsed: float) -> dict[str, Any]:
    figures: dict[str, Any] = {"seconds": round(elapsed, 1)}
    if tally.get_ms:  # the kiosk scenario has no page to get
        figures["get"] = _quantiles(tally.get_ms)
    figures["post"] = _quantiles(tally.post_ms)
    figures["errors"] = len(tally.errors)
    figures["error_kinds"] = sorted(set(tally.errors))
    return figures


async def _open_loop(
    scenario: str, port: int, tokens: Sequence[str], key: str, model: RaterModel
) -> tuple[dict[str, Any], list[str]]:
    plan = schedule(model)
    tally = Tally()
    start = time.perf_counter() + 0.2
    if scenario == "page":
        jobs = [
            _page_rater(port, tokens[index % len(tokens)], cycles, start, tally)
            for index, cycles in enumerate(plan)
        ]
    else:
        jobs = [
            _kiosk_rater(port, key, f"desk{index % model.desks}-k{index}", cycles, start, tally)
            for index, cycles in enumerate(plan)
        ]
    await asyncio.gather(*jobs)
    return _summary(tally, time.perf_counter() - start), tally.acknowledged


async def _closed_loop_client(port: int, key: str, label: str, until: float, tally: Tally) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    number = 0
    try:
        while time.perf_counter() < until:
            number += 1
            submission_id = f"{label}-{number:07d}"
            sent = time.perf_counter()
            writer.write(_api_request(key, submission_id, "desk-1", 1 + number % 5, False))
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next(
                int(line.split(":", 1)[1])
                for line in lines
                if line.lower().startswith("content-length:")
            )
            await reader.readexactly(length)
            tally.post_ms.append(1000 * (time.perf_counter() - sent))
            status = int(lines[0].split()[1])
            if status == 201:
                tally.acknowledged.append(submission_id)
            else:
                tally.errors.append(f"POST HTTP {status}")
    except (OSError, asyncio.IncompleteReadError) as error:
        tally.errors.append(type(error).__name__)
    finally:
        writer.close()


async def _capacity(
    port: int, key: str, step_seconds: float, max_clients: int
) -> tuple[dict[str, Any], list[str]]:
    steps: list[dict[str, Any]] = []
    acknowledged: list[str] = []
    clients = 1
    while clients <= max_clients:
        tally = Tally()
        started = time.perf_counter()
        until = started + step_seconds
        await asyncio.gather(
            *(
                _closed_loop_client(port, key, f"cap{clients}-{index}", until, tally)
                for index in range(clients)
            )
        )
        elapsed = time.perf_counter() - started
        figures = _quantiles(tally.post_ms)
        steps.append(
            {
                "clients": clients,
                "per_second": round(len(tally.post_ms) / elapsed, 1),
                "p95_ms": figures["p95_ms"],
                "errors": len(tally.errors),
            }
        )
        acknowledged.extend(tally.acknowledged)
        if float(figures["p95_ms"]) > P95_TARGET_MS:
            break
        clients *= 2
    under = [step for step in steps if step["p95_ms"] <= P95_TARGET_MS]
    return {
        "label": "capacity: closed loop, no think time (server saturation, not raters)",
        "per_second_with_p95_under_100ms": under[-1]["per_second"] if under else None,
        "steps": steps,
    }, acknowledged


def run_backend(
    url: str,
    model: RaterModel,
    *,
    workers: int = 1,
    capacity_step: float = 5.0,
    capacity_clients: int = 64,
) -> dict[str, Any]:
    """Both open-loop scenarios and the capacity steps against one fresh store."""
    store = open_store(url)
    store.put_centre(CENTRE)
    _device, key = store.add_device(CENTRE.agency_code, "benchmark kiosk")
    expires = int(time.time()) + 86_400
    tokens = [
        sign_token(
            ServicePoint(CENTRE.agency_code, f"desk-{desk}", "1.001234"),
            expires_at=expires,
            secret=SECRET.encode(),
        )
        for desk in range(model.desks)
    ]
    options = (
        "--workers",
        str(workers),
        "--min-seconds",
        str(model.min_form_seconds),
        "--point-limit",
        str(model.point_limit),
        "--api-key-limit",
        "100000000",
    )
    server = ServerProcess(url, options, SECRET, port=free_port())
    server.start()
    results: dict[str, Any] = {}
    acknowledged: list[str] = []
    try:
        for scenario in ("page", "kiosk"):
            figures, ids = _on_own_loop(_open_loop(scenario, server.port, tokens, key, model))
            results[f"raters_{scenario}"] = figures
            acknowledged.extend(ids)
            figures["acknowledged"] = len(ids)
        if capacity_clients > 0:
            figures, ids = _on_own_loop(
                _capacity(server.port, key, capacity_step, capacity_clients)
            )
            results["capacity"] = figures
            acknowledged.extend(ids)
    finally:
        server.stop()
    stored = store.submission_ids()
    store.close()
    missing = sorted(set(acknowledged) - set(stored))
    results["check"] = {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "every_acknowledged_stored": not missing,
        "missing_ids": missing[:20],
        "duplicates": len(stored) - len(set(stored)),
    }
    return results


def run(
    model: RaterModel | None = None,
    backends: tuple[str, ...] = ("postgresql", "sqlite"),
    *,
    workers: int = 1,
    capacity_step: float = 5.0,
    capacity_clients: int = 64,
) -> dict[str, Any]:
    """Every backend's figures under the same raters."""
    model = model or RaterModel()
    results: dict[str, Any] = {"model": asdict(model), "workers": workers}
    if "postgresql" in backends:
        cluster = start_cluster()
        try:
            results["postgresql"] = run_backend(
                cluster.create_database("bench"),
                model,
                workers=workers,
                capacity_step=capacity_step,
                capacity_clients=capacity_clients,
            )
        finally:
            remove_cluster(cluster)
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            results["sqlite"] = run_backend(
                f"sqlite:///{Path(folder) / 'bench.db'}",
                model,
                workers=workers,
                capacity_step=capacity_step,
                capacity_clients=capacity_clients,
            )
    return results


def _pair(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    pair = (float(low), float(high or low))
    if not 0 <= pair[0] <= pair[1]:
        message = f"expected LOW,HIGH with 0 ≤ LOW ≤ HIGH; got {text!r}"
        raise argparse.ArgumentTypeError(message)
    return pair


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raters", type=int, default=50, help="concurrent raters (desks)")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds of scans")
    parser.add_argument("--think", type=_pair, default=(10.0, 30.0), help="LOW,HIGH seconds")
    parser.add_argument("--gap", type=_pair, default=(2.0, 10.0), help="LOW,HIGH seconds")
    parser.add_argument("--seed", type=int, default=20260302)
    parser.add_argument("--backend", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--capacity-step", type=float, default=5.0, help="seconds per step")
    parser.add_argument(
        "--capacity-clients", type=int, default=64, help="most closed-loop clients (0: skip)"
    )
    arguments = parser.parse_args(argv)
    if not (1 <= arguments.raters <= 2000 and 0 < arguments.seconds <= 600):
        print("error: --raters must be 1..2000 and --seconds 0..600 (bounded)", file=sys.stderr)
        return 2
    if arguments.think[0] < 0.5:
        print("error: --think LOW must be at least 0.5 s", file=sys.stderr)
        return 2
    model = RaterModel(
        raters=arguments.raters,
        seconds=arguments.seconds,
        think=arguments.think,
        gap=arguments.gap,
        seed=arguments.seed,
        desks=min(arguments.raters, 50),
        # The server's minimum form time stays on, below the shortest think time.
        min_form_seconds=min(3.0, arguments.think[0] / 2),
    )
    backends = ("postgresql", "sqlite") if arguments.backend == "both" else (arguments.backend,)
    os.environ.setdefault("GOVINDEX_FEEDBACK_SECRET", SECRET)
    results = run(
        model,
        backends,
        workers=arguments.workers,
        capacity_step=arguments.capacity_step,
        capacity_clients=arguments.capacity_clients,
    )
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
