"""The dashboard of a run store: opened for serving, or written out as a static site."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from govindex.application.progress import ProgressCallback, report_step

if TYPE_CHECKING:
    from govindex.views import Dashboard
    from govindex.web.addresses import Language
    from govindex.web.static_site import SiteReport

__all__ = ["export_site", "load_dashboard"]


def load_dashboard(store: Path | None) -> Dashboard:
    """Read the store at ``store`` (default location if ``None``), read-only, into a dashboard.

    Raises :class:`~govindex.errors.NotFound` if there is no store there or it holds no
    runs, rather than creating an empty one.

    Examples
    --------
    >>> load_dashboard(Path("no-such-store.duckdb"))
    Traceback (most recent call last):
    ...
    govindex.errors.NotFound: there is no run store at no-such-store.duckdb; run `govindex demo` to build one.
    """
    from govindex.errors import NotFound
    from govindex.storage import RunStore, default_store_path
    from govindex.views import Dashboard, Snapshot

    path = default_store_path() if store is None else store
    if not path.exists():
        msg = f"there is no run store at {path}; run `govindex demo` to build one."
        raise NotFound(msg, where="store", found=str(path))
    # Read-only: serving or exporting never writes, so a read-only mount works and several
    # readers may share the file.
    with RunStore(path, read_only=True) as opened:
        dashboard = Dashboard(Snapshot.load(opened))
    snapshot = dashboard.snapshot
    # A store of one instrument alone (one-stop runs from `govindex onestop publish`) is
    # served: its pages answer, and PAPI's pages say that the store holds no PAPI run.
    if not (snapshot.manifests or snapshot.other_manifests or snapshot.period_manifests):
        msg = f"the run store {path} holds no runs; run `govindex demo` to fill it."
        raise NotFound(msg, where="store", found=str(path))
    return dashboard


def export_site(
    store: Path | None,
    folder: Path,
    languages: Sequence[Language] = ("vi", "en"),
    *,
    years: Sequence[int] | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> SiteReport:
    """Write every page (each year, item, geography, language, province) of the store's
    dashboard to ``folder`` as static files (replaced atomically).

    ``workers`` processes write the pages (default: two, or one on a one-core machine);
    each reads its own read-only snapshot of the store.
    """
    from govindex.storage import default_store_path
    from govindex.web.static_site import export_site as write_site

    report_step(progress, "reading the run store")
    dashboard = load_dashboard(store)
    path = default_store_path() if store is None else store
    chosen = min(2, os.cpu_count() or 1) if workers is None else workers

    def advance(done: int, total: int) -> None:
        report_step(progress, "writing pages", done, total)

    return write_site(
        dashboard,
        folder,
        list(languages),
        years=years,
        progress=advance,
        store=path,
        workers=chosen,
    )
