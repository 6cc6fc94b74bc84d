"""A province's profile: its items against the national mean and the best province, its
trends over comparable years, and the diagnosis officials act on (what fell, what is worst).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from govindex.errors import NotFound
from govindex.official import ProvinceLookup, bundled_data_dir, load_province_lookup
from govindex.official.comparability import load_comparability_breaks
from govindex.scores.groups import GroupRule
from govindex.scores.published_tables import DIAGNOSIS_CHANGE_COLUMNS
from govindex.views.selection import (
    LEVEL_ORDER,
    group_legend,
    item_rows,
    resolve_run,
    with_province_names,
)
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = ["national_figures", "profile", "province_lookup"]

_PRIORITY_COLUMNS = ("tier", "level", "code", "name_en", "name_vi", "estimate", "group", "reasons")


def province_lookup(snapshot: Snapshot | None = None) -> ProvinceLookup:
    """The lookup of former province names (any spelling) bundled with govindex.

    With a ``snapshot`` it is read once and kept in the snapshot's cache (a page then never
    reads the bundled files again).
    """
    if snapshot is None:
        return load_province_lookup(bundled_data_dir())
    return snapshot.cache.get(
        ("province_lookup",), lambda: load_province_lookup(bundled_data_dir())
    )


def national_figures(items: pl.DataFrame) -> pl.DataFrame:
    """Per item: the simple mean of provincial scores, the best score and its province(s).

    Examples
    --------
    >>> frame = pl.DataFrame({"level": ["total"] * 2, "code": ["total"] * 2,
    ...                       "province": ["A", "B"], "estimate": [40.0, 44.0]})
    >>> national_figures(frame).row(0)
    ('total', 'total', 42.0, 44.0, 'B')
    """
    scored = items.filter(pl.col("estimate").is_not_null())
    return scored.group_by("level", "code", maintain_order=True).agg(
        pl.col("estimate").mean().alias("national_mean"),
        pl.col("estimate").max().alias("best_estimate"),
        pl.col("province")
        .filter(pl.col("estimate") == pl.col("estimate").max())
        .sort()
        .str.join(", ")
        .alias("best_province"),
    )


def profile(
    snapshot: Snapshot,
    province: str,
    *,
    year: int | None = None,
    run_id: str | None = None,
    rule: GroupRule,
    confidence: float = 0.90,
) -> View:
    """Return one province's profile in one run-year.

    Tables: ``items`` (every level, with ``parent``, names, intervals, rank and rank
    interval, group, ``national_mean``, ``best_estimate``, ``best_province``, ``gap_to_mean``),
    ``dimensions`` (the eight dimensions and the total), ``trends`` (published years of the
    total and dimensions, with the national mean and a ``segment`` that changes at each
    comparability break), ``changes`` and ``priorities``.

    Examples
    --------
    >>> profile(snapshot, "Hà Nội", year=2024, rule=GroupRule()).meta["province"]
    'Ha Noi'
    """
    name = province_lookup(snapshot).canonical_name(province)
    chosen_run, chosen_year = resolve_run(snapshot, year, run_id)
    everyone = item_rows(snapshot, chosen_run, chosen_year)
    national = snapshot.cache.get(
        ("national_figures", chosen_run, chosen_year), lambda: national_figures(everyone)
    )
    own = everyone.filter(pl.col("province") == name)
    if own.is_empty():
        msg = f"{name} has no scores in {chosen_year} for run `{chosen_run}`."
        raise NotFound(msg, where="province", found=name)
    items = (
        own.join(national, on=["level", "code"], how="left")
        .join(snapshot.names_of(chosen_run), on=["level", "code"], how="left")
        .with_columns(
            (pl.col("estimate") - pl.col("national_mean")).alias("gap_to_mean"),
            (pl.col("estimate") - pl.col("best_estimate")).alias("gap_to_best"),
            _parent().alias("parent"),
            pl.col("level").replace_strict(LEVEL_ORDER).alias("_order"),
        )
        .sort("_order", "code")
        .drop("_order")
    )
    dimensions = items.filter(pl.col("level").is_in(["total", "dimension"]))
    run = snapshot.describe_run(chosen_run)
    changes, priorities, diagnosis_note, unavailable, compared_years = _diagnosis(
        snapshot, chosen_run, run["kind"], name, items
    )
    compared = compared_years if changes.height else {}
    meta: dict[str, Any] = {
        "province": name,
        "province_vi": with_province_names(pl.DataFrame({"province": [name]}))["province_vi"][0],
        "run": run,
        "synthetic": run["synthetic"],
        "groups": group_legend(),
        "diagnosis_note": diagnosis_note,
        "comparison_unavailable": [{"year": year, "role": role} for year, role in unavailable],
        # False when no earlier year could be compared (none stored, a single microdata run,
        # or the province unpublished in every compared year): no decline can be judged.
        "comparison_possible": changes.height > 0
        and len(unavailable) < 1 + (compared.get("baseline_year") is not None),
        "previous_year": compared.get("previous_year"),
        "baseline_year": compared.get("baseline_year"),
        "years": sorted(set(snapshot.datasets["year"].to_list())),
        "breaks": [
            {
                "year": item.year,
                "scope": list(item.scope),
                "reason": item.reason,
                "reason_vi": item.reason_vi or item.reason,
            }
            for item in load_comparability_breaks()
        ],
    }
    parameters = {
        "province": name,
        "year": chosen_year,
        "run_id": chosen_run,
        "group_rule": {"percentile_method": rule.percentile_method, "inclusive": rule.inclusive},
        "confidence": confidence,
    }
    tables = {
        "items": items,
        "dimensions": dimensions,
        "trends": _trends(snapshot, name, chosen_run, run["kind"]),
        "changes": changes,
        "priorities": priorities,
    }
    return View("profile", parameters, meta, tables)


def _parent() -> pl.Expr:
    code = pl.col("code")
    return (
        pl.when(pl.col("level") == "dimension")
        .then(pl.lit("total"))
        .when(pl.col("level").is_in(["subdimension", "indicator"]))
        .then(code.str.replace(r"\.[^.]+$", ""))
        .otherwise(None)
    )


def _trends(snapshot: Snapshot, province: str, run_id: str, kind: str) -> pl.DataFrame:
    """Total and dimensions over the published years (or the run's own years)."""
    chosen = run_id if kind != "published" else None
    everyone = snapshot.cache.get(
        ("national_trends", chosen), lambda: _national_trends(snapshot, chosen)
    )
    if everyone.is_empty():
        return everyone
    return everyone.filter(pl.col("province") == province).drop("province")


def _national_trends(snapshot: Snapshot, run_id: str | None) -> pl.DataFrame:
    """Every province's total and dimensions by year, with the national mean and segment.

    Shared by every profile (kept in the snapshot's cache): only the province filter differs.
    """
    if run_id is None:
        runs = snapshot.datasets.filter(pl.col("kind") == "published")
    else:
        runs = snapshot.datasets.filter(pl.col("run_id") == run_id)
    frames = []
    for row in runs.iter_rows(named=True):
        rows = item_rows(snapshot, row["run_id"], row["year"]).filter(
            pl.col("level").is_in(["total", "dimension"])
        )
        national = national_figures(rows).select("level", "code", "national_mean")
        frames.append(
            rows.join(national, on=["level", "code"], how="left").with_columns(
                pl.lit(row["year"], pl.Int32).alias("year")
            )
        )
    if not frames:
        return pl.DataFrame()
    breaks = load_comparability_breaks()
    trends = pl.concat(frames, how="vertical_relaxed")
    pairs = trends.select("year", "code").unique()
    segments = pairs.with_columns(
        pl.Series(
            "segment",
            [
                sum(1 for item in breaks if item.year <= year and item.covers(code))
                for year, code in zip(pairs["year"].to_list(), pairs["code"].to_list(), strict=True)
            ],
            pl.Int32,
        )
    )
    return (
        trends.join(segments, on=["year", "code"], how="left")
        .join(snapshot.names, on=["level", "code"], how="left")
        .select(
            "province",
            "year",
            "level",
            "code",
            "name_en",
            "name_vi",
            "estimate",
            "se",
            "ci_low",
            "ci_high",
            "rank",
            "group",
            "national_mean",
            "segment",
        )
        .sort("code", "year")
    )


def _diagnosis(
    snapshot: Snapshot, run_id: str, kind: str, province: str, items: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, str, tuple[tuple[int, str], ...], dict[str, int | None]]:
    """The province's diagnosis as the run's producer stored it (published runs), or the
    items in group 4 (a single microdata run has no earlier year)."""
    if kind == "published" and snapshot.record.height:
        notes = _stored(snapshot, "diagnosis_notes", run_id, province)
        if notes.is_empty():
            note = "no diagnosis stored with this run; upgrade the store (`govindex store upgrade`)"
            return _empty_changes(), _empty_priorities(), note, (), {}
        row = notes.row(0, named=True)
        unavailable = tuple(
            (int(row[f"{role}_year"]), role)
            for role in ("previous", "baseline")
            if row[f"{role}_unavailable"] and row[f"{role}_year"] is not None
        )
        changes = _stored(snapshot, "diagnosis_changes", run_id, province).select(
            DIAGNOSIS_CHANGE_COLUMNS
        )
        if changes.is_empty():  # nothing compared: no earlier year, or no diagnosis possible
            return _empty_changes(), _empty_priorities(), str(row["note"]), (), {}
        priorities = (
            _stored(snapshot, "diagnosis_priorities", run_id, province)
            .select("tier", "level", "code", "estimate", "group", "reasons")
            .join(snapshot.names_of(run_id), on=["level", "code"], how="left")
            .select(_PRIORITY_COLUMNS)
            .join(
                changes.select(
                    "level",
                    "code",
                    "previous_change",
                    "previous_status",
                    "baseline_change",
                    "baseline_status",
                ),
                on=["level", "code"],
                how="left",
            )
        )
        compared = {"previous_year": row["previous_year"], "baseline_year": row["baseline_year"]}
        return changes, priorities, str(row["note"]), unavailable, compared
    lowest = items.filter(pl.col("group") == 4).select(
        pl.lit(1, pl.Int8).alias("tier"),
        "level",
        "code",
        "name_en",
        "name_vi",
        "estimate",
        "group",
        pl.lit("in the lowest group (4)").alias("reasons"),
    )
    note = "a single microdata run has no earlier year: priorities are the items in group 4"
    return _empty_changes(), lowest, note, (), {"previous_year": None, "baseline_year": None}


def _stored(snapshot: Snapshot, name: str, run_id: str, province: str) -> pl.DataFrame:
    """The stored diagnosis table ``name`` of one run and province (split once per snapshot)."""

    def split() -> dict[tuple[str, str], pl.DataFrame]:
        table = snapshot.diagnoses.get(name)
        if table is None:
            return {}
        parts = table.partition_by("run_id", "province", as_dict=True, maintain_order=True)
        return {(str(key[0]), str(key[1])): part for key, part in parts.items()}

    parts = snapshot.cache.get(("diagnoses", name), split)
    found = parts.get((run_id, province))
    if found is not None:
        return found
    table = snapshot.diagnoses.get(name)
    return pl.DataFrame() if table is None else table.clear()


def _empty_changes() -> pl.DataFrame:
    schema: dict[str, Any] = dict.fromkeys(DIAGNOSIS_CHANGE_COLUMNS, pl.String)
    for column in ("previous_estimate", "previous_change", "baseline_estimate", "baseline_change"):
        schema[column] = pl.Float64
    return pl.DataFrame(schema=schema)


def _empty_priorities() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "tier": pl.Int8,
            "level": pl.String,
            "code": pl.String,
            "name_en": pl.String,
            "name_vi": pl.String,
            "estimate": pl.Float64,
            "group": pl.Int32,
            "reasons": pl.String,
        }
    )
