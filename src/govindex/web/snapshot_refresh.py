"""New runs shown without a restart: the app notices the store file changed and reloads.

The dashboard answers from a snapshot of the store taken when it started. At most every
``interval`` seconds a request makes the app compare the store file's (and its DuckDB
write-ahead log's) size and modification time with those of the snapshot — two ``stat``
calls, no database connection. When they differ, a new snapshot is taken in a background
thread while the old one keeps answering; then it replaces the old one and the kept
answers are dropped. A store another process is still writing (locked) is tried again at
the next check.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from govindex.views import Dashboard

__all__ = ["RefreshSnapshot", "StoreWatcher", "store_stamp"]

logger = logging.getLogger("govindex.web")

Stamp = tuple[tuple[int, int], ...]


def store_stamp(path: str | Path) -> Stamp:
    """The size and modification time (ns) of the store file and its write-ahead log.

    A missing file counts as ``(-1, -1)``.

    Examples
    --------
    >>> store_stamp("no-such-store.duckdb")
    ((-1, -1), (-1, -1))
    """
    stamps = []
    for name in (str(path), f"{path}.wal"):
        try:
            status = Path(name).stat()
        except OSError:
            stamps.append((-1, -1))
        else:
            stamps.append((status.st_size, status.st_mtime_ns))
    return tuple(stamps)


class StoreWatcher:
    """Reloads a dashboard when its store file changes, checked at most every ``interval`` s.

    ``replace`` receives each new dashboard.

    Examples
    --------
    >>> watcher = StoreWatcher(dashboard, 5.0, replace=print)
    >>> watcher.check()
    """

    def __init__(
        self, dashboard: Dashboard, interval: float, replace: Callable[[Dashboard], None]
    ) -> None:
        self.path = Path(dashboard.snapshot.store_path)
        self.parameters = dashboard.parameters
        self.interval = interval
        self.replace = replace
        self._stamp = store_stamp(self.path)
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._reloading = False

    def check(self) -> None:
        """Start a reload if the interval has passed and the store changed (returns at once)."""
        now = time.monotonic()
        if now - self._checked < self.interval:
            return
        with self._lock:
            if self._reloading or now - self._checked < self.interval:
                return
            self._checked = now
            stamp = store_stamp(self.path)
            if stamp == self._stamp:
                return
            self._reloading = True
        threading.Thread(
            target=self._reload, args=(stamp,), name="govindex-snapshot", daemon=True
        ).start()

    def _reload(self, stamp: Stamp) -> None:
        try:
            dashboard = Dashboard.open(self.path, self.parameters)
        except Exception as error:  # a store being written (locked) or damaged: keep serving
            logger.warning("the run store %s changed but could not be read: %s", self.path, error)
        else:
            if not dashboard.snapshot.datasets.is_empty():
                self.replace(dashboard)
            # The stamp of the store as read: a change after it is noticed at the next check.
            self._stamp = stamp
        finally:
            with self._lock:
                self._reloading = False


class RefreshSnapshot:
    """ASGI middleware: each request lets the watcher check the store (cheaply, by interval)."""

    def __init__(self, app: ASGIApp, watcher: StoreWatcher) -> None:
        self.app = app
        self.watcher = watcher

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.watcher.check()
        await self.app(scope, receive, send)
