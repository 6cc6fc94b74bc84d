"""``govindex run`` and ``govindex rerun``: the index pipeline from a survey file, stored.

``run`` reads the spec and the data, computes every level with its uncertainty, ranks and
groups, writes ``DIR/scores.csv``, ``DIR/national.csv`` and ``DIR/manifest.json``
atomically (a temporary folder renamed at the end) and stores the run in the DuckDB store
in one transaction: an error or Ctrl-C leaves neither a partial folder nor a partial run.
``rerun ID`` recomputes a stored run from the files its manifest names and compares every
number bit for bit. The work is done by :mod:`govindex.application.runs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from govindex.cli.progress_bars import progress_display
from govindex.cli.runs import StoreOption

__all__ = ["rerun", "run"]

VarianceOption = Literal["jkn", "bootstrap", "taylor"]
DegreesOfFreedomOption = Literal["design", "domain", "normal"]
LonelyPSUOption = Literal["fail", "remove", "adjust", "average", "certainty"]
SuppressionRuleOption = Literal["lowest-level-complement", "greedy"]
_DESIGN = "Design"


def run(
    spec: Annotated[
        str,
        typer.Argument(
            help="Index spec: a shipped name (papi-2024) or a file path (./my-spec.yaml)."
        ),
    ],
    data: Annotated[Path, typer.Argument(help="Survey microdata (.csv, .parquet, .sav, .dta).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (replaced atomically).")],
    variance: Annotated[
        VarianceOption, typer.Option("--variance", help="jkn, bootstrap or taylor.")
    ] = "jkn",
    replicates: Annotated[
        int | None, typer.Option("--replicates", help="Bootstrap replicates [default: 50].")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed (bootstrap, rank simulation) [default: 0].")
    ] = None,
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    papi_intervals: Annotated[
        bool,
        typer.Option("--papi-intervals", help="PAPI's ±1.645·SE intervals (labelled 90%)."),
    ] = False,
    df_rule: Annotated[
        DegreesOfFreedomOption,
        typer.Option("--df-rule", help="domain (province PSUs - 1), design or normal."),
    ] = "domain",
    exclude_suppressed: Annotated[
        bool,
        typer.Option(
            "--exclude-suppressed",
            help="Leave indicators suppressed for few respondents out of their sub-dimension.",
        ),
    ] = False,
    weighted_total: Annotated[
        list[str] | None,
        typer.Option("--weighted-total", help="Also compute this weighted total of the spec."),
    ] = None,
    province: Annotated[
        str, typer.Option("--province", help="Province column.", rich_help_panel=_DESIGN)
    ] = "province",
    weights: Annotated[
        str, typer.Option("--weights", help="Weight column.", rich_help_panel=_DESIGN)
    ] = "weight",
    strata: Annotated[
        str, typer.Option("--strata", help="Stratum column.", rich_help_panel=_DESIGN)
    ] = "province",
    psu: Annotated[
        str, typer.Option("--psu", help="PSU column (nested).", rich_help_panel=_DESIGN)
    ] = "district",
    respondent_id: Annotated[
        str,
        typer.Option("--respondent-id", help="Respondent id column.", rich_help_panel=_DESIGN),
    ] = "respondent_id",
    lonely_psu: Annotated[
        LonelyPSUOption,
        typer.Option(
            "--lonely-psu",
            help="A stratum with one PSU: fail, remove, adjust, average or certainty.",
            rich_help_panel=_DESIGN,
        ),
    ] = "fail",
    weight_ratio_stratum: Annotated[
        float,
        typer.Option(
            "--weight-ratio-stratum",
            help="Refuse a weight more than this many times (or less than 1/this of) its "
            "stratum's median weight (recorded in the manifest).",
        ),
    ] = 100.0,
    weight_ratio_design: Annotated[
        float,
        typer.Option(
            "--weight-ratio-design",
            help="Refuse a weight more than this many times (or less than 1/this of) the "
            "file's median weight (recorded in the manifest).",
        ),
    ] = 1000.0,
    suppression_rule: Annotated[
        SuppressionRuleOption,
        typer.Option(
            "--suppression-rule",
            help="Secondary suppression: lowest-level-complement (one cell per audit, with a "
            "look-ahead) or greedy (a batch of cheapest complements per round; fast on dense "
            "patterns, may hide a few more cells). Both end with the disclosure audit.",
        ),
    ] = "lowest-level-complement",
    chunk_rows: Annotated[
        str | None,
        typer.Option(
            "--chunk-rows",
            help="Read, check and score the data this many rows at a time (CSV, Parquet) and "
            "keep only per-PSU sums: memory follows the design, not the respondents "
            "(jkn, bootstrap and taylor). `auto` chooses the rows from the file's columns "
            "and --memory, and records the choice with the run. Omitted: the whole file "
            "in memory.",
        ),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            help="Memory budget for --chunk-rows auto (implies it): an amount such as 2G or "
            "800M, or a share of the available memory such as 50% (the default).",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Compute the index from survey microdata, write DIR and store the run.

    The data are first checked against the spec's codebook (as `govindex validate` does):
    any invalid answer, undeclared code or design problem refuses the run.
    """
    from govindex.application.runs import store_run
    from govindex.index import DesignColumns, IndexParameters
    from govindex.index.disclosure import DisclosureParameters
    from govindex.ingest.validate import WeightPlausibility
    from govindex.spec.bundled import resolve_spec

    parameters = IndexParameters(
        variance=variance,
        replicates=replicates,
        seed=seed,
        level=level,
        interval="papi90" if papi_intervals else "t",
        df_rule=df_rule,
        suppressed_indicators="exclude" if exclude_suppressed else "keep",
        weighted_totals=tuple(weighted_total or ()),
        design=DesignColumns(
            respondent_id=respondent_id,
            province=province,
            weights=weights,
            strata=strata,
            psu=psu,
            lonely_psu=lonely_psu,
        ),
        disclosure=DisclosureParameters(rule=suppression_rule),
    )
    with progress_display() as progress:
        finished = store_run(
            resolve_spec(spec),
            data,
            parameters,
            out,
            store,
            progress=progress,
            plausibility=WeightPlausibility(
                stratum_ratio=weight_ratio_stratum, design_ratio=weight_ratio_design
            ),
            chunk_rows=_chunk_rows(chunk_rows, memory),
            memory=memory,
        )
    manifest = finished.manifest
    label = " SYNTHETIC" if manifest.synthetic else ""
    if finished.reused:
        typer.echo(
            f"run {manifest.run_id}{label} is already stored (same spec, data and parameters;"
            f" stored {manifest.created_at}): nothing recomputed;"
            f" {finished.scores.height} score rows → {out}"
        )
        return
    typer.echo(f"run {manifest.run_id}{label}: {finished.scores.height} score rows → {out}")


def _chunk_rows(given: str | None, memory: str | None) -> int | Literal["auto"] | None:
    """``--chunk-rows``: a number of rows, ``auto`` or (with ``--memory`` alone) ``auto``."""
    from govindex.errors import DataValidationError

    if given is None:
        return "auto" if memory is not None else None
    text = given.strip().lower()
    if text == "auto":
        return "auto"
    if text.isdigit() and int(text) >= 1:
        if memory is not None:
            msg = (
                f"--memory {memory} chooses the rows per chunk; it cannot be combined with "
                f"--chunk-rows {given} (use --chunk-rows auto, or leave --memory out)."
            )
            raise DataValidationError(msg, where="--memory", found=memory, expected="auto")
        return int(text)
    msg = f"--chunk-rows `{given}`: expected a number of rows (at least 1) or `auto`."
    raise DataValidationError(msg, where="--chunk-rows", found=given, expected=">= 1 or auto")


def rerun(
    run_id: Annotated[str, typer.Argument(help="Stored run id (a unique prefix is enough).")],
    store: StoreOption = None,
) -> None:
    """Recompute a stored run from its recorded files and compare every number bit for bit."""
    from govindex.application.runs import rerun as recompute

    with progress_display() as progress:
        report = recompute(run_id, store, progress=progress)
    if not report.reproduced:
        for line in report.differences:
            typer.echo(f"difference: {line}", err=True)
        typer.echo(f"error: run {report.run_id} was NOT reproduced.", err=True)
        raise typer.Exit(code=1)
    typer.echo(
        f"run {report.run_id} reproduced bit for bit ({report.rows_compared} stored rows compared)."
    )
