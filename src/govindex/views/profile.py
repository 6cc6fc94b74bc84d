"""A province's profile: its items against the national mean and the best province, its
trends over comparable years, and the diagnosis officials act on (what fell, what is worst).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from govindex.errors import NotFound
from govindex.official import (
    ProvinceLookup,
    bundled_data_dir,
    load_province_lookup,
    vietnamese_name,
)
from govindex.official.comparability import ComparabilityBreak, load_comparability_breaks
from govindex.scores.groups import GroupRule
from govindex.scores.published_tables import DIAGNOSIS_CHANGE_COLUMNS
from govindex.views.selection import (
    LEVEL_ORDER,
    group_legend,
    item_rows,
    resolve_run,
)
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = ["national_figures", "prepare_profiles", "profile", "province_lookup"]

# Kept once per snapshot (`_shared_meta`, `_run_description`) and handed to every profile.
_SHARED_META = frozenset({"run", "groups", "years", "breaks"})
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
    # Successful choices only are kept: a refused year or run raises again next time.
    chosen_run, chosen_year = snapshot.cache.get(
        ("resolved_run", year, run_id), lambda: resolve_run(snapshot, year, run_id)
    )
    found = _items_by_province(snapshot, chosen_run, chosen_year).get(name)
    if found is None:
        msg = f"{name} has no scores in {chosen_year} for run `{chosen_run}`."
        raise NotFound(msg, where="province", found=name)
    items, dimensions = found
    run = _run_description(snapshot, chosen_run)
    shared = _shared_meta(snapshot)
    changes, priorities, diagnosis_note, unavailable, compared_years = _diagnosis(
        snapshot, chosen_run, run["kind"], name, items
    )
    compared = compared_years if changes.height else {}
    meta: dict[str, Any] = {
        "province": name,
        "province_vi": shared.names_vi.get(name) or vietnamese_name(name),
        "run": run,
        "synthetic": run["synthetic"],
        "groups": shared.groups,
        "diagnosis_note": diagnosis_note,
        "comparison_unavailable": [{"year": year, "role": role} for year, role in unavailable],
        # False when no earlier year could be compared (none stored, a single microdata run,
        # or the province unpublished in every compared year): no decline can be judged.
        "comparison_possible": changes.height > 0
        and len(unavailable) < 1 + (compared.get("baseline_year") is not None),
        "previous_year": compared.get("previous_year"),
        "baseline_year": compared.get("baseline_year"),
        "years": shared.years,
        "breaks": shared.breaks,
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
    return View("profile", parameters, meta, tables, shared=_SHARED_META)


def prepare_profiles(snapshot: Snapshot) -> None:
    """Index the stored tables every profile reads, by province, in ``snapshot``'s cache.

    Called when a snapshot is opened for serving (load time): a profile request is then a
    few dictionary lookups, not polars filters and joins. Nothing is rendered here; the
    indexes are the stored scores, names, trends and diagnoses split by province.

    Examples
    --------
    >>> from govindex.storage import RunStore
    >>> with RunStore(":memory:") as store:
    ...     empty = Snapshot.load(store)
    >>> prepare_profiles(empty)
    """
    _shared_meta(snapshot)
    seen: set[tuple[str, int]] = set()
    for run_id, kind, year in snapshot.datasets.select("run_id", "kind", "year").iter_rows():
        if (run_id, year) not in seen:
            seen.add((run_id, year))
            _items_by_province(snapshot, run_id, year)
            _trends_by_province(snapshot, run_id if kind != "published" else None)
    _diagnosis_by_province(snapshot)


@dataclass(frozen=True)
class _SharedMeta:
    """What every profile of a snapshot says alike, made once per snapshot; views share
    these values and never change them."""

    groups: list[dict[str, Any]]
    years: list[int]
    breaks: list[dict[str, Any]]
    names_vi: dict[str, str]


def _shared_meta(snapshot: Snapshot) -> _SharedMeta:
    def build() -> _SharedMeta:
        breaks = [
            {
                "year": item.year,
                "scope": list(item.scope),
                "reason": item.reason,
                "reason_vi": item.reason_vi or item.reason,
            }
            for item in _breaks(snapshot)
        ]
        names = province_lookup(snapshot).canonical
        return _SharedMeta(
            groups=group_legend(),
            years=list(_years(snapshot)),
            breaks=breaks,
            names_vi={name: vietnamese_name(name) for name in names},
        )

    return snapshot.cache.get(("profile_shared_meta",), build)


def _run_description(snapshot: Snapshot, run_id: str) -> dict[str, Any]:
    """The run as its pages describe it (on its first page, then kept with the snapshot)."""
    return snapshot.cache.get(("run_description", run_id), lambda: snapshot.describe_run(run_id))


def _years(snapshot: Snapshot) -> tuple[int, ...]:
    return snapshot.cache.get(
        ("profile_years",), lambda: tuple(sorted(set(snapshot.datasets["year"].to_list())))
    )


def _breaks(snapshot: Snapshot) -> tuple[ComparabilityBreak, ...]:
    # The bundled CSV is read once per snapshot, not on every profile.
    return snapshot.cache.get(("comparability_breaks",), load_comparability_breaks)


def _items_by_province(
    snapshot: Snapshot, run_id: str, year: int
) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Every province's ``items`` and ``dimensions`` tables of one run-year, by province."""

    def build() -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
        everyone = item_rows(snapshot, run_id, year)
        national = snapshot.cache.get(
            ("national_figures", run_id, year), lambda: national_figures(everyone)
        )
        joined = (
            everyone.join(national, on=["level", "code"], how="left")
            .join(snapshot.names_of(run_id), on=["level", "code"], how="left")
            .with_columns(
                (pl.col("estimate") - pl.col("national_mean")).alias("gap_to_mean"),
                (pl.col("estimate") - pl.col("best_estimate")).alias("gap_to_best"),
                _parent().alias("parent"),
                pl.col("level").replace_strict(LEVEL_ORDER).alias("_order"),
            )
            .sort("_order", "code", maintain_order=True)
            .drop("_order")
        )
        by_province: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {}
        for key, items in joined.partition_by(
            "province", as_dict=True, maintain_order=True
        ).items():
            dimensions = items.filter(pl.col("level").is_in(["total", "dimension"]))
            by_province[str(key[0])] = (items, dimensions)
        return by_province

    return snapshot.cache.get(("profile_items", run_id, year), build)


def _trends_by_province(
    snapshot: Snapshot, run_id: str | None
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The national trends (``run_id`` ``None``: the published years) and each province's."""

    def build() -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
        everyone = _national_trends(snapshot, run_id)
        if everyone.is_empty():
            return everyone, {}
        parts = everyone.partition_by("province", as_dict=True, maintain_order=True)
        return everyone, {str(key[0]): part.drop("province") for key, part in parts.items()}

    return snapshot.cache.get(("profile_trends", run_id), build)


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
    everyone, by_province = _trends_by_province(snapshot, run_id if kind != "published" else None)
    if everyone.is_empty():
        return everyone
    found = by_province.get(province)
    return found if found is not None else everyone.clear().drop("province")


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
    breaks = _breaks(snapshot)
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
        .join(
            snapshot.names if run_id is None else snapshot.names_of(run_id),
            on=["level", "code"],
            how="left",
        )
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
        stored = _diagnosis_by_province(snapshot)
        row = stored.notes.get((run_id, province))
        if row is None:
            note = "no diagnosis stored with this run; upgrade the store (`govindex store upgrade`)"
            return _empty_changes(), _empty_priorities(), note, (), {}
        unavailable = tuple(
            (int(row[f"{role}_year"]), role)
            for role in ("previous", "baseline")
            if row[f"{role}_unavailable"] and row[f"{role}_year"] is not None
        )
        changes = stored.changes.get((run_id, province))
        if changes is None or changes.is_empty():
            # Nothing compared: no earlier year, or no diagnosis possible.
            return _empty_changes(), _empty_priorities(), str(row["note"]), (), {}
        priorities = stored.priorities.get((run_id, province), stored.no_priorities)
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


@dataclass(frozen=True)
class _StoredDiagnoses:
    """The published runs' stored diagnoses, by (run, province): the note's row, the change
    tests and the priorities joined with item names and their changes."""

    notes: dict[tuple[str, str], dict[str, Any]]
    changes: dict[tuple[str, str], pl.DataFrame]
    priorities: dict[tuple[str, str], pl.DataFrame]
    no_priorities: pl.DataFrame


_KEYS = ("run_id", "province")
_CHANGE_SHOWN = ("previous_change", "previous_status", "baseline_change", "baseline_status")


def _diagnosis_by_province(snapshot: Snapshot) -> _StoredDiagnoses:
    """The stored diagnosis tables split by run and province (once per snapshot)."""

    def split(frame: pl.DataFrame) -> dict[tuple[str, str], pl.DataFrame]:
        parts = frame.partition_by(*_KEYS, as_dict=True, maintain_order=True, include_key=False)
        return {(str(key[0]), str(key[1])): part for key, part in parts.items()}

    def build() -> _StoredDiagnoses:
        tables = snapshot.diagnoses
        notes: dict[tuple[str, str], dict[str, Any]] = {}
        if "diagnosis_notes" in tables:
            for key, part in split(tables["diagnosis_notes"]).items():
                notes[key] = part.row(0, named=True)
        changes_table = tables.get("diagnosis_changes")
        if changes_table is None:
            return _StoredDiagnoses(notes, {}, {}, _empty_priorities())
        changes = changes_table.select(*_KEYS, *DIAGNOSIS_CHANGE_COLUMNS)
        priorities_table = tables.get("diagnosis_priorities")
        if priorities_table is None:
            return _StoredDiagnoses(notes, split(changes), {}, pl.DataFrame())
        # Each run's items under the names that run shows (its own where its spec differs).
        names = pl.concat(
            [
                snapshot.names_of(str(run_id)).with_columns(pl.lit(str(run_id)).alias("run_id"))
                for run_id in priorities_table["run_id"].unique(maintain_order=True).to_list()
            ]
            or [snapshot.names.with_columns(pl.lit(None, pl.String).alias("run_id"))]
        )
        priorities = (
            priorities_table.select(*_KEYS, "tier", "level", "code", "estimate", "group", "reasons")
            .join(names, on=["run_id", "level", "code"], how="left", maintain_order="left")
            .select(*_KEYS, *_PRIORITY_COLUMNS)
            .join(
                changes.select(*_KEYS, "level", "code", *_CHANGE_SHOWN),
                on=[*_KEYS, "level", "code"],
                how="left",
                maintain_order="left",
            )
        )
        return _StoredDiagnoses(
            notes, split(changes), split(priorities), priorities.clear().drop(*_KEYS)
        )

    return snapshot.cache.get(("profile_diagnoses",), build)


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
