"""``govindex validate``: check a microdata file against an index spec's codebook and design.

The spec is checked first (its problems are reported like any spec error). Then every
problem in the data is printed on stdout, grouped by kind (``--format table``) or as a JSON
list (``--format json``). Exit code 0 when the file has no errors (warnings allowed), 1 when
it has any, with one summary line on stderr.
"""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from govindex.errors import DataValidationError

if TYPE_CHECKING:
    from govindex.ingest.validate import ValidationReport

__all__ = ["render_report", "validate"]

ReportFormat = Literal["table", "json"]
BlankAnswersOption = Literal["allowed", "error"]

_DESIGN = "Design columns"


def render_report(report: ValidationReport, output_format: ReportFormat) -> str:
    """The report as text: problems grouped by kind, or a JSON list of findings.

    Examples
    --------
    >>> from govindex.ingest import ValidationReport
    >>> render_report(ValidationReport(source="d.csv", rows=3, columns=2, findings=()), "table")
    'd.csv: 3 rows, 2 columns: no problems found.'
    """
    if output_format == "json":
        return json.dumps(
            [finding.to_dict() for finding in report.findings], indent=2, ensure_ascii=False
        )
    from govindex.ingest.validate import PROBLEM_KINDS

    lines: list[str] = []
    for kind, group in groupby(report.findings, key=lambda finding: finding.kind):
        findings = list(group)
        total = sum(finding.count for finding in findings)
        severity = findings[0].severity
        lines.append(f"{severity}: {PROBLEM_KINDS[kind]} [{kind}] ({total})")
        lines.extend(f"  - {finding.issue.describe()}" for finding in findings)
    errors, warnings = report.error_count, report.warning_count
    if errors == 0:
        verdict = "no problems found"
    else:
        verdict = f"{errors} problem{'s' if errors != 1 else ''}"
    if warnings:
        verdict += f", {warnings} warning{'s' if warnings != 1 else ''}"
    lines.append(f"{report.source}: {report.rows} rows, {report.columns} columns: {verdict}.")
    return "\n".join(lines)


def validate(
    spec: Annotated[
        str,
        typer.Argument(
            help="Index spec: a shipped name (papi-2024) or a file path (./my-spec.yaml)."
        ),
    ],
    data: Annotated[
        Path, typer.Argument(help="Microdata file: .csv, .parquet, .sav, .zsav, .dta or .xlsx.")
    ],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Report format.")
    ] = "table",
    respondent_id: Annotated[
        str, typer.Option("--id", help="Respondent id column.", rich_help_panel=_DESIGN)
    ] = "respondent_id",
    strata: Annotated[
        str, typer.Option("--strata", help="Stratum column.", rich_help_panel=_DESIGN)
    ] = "province",
    psu: Annotated[
        str, typer.Option("--psu", help="Primary sampling unit column.", rich_help_panel=_DESIGN)
    ] = "district",
    weights: Annotated[
        str, typer.Option("--weights", help="Survey weight column.", rich_help_panel=_DESIGN)
    ] = "weight",
    blank_answers: Annotated[
        BlankAnswersOption,
        typer.Option(
            "--blank-answers",
            help="Blank cells where an item applies: allowed, or reported as errors.",
        ),
    ] = "allowed",
    weight_ratio_stratum: Annotated[
        float,
        typer.Option(
            "--weight-ratio-stratum",
            help="Refuse a weight more than this many times (or less than 1/this of) its "
            "stratum's median weight.",
        ),
    ] = 100.0,
    weight_ratio_design: Annotated[
        float,
        typer.Option(
            "--weight-ratio-design",
            help="Refuse a weight more than this many times (or less than 1/this of) the "
            "file's median weight.",
        ),
    ] = 1000.0,
) -> None:
    """Check a microdata file against the spec's codebook: every problem with row and column.

    Example: govindex validate specs/papi-2024.yaml survey.parquet --format json
    """
    from govindex.application.spec_cache import load_spec_cached
    from govindex.ingest import DesignColumns, read_table, validate_microdata
    from govindex.ingest.validate import WeightPlausibility
    from govindex.spec.bundled import resolve_spec

    plausibility = WeightPlausibility(
        stratum_ratio=weight_ratio_stratum, design_ratio=weight_ratio_design
    )
    index_spec = load_spec_cached(resolve_spec(spec))
    design = DesignColumns(respondent_id=respondent_id, strata=strata, psu=psu, weights=weights)
    table = read_table(data, text_columns=[respondent_id, strata, psu])
    report = validate_microdata(
        index_spec,
        table,
        design_columns=design,
        blank_answers=blank_answers,
        weight_plausibility=plausibility,
    )
    typer.echo(render_report(report, output_format))
    if not report.ok:
        msg = f"{report.summary()} (see above)"
        raise DataValidationError(msg, where=str(data), found=report.error_count)
