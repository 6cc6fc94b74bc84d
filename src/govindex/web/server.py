"""The dashboard's HTTP server: uvicorn with worker processes, timeouts and a connection cap.

:func:`run_server` serves the app of :class:`ServerSettings`. With more than one worker,
uvicorn starts each process from the import string of :func:`app_from_environment`, which
rebuilds the same app from the settings the parent put in the environment.

uvicorn closes an idle kept-alive connection after ``keep_alive_timeout`` but waits
forever for the headers of a request; :class:`HeaderTimeoutProtocol` closes a connection
whose request headers are not complete ``header_timeout`` seconds after they began, so a
client that sends them byte by byte cannot hold a connection (and a worker's slot).
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    from fastapi import FastAPI

    from govindex.views import Dashboard

__all__ = [
    "SETTINGS_VARIABLE",
    "HeaderTimeoutProtocol",
    "ServerSettings",
    "app_from_environment",
    "run_server",
    "slow_client_limits",
]

SETTINGS_VARIABLE = "GOVINDEX_SERVE_SETTINGS"
"""The environment variable that carries :class:`ServerSettings` to worker processes."""


@dataclass(frozen=True)
class ServerSettings:
    """How ``govindex serve`` serves a store.

    Parameters
    ----------
    store
        The run store's path (``None``: the default store).
    host, port
        Where to listen.
    allowed_hosts
        The ``Host`` names answered (see :func:`govindex.web.security.default_allowed_hosts`).
    workers
        Server processes; each holds its own snapshot of the store.
    header_timeout
        Seconds a client has to send a request's headers once it has begun.
    keep_alive_timeout
        Seconds an idle kept-alive connection stays open.
    max_connections
        Connections served at once (per process); beyond it uvicorn answers 503.
    max_header_bytes
        Largest request head accepted (h11's incomplete-event limit).
    refresh_interval
        Seconds between checks of the store for new runs (0: never check).

    Examples
    --------
    >>> settings = ServerSettings("store.duckdb", workers=2)
    >>> ServerSettings.from_json(settings.to_json()) == settings
    True
    """

    store: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = field(default=("localhost", "127.0.0.1", "::1"))
    workers: int = 1
    header_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    max_connections: int = 256
    max_header_bytes: int = 16 * 1024
    refresh_interval: float = 5.0

    def to_json(self) -> str:
        """The settings as one JSON text (for the environment of worker processes)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServerSettings:
        """The settings written by :meth:`to_json`."""
        values: dict[str, Any] = json.loads(text)
        values["allowed_hosts"] = tuple(values["allowed_hosts"])
        return cls(**values)


@cache
def _settings_from_environment() -> ServerSettings:
    text = os.environ.get(SETTINGS_VARIABLE)
    return ServerSettings() if text is None else ServerSettings.from_json(text)


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers arrive too slowly.

    The limit is ``header_timeout`` of the process's :class:`ServerSettings` (from the
    environment; uvicorn builds protocols itself, with its own arguments).
    """

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        super().__init__(*arguments, **keywords)
        self.header_timeout = _settings_from_environment().header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
            # The first bytes of the next request on a kept-alive connection.
            self._start_header_timer()
        super().data_received(data)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:
            # A new request's headers are complete: the app now has the connection.
            self._stop_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _start_header_timer(self) -> None:
        if self.header_timeout > 0:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def slow_client_limits(header_timeout: float, max_header_bytes: int = 16 * 1024) -> dict[str, Any]:
    """uvicorn's options that drop a client whose request headers come too slowly or too big.

    Shared by the dashboard and the feedback service. uvicorn builds the protocol itself
    (in each worker process too), so the limit travels in the environment
    (:data:`SETTINGS_VARIABLE`), which this sets.

    Examples
    --------
    >>> options = slow_client_limits(4.0)
    >>> options["http"] is HeaderTimeoutProtocol, _settings_from_environment().header_timeout
    (True, 4.0)
    >>> _ = os.environ.pop(SETTINGS_VARIABLE)
    >>> _settings_from_environment.cache_clear()
    """
    current = _settings_from_environment()
    limited = replace(current, header_timeout=header_timeout, max_header_bytes=max_header_bytes)
    os.environ[SETTINGS_VARIABLE] = limited.to_json()
    _settings_from_environment.cache_clear()
    return {"http": HeaderTimeoutProtocol, "h11_max_incomplete_event_size": max_header_bytes}


def _app(dashboard: Dashboard, settings: ServerSettings) -> FastAPI:
    from govindex.web.app import create_app

    return create_app(
        dashboard,
        allowed_hosts=settings.allowed_hosts,
        refresh_interval=settings.refresh_interval,
    )


def app_from_environment() -> FastAPI:
    """The app of one worker process (settings from :data:`SETTINGS_VARIABLE`).

    Examples
    --------
    >>> getfixture("monkeypatch").setenv(SETTINGS_VARIABLE, ServerSettings(str(store_path)).to_json())
    >>> _settings_from_environment.cache_clear()
    >>> app_from_environment().title
    'govindex'
    >>> _settings_from_environment.cache_clear()
    """
    from govindex.views import Dashboard

    settings = _settings_from_environment()
    return _app(Dashboard.open(settings.store), settings)


def run_server(settings: ServerSettings, dashboard: Dashboard | None = None) -> None:
    """Serve the store of ``settings`` until interrupted.

    One worker serves ``dashboard`` (the store's snapshot, taken now if ``None``); more
    workers each take their own.

    Examples
    --------
    ``run_server(ServerSettings("govindex.duckdb"))`` blocks, serving until interrupted;
    with one worker it serves the app that ``create_app`` builds from the settings:

    >>> from govindex.web.app import create_app
    >>> settings = ServerSettings(str(store_path))
    >>> create_app(
    ...     dashboard,
    ...     allowed_hosts=settings.allowed_hosts,
    ...     refresh_interval=settings.refresh_interval,
    ... ).title
    'govindex'
    """
    import uvicorn

    os.environ[SETTINGS_VARIABLE] = settings.to_json()
    _settings_from_environment.cache_clear()
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "http": HeaderTimeoutProtocol,
        "timeout_keep_alive": settings.keep_alive_timeout,
        "limit_concurrency": settings.max_connections,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "log_level": "warning",
        "access_log": False,
    }
    if settings.workers == 1:
        if dashboard is None:
            from govindex.views import Dashboard

            dashboard = Dashboard.open(settings.store)
        uvicorn.run(_app(dashboard, settings), workers=1, **common)
        return
    uvicorn.run(
        "govindex.web.server:app_from_environment",
        factory=True,
        workers=settings.workers,
        **common,
    )
