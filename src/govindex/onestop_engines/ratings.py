"""Loading citizens' ratings (the counter-feedback service's export) into the record store.

A rating file (CSV or Parquet with the ``ratings`` columns of the record schema, as
``govindex feedback export --layout onestop`` writes it) is checked whole — types, required
values, repeated ids, unknown agencies, a province that is not the agency's, a level outside
1-5 — and loaded only if every row passes. Ratings are upserted by ``rating_id`` into the
province × month partitions of the time they were given, so loading the same export twice, or
an export that overlaps an earlier one, leaves each rating once (the later copy wins).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from govindex.errors import DataValidationError, Issue
from govindex.onestop.records import TABLES
from govindex.onestop_engines.ingest import read_table_file
from govindex.onestop_engines.store import RecordStore

__all__ = ["load_ratings"]

_DAY_SECONDS = 86_400


def load_ratings(store: RecordStore, path: str | Path) -> int:
    """Check and upsert the ratings of ``path``; how many ratings the store holds afterwards.

    Examples
    --------
    A copy of the examples' SYNTHETIC record store, its ratings exported and loaded again:
    each rating is held once.

    >>> import shutil
    >>> records = RecordStore(shutil.copytree(onestop_records, tmp_path / "records"))
    >>> exported = records.read("ratings")
    >>> exported.write_parquet(tmp_path / "ratings.parquet")
    >>> load_ratings(records, tmp_path / "ratings.parquet") == exported.height
    True
    """
    source = Path(path)
    ratings = read_table_file("ratings", source)
    agencies = store.read("agencies")
    if agencies.is_empty():
        msg = "the store has no agency tree; load it first (--agencies)"
        raise DataValidationError(msg, where=str(store.root))
    province_of = dict(
        zip(agencies["agency_id"].to_list(), agencies["province_code"].to_list(), strict=True)
    )
    issues = _problems(ratings, province_of, source.name)
    if issues:
        msg = f"{source.name}: {len(issues)} problem(s) in the ratings; nothing was loaded"
        raise DataValidationError(msg, where=source.name, issues=issues)
    dated = ratings.with_columns(
        (pl.col("rated_at") // _DAY_SECONDS)
        .cast(pl.Int32)
        .cast(pl.Date)
        .dt.strftime("%Y-%m")
        .alias("_month")
    )
    staged: list[tuple[str, str, pl.DataFrame]] = []
    for (province, month), incoming in dated.group_by(["province_code", "_month"]):
        folder = store.path("ratings", str(province), str(month))
        existing = (
            pl.read_parquet(sorted(folder.glob("*.parquet")))
            if folder.exists() and any(folder.glob("*.parquet"))
            else TABLES["ratings"].empty()
        )
        merged = pl.concat(
            [existing.select(list(TABLES["ratings"].schema)), incoming.drop("_month")],
            how="vertical_relaxed",
        ).unique(subset=["rating_id"], keep="last", maintain_order=True)
        staged.append((str(province), str(month), merged.sort("rated_at", "rating_id")))
    # A rating re-dated into another month would otherwise stay in its old partition too.
    incoming_ids = set(ratings["rating_id"].to_list())
    for file in store.files("ratings"):
        key = (file.parent.parent.name, file.parent.name)
        if key in {(province, month) for province, month, _frame in staged}:
            continue
        old = pl.read_parquet(file)
        kept = old.filter(~pl.col("rating_id").is_in(list(incoming_ids)))
        if kept.height != old.height:
            staged.append((key[0], key[1], kept))
    for province, month, frame in staged:
        store.write("ratings", frame, province_code=province, month=month)
    store.write_catalogue()
    return store.read("ratings").height


def _problems(ratings: pl.DataFrame, province_of: dict[str, str], where: str) -> list[Issue]:
    issues: list[Issue] = []
    for index, row in enumerate(ratings.iter_rows(named=True)):
        line = index + 2  # the header is line 1 of a CSV; a Parquet row is counted the same way
        agency = row["agency_id"]
        if agency not in province_of:
            issues.append(
                Issue("unknown agency", where=where, row=line, column="agency_id", found=agency)
            )
        elif row["province_code"] != province_of[agency]:
            issues.append(
                Issue(
                    f"the agency belongs to province {province_of[agency]}",
                    where=where,
                    row=line,
                    column="province_code",
                    found=row["province_code"],
                    expected=province_of[agency],
                )
            )
        if row["level"] not in (1, 2, 3, 4, 5):
            issues.append(
                Issue(
                    "a level is 1 (very dissatisfied) to 5 (very satisfied)",
                    where=where,
                    row=line,
                    column="level",
                    found=row["level"],
                    expected="1-5",
                )
            )
        if len(issues) >= 50:
            break
    return issues
