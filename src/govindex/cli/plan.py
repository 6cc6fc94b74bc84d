"""``govindex plan``: respondents per province for a target margin of error.

A share (SIPAS satisfaction, a PAPI proportion): ``n = deff · z² p(1 − p) / e²`` with the
design effect supplied (``--deff``) or estimated from a previous run's ``scores.csv``
(``--deff-from``), next to Yamane's ``N / (1 + N e²)`` of the official 2017–2020 practice
when ``--population`` is given. A score (a PAPI dimension): ``--score-from`` a previous
run's ``scores.csv`` gives each province's ``n₀ · (z · SE₀ / e)²``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govindex.errors import DataValidationError

__all__ = ["plan"]


def _previous_run(path: Path, code: str) -> tuple[list[str], list[float], list[float], list[float]]:
    import polars as pl

    if not path.is_file():
        msg = f"{path}: no such file (expected the scores.csv of a `govindex run`)."
        raise DataValidationError(msg, where=str(path), expected="scores.csv")
    scores = pl.read_csv(path, infer_schema_length=None)
    needed = ["province", "code", "estimate", "se", "n"]
    absent = [column for column in needed if column not in scores.columns]
    if absent:
        msg = f"{path}: the columns {absent} are missing (expected a `govindex run` scores.csv)."
        raise DataValidationError(msg, where=str(path), found=scores.columns, expected=needed)
    rows = scores.filter((pl.col("code").cast(pl.String) == code) & pl.col("se").is_not_null())
    if rows.height == 0:
        msg = f"{path}: no row with code {code!r} and a standard error."
        raise DataValidationError(msg, where=f"{path}: column code", found=code)
    return (
        rows["province"].to_list(),
        rows["estimate"].cast(float).to_list(),
        rows["se"].cast(float).to_list(),
        rows["n"].cast(float).to_list(),
    )


def plan(
    margin: Annotated[
        float,
        typer.Option(
            "--margin",
            help="Target margin of error (half-width): a proportion for a share "
            "(0.02 = 2 points), score units with --score-from.",
        ),
    ],
    share: Annotated[
        float, typer.Option("--share", help="Expected share (0.5 is the most cautious).")
    ] = 0.5,
    deff: Annotated[
        float | None, typer.Option("--deff", help="Design effect [default: 1, or --deff-from].")
    ] = None,
    deff_from: Annotated[
        Path | None,
        typer.Option("--deff-from", help="scores.csv of a previous run: mean design effect."),
    ] = None,
    score_from: Annotated[
        Path | None,
        typer.Option("--score-from", help="scores.csv of a previous run: plan for a score."),
    ] = None,
    code: Annotated[
        str, typer.Option("--code", help="Code of the value in the previous run.")
    ] = "total",
    scale: Annotated[
        float, typer.Option("--scale", help="Scale of shares in --deff-from (100 = percent).")
    ] = 100.0,
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    population: Annotated[
        int | None,
        typer.Option("--population", help="Population size N, for Yamane's formula."),
    ] = None,
) -> None:
    """Respondents per province for a target margin of error, with the formula used."""
    from govindex.analysis.planning import (
        design_effect_from_run,
        plan_for_score,
        plan_for_share,
    )

    if score_from is not None:
        provinces, _, errors, counts = _previous_run(score_from, code)
        typer.echo(f"Score {code!r} from {score_from}: n = n0 · (z · SE0 / e)², e = {margin:g}")
        needed = []
        for province, se, n in zip(provinces, errors, counts, strict=True):
            result = plan_for_score(margin, respondents=n, se=se, level=level)
            needed.append(result.respondents)
            typer.echo(f"  {province}: {result.respondents} (previous n {n:.0f}, SE {se:.4g})")
        needed.sort()
        typer.echo(f"Median over {len(needed)} provinces: {needed[len(needed) // 2]} respondents.")
        return
    design_effect = 1.0 if deff is None else deff
    origin = "supplied" if deff is not None else "assumed (simple random sample)"
    if deff_from is not None:
        _, estimates, errors, counts = _previous_run(deff_from, code)
        import numpy as np

        design_effect = design_effect_from_run(
            np.array(estimates), np.array(errors), np.array(counts), scale=scale
        )
        origin = f"mean over {len(estimates)} provinces of {deff_from} ({code})"
    result = plan_for_share(
        margin, share=share, design_effect=design_effect, level=level, population=population
    )
    typer.echo(
        f"Share {share:g} within ± {margin:g} at {level:.0%} confidence (z = {result.z:.4f})"
    )
    typer.echo(f"Design effect {design_effect:.4g}: {origin}")
    typer.echo(f"{result.rule}: {result.exact:.1f} → {result.respondents} respondents per province")
    if result.yamane is not None:
        typer.echo(
            f"Yamane N / (1 + N e²) with N = {population}: {result.yamane} respondents "
            "(official 2017-2020 practice: simple random sampling, p = 0.5, no design effect)"
        )
