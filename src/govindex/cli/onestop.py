"""``govindex onestop``: one-stop dossier records to the Decision 766 index and service KPIs.

Sub-commands: ``synth`` (SYNTHETIC national records), ``ingest`` (portal sync records into a
store), ``score`` (index and KPIs for periods and units), ``explain`` (the dossiers behind one
number, for the agency's staff only), ``publish`` (score periods into the run store, for the
dashboard's pages) and ``report`` (a province's period as PDF and XLSX, from the run store).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from govindex.cli.runs import StoreOption
from govindex.errors import SpecError

__all__ = ["app"]

app = typer.Typer(
    help="One-stop service delivery: dossier records to the Decision 766 index.",
    no_args_is_help=True,
)


def _calendar(path: Path | None, years: list[int]) -> Any:
    import yaml

    from govindex.onestop.working_calendar import WorkingCalendar

    overrides: dict[dt.date, bool] = {}
    if path is not None:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except (OSError, yaml.YAMLError) as error:
            msg = f"cannot read the calendar override file: {str(error).splitlines()[0]}"
            raise SpecError(msg, where=str(path)) from error
        if not isinstance(data, dict):
            msg = "a calendar override file maps dates to true (working) or false (day off)"
            raise SpecError(msg, where=str(path), found=type(data).__name__)
        for key, value in data.items():
            if not isinstance(key, dt.date) or not isinstance(value, bool):
                msg = f"`{key}: {value}` is not `YYYY-MM-DD: true|false`"
                raise SpecError(
                    msg, where=f"{path.name}: {key}", found=value, expected="true or false"
                )
            overrides[key] = value
            years.append(key.year)
    return WorkingCalendar.for_years(sorted(set(years)), overrides=overrides)


def _progress(total: int, label: str) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not sys.stderr.isatty(),
        transient=True,
    )


@app.command("synth")
def synth(
    out: Annotated[
        Path, typer.Option("--out", help="Store folder to write (Parquet by province/month).")
    ],
    year: Annotated[int, typer.Option("--year", help="Year of the records.")] = 2025,
    dossiers: Annotated[
        int, typer.Option("--dossiers", min=1, help="Dossiers in the year, nationwide.")
    ] = 2_000_000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed (same seed, same files).")
    ] = 20250701,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Processes writing provinces side by side (same records for any number).",
        ),
    ] = 1,
) -> None:
    """Write SYNTHETIC national one-stop records (34 provinces; Quảng Ninh = 22 at its seed rates)."""
    from govindex.onestop.synthetic import SyntheticNation, SyntheticSettings
    from govindex.onestop_engines.store import RecordStore
    from govindex.onestop_engines.synthetic_writer import write_synthetic

    nation = SyntheticNation(SyntheticSettings(dossiers_per_year=dossiers, seed=seed))
    with _progress(dossiers, "SYNTHETIC dossiers") as bar:
        task = bar.add_task("synth", total=dossiers)
        counts = write_synthetic(
            nation,
            year,
            RecordStore(out),
            on_chunk=lambda n: bar.advance(task, n),
            workers=workers,
        )
    listed = ", ".join(f"{count:,} {table}" for table, count in counts.items())
    typer.echo(f"SYNTHETIC one-stop records written to {out}: {listed}")


@app.command("ingest")
def ingest(
    store: Annotated[Path, typer.Argument(help="Store folder.")],
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Records: .jsonl (portal sync layout), .csv or .parquet."),
    ] = None,
    procedures: Annotated[
        Path | None, typer.Option("--procedures", help="Procedure catalogue (CSV/Parquet).")
    ] = None,
    agencies: Annotated[
        Path | None, typer.Option("--agencies", help="Agency tree (CSV/Parquet).")
    ] = None,
    publications: Annotated[
        Path | None,
        typer.Option(
            "--publications", help="Procedure publication decisions (CSV/Parquet), for 1.1-1.3."
        ),
    ] = None,
    calendar: Annotated[
        Path | None,
        typer.Option("--calendar", help="YAML of local overrides: YYYY-MM-DD: true|false."),
    ] = None,
    allow_invalid: Annotated[
        bool,
        typer.Option("--allow-invalid", help="Load the valid records and list what was left out."),
    ] = False,
    ratings: Annotated[
        Path | None,
        typer.Option(
            "--ratings",
            help="Citizens' ratings (CSV/Parquet, e.g. `govindex feedback export --layout onestop`).",
        ),
    ] = None,
) -> None:
    """Check and upsert records; with any problem nothing is loaded unless --allow-invalid."""
    from govindex.cli.rendering import render_error
    from govindex.errors import DataValidationError
    from govindex.onestop_engines.ingest import ingest_files, load_reference
    from govindex.onestop_engines.store import RecordStore

    records = RecordStore(store)
    if procedures is not None:
        typer.echo(f"{load_reference(records, 'procedures', procedures)} procedures loaded")
    if agencies is not None:
        typer.echo(f"{load_reference(records, 'agencies', agencies)} agencies loaded")
    if ratings is not None:
        from govindex.onestop_engines.ratings import load_ratings

        typer.echo(f"{load_ratings(records, ratings)} ratings in the store")
    this_year = dt.date.today().year
    if publications is not None or files:
        working = _calendar(calendar, list(range(2019, this_year + 2)))
    if publications is not None:
        count = load_reference(records, "publications", publications, working)
        typer.echo(f"{count} procedure publications loaded")
    if not files:
        return
    with _progress(0, "records") as bar:
        task = bar.add_task("ingest", total=None)
        report = ingest_files(
            records,
            files,
            working,
            allow_invalid=allow_invalid,
            on_record=lambda n: bar.advance(task, n),
        )
    typer.echo(report.summary())
    if report.issues:
        render_error(DataValidationError("records left out", issues=report.issues))


def _options(values: list[str] | None) -> dict[str, str]:
    options: dict[str, str] = {}
    for value in values or []:
        name, separator, choice = value.partition("=")
        if not separator:
            msg = f"`{value}` is not NAME=VALUE"
            raise SpecError(msg, where="--option", found=value)
        options[name.strip()] = choice.strip()
    return options


def _engine(name: str, store: Any, master: str) -> Any:
    from govindex.onestop_engines.engines import DuckDBEngine, SparkEngine

    if name == "duckdb":
        return DuckDBEngine(store.sources())
    if name == "spark":
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master(master)
            .appName("govindex-onestop")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
        return SparkEngine(session, store.folders())
    msg = f"unknown engine `{name}`"
    raise SpecError(msg, where="--engine", found=name, expected="duckdb or spark")


def _periods(values: list[str] | None, year: int | None, kind: str) -> list[Any]:
    from govindex.onestop.periods import parse_period, periods_of_year

    periods = [parse_period(value) for value in values or []]
    if year is not None:
        periods += periods_of_year(year, kind)
    if not periods:
        msg = "give --period (repeatable) or --year with --kind"
        raise SpecError(msg, where="--period")
    return periods


@app.command("score")
def score(
    store: Annotated[Path, typer.Argument(help="Store folder.")],
    period: Annotated[
        list[str] | None,
        typer.Option("--period", help="YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or A..B (repeatable)."),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Every period of --kind in this year.")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="week, month, quarter or year (with --year).")
    ] = "month",
    geography: Annotated[
        list[str] | None,
        typer.Option("--geography", help="province, agency, procedure (repeatable)."),
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", help="Profile option NAME=VALUE (repeatable).")
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default) or spark.")] = "duckdb",
    spark_master: Annotated[
        str, typer.Option("--spark-master", help="Spark master URL.")
    ] = "local[2]",
    output_format: Annotated[
        str, typer.Option("--format", help="table, csv, json or xlsx.")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="Only rows of this level (total, group, indicator, kpi)."),
    ] = None,
) -> None:
    """Score the 766 index and the service KPIs for every unit and period."""
    import polars as pl

    from govindex.onestop.profile import shipped_profile
    from govindex.onestop_engines.scorecard import score_records
    from govindex.onestop_engines.store import RecordStore

    records = RecordStore(store)
    synthetic = "govindex.synthetic" in records.metadata("dossiers")
    profile = shipped_profile().resolve(_options(option))
    periods = _periods(period, year, kind)
    with _progress(0, "scoring"):
        card = score_records(
            _engine(engine, records, spark_master),
            profile,
            periods,
            tuple(geography or ("province",)),
            provenance=f"store:{records.root}",
            synthetic=synthetic,
        )
    frame = card.published()
    if level is not None:
        frame = frame.filter(pl.col("level") == level)
    frame = frame.sort("period", "geography", "unit", "level", "code")
    if synthetic:
        typer.echo("SYNTHETIC records: these scores describe no real province.", err=True)
    _write(frame, output_format, output)


@app.command("refresh")
def refresh(
    store: Annotated[Path, typer.Argument(help="Store folder (scores kept under STORE/scores).")],
    period: Annotated[
        list[str] | None,
        typer.Option("--period", help="YYYY, YYYY-MM, YYYY-Qn, YYYY-Www or A..B (repeatable)."),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Every period of --kind in this year.")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="week, month, quarter or year (with --year).")
    ] = "month",
    geography: Annotated[
        list[str] | None,
        typer.Option("--geography", help="province, agency, procedure (repeatable)."),
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", help="Profile option NAME=VALUE (repeatable).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Viet Nam time YYYY-MM-DDTHH:MM[:SS] (default: now)."),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Rescore the open periods from all their records.")
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", help="table, csv, json or xlsx.")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="Only rows of this level (total, group, indicator, kpi)."),
    ] = None,
) -> None:
    """Bring the kept scores up to date: closed periods keep their snapshot, open periods are
    updated from the records that changed since the last refresh."""
    import datetime as dt

    import polars as pl

    from govindex.onestop.profile import shipped_profile
    from govindex.onestop.records import to_local_seconds
    from govindex.onestop_engines.engines import DuckDBEngine
    from govindex.onestop_engines.snapshots import ScoreSnapshots, refresh_scores
    from govindex.onestop_engines.store import RecordStore

    try:
        moment = dt.datetime.fromisoformat(as_of) if as_of else dt.datetime.now(dt.UTC)
    except ValueError:
        msg = f"`{as_of}` is not a time"
        raise SpecError(msg, where="--as-of", found=as_of, expected="YYYY-MM-DDTHH:MM") from None
    records = RecordStore(store)
    synthetic = "govindex.synthetic" in records.metadata("dossiers")
    profile = shipped_profile().resolve(_options(option))
    with _progress(0, "refreshing"):
        report = refresh_scores(
            ScoreSnapshots(records.root),
            DuckDBEngine(records.sources()),
            profile,
            _periods(period, year, kind),
            to_local_seconds(moment),
            tuple(geography or ("province",)),
            synthetic=synthetic,
            incremental=not full,
        )
    how = report.mode + (f" ({report.reason})" if report.reason else "")
    typer.echo(
        f"{how}: {len(report.computed)} period(s) refreshed, {len(report.kept)} kept closed, "
        f"{report.recomputed_dossiers:,} dossiers recomputed",
        err=True,
    )
    frame = report.scores
    if level is not None and frame.height:
        frame = frame.filter(pl.col("level") == level)
    if frame.height:
        frame = frame.sort("period", "geography", "unit", "level", "code")
    if synthetic:
        typer.echo("SYNTHETIC records: these scores describe no real province.", err=True)
    _write(frame, output_format, output)


def _write(frame: Any, output_format: str, output: Path | None) -> None:
    from govindex.spreadsheet_cells import neutralise_frame

    if output_format == "xlsx":
        if output is None:
            msg = "XLSX needs --output FILE.xlsx"
            raise SpecError(msg, where="--output")
        neutralise_frame(frame).write_excel(output, worksheet="onestop")
        return
    if output_format == "csv":
        text = neutralise_frame(frame).write_csv()
    elif output_format == "json":
        text = frame.write_json()
    elif output_format == "table":
        columns = [
            c
            for c in (
                "period",
                "geography",
                "unit",
                "level",
                "code",
                "estimate",
                "ratio",
                "n",
                "band",
                "rank",
                "status",
                "reason",
            )
            if c in frame.columns
        ]
        import polars as pl

        with pl.Config(tbl_rows=200, tbl_cols=20, fmt_str_lengths=40, tbl_width_chars=200):
            text = str(frame.select(columns))
    else:
        msg = f"unknown format `{output_format}`"
        raise SpecError(
            msg, where="--format", found=output_format, expected="table, csv, json, xlsx"
        )
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")


@app.command("explain")
def explain(
    store: Annotated[Path, typer.Argument(help="Store folder.")],
    indicator: Annotated[
        str, typer.Option("--indicator", help="Indicator (e.g. 2.1) or KPI code (e.g. late).")
    ],
    unit: Annotated[
        str, typer.Option("--unit", help="Province code, agency id or procedure code.")
    ],
    period: Annotated[str, typer.Option("--period", help="The period.")],
    geography: Annotated[
        str, typer.Option("--geography", help="province, agency or procedure.")
    ] = "province",
    option: Annotated[
        list[str] | None, typer.Option("--option", help="Profile option NAME=VALUE.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="CSV file (default: stdout).")
    ] = None,
) -> None:
    """List the dossiers in one number's denominator and numerator (CSV, for agency staff)."""
    from govindex.onestop.periods import parse_period
    from govindex.onestop.profile import shipped_profile
    from govindex.onestop_engines.engines import DuckDBEngine
    from govindex.onestop_engines.scorecard import explain_records
    from govindex.onestop_engines.store import RecordStore

    records = RecordStore(store)
    listing = explain_records(
        DuckDBEngine(records.sources()),
        shipped_profile().resolve(_options(option)),
        indicator,
        geography,
        unit,
        parse_period(period),
    )
    from govindex.spreadsheet_cells import neutralise_frame

    text = neutralise_frame(listing).write_csv()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    numerator = int(listing["in_numerator"].sum()) if listing.height else 0
    typer.echo(
        f"{indicator} {unit} {period}: numerator {numerator}, denominator {listing.height}",
        err=True,
    )


@app.command("publish")
def publish(
    records: Annotated[Path, typer.Argument(help="Record store folder.")],
    period: Annotated[
        list[str],
        typer.Option("--period", help="YYYY, YYYY-MM, YYYY-Qn or YYYY-Www (repeatable)."),
    ],
    agencies: Annotated[
        bool,
        typer.Option(
            "--agencies/--provinces-only",
            help="Score every department and commune too (the pages' drill-down).",
        ),
    ] = True,
    store: StoreOption = None,
) -> None:
    """Score the provinces for the periods and store the run: the dashboard's one-stop
    pages and `govindex onestop report` read it (ranks, bands and trends are computed now)."""
    from govindex.application.instrument_runs import store_onestop_run

    manifest = store_onestop_run(records, store, period, agencies=agencies)
    synthetic = " (SYNTHETIC)" if manifest.synthetic else ""
    typer.echo(f"stored one-stop run {manifest.run_id}{synthetic}: {', '.join(period)}", err=True)


@app.command("report")
def report(
    province: Annotated[
        str,
        typer.Argument(help="A unit of the stored run (diacritics optional).", show_default=False),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="A period of the run (2025-Q1, 2025-03; default: its newest longest period).",
        ),
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write the A4 report here.", dir_okay=False)
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write the workbook here.", dir_okay=False)
    ] = None,
    language: Annotated[
        str, typer.Option("--lang", help="Language of the report: vi (Vietnamese) or en.")
    ] = "vi",
    run: Annotated[
        str | None, typer.Option("--run", help="A stored one-stop run (id or unique prefix).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write a province's one-stop 766 period (KPIs, indicators, trend, channels, ranking)
    as a PDF and/or an XLSX workbook, from the run store."""
    if pdf is None and xlsx is None:
        msg = "give the report to write with --pdf FILE and/or --xlsx FILE."
        raise typer.BadParameter(msg, param_hint="--pdf")
    if language not in ("vi", "en"):
        msg = f"the report is in vi or en, not `{language}`."
        raise typer.BadParameter(msg, param_hint="--lang")
    from govindex.errors import NotFound
    from govindex.reports.onestop import onestop_report_pdf, onestop_workbook
    from govindex.storage import default_store_path
    from govindex.views import Dashboard

    path = default_store_path() if store is None else store
    if not path.exists():
        msg = f"there is no run store at {path}; store a one-stop run with `govindex onestop publish`."
        raise NotFound(msg, where="store", found=str(path))
    # A store may hold one-stop runs only (no PAPI record): the report needs nothing else.
    dashboard = Dashboard.open(path)
    for target, writer in ((pdf, onestop_report_pdf), (xlsx, onestop_workbook)):
        if target is None:
            continue
        written = writer(
            dashboard, province, period=period, run_id=run, language=language, path=target
        )
        size = written.stat().st_size / 1024
        typer.echo(f"wrote {written} ({size:,.0f} KiB)", err=True)
