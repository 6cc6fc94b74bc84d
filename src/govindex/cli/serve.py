"""``govindex serve``: the dashboard and open-data API of a run store.

The store is read into memory before the server starts (a store without runs is an error
that says how to make one) and read again when it changes; :mod:`govindex.web.server`
runs the workers, timeouts and connection cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govindex.cli.runs import StoreOption

if TYPE_CHECKING:
    from govindex.views import Dashboard

__all__ = ["ensure_port_free", "load_dashboard", "parse_host_list", "serve", "serve_store"]


def load_dashboard(store: Path | None) -> Dashboard:
    """Read the store at ``store`` (default location if ``None``) into a dashboard.

    Raises :class:`~govindex.errors.NotFound` if there is no store there or it holds no
    runs, rather than creating an empty one.

    Examples
    --------
    >>> load_dashboard(store_path).runs().table("runs").height
    2
    """
    # The library opens it (and refuses a missing or empty store); this name stays for
    # the commands that serve or export a store.
    from govindex.application.site import load_dashboard as open_dashboard

    dashboard = open_dashboard(store)
    return dashboard


def ensure_port_free(host: str, port: int) -> None:
    """Fail with one line naming ``--port`` if ``host:port`` cannot be listened on.

    Checked before the dashboard's address is printed, so a busy port never shows an
    address that does not answer (uvicorn would print a bare "Errno 98" after it).

    Examples
    --------
    >>> ensure_port_free("127.0.0.1", 0)  # port 0: any free port
    """
    import errno
    import socket

    from govindex.errors import ServiceError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The same option uvicorn sets, so a port left in TIME_WAIT counts as free here too.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                msg = f"port {port} on {host} is already in use; choose another with --port."
            else:
                msg = f"cannot listen on {host}:{port} ({error.strerror}); check --host and --port."
            raise ServiceError(msg, where="--port", found=port) from error


def serve_store(
    store: Path | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    allowed_hosts: Sequence[str] | None = None,
    workers: int = 1,
    header_timeout: float = 10.0,
    keep_alive_timeout: float = 5.0,
    max_connections: int = 256,
    refresh_interval: float = 5.0,
) -> None:
    """Serve the dashboard of ``store`` until interrupted (Ctrl-C)."""
    from govindex.web.security import default_allowed_hosts
    from govindex.web.server import ServerSettings, run_server

    loaded = load_dashboard(store)
    ensure_port_free(host, port)
    hosts = default_allowed_hosts(host) if allowed_hosts is None else tuple(allowed_hosts)
    settings = ServerSettings(
        store=loaded.snapshot.store_path,
        host=host,
        port=port,
        allowed_hosts=hosts,
        workers=workers,
        header_timeout=header_timeout,
        keep_alive_timeout=keep_alive_timeout,
        max_connections=max_connections,
        refresh_interval=refresh_interval,
    )
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"govindex dashboard: http://{shown_host}:{port}/  (Ctrl-C stops it)")
    typer.echo(f"  open data: http://{shown_host}:{port}/docs", err=True)
    typer.echo(
        f"  answers for the hosts: {', '.join(hosts)}; {workers} worker process(es), "
        f"at most {max_connections} connection(s) each",
        err=True,
    )
    # With several workers each reads the store itself: the parent keeps no copy.
    dashboard = loaded if workers == 1 else None
    del loaded
    run_server(settings, dashboard)


def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    allowed_hosts: Annotated[
        str | None,
        typer.Option(
            "--allowed-hosts",
            help="Comma-separated host names the server answers for (`*.example.org` for "
            "subdomains, `*` for any); default: localhost, 127.0.0.1, ::1 and --host.",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option("--workers", min=1, max=64, help="Server processes (each reads the store)."),
    ] = 1,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout",
            min=0.1,
            help="Seconds a client has to send a request's headers; slower ones are dropped.",
        ),
    ] = 10.0,
    keep_alive_timeout: Annotated[
        float,
        typer.Option(
            "--keep-alive-timeout", min=0.1, help="Seconds an idle connection stays open."
        ),
    ] = 5.0,
    max_connections: Annotated[
        int,
        typer.Option(
            "--max-connections",
            min=1,
            help="Connections served at once per worker; more are answered 503.",
        ),
    ] = 256,
    refresh_interval: Annotated[
        float,
        typer.Option(
            "--refresh-interval",
            min=0,
            help="Seconds between checks of the store for new runs (0: never; restart to see them).",
        ),
    ] = 5.0,
) -> None:
    """Serve the dashboard and its open-data API (JSON, CSV, XLSX) from a run store."""
    hosts = None if allowed_hosts is None else parse_host_list(allowed_hosts)
    serve_store(
        store,
        host=host,
        port=port,
        allowed_hosts=hosts,
        workers=workers,
        header_timeout=header_timeout,
        keep_alive_timeout=keep_alive_timeout,
        max_connections=max_connections,
        refresh_interval=refresh_interval,
    )


def parse_host_list(text: str) -> tuple[str, ...]:
    """The host names of an ``--allowed-hosts`` value.

    Examples
    --------
    >>> parse_host_list("govindex.example.org, localhost")
    ('govindex.example.org', 'localhost')
    """
    from govindex.errors import ServiceError

    hosts = tuple(name.strip() for name in text.split(",") if name.strip())
    if not hosts:
        msg = "`--allowed-hosts` names no host; give comma-separated names such as `localhost`."
        raise ServiceError(msg, where="--allowed-hosts", found=text)
    return hosts
