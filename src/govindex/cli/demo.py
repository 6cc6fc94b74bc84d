"""``govindex demo``: the main job on a fresh machine, end to end.

It loads the official PAPI record bundled with govindex into the run store (the embedded
DuckDB file), writes a SYNTHETIC PAPI 2024 survey, computes the index from it (JKn
replicates, every level, ranks, rank intervals and groups) into the same store, and shows
where to go next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from govindex.cli.runs import StoreOption, open_store, render_frame

__all__ = ["demo"]


def demo(
    store: StoreOption = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's files.")] = Path(
        "govindex-demo"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic survey.")] = 2024,
) -> None:
    """Load the official PAPI record, then build and score a SYNTHETIC 2024 survey."""
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

    leaders = (
        totals.filter(pl.col("estimate").is_not_null())
        .sort("estimate", descending=True)
        .head(5)
        .select("province", "estimate", "rank")
    )
    render_frame(leaders, "table", title="Official PAPI 2024: the five highest totals")
    typer.echo(
        f"\nThe run store {store_path} holds the official record 2011–2024 "
        "(govindex scores --source published --year 2024)."
    )
    typer.echo(
        f"SYNTHETIC survey: {survey.microdata.height} respondents in "
        f"{survey.metadata['provinces']} provinces, written to {written[0]}."
    )
    synthetic_totals = (
        finished.scores.filter(pl.col("level") == "total")
        .sort("rank")
        .head(5)
        .select("province", "estimate", "ci_low", "ci_high", "rank", "rank_low", "rank_high")
    )
    render_frame(
        synthetic_totals,
        "table",
        title=f"SYNTHETIC run {finished.manifest.run_id}: the five highest totals",
    )
    typer.echo(f"SYNTHETIC run {finished.manifest.run_id} stored; its files are in {run_folder}.")
    typer.echo("Next:")
    typer.echo(f"  govindex scores --run {finished.manifest.run_id} --level dimension")
    typer.echo(
        f"  govindex estimate {written[0]} --weights weight --strata province "
        "--psu district --nest --var voted_last_commune_people --by province --na-rm "
        "--variance jkn"
    )
    typer.echo('  govindex diagnose "Ha Noi" --year 2024')
