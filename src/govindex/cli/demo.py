"""``govindex demo``: the main job on a fresh machine, end to end.

It loads the official PAPI record bundled with govindex into the run store (the embedded
DuckDB file), writes a SYNTHETIC PAPI 2024 survey, computes the index from it (JKn
replicates, every level, ranks, rank intervals and groups) into the same store, and shows
where to go next; then it serves the dashboard (``--no-serve`` only builds the store).
The work is done by :func:`govindex.application.build_demo`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govindex.cli.runs import StoreOption, note, render_frame

if TYPE_CHECKING:
    # The application layer imports the analysis (and scipy): only when the demo runs.
    from govindex.application.demo import DemoResult

__all__ = ["build_demo", "demo"]

_INSTRUMENT_LABELS = {
    "sipas": "SIPAS 2024",
    "par": "PAR Index 2024 (63 provinces)",
    "onestop": "one-stop 766 index 2025 (weeks, months, quarters, year)",
}


def build_demo(store: Path | None, out: Path, seed: int = 2024) -> DemoResult:
    """:func:`govindex.application.build_demo` with its steps shown as progress bars."""
    from govindex.application.demo import build_demo as build
    from govindex.cli.progress_bars import progress_display

    with progress_display() as progress:
        return build(store, out, seed, progress=progress)


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
    """Load the official PAPI record, store SYNTHETIC runs of every instrument, then serve the dashboard."""
    import polars as pl

    if out is None:  # beside the store, not in whatever folder the command runs from
        from govindex.storage import default_store_path

        out = (store or default_store_path()).resolve().parent / "govindex-demo"
    result = build_demo(store, out, seed)
    if result.loaded_record:
        years = [int(manifest.parameters["year"]) for manifest in result.loaded_record]
        note(
            f"loaded the official PAPI record bundled with govindex into {result.store_path} "
            f"({len(years)} published runs, {min(years)}–{max(years)})."
        )
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
    for name, run_id in result.instrument_runs.items():
        typer.echo(f"SYNTHETIC {_INSTRUMENT_LABELS.get(name, name)} run {run_id} stored.")
    typer.echo("Next:")
    typer.echo(f"  govindex scores --run {result.run_id} --level dimension")
    typer.echo(
        f"  govindex estimate {result.survey_file} --weights weight --strata province "
        "--psu district --nest --var voted_last_commune_people --by province --na-rm "
        "--variance jkn"
    )
    typer.echo('  govindex diagnose "Ha Noi" --year 2024')
    typer.echo(f'  govindex scorecard "Quang Ninh" --store {result.store_path}')
    typer.echo(
        f'  govindex report "Ha Noi" --year 2024 --pdf ha-noi-2024.pdf --store {result.store_path}'
    )
    if serve:
        from govindex.cli.serve import serve_store

        serve_store(result.store_path, host=host, port=port)
    else:
        typer.echo(f"  govindex serve --store {result.store_path}")
