"""Idempotent, order-independent upserts of dossier records by dossier code.

Records of one dossier (from one batch or many, in any order) merge field by field:

* a value that is set is never erased by a later record without it (late, partial syncs);
* a field set differently by two records takes the later record's value (a correction);
* the current status is the one with the latest ``status_at`` (an out-of-order older record
  cannot move a dossier back), ties going to the later record;
* ``due_at_original`` keeps the first appointment ever seen (an apology letter's new date is an
  audit flag, not an exemption).

Within one batch, two records of the same dossier that disagree on what the dossier *is*
(procedure, agency, submission or reception time) are a conflict, reported with both lines.

Examples
--------
>>> import polars as pl
>>> from govindex.onestop.records import TABLES
>>> old = pl.DataFrame({"dossier_code": ["H1"], "status": [9], "status_at": [200], "processed_at": [200]})
>>> new = pl.DataFrame({"dossier_code": ["H1"], "status": [4], "status_at": [100], "processed_at": [None]})
>>> merged = merge_dossiers(old, new)
>>> merged.select("status", "processed_at").row(0)
(9, 200)
>>> merge_dossiers(merged, new).equals(merged)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from govindex.errors import Issue

__all__ = ["IDENTITY_FIELDS", "batch_conflicts", "merge_dossiers"]

#: Fields two records of one dossier in one batch must agree on.
IDENTITY_FIELDS = ("procedure_code", "agency_id", "submitted_at", "received_at")
_SPECIAL = {"dossier_code", "status", "status_at", "due_at_original", "__order"}


def merge_dossiers(existing: pl.DataFrame, incoming: pl.DataFrame) -> pl.DataFrame:
    """Merge ``incoming`` records (in order) into ``existing`` rows; one row per dossier."""
    columns = list(dict.fromkeys([*existing.columns, *incoming.columns]))
    parts = []
    for order, frame in enumerate((existing, incoming)):
        missing = [pl.lit(None).alias(name) for name in columns if name not in frame.columns]
        parts.append(
            frame.with_columns(missing)
            .select(columns)
            .with_columns((pl.int_range(pl.len()) + order * 2**40).alias("__order"))
        )
    both = pl.concat(parts, how="diagonal_relaxed").sort("__order")
    aggregations = [
        pl.col(name).drop_nulls().last().alias(name) for name in columns if name not in _SPECIAL
    ]
    if "status" in columns:
        ranked = ["status_at", "__order"] if "status_at" in columns else ["__order"]
        aggregations.append(
            pl.col("status").sort_by(ranked, nulls_last=False).last().alias("status")
        )
    if "status_at" in columns:
        aggregations.append(pl.col("status_at").max().alias("status_at"))
    if "due_at_original" in columns:
        aggregations.append(pl.col("due_at_original").drop_nulls().first().alias("due_at_original"))
    merged = both.group_by("dossier_code", maintain_order=True).agg(aggregations)
    return merged.select(columns).sort("dossier_code")


def batch_conflicts(rows: pl.DataFrame, lines: Sequence[tuple[str, int]]) -> list[Issue]:
    """Issues for dossier codes whose records in one batch disagree on an identity field.

    ``lines`` gives (file, line) of each row, in order.

    Examples
    --------
    >>> import polars as pl
    >>> rows = pl.DataFrame({"dossier_code": ["H1", "H1"], "procedure_code": ["P1", "P2"],
    ...     "agency_id": ["A", "A"], "submitted_at": [1, 1], "received_at": [2, 2]})
    >>> batch_conflicts(rows, [("b.jsonl", 1), ("b.jsonl", 7)])[0].describe()
    'b.jsonl, row 7, column `procedure_code`: dossier H1 conflicts with b.jsonl line 1'
    """
    issues: list[Issue] = []
    if rows.is_empty():
        return issues
    indexed = rows.with_row_index("__row")
    duplicated = indexed.filter(pl.col("dossier_code").is_duplicated())
    for _, group in duplicated.group_by("dossier_code", maintain_order=True):
        first = group.row(0, named=True)
        for other in group.iter_rows(named=True):
            for name in IDENTITY_FIELDS:
                if (
                    name in other
                    and other[name] is not None
                    and first[name] is not None
                    and other[name] != first[name]
                ):
                    where, line = lines[other["__row"]]
                    first_where, first_line = lines[first["__row"]]
                    issues.append(
                        Issue(
                            f"dossier {other['dossier_code']} conflicts with {first_where} line {first_line}",
                            where=where,
                            row=line,
                            column=name,
                            found=other[name],
                            expected=first[name],
                        )
                    )
    return issues
