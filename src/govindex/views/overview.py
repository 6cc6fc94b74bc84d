"""The national overview: every province's score on one item, its interval, rank and group.

On the 34 provincial units of July 2025 the scores are *derived* (population-weighted
means of the former provinces), ranked and grouped among the units when the run is stored
(:mod:`govindex.application.unit_tables`), and labelled as not published by PAPI.
"""

from __future__ import annotations

from typing import Any, Literal

import polars as pl

from govindex.errors import NotFound, SpecError
from govindex.scores.groups import GroupRule
from govindex.scores.published_tables import UNIT_COLUMNS
from govindex.views.selection import (
    GROUP_KEYS,
    LEVEL_ORDER,
    group_legend,
    item_rows,
    resolve_run,
    with_province_names,
)
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = ["Geography", "overview", "unit_rows"]

# The stored 34-unit table's columns, without its year: numbers, then the unit's flags
# (the group's key is put between them).
_UNIT_NUMBERS = UNIT_COLUMNS[1 : UNIT_COLUMNS.index("suppressed")]
_UNIT_FLAGS = UNIT_COLUMNS[UNIT_COLUMNS.index("suppressed") :]

Geography = Literal["63", "34"]
GEOGRAPHIES: tuple[str, ...] = ("63", "34")


def overview(
    snapshot: Snapshot,
    *,
    year: int | None = None,
    run_id: str | None = None,
    level: str = "total",
    code: str = "total",
    geography: str = "63",
    rule: GroupRule,
    confidence: float = 0.90,
) -> View:
    """Return the overview of one item in one run-year.

    Tables: ``ranking`` (one row per province or unit, best first: ``province``,
    ``province_vi``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``, ``rank``,
    ``rank_low``, ``rank_high``, ``group``, ``group_key``, ``suppressed``, ``withheld``,
    ``derived``) and ``summary`` (national mean, provinces scored, best and lowest).

    Examples
    --------
    >>> overview(snapshot, year=2024, rule=GroupRule()).table("ranking").height
    63
    """
    if geography not in GEOGRAPHIES:
        msg = f"geography must be one of {list(GEOGRAPHIES)}; got {geography!r}."
        raise SpecError(msg, where="geography", found=geography, expected=list(GEOGRAPHIES))
    chosen_run, chosen_year = resolve_run(snapshot, year, run_id)
    rows = item_rows(snapshot, chosen_run, chosen_year, level=level, code=code)
    if rows.is_empty():
        known = _items_of(snapshot, chosen_run, chosen_year)
        msg = f"no `{level}` item `{code}` in {chosen_year} for run `{chosen_run}`."
        raise NotFound(msg, where="code", found=f"{level}/{code}", expected=known[:12])
    derived = geography == "34"
    derived_notes: tuple[str | None, str | None] = (None, None)
    if derived:
        rows = unit_rows(snapshot, chosen_run, chosen_year, level=level, code=code)
        if rows.height:
            derived_notes = (rows["method"][0], rows["interval_note"][0])
        rows = rows.drop("method", "interval_note")
    else:
        rows = rows.with_columns(pl.lit(value=False).alias("derived"))
    ranking = (
        with_province_names(rows)
        .sort(pl.col("rank").fill_null(10_000), "province")
        .select("province", "province_vi", pl.exclude("province", "province_vi"))
    )
    scored = ranking.filter(pl.col("estimate").is_not_null())
    names = snapshot.names_of(chosen_run).filter(
        (pl.col("level") == level) & (pl.col("code") == code)
    )
    summary = pl.DataFrame(
        {
            "national_mean": [scored["estimate"].mean() if scored.height else None],
            "scored": [scored.height],
            "best": [scored["province"][0] if scored.height else None],
            "best_estimate": [scored["estimate"][0] if scored.height else None],
            "lowest": [scored["province"][-1] if scored.height else None],
            "lowest_estimate": [scored["estimate"][-1] if scored.height else None],
        },
        schema={
            "national_mean": pl.Float64,
            "scored": pl.Int64,
            "best": pl.String,
            "best_estimate": pl.Float64,
            "lowest": pl.String,
            "lowest_estimate": pl.Float64,
        },
    )
    run = snapshot.describe_run(chosen_run)
    meta: dict[str, Any] = {
        "run": run,
        "synthetic": run["synthetic"],
        "item": {
            "level": level,
            "code": code,
            "name_en": names["name_en"][0] if names.height else code,
            "name_vi": names["name_vi"][0] if names.height else code,
        },
        "groups": group_legend(),
        "national_mean_rule": "simple mean of the provincial scores shown (as PAPI quotes it)",
        "interval_note": derived_notes[1] if derived else _interval_note(run["kind"]),
        "derived_note": derived_notes[0],
        "items": _items_of(snapshot, chosen_run, chosen_year),
        "years": sorted(set(snapshot.datasets["year"].to_list())),
        "runs": _runs_for_year(snapshot, chosen_year),
    }
    parameters = {
        "year": chosen_year,
        "run_id": chosen_run,
        "level": level,
        "code": code,
        "geography": geography,
        "unit_weights": None if geography == "63" else "census_2019",
        "group_rule": {"percentile_method": rule.percentile_method, "inclusive": rule.inclusive},
        "confidence": confidence,
    }
    return View("overview", parameters, meta, {"ranking": ranking, "summary": summary})


def unit_rows(snapshot: Snapshot, run_id: str, year: int, *, level: str, code: str) -> pl.DataFrame:
    """One item of a run-year on the 34 units of July 2025, as its producer stored it.

    The rows carry their ``method`` and ``interval_note`` (how they were derived: weights,
    interval level), ranks and groups among the units, and ``derived`` true.
    """
    units = snapshot.units
    if units.is_empty():
        msg = f"run `{run_id}` stores no scores on the 34 units; upgrade the store."
        raise NotFound(msg, where="geography", found="34")
    return units.filter(
        (pl.col("run_id") == run_id)
        & (pl.col("year") == year)
        & (pl.col("level") == level)
        & (pl.col("code") == code)
    ).select(
        *_UNIT_NUMBERS,
        pl.col("group")
        .replace_strict(GROUP_KEYS, default=None, return_dtype=pl.String)
        .alias("group_key"),
        *_UNIT_FLAGS,
    )


def _interval_note(kind: str) -> str:
    if kind == "published":
        return (
            "intervals as published by PAPI (labelled 95%, equal to score ± 1.645·SE, i.e. 90% "
            "normal); most published years give intervals for the total only"
        )
    return "design-based intervals of the microdata run (level and df rule in the run's parameters)"


def _items_of(snapshot: Snapshot, run_id: str, year: int) -> list[dict[str, str]]:
    items = (
        snapshot.scores.filter((pl.col("run_id") == run_id) & (pl.col("year") == year))
        .select("level", "code")
        .unique()
        .join(snapshot.names_of(run_id), on=["level", "code"], how="left")
        .with_columns(pl.col("level").replace_strict(LEVEL_ORDER).alias("_order"))
        .sort("_order", "code")
        .drop("_order")
    )
    return [
        {
            "level": row["level"],
            "code": row["code"],
            "name_en": row["name_en"] or row["code"],
            "name_vi": row["name_vi"] or row["name_en"] or row["code"],
        }
        for row in items.iter_rows(named=True)
    ]


def _runs_for_year(snapshot: Snapshot, year: int) -> list[dict[str, Any]]:
    return [
        {
            "run_id": row["run_id"],
            "kind": row["kind"],
            "synthetic": row["synthetic"],
            "source": row["source"],
        }
        for row in snapshot.datasets.filter(pl.col("year") == year).iter_rows(named=True)
    ]
