"""Comparing provinces side by side, and one item across provinces and years."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from govindex.errors import NotFound, SpecError
from govindex.scores.groups import GroupRule
from govindex.views.profile import national_figures, province_lookup
from govindex.views.selection import group_legend, item_rows, resolve_run, with_province_names
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = ["MAXIMUM_COMPARED", "compare", "explore_item"]

MAXIMUM_COMPARED = 8
"""More provinces than this do not fit one comparison chart; the overview shows them all."""


def compare(
    snapshot: Snapshot,
    provinces: Sequence[str],
    *,
    year: int | None = None,
    run_id: str | None = None,
    level: str = "dimension",
    rule: GroupRule,
) -> View:
    """Return two or more provinces side by side on every item of ``level`` (and the total).

    Table ``scores``: one row per province and item with interval, rank and group, and
    ``national_mean`` for reference.

    Examples
    --------
    >>> compare(snapshot, ["Ha Noi", "Da Nang"], year=2024, rule=GroupRule()).table("scores").height
    18
    """
    lookup = province_lookup(snapshot)
    names = list(dict.fromkeys(lookup.canonical_name(name) for name in provinces))
    if not 2 <= len(names) <= MAXIMUM_COMPARED:
        msg = f"compare needs 2 to {MAXIMUM_COMPARED} different provinces; got {len(names)}."
        raise SpecError(msg, where="provinces", found=names, expected=f"2–{MAXIMUM_COMPARED}")
    chosen_run, chosen_year = resolve_run(snapshot, year, run_id)
    everyone = item_rows(snapshot, chosen_run, chosen_year).filter(
        pl.col("level").is_in(["total", level])
    )
    if everyone.filter(pl.col("level") == level).is_empty():
        msg = f"no `{level}` scores in {chosen_year} for run `{chosen_run}`."
        raise NotFound(msg, where="level", found=level)
    national = national_figures(everyone).select("level", "code", "national_mean")
    scores = (
        everyone.filter(pl.col("province").is_in(names))
        .join(national, on=["level", "code"], how="left")
        .join(snapshot.names_of(chosen_run), on=["level", "code"], how="left")
        .sort(pl.col("level") != "total", "code", "province")
    )
    scores = with_province_names(scores)
    run = snapshot.describe_run(chosen_run)
    meta: dict[str, Any] = {
        "run": run,
        "synthetic": run["synthetic"],
        "groups": group_legend(),
        "provinces": [
            {"province": name, "province_vi": vi}
            for name, vi in with_province_names(pl.DataFrame({"province": names}))
            .select("province", "province_vi")
            .iter_rows()
        ],
    }
    parameters = {
        "provinces": names,
        "year": chosen_year,
        "run_id": chosen_run,
        "level": level,
        "group_rule": {"percentile_method": rule.percentile_method, "inclusive": rule.inclusive},
    }
    return View("compare", parameters, meta, {"scores": scores})


def explore_item(
    snapshot: Snapshot,
    *,
    level: str,
    code: str,
    run_id: str | None = None,
    rule: GroupRule,
) -> View:
    """Return one item across provinces and years (all published years, or one run's).

    Tables: ``values`` (year, province, estimate, interval, rank, group) and ``national``
    (year, national mean, provinces scored).

    Examples
    --------
    >>> explore_item(snapshot, level="dimension", code="4", rule=GroupRule()).meta["item"]["name_en"]
    'Control of Corruption in the Public Sector'
    """
    if run_id is None:
        runs = snapshot.datasets.filter(pl.col("kind") == "published")
        if runs.is_empty():
            # The same answer as the overview's: the store holds other instruments only.
            resolve_run(snapshot, None, None)
    else:
        chosen, _ = resolve_run(snapshot, None, run_id)
        runs = snapshot.datasets.filter(pl.col("run_id") == chosen)
    frames = [
        item_rows(snapshot, row["run_id"], row["year"], level=level, code=code).with_columns(
            pl.lit(row["year"], pl.Int32).alias("year")
        )
        for row in runs.iter_rows(named=True)
    ]
    frames = [frame for frame in frames if frame.height]
    if not frames:
        msg = f"no `{level}` item `{code}` in the runs shown."
        raise NotFound(msg, where="code", found=f"{level}/{code}")
    values = pl.concat(frames, how="vertical_relaxed")
    values = with_province_names(values).select(
        "year", "province", "province_vi", pl.exclude("year", "province", "province_vi")
    )
    national = (
        values.filter(pl.col("estimate").is_not_null())
        .group_by("year")
        .agg(pl.col("estimate").mean().alias("national_mean"), pl.len().alias("scored"))
        .sort("year")
    )
    # One run shown: its own wording; the record's years: the shared names.
    shared = snapshot.names if run_id is None else snapshot.names_of(runs["run_id"][0])
    names = shared.filter((pl.col("level") == level) & (pl.col("code") == code))
    meta: dict[str, Any] = {
        "item": {
            "level": level,
            "code": code,
            "name_en": names["name_en"][0] if names.height else code,
            "name_vi": names["name_vi"][0] if names.height else code,
        },
        "synthetic": bool(
            snapshot.datasets.filter(pl.col("run_id").is_in(runs["run_id"].to_list()))[
                "synthetic"
            ].any()
        ),
        "groups": group_legend(),
        "runs": runs.select("run_id", "year", "kind", "synthetic").to_dicts(),
    }
    parameters = {
        "level": level,
        "code": code,
        "run_id": run_id,
        "group_rule": {"percentile_method": rule.percentile_method, "inclusive": rule.inclusive},
    }
    return View("indicator", parameters, meta, {"values": values, "national": national})
