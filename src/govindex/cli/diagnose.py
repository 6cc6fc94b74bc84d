"""``govindex diagnose``: one province's PAPI diagnosis, priority list and agency action sheets.

The official record comes from the CSVs bundled with govindex, or from ``--data-dir`` (a
folder such as ``shared/data/papi``); ``--workbook`` adds the indicator rows of the official
workbook. Output is Markdown, JSON, or an XLSX workbook with one action sheet per responsible
agency. The work is done by :mod:`govindex.application.diagnosis`; this module parses and
prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from govindex.application.diagnosis import diagnosis_document, diagnosis_markdown
from govindex.cli.progress_bars import progress_display
from govindex.errors import SpecError

__all__ = ["diagnose", "diagnosis_document", "diagnosis_markdown"]


def diagnose(
    province: Annotated[
        str, typer.Argument(help="Province name (old or 2025, diacritics optional).")
    ],
    year: Annotated[int, typer.Option("--year", help="Year to diagnose.")],
    baseline: Annotated[
        int | None,
        typer.Option(
            "--baseline",
            help="Baseline year (default: the start of the year's government term, e.g. 2021, "
            "as the dashboard and the PDF use).",
        ),
    ] = None,
    previous_year: Annotated[
        int | None, typer.Option("--previous-year", help="Year compared with (default: year - 1).")
    ] = None,
    confidence: Annotated[
        float, typer.Option("--confidence", help="Two-sided level of the change tests.")
    ] = 0.90,
    responsibility: Annotated[
        Path | None,
        typer.Option("--responsibility", help="YAML file assigning item codes to agencies."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="Output format: md, xlsx or json.")
    ] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Folder of the official PAPI CSVs (default: bundled)."),
    ] = None,
    workbook: Annotated[
        Path | None,
        typer.Option(
            "--workbook",
            help="Official PAPI workbook (.xlsm): adds its indicator rows, and any "
            "sub-dimension the CSVs lack, for the years whose sheet it accepts.",
        ),
    ] = None,
    spec: Annotated[
        str | None,
        typer.Option(
            "--spec",
            help="Index spec whose indicator directions apply to the workbook rows: a shipped "
            "name or a file path (default: the shipped PAPI spec).",
        ),
    ] = None,
) -> None:
    """Diagnose a province: scores, ranks, groups, changes and the items needing action."""
    from govindex.application.diagnosis import (
        DiagnosisRequest,
        write_diagnosis_workbook,
    )
    from govindex.application.diagnosis import diagnose as run_diagnosis
    from govindex.spec.bundled import resolve_spec

    if output_format not in ("md", "xlsx", "json"):
        msg = f"`--format` must be one of md, xlsx, json. Got {output_format!r} instead."
        raise typer.BadParameter(msg, param_hint="'--format'")
    if spec is not None and workbook is None:
        msg = "`--spec` gives the directions of the workbook's indicators; add `--workbook FILE`."
        raise typer.BadParameter(msg, param_hint="'--spec'")
    if output_format == "xlsx" and out is None:
        msg = "`--format xlsx` needs `--out FILE.xlsx`."
        raise SpecError(msg, expected="--out")
    request = DiagnosisRequest(
        province=province,
        year=year,
        baseline=baseline,
        previous_year=previous_year,
        confidence=confidence,
        responsibility=responsibility,
        data_dir=data_dir,
        workbook=workbook,
        spec=resolve_spec(spec) if spec else None,
    )
    with progress_display() as progress:
        outcome = run_diagnosis(request, progress=progress)
    for note in outcome.notes:
        typer.echo(f"note: {note}", err=True)
    if output_format == "xlsx" and out is not None:
        sheets = write_diagnosis_workbook(outcome, out)
        typer.echo(f"wrote {sheets} action sheet(s) to {out}", err=True)
        return
    if output_format == "json":
        text = json.dumps(outcome.document(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = outcome.markdown()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        result = outcome.diagnosis
        typer.echo(f"wrote the {result.province} {result.year} diagnosis to {out}", err=True)
