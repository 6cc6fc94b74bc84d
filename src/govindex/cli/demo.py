"""``govindex demo``: the main job on a fresh machine, end to end.

It loads the official PAPI record bundled with govindex into the run store (the embedded
DuckDB file), writes a SYNTHETIC PAPI 2024 survey, computes the index from it (JKn
replicates, every level, ranks, rank intervals and groups) into the same store, and shows
where to go next; then it serves the dashboard (``--no-serve`` only builds the store).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from govindex.cli.runs import StoreOption, open_store, render_frame

__all__ = ["DemoResult", "build_demo", "demo"]


@dataclass(frozen=True)
class DemoResult:
    """What :func:`build_demo` stored and wrote."""

    store_path: Path
    published_totals: pl.DataFrame
    survey_file: Path
    respondents: int
    provinces: int
    run_id: str
    run_scores: pl.DataFrame
    run_folder: Path


def build_demo(store: Path | None, out: Path, seed: int = 2024) -> DemoResult:
    """Load the official record and score a SYNTHETIC 2024 survey into the run store.

    Idempotent: the official record is loaded once, and a run already stored is not
    stored again (run ids come from the inputs).

    Examples
    --------
    >>> build_demo(Path("demo.duckdb"), Path("demo-files")).run_id  # doctest: +SKIP
    'f286bce405a4fa15'
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from govindex.cli.run import compute_run, staged_folder, write_outputs
    from govindex.cli.scores import ensure_published
    from govindex.errors import RunNotFound
    from govindex.index import IndexParameters
    from govindex.official.bundled import bundled_data_dir
    from govindex.spec import load_spec
    from govindex.spec.bundled import default_spec_path
    from govindex.synthetic import load_size_classes, province_table, synthesise_papi
    from govindex.synthetic.output import write_survey

    console = Console(stderr=True)
    out.mkdir(parents=True, exist_ok=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("loading the official PAPI record 2011–2024", total=None)
        with open_store(store) as run_store:
            ensure_published(run_store)
            totals = run_store.query_scores(source="published", year=2024, level="total")
            store_path = run_store.path
        progress.remove_task(task)

        progress.add_task("generating a SYNTHETIC PAPI 2024 survey", total=None)
        spec = load_spec(default_spec_path(2024))
        published = pl.read_csv(
            bundled_data_dir() / "published_scores.csv",
            columns=["year", "province", "dimension", "score"],
        )
        provinces = province_table(published["province"].unique(), load_size_classes())
        survey = synthesise_papi(spec, seed=seed, year=2024, targets=published, provinces=provinces)
        written = write_survey(survey, out / "papi-2024-synthetic.parquet")

        progress.add_task("computing the index from the SYNTHETIC survey (JKn)", total=None)
        finished = compute_run(default_spec_path(2024), written[0], IndexParameters())
        run_folder = out / "run"
        with staged_folder(run_folder) as staging:
            write_outputs(finished, staging)
            with open_store(store) as run_store:
                try:
                    run_store.get_run(finished.manifest.run_id)
                except RunNotFound:
                    run_store.save_run(
                        finished.manifest, finished.stored_scores(), finished.extra_tables()
                    )
    return DemoResult(
        store_path=store_path,
        published_totals=totals,
        survey_file=written[0],
        respondents=survey.microdata.height,
        provinces=int(survey.metadata["provinces"]),
        run_id=finished.manifest.run_id,
        run_scores=finished.scores,
        run_folder=run_folder,
    )


def demo(
    store: StoreOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the demo's files [default: govindex-demo beside the store]."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic survey.")] = 2024,
    serve: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help="Serve the dashboard when the store is built."),
    ] = True,
    host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8000,
) -> None:
    """Load the official PAPI record, score a SYNTHETIC 2024 survey, then serve the dashboard."""
    if out is None:  # beside the store, not in whatever folder the command runs from
        from govindex.storage import default_store_path

        out = (store or default_store_path()).resolve().parent / "govindex-demo"
    result = build_demo(store, out, seed)
    leaders = (
        result.published_totals.filter(pl.col("estimate").is_not_null())
        .sort("estimate", descending=True)
        .head(5)
        .select("province", "estimate", "rank")
    )
    render_frame(leaders, "table", title="Official PAPI 2024: the five highest totals")
    typer.echo(
        f"\nThe run store {result.store_path} holds the official record 2011–2024 "
        "(govindex scores --source published --year 2024)."
    )
    typer.echo(
        f"SYNTHETIC survey: {result.respondents} respondents in "
        f"{result.provinces} provinces, written to {result.survey_file}."
    )
    synthetic_totals = (
        result.run_scores.filter(pl.col("level") == "total")
        .sort("rank")
        .head(5)
        .select("province", "estimate", "ci_low", "ci_high", "rank", "rank_low", "rank_high")
    )
    render_frame(
        synthetic_totals,
        "table",
        title=f"SYNTHETIC run {result.run_id}: the five highest totals",
    )
    typer.echo(f"SYNTHETIC run {result.run_id} stored; its files are in {result.run_folder}.")
    typer.echo("Next:")
    typer.echo(f"  govindex scores --run {result.run_id} --level dimension")
    typer.echo(
        f"  govindex estimate {result.survey_file} --weights weight --strata province "
        "--psu district --nest --var voted_last_commune_people --by province --na-rm "
        "--variance jkn"
    )
    typer.echo('  govindex diagnose "Ha Noi" --year 2024')
    typer.echo(
        f'  govindex report "Ha Noi" --year 2024 --pdf ha-noi-2024.pdf --store {result.store_path}'
    )
    if serve:
        from govindex.cli.serve import serve_store

        serve_store(result.store_path, host=host, port=port)
    else:
        typer.echo(f"  govindex serve --store {result.store_path}")
