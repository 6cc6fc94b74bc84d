"""``govindex serve``: the dashboard and open-data API of a run store, on one uvicorn worker.

The store is read once, into memory, before the server starts; a store without runs is an
error that says how to make one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govindex.cli.runs import StoreOption

if TYPE_CHECKING:
    from govindex.views import Dashboard

__all__ = ["load_dashboard", "serve", "serve_store"]


def load_dashboard(store: Path | None) -> Dashboard:
    """Read the store at ``store`` (default location if ``None``) into a dashboard.

    Raises :class:`~govindex.errors.NotFound` if there is no store there or it holds no
    runs, rather than creating an empty one.

    Examples
    --------
    >>> load_dashboard(Path("govindex.duckdb")).runs().table("runs").height  # doctest: +SKIP
    15
    """
    # The library opens it (and refuses a missing or empty store); this name stays for
    # the commands that serve or export a store.
    from govindex.application.site import load_dashboard as open_dashboard

    dashboard = open_dashboard(store)
    return dashboard


def serve_store(store: Path | None, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the dashboard of ``store`` until interrupted (Ctrl-C)."""
    import uvicorn

    from govindex.web import create_app

    dashboard = load_dashboard(store)
    app = create_app(dashboard)
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"govindex dashboard: http://{shown_host}:{port}/  (Ctrl-C stops it)")
    typer.echo(f"  open data: http://{shown_host}:{port}/docs", err=True)
    uvicorn.run(app, host=host, port=port, workers=1, log_level="warning", access_log=False)


def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
) -> None:
    """Serve the dashboard and its open-data API (JSON, CSV, XLSX) from a run store."""
    serve_store(store, host=host, port=port)
