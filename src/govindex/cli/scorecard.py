"""``govindex scorecard PROVINCE``: one province across PAPI, SIPAS, the PAR Index and the
one-stop 766 index, with the source of every value and the instruments' agreement."""

from __future__ import annotations

from typing import Annotated

import typer

from govindex.cli.runs import FormatOption, StoreOption, render_frame

__all__ = ["scorecard"]

_COLUMNS = (
    "year",
    "instrument",
    "estimate",
    "se",
    "rank",
    "ranked",
    "group_label",
    "group",
    "change",
    "source_kind",
    "source",
)
_AGREEMENT = (
    "year",
    "first",
    "second",
    "first_source",
    "second_source",
    "provinces",
    "rho",
    "low",
    "high",
)


def scorecard(
    province: Annotated[str, typer.Argument(help="Province, any spelling (e.g. 'Quảng Ninh').")],
    year: Annotated[
        int | None, typer.Option("--year", help="Only this year (default: every year).")
    ] = None,
    store: StoreOption = None,
    output_format: FormatOption = "table",
) -> None:
    """Show a province's PAPI, SIPAS, PAR Index and one-stop values side by side, with sources."""
    import polars as pl

    from govindex.application.scorecard import province_scorecard

    view = province_scorecard(province, year, store)
    rows = view.table("scorecard")
    if output_format != "table":
        render_frame(rows, output_format)
        return
    shown = rows.with_columns(
        pl.coalesce(
            pl.when(pl.col("source_kind") == "computed").then(
                pl.concat_str(pl.lit("run "), pl.col("run_id"))
            ),
            pl.col("source_url"),
            pl.col("run_id"),
        ).alias("source"),
        pl.col("estimate").round(2),
        pl.col("se").round(2),
        pl.col("change").round(2),
    )
    title = f"Scorecard of {view.meta['province']}" + (f", {year}" if year else "")
    if view.meta["synthetic"]:
        title += " — rows with synthetic = true are SYNTHETIC"
    render_frame(shown, "table", table_columns=_COLUMNS, title=title)
    flagged = shown.filter(pl.col("synthetic"))
    for instrument, run_id in (
        flagged.select("instrument", "run_id").unique().sort("instrument").iter_rows()
    ):
        typer.echo(f"SYNTHETIC: {instrument} run {run_id} is computed from made-up data.")
    agreement = view.table("agreement").with_columns(pl.col("rho", "low", "high").round(3))
    if agreement.height:
        render_frame(
            agreement,
            "table",
            table_columns=_AGREEMENT,
            title="How the instruments agree across provinces (Spearman's rank correlation)",
        )
        for method in agreement["method"].unique(maintain_order=True).to_list():
            typer.echo(f"interval: {method}")
