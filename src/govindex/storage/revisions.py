"""Storing a run together with the derived tables of stored runs that it makes stale.

A run's inputs never change once stored, but some of the tables its producer derived from
them compare it with other runs: a published year's diagnoses compare it with the year
before and the term baseline. When one of those years is stored later, the earlier year's
derived tables are worked out again (by the producer, above the store) and replaced here, in
the transaction that stores the new run, so no reader ever sees a year stored and a
diagnosis that ignores it. Each replaced table's row count and checksum are updated with it,
so ``govindex store verify`` still holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from govindex.errors import RunNotFound
from govindex.storage.integrity import table_checksum

__all__ = ["Revisions", "replace_run_tables"]

Revisions = Mapping[str, Mapping[str, pl.DataFrame]]
"""Run id → the derived tables to replace, by name."""


def replace_run_tables(connection: Any, run_id: str, tables: Mapping[str, pl.DataFrame]) -> None:
    """Replace derived tables of the stored run ``run_id`` (statements only: the caller holds
    the transaction). Each table must already be stored with the run.

    Examples
    --------
    >>> from govindex.manifest import RunManifest
    >>> from govindex.storage.store import RunStore
    >>> manifest = RunManifest.create(kind="published", spec_hash="s", data_hash="d",
    ...                               parameters={"year": 2024}, source="example")
    >>> scores = pl.DataFrame({"year": [2024], "province": ["A"], "level": ["total"],
    ...                        "code": ["total"], "estimate": [42.5]})
    >>> with RunStore(":memory:") as store:
    ...     _ = store.save_run(manifest, scores, {"notes": pl.DataFrame({"note": ["old"]})})
    ...     replace_run_tables(store._connection, manifest.run_id,
    ...                        {"notes": pl.DataFrame({"note": ["new", "newer"]})})
    ...     store.read_table(manifest.run_id, "notes")["note"].to_list(), store.verify().passed
    (['new', 'newer'], True)
    """
    checked = connection.execute(
        "SELECT name FROM table_checksums WHERE run_id = ?", [run_id]
    ).fetchall()
    with_checksum = {str(row[0]) for row in checked}
    for name, frame in tables.items():
        rows = connection.execute(
            "SELECT storage_name FROM run_tables WHERE run_id = ? AND name = ?", [run_id, name]
        ).fetchall()
        if not rows:
            msg = f"run `{run_id}` has no table `{name}` to replace."
            raise RunNotFound(msg, found=name, where=run_id)
        storage = str(rows[0][0])
        connection.execute(f'DROP TABLE "{storage}"')
        connection.register("_revised", frame.to_arrow())
        try:
            connection.execute(f'CREATE TABLE "{storage}" AS SELECT * FROM _revised')
        finally:
            connection.unregister("_revised")
        connection.execute(
            "UPDATE run_tables SET row_count = ? WHERE run_id = ? AND name = ?",
            [frame.height, run_id, name],
        )
        if name in with_checksum:
            count, checksum = table_checksum(connection, f'SELECT * FROM "{storage}"', [])
            connection.execute(
                "UPDATE table_checksums SET row_count = ?, checksum = ? "
                "WHERE run_id = ? AND name = ?",
                [count, checksum, run_id, name],
            )
