"""Durability: `kill -9` of the server during a burst of posts, and a PostgreSQL restart during
it. Clients retry a post (same submission id) until it is acknowledged, as kiosks do. No
acknowledged rating may be lost, none stored twice, and the service must answer again by
itself after the database comes back (the server process is restarted after `kill -9`, as
its supervisor would)."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable

import pytest
from tests.feedback.conftest import QUANG_NINH, SECRET

from govindex.feedback.local_servers import Cluster, ServerProcess
from govindex.feedback.store import open_store


class Rater(threading.Thread):
    """Posts ratings one after another; each is retried until acknowledged (or time is up)."""

    def __init__(self, name: str, port: Callable[[], int], key: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.label, self.port, self.key, self.stop = name, port, key, stop
        self.acknowledged: list[str] = []
        self.failures = 0

    def post(self, submission_id: str) -> bool:
        body = json.dumps(
            {
                "submission_id": submission_id,
                "desk": "desk-1",
                "procedure_code": "1.001234",
                "answers": {"overall": 4},
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", self.port(), timeout=5)
        try:
            connection.request(
                "POST",
                "/api/v1/ratings",
                body,
                {"X-API-Key": self.key, "Content-Type": "application/json"},
            )
            answer = connection.getresponse()
            answer.read()
        except (OSError, http.client.HTTPException):
            # A server killed mid-answer gives a reset, a bad status line or an incomplete
            # body; a kiosk treats all of them as "not acknowledged" and retries.
            return False
        finally:
            connection.close()
        return answer.status == 201

    def run(self) -> None:
        number = 0
        give_up = time.monotonic() + 60
        while not self.stop.is_set():
            number += 1
            submission_id = f"{self.label}-{number:06d}"
            while time.monotonic() < give_up:
                if self.post(submission_id):
                    self.acknowledged.append(submission_id)
                    break
                self.failures += 1
                time.sleep(0.05)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.timeout(180)
def test_no_acknowledged_rating_is_lost_or_duplicated(
    backend: str, request: pytest.FixtureRequest, tmp_path: object
) -> None:
    cluster: Cluster | None = None
    if backend == "postgresql":
        cluster = request.getfixturevalue("postgres")
        url = cluster.create_database(f"feedback_durability_{int(time.time())}")
    else:
        url = f"sqlite:///{tmp_path}/durability.db"
    store = open_store(url)
    store.put_centre(QUANG_NINH)
    _device, key = store.add_device(QUANG_NINH.agency_code, "kiosk")
    server = ServerProcess(url, ("--api-key-limit", "1000000"), SECRET.decode())
    server.start()
    stop = threading.Event()
    raters = [Rater(f"rater{i}", lambda: server.port, key, stop) for i in range(8)]
    try:
        for rater in raters:
            rater.start()
        time.sleep(1.5)
        server.kill()  # kill -9 in the middle of the burst
        server.start()  # the supervisor starts it again, on the same port
        time.sleep(1.5)
        if cluster is not None:
            cluster.restart()  # the database goes away and comes back under the running server
            time.sleep(2.0)
        acknowledged_before_stop = sum(len(r.acknowledged) for r in raters)
        time.sleep(1.0)
        stop.set()
        for rater in raters:
            rater.join(timeout=70)
        # The service answers again by itself: the raters got acknowledgements after the restart.
        assert sum(len(r.acknowledged) for r in raters) > acknowledged_before_stop
    finally:
        stop.set()
        server.stop()
    acknowledged = [sid for rater in raters for sid in rater.acknowledged]
    stored = store.submission_ids()
    store.close()
    assert len(acknowledged) > 50
    assert len(stored) == len(set(stored)), "a rating was stored twice"
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged rating(s) lost"
    # Every stored rating was eventually acknowledged (clients retried until they were).
    assert set(stored) == set(acknowledged)
    assert sum(r.failures for r in raters) > 0  # the interruptions really happened
