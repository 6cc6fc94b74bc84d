"""``govindex export-site DIR``: the whole dashboard as static files for any web server."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from govindex.cli.runs import StoreOption

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
) -> None:
    """Write every page (each year, item, geography, language, province) as static files."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from govindex.cli.serve import load_dashboard
    from govindex.web.addresses import Language
    from govindex.web.static_site import export_site as write_site

    chosen: list[Language] = [
        "vi" if language is SiteLanguage.vi else "en"
        for language in dict.fromkeys(languages or list(SiteLanguage))
    ]
    started = time.perf_counter()
    dashboard = load_dashboard(store)
    console = Console(stderr=True)
    columns = (
        TextColumn("writing pages"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("pages", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = write_site(dashboard, folder, chosen, years=years, progress=advance)
    seconds = time.perf_counter() - started
    size = report.bytes / 2**20
    typer.echo(
        f"wrote {report.pages} pages ({report.files} files, {size:.1f} MiB) to {report.folder} "
        f"in {seconds:.1f} s; open {report.folder / 'index.html'}"
    )
