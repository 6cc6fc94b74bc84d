"""``govindex export-site DIR``: the whole dashboard as static files for any web server.

The work is done by :func:`govindex.application.export_site`; this module parses and prints.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govindex.cli.progress_bars import progress_display
from govindex.cli.runs import StoreOption

if TYPE_CHECKING:
    from govindex.web.addresses import Language

__all__ = ["export_site"]


class SiteLanguage(StrEnum):
    """A language of the exported pages."""

    vi = "vi"
    en = "en"


def export_site(
    folder: Annotated[
        Path, typer.Argument(help="Folder to write (replaced atomically if an earlier export).")
    ],
    store: StoreOption = None,
    languages: Annotated[
        list[SiteLanguage] | None,
        typer.Option(
            "--lang", help="Language of the pages; repeat for several (default: vi and en)."
        ),
    ] = None,
    years: Annotated[
        list[int] | None,
        typer.Option("--year", help="Only this published year; repeat for several (default: all)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes writing pages (default: 2, or 1 on a one-core machine).",
        ),
    ] = None,
) -> None:
    """Write every page (each year, item, geography, language, province) as static files."""
    from govindex.application.site import export_site as write_site

    chosen: list[Language] = [
        "vi" if language is SiteLanguage.vi else "en"
        for language in dict.fromkeys(languages or list(SiteLanguage))
    ]
    started = time.perf_counter()
    with progress_display() as progress:
        report = write_site(store, folder, chosen, years=years, progress=progress, workers=workers)
    seconds = time.perf_counter() - started
    size = report.bytes / 2**20
    typer.echo(
        f"wrote {report.pages} pages ({report.files} files, {size:.1f} MiB) to {report.folder} "
        f"in {seconds:.1f} s; open {report.folder / 'index.html'}"
    )
