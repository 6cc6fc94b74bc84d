"""``govindex par``: the PAR Index assessment workflow — workbook, appraisal, scoring.

The commands parse options, call :mod:`govindex.assessment` and :mod:`govindex.rubric`, and
print; a provisional rubric is announced with one ``warning:`` line on stderr.
"""

from __future__ import annotations

import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from govindex.errors import SpecError

if TYPE_CHECKING:
    from govindex.rubric import Group, Rubric

__all__ = ["app"]

app = typer.Typer(
    name="par",
    help="PAR Index: self-assessment workbooks, appraisal log, points and ranks.",
    no_args_is_help=True,
)

RubricOption = Annotated[
    Path | None,
    typer.Option(
        "--rubric",
        help="Rubric YAML (default: the shipped provisional 876/QĐ-BNV rubric).",
        show_default=False,
    ),
]
LogOption = Annotated[Path, typer.Option("--log", help="Appraisal log file (SQLite, append-only).")]
FormatOption = Annotated[
    Literal["table", "csv", "json"],
    typer.Option("--format", help="Output format: table, csv or json."),
]
_TABLE = ("unit", "estimate", "points", "max_points", "rank", "group_label", "status")


def _rubric(path: Path | None) -> Rubric:
    from govindex.assessment import ProvisionalRubricWarning, load_rubric

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ProvisionalRubricWarning)
        rubric = load_rubric(path)
    for warning in caught:
        typer.echo(f"warning: {warning.message}", err=True)
    return rubric


@app.command("workbook", no_args_is_help=True)
def workbook(
    province: Annotated[
        str, typer.Argument(help="Province name, as it should appear in the results.")
    ],
    year: Annotated[int, typer.Option("--year", help="Assessment year.")],
    out: Annotated[Path, typer.Option("--out", help="XLSX file to write.")],
    rubric: RubricOption = None,
) -> None:
    """Write the self-assessment workbook of PROVINCE for a year."""
    from govindex.assessment import write_assessment_workbook

    path = write_assessment_workbook(_rubric(rubric), province, year, out)
    typer.echo(f"wrote {path}")


@app.command("check", no_args_is_help=True)
def check(
    workbooks: Annotated[list[Path], typer.Argument(help="Filled self-assessment workbooks.")],
    rubric: RubricOption = None,
) -> None:
    """Read filled workbooks and report every bad cell (sheet, row, column)."""
    from govindex.assessment import read_assessment_workbook

    loaded = _rubric(rubric)
    for path in workbooks:
        assessment = read_assessment_workbook(loaded, path)
        typer.echo(
            f"{path.name}: {assessment.province} {assessment.year}, {len(assessment.entries)} criteria filled, no problems"
        )


@app.command("appraise", no_args_is_help=True)
def appraise(
    log: LogOption,
    province: Annotated[str, typer.Option("--province", help="Province appraised.")],
    year: Annotated[int, typer.Option("--year", help="Assessment year.")],
    code: Annotated[str, typer.Option("--code", help="Criterion code, e.g. 3.2.")],
    score: Annotated[float, typer.Option("--score", help="The appraised points.")],
    appraiser: Annotated[str, typer.Option("--appraiser", help="Who decided.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the score was set.")],
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="Decision time, ISO 8601 with zone (default: now).", show_default=False
        ),
    ] = None,
    rubric: RubricOption = None,
) -> None:
    """Append one appraisal decision to the log (decisions are never changed)."""
    from govindex.assessment import AppraisalLog
    from govindex.rubric import AppraisalDecision

    decided_at = datetime.now(UTC) if at is None else _time(at)
    decision = AppraisalDecision(province, year, code, score, appraiser, decided_at, reason)
    with AppraisalLog(log) as appraisal_log:
        stored = appraisal_log.append(decision, rubric=_rubric(rubric))
    typer.echo(
        f"appraisal #{stored.sequence}: {province} {year} `{code}` = {score:g} (chain {stored.digest[:12]})"
    )


def _time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        msg = f"`--at` {text!r} is not an ISO 8601 time; expected e.g. 2025-03-01T09:00:00+07:00."
        raise SpecError(msg, where="--at", found=text) from error
    if value.tzinfo is None:
        msg = f"`--at` {text!r} has no time zone; expected e.g. 2025-03-01T09:00:00+07:00."
        raise SpecError(msg, where="--at", found=text)
    return value


@app.command("log", no_args_is_help=True)
def show_log(
    log: LogOption,
    province: Annotated[str | None, typer.Option("--province", help="Only this province.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    output_format: FormatOption = "table",
) -> None:
    """List the appraisal decisions, after verifying the log's hash chain."""
    import polars as pl

    from govindex.assessment import AppraisalLog
    from govindex.cli.runs import render_frame

    with AppraisalLog(log) as appraisal_log:
        decisions = appraisal_log.decisions(province=province, year=year)
    frame = pl.DataFrame(
        [
            {
                "sequence": d.sequence,
                "province": d.province,
                "year": d.year,
                "code": d.code,
                "new_score": d.new_score,
                "appraiser": d.appraiser,
                "decided_at": d.decided_at.isoformat(),
                "reason": d.reason,
                "digest": d.digest,
            }
            for d in decisions
        ],
        schema={
            "sequence": pl.Int64,
            "province": pl.String,
            "year": pl.Int64,
            "code": pl.String,
            "new_score": pl.Float64,
            "appraiser": pl.String,
            "decided_at": pl.String,
            "reason": pl.String,
            "digest": pl.String,
        },
    )
    render_frame(frame, output_format, title=f"{frame.height} appraisal decisions, chain verified")


def _groups(text: str | None) -> list[Group] | None:
    from govindex.rubric import Group

    if text is None:
        return None
    groups: list[Group] = []
    for part in text.split(","):
        code, _, bound = part.partition("=")
        try:
            groups.append(Group(code=code.strip(), at_least=float(bound)))
        except ValueError as error:
            msg = f"`--groups` part {part!r} is not CODE=PERCENT; expected e.g. A=90,B=80,C=0."
            raise SpecError(msg, where="--groups", found=part) from error
    return groups


@app.command("score", no_args_is_help=True)
def score(
    workbooks: Annotated[
        list[Path], typer.Argument(help="Filled self-assessment workbooks of one year.")
    ],
    log: Annotated[Path | None, typer.Option("--log", help="Appraisal log to apply.")] = None,
    survey_values: Annotated[
        Path | None,
        typer.Option(
            "--survey-values",
            help="CSV of survey values: instrument,province,year,code,value,source[,se,synthetic].",
        ),
    ] = None,
    groups: Annotated[
        str | None,
        typer.Option(
            "--groups",
            help="Groups as CODE=PERCENT, best first (default: the rubric's, A=90,B=80,C=0).",
        ),
    ] = None,
    store: Annotated[
        Path | None, typer.Option("--store", help="Run store (DuckDB) to keep the run in.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write every score row (all levels) to this CSV.")
    ] = None,
    level: Annotated[
        str, typer.Option("--level", help="Level printed: total, area, criterion or subcriterion.")
    ] = "total",
    rubric: RubricOption = None,
    output_format: FormatOption = "table",
) -> None:
    """Score workbooks: points, % of maximum, groups and ranks, each traced to its input."""
    from govindex.assessment import save_par_run
    from govindex.assessment.pipeline import run_par
    from govindex.cli.rendering import progress
    from govindex.cli.runs import render_frame
    from govindex.storage import RunStore

    loaded = _rubric(rubric)
    with progress(f"scoring {len(workbooks)} workbooks"):
        run = run_par(
            loaded,
            workbooks,
            appraisal_log=log,
            survey_values=survey_values,
            groups=_groups(groups),
        )
    if store is not None:
        with RunStore(store) as run_store:
            save_par_run(run_store, run.manifest, run.rows)
        typer.echo(f"note: stored PAR run {run.run_id} in {store}", err=True)
    if out is not None:
        from govindex.spreadsheet_cells import neutralise_frame

        neutralise_frame(run.rows).write_csv(out)
    shown = run.rows.filter(level=level).sort("rank", "unit", nulls_last=True)
    title = f"PAR Index {run.result.year} ({loaded.edition}), run {run.run_id}"
    if loaded.provisional:
        title += " — provisional rubric"
    if any(shown["synthetic"]):
        title += " — SYNTHETIC"
    render_frame(
        shown,
        output_format,
        table_columns=("code", *_TABLE) if level != "total" else _TABLE,
        title=title,
    )


@app.command("synth", no_args_is_help=True)
def synth(
    year: Annotated[int, typer.Option("--year", help="Assessment year.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the SYNTHETIC workbooks and survey values.")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    provinces: Annotated[
        int, typer.Option("--provinces", help="How many of the 63 provinces (first by name).")
    ] = 63,
    rubric: RubricOption = None,
) -> None:
    """Write SYNTHETIC filled workbooks for the 63 provinces and their survey values."""
    from rich.progress import track

    from govindex.assessment import write_assessment_workbook
    from govindex.assessment.survey_values import write_survey_values
    from govindex.assessment.synthetic import province_names
    from govindex.rubric import synthetic_assessments

    loaded = _rubric(rubric)
    names = province_names()[:provinces]
    made = synthetic_assessments(loaded, names, year=year, seed=seed)
    folder = out / "workbooks"
    folder.mkdir(parents=True, exist_ok=True)
    for assessment in track(
        made.assessments,
        description="writing SYNTHETIC workbooks",
        transient=True,
        disable=not sys.stderr.isatty(),
    ):
        slug = "-".join(assessment.province.lower().replace("'", "").split())
        write_assessment_workbook(
            loaded,
            assessment.province,
            year,
            folder / f"SYNTHETIC-{slug}-{year}.xlsx",
            synthetic=True,
            filled=assessment,
        )
    write_survey_values(made.survey_values, out / f"SYNTHETIC-survey-values-{year}.csv")
    typer.echo(
        f"wrote {len(made.assessments)} SYNTHETIC workbooks to {folder} and SYNTHETIC survey values to {out}"
    )


@app.command("reported")
def reported(
    instrument: Annotated[
        Literal["par", "sipas"] | None,
        typer.Option("--instrument", help="Only PAR or SIPAS values."),
    ] = None,
    province: Annotated[
        str | None,
        typer.Option("--province", help="Only this province (canonical name, e.g. Quang Ninh)."),
    ] = None,
    output_format: FormatOption = "table",
) -> None:
    """Reported PAR Index and SIPAS values with their sources (never mixed with computed runs)."""
    import polars as pl

    from govindex.cli.runs import render_frame
    from govindex.official.reported_indices import reported_scores

    rows = reported_scores(instrument)
    if province is not None:
        rows = rows.filter(pl.col("unit") == province)
    columns = ("instrument", "period", "unit", "code", "estimate", "rank", "reason", "provenance")
    render_frame(
        rows.sort("instrument", "unit", "period"),
        output_format,
        table_columns=columns,
        title="Reported values (press and official portals)",
    )


@app.command("priorities", no_args_is_help=True)
def priorities(
    workbook: Annotated[
        Path, typer.Argument(help="The province's filled self-assessment workbook.")
    ],
    log: Annotated[Path | None, typer.Option("--log", help="Appraisal log to apply.")] = None,
    survey_values: Annotated[
        Path | None, typer.Option("--survey-values", help="CSV of survey values.")
    ] = None,
    responsibility: Annotated[
        Path | None,
        typer.Option(
            "--responsibility",
            help="Responsibility file: which agency answers for which criterion code.",
        ),
    ] = None,
    improve: Annotated[
        list[str] | None,
        typer.Option(
            "--improve",
            help="CODE=CHANGE, e.g. 3.2=10 (+10 points of on-time dossiers); repeatable.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many criteria to list.")] = 10,
    rubric: RubricOption = None,
    output_format: FormatOption = "table",
) -> None:
    """What to fix first: points lost per criterion, ranked, with the agency responsible,
    and the PAR points an improvement would gain."""
    import polars as pl

    from govindex.analysis.responsibility import load_responsibility
    from govindex.assessment.pipeline import province_inputs
    from govindex.cli.runs import render_frame
    from govindex.rubric import PointsScorer, improvement_gain, points_lost

    loaded = _rubric(rubric)
    inputs = province_inputs(loaded, workbook, appraisal_log=log, survey_values=survey_values)
    mapping = None if responsibility is None else load_responsibility(responsibility)
    result = PointsScorer(loaded).score(
        inputs.assessment, appraisals=inputs.decisions, survey_values=inputs.survey_values
    )
    lost = pl.DataFrame(
        [
            {
                "code": item.code,
                "criterion": item.name_en,
                "max_points": item.max_points,
                "points": item.points,
                "lost": item.lost,
                "basis": item.basis,
                "agency": item.agency_en,
            }
            for item in points_lost(result, mapping)[:top]
        ],
        schema={
            "code": pl.String,
            "criterion": pl.String,
            "max_points": pl.Float64,
            "points": pl.Float64,
            "lost": pl.Float64,
            "basis": pl.String,
            "agency": pl.String,
        },
    )
    title = f"Points lost: {inputs.assessment.province} {inputs.assessment.year} ({loaded.edition})"
    render_frame(lost, output_format, title=title)
    for text in improve or ():
        code, _, amount = text.partition("=")
        try:
            change = float(amount)
        except ValueError as error:
            msg = f"`--improve` {text!r} is not CODE=CHANGE; expected e.g. 3.2=10."
            raise SpecError(msg, where="--improve", found=text) from error
        gain = improvement_gain(
            loaded,
            inputs.assessment,
            code.strip(),
            change,
            appraisals=inputs.decisions,
            survey_values=inputs.survey_values,
        )
        note = f" ({gain.note})" if gain.note else ""
        typer.echo(
            f"{gain.code}: {gain.value_before:g} → {gain.value_after:g} (+{change:g}) → "
            f"{gain.gain:+.3f} PAR points ({gain.gain_percent:+.3f} % of maximum){note}"
        )


@app.command("runs", no_args_is_help=True)
def runs(
    store: Annotated[Path, typer.Option("--store", help="Run store (DuckDB).")],
    run_id: Annotated[
        str | None, typer.Argument(help="A stored run: print its score rows.", show_default=False)
    ] = None,
    level: Annotated[
        str,
        typer.Option(
            "--level", help="Level printed for a run: total, area, criterion or subcriterion."
        ),
    ] = "total",
    output_format: FormatOption = "table",
) -> None:
    """List the stored PAR runs, or print the rows of one."""
    import polars as pl

    from govindex.assessment import list_par_runs, read_par_run
    from govindex.cli.runs import render_frame
    from govindex.storage import RunStore

    with RunStore(store) as run_store:
        if run_id is None:
            listed = list_par_runs(run_store)
            render_frame(listed, output_format, title=f"{listed.height} PAR runs in {store}")
            return
        rows = read_par_run(run_store, run_id)
    shown = rows.filter(pl.col("level") == level).sort("rank", "unit", nulls_last=True)
    columns = ("code", *_TABLE) if level != "total" else _TABLE
    render_frame(shown, output_format, table_columns=columns, title=f"PAR run {run_id}")
