"""``govindex report``: a province's profile as a PDF, or the national ranking as a workbook.

``govindex report "Hà Nội" --year 2024 --pdf ha-noi.pdf`` writes the A4 profile;
``govindex report national --year 2024 --xlsx papi-2024.xlsx`` writes the workbook. Both
read the run store; the official record bundled with govindex is loaded into it the first
time it is needed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Literal

import typer

from govindex.cli.progress import Steps
from govindex.cli.runs import StoreOption

__all__ = ["NATIONAL", "report"]

NATIONAL = "national"
"""The PROVINCE argument that asks for the national workbook instead of a profile."""

LanguageOption = Literal["vi", "en"]


def report(
    province: Annotated[
        str,
        typer.Argument(
            help=(
                "A province (old or 2025 name, diacritics optional) for its profile PDF, "
                "or `national` for the national ranking workbook."
            ),
            show_default=False,
        ),
    ],
    year: Annotated[
        int | None,
        typer.Option("--year", help="Survey year (default: the newest published year)."),
    ] = None,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf", help="Write a province's A4 profile to this PDF file.", dir_okay=False
        ),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            help=(
                "Write the national ranking to this XLSX workbook (PROVINCE `national` only; "
                "a province's report is a PDF)."
            ),
            dir_okay=False,
        ),
    ] = None,
    language: Annotated[
        LanguageOption,
        typer.Option("--lang", help="Language of the report: vi (Vietnamese) or en."),
    ] = "vi",
    run: Annotated[
        str | None,
        typer.Option(
            "--run", help="Report this stored run (id or unique prefix) instead of the record."
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write a province profile (PDF) or the national ranking (XLSX) from the run store."""
    from govindex.application.site import load_dashboard
    from govindex.cli.scores import ensure_published_at
    from govindex.reports import national_workbook, profile_pdf

    national = province.strip().lower() == NATIONAL
    target = _target(national, pdf, xlsx)
    started = time.perf_counter()
    last = "writing the national workbook" if national else f"rendering the profile of {province}"
    with Steps(["opening the run store", last], title="report") as steps:
        steps.next()
        if run is None:
            ensure_published_at(store)
        dashboard = load_dashboard(store)
        steps.next()
        if national:
            written = national_workbook(
                dashboard, year=year, run_id=run, language=language, path=target
            )
        else:
            written = profile_pdf(
                dashboard, province, year=year, run_id=run, language=language, path=target
            )
        steps.finish()
    seconds = time.perf_counter() - started
    size = written.stat().st_size / 1024
    typer.echo(f"wrote {written} ({size:,.0f} KiB, {seconds:.1f} s)", err=True)


def _target(national: bool, pdf: Path | None, xlsx: Path | None) -> Path:
    if national:
        if pdf is not None:
            msg = "the national report is a workbook: use --xlsx FILE (a PDF is per province)."
            raise typer.BadParameter(msg, param_hint="--pdf")
        if xlsx is None:
            msg = "give the workbook to write with --xlsx FILE."
            raise typer.BadParameter(msg, param_hint="--xlsx")
        return xlsx
    if xlsx is not None:
        msg = "--xlsx is for `govindex report national`; a province's report is a PDF (--pdf FILE)."
        raise typer.BadParameter(msg, param_hint="--xlsx")
    if pdf is None:
        msg = "give the PDF to write with --pdf FILE."
        raise typer.BadParameter(msg, param_hint="--pdf")
    return pdf
