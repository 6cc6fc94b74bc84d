"""Choosing the run behind a page, and the rows of one item that every page starts from.

The official record is one published run per year; microdata runs sit beside it. A page
names a year and optionally a run; without a run it shows the published record.
Suppressed cells lose their numbers here, before any page, download or report sees them.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from govindex.errors import NotFound, RunNotFound
from govindex.scores.groups import GROUP_LABELS
from govindex.views.snapshot import Snapshot

__all__ = [
    "GROUP_KEYS",
    "ITEM_COLUMNS",
    "LEVEL_ORDER",
    "group_legend",
    "item_rows",
    "resolve_run",
    "with_province_names",
]

GROUP_KEYS = {1: "best", 2: "high_average", 3: "low_average", 4: "poor"}
"""Stable keys of the four performance groups (labels are translated by the web layer)."""

LEVEL_ORDER = {"total": 0, "dimension": 1, "subdimension": 2, "indicator": 3}
"""Levels from the aggregate down: the order items are listed in."""

ITEM_COLUMNS = (
    "province",
    "level",
    "code",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "rank",
    "rank_low",
    "rank_high",
    "group",
    "group_key",
    "suppressed",
    "withheld",
)
_NUMBERS = ("estimate", "se", "ci_low", "ci_high", "rank", "rank_low", "rank_high", "group")


def resolve_run(snapshot: Snapshot, year: int | None, run_id: str | None) -> tuple[str, int]:
    """Return the run and year a page shows: ``run_id`` if given, else the published year.

    Without a year, the newest published year is used.

    Examples
    --------
    >>> resolve_run(snapshot, 2024, None)
    ('1bb1f703207984ed', 2024)
    """
    datasets = snapshot.datasets
    if run_id is not None:
        matches = datasets.filter(pl.col("run_id").str.starts_with(run_id))
        ids = sorted(set(matches["run_id"].to_list()))
        if len(ids) != 1:
            state = "matches several runs" if ids else "is not a stored run"
            msg = f"run `{run_id}` {state}."
            raise RunNotFound(msg, where="run", found=run_id, expected=ids or None)
        years = sorted(matches["year"].to_list())
        if year is None:
            return ids[0], int(years[-1])
        if year not in years:
            msg = f"run `{ids[0]}` has no scores for {year} (years: {years})."
            raise NotFound(msg, where="year", found=year, expected=years)
        return ids[0], year
    published = datasets.filter(pl.col("kind") == "published")
    years = sorted(set(published["year"].to_list()))
    if not years:
        msg = "the store holds no published PAPI record; run `govindex demo` or `govindex import`."
        if datasets.is_empty():
            # A store of other instruments' runs only (say, `govindex onestop publish`).
            msg = (
                "the store holds no PAPI run (neither the published record nor a survey "
                "run); run `govindex demo` or `govindex import` to store one."
            )
        raise NotFound(msg, where="year", found=year)
    chosen = years[-1] if year is None else year
    rows = published.filter(pl.col("year") == chosen)
    if not rows.height:
        msg = f"no published PAPI record for {chosen}."
        raise NotFound(msg, where="year", found=chosen, expected=f"{years[0]}–{years[-1]}")
    return str(rows["run_id"][-1]), chosen


def item_rows(
    snapshot: Snapshot,
    run_id: str,
    year: int,
    *,
    level: str | None = None,
    code: str | None = None,
) -> pl.DataFrame:
    """Return one row per province and item of a run-year, with groups and suppression.

    The groups are those the run's producer stored (a published run's are cut when it is
    imported, by the rule in its parameters). Suppressed or withheld rows keep no number at
    all. Kept in the snapshot's cache: a snapshot never changes, and every profile asks for
    the same years.
    """
    return snapshot.cache.get(
        ("item_rows", run_id, year, level, code),
        lambda: _item_rows(snapshot, run_id, year, level=level, code=code),
    )


def _item_rows(
    snapshot: Snapshot, run_id: str, year: int, *, level: str | None, code: str | None
) -> pl.DataFrame:
    scores = snapshot.scores.filter((pl.col("run_id") == run_id) & (pl.col("year") == year))
    if level is not None:
        scores = scores.filter(pl.col("level") == level)
    if code is not None:
        scores = scores.filter(pl.col("code") == code)
    if scores.is_empty():
        return pl.DataFrame(schema=_item_schema())
    scores = scores.with_columns(pl.col("group").cast(pl.Int32, strict=False))
    hidden = pl.col("suppressed") | pl.col("withheld")
    return (
        scores.with_columns(
            [
                pl.when(hidden).then(None).otherwise(pl.col(column)).alias(column)
                for column in _NUMBERS
            ]
        )
        .with_columns(
            pl.col("group")
            .replace_strict(GROUP_KEYS, default=None, return_dtype=pl.String)
            .alias("group_key")
        )
        .select(ITEM_COLUMNS)
    )


def with_province_names(frame: pl.DataFrame, column: str = "province") -> pl.DataFrame:
    """Add ``<column>_vi``: the Vietnamese name of each province or unit.

    Examples
    --------
    >>> with_province_names(pl.DataFrame({"province": ["Ha Noi"]}))["province_vi"].to_list()
    ['Hà Nội']
    """
    from govindex.official import vietnamese_name

    names = frame[column].to_list()
    return frame.with_columns(
        pl.Series(f"{column}_vi", [vietnamese_name(name) for name in names], pl.String)
    )


def group_legend() -> list[dict[str, Any]]:
    """The four groups with their keys and official English/Vietnamese labels."""
    return [
        {"group": number, "key": GROUP_KEYS[number], "en": labels[0], "vi": labels[1]}
        for number, labels in sorted(GROUP_LABELS.items())
    ]


def _item_schema() -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = dict.fromkeys(ITEM_COLUMNS, pl.Float64())
    for column in ("province", "level", "code", "group_key"):
        schema[column] = pl.String()
    for column in ("n",):
        schema[column] = pl.Int64()
    for column in ("rank", "rank_low", "rank_high", "group"):
        schema[column] = pl.Int32()
    for column in ("suppressed", "withheld"):
        schema[column] = pl.Boolean()
    return schema
