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

from govindex.errors import RunNotFound, StorageError
from govindex.manifest import RunManifest
from govindex.storage.failures import store_failure
from govindex.storage.integrity import table_checksum
from govindex.storage.scorecard_tables import rewrite_scorecard
from govindex.storage.store import RunStore

__all__ = ["Revisions", "replace_run_tables", "save_run_revising"]

Revisions = Mapping[str, Mapping[str, pl.DataFrame]]
"""Run id → the derived tables to replace, by name."""


def replace_run_tables(connection: Any, run_id: str, tables: Mapping[str, pl.DataFrame]) -> None:
    """Replace derived tables of the stored run ``run_id`` (statements only: the caller holds
    the transaction). Each table must already be stored with the run.

    Examples
    --------
    >>> from govindex.manifest import RunManifest
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


def save_run_revising(
    store: RunStore,
    manifest: RunManifest,
    scores: pl.DataFrame,
    extra_tables: Mapping[str, pl.DataFrame] | None = None,
    *,
    revised: Revisions | None = None,
) -> RunManifest:
    """:meth:`RunStore.save_run`, replacing in the same transaction the derived tables of
    stored runs that the new run makes stale (``revised``). Either all of it is stored or
    none of it.

    Examples
    --------
    >>> from govindex.manifest import RunManifest
    >>> def run(year):
    ...     manifest = RunManifest.create(kind="published", spec_hash="s", data_hash=str(year),
    ...                                   parameters={"year": year}, source="example")
    ...     scores = pl.DataFrame({"year": [year], "province": ["A"], "level": ["total"],
    ...                            "code": ["total"], "estimate": [42.5]})
    ...     return manifest, scores
    >>> later, earlier = run(2024), run(2023)
    >>> with RunStore(":memory:") as store:
    ...     _ = store.save_run(*later, {"notes": pl.DataFrame({"note": ["nothing before"]})})
    ...     _ = save_run_revising(store, *earlier,
    ...                           revised={later[0].run_id: {"notes": pl.DataFrame({"note": ["2023"]})}})
    ...     store.read_table(later[0].run_id, "notes")["note"].to_list()
    ['2023']
    """
    if not revised:
        return store.save_run(manifest, scores, extra_tables)
    # The checks and statements of `RunStore.save_run`, with the replacements added to its
    # transaction.
    from govindex.storage.schema import check_table_name, prepare_scores

    tables = {check_table_name(name): frame for name, frame in (extra_tables or {}).items()}
    prepared = prepare_scores(scores, manifest.run_id)
    store._refuse_if_read_only(f"store run `{manifest.run_id}`")
    if store.has_run(manifest.run_id):
        msg = f"run `{manifest.run_id}` is already stored; stored runs are never replaced."
        raise StorageError(
            msg,
            found=manifest.run_id,
            hint="a correction is a new run whose manifest sets `supersedes`.",
        )
    if manifest.supersedes is not None and not store.has_run(manifest.supersedes):
        msg = f"run `{manifest.run_id}` supersedes `{manifest.supersedes}`, which is not stored."
        raise RunNotFound(msg, found=manifest.supersedes)
    for run_id in revised:
        if not store.has_run(run_id):
            msg = (
                f"run `{run_id}`, whose tables storing `{manifest.run_id}` revises, is not stored."
            )
            raise RunNotFound(msg, found=run_id)
    connection = store._connection
    try:
        connection.execute("BEGIN TRANSACTION")
        store._insert_run(manifest, prepared, tables, None)
        for run_id, replaced in revised.items():
            replace_run_tables(connection, run_id, replaced)
        rewrite_scorecard(connection)
        connection.execute("COMMIT")
    except BaseException as error:
        store._roll_back()
        if isinstance(error, store._error_type):
            raise store_failure(error, str(store.path), f"store run `{manifest.run_id}`") from error
        if isinstance(error, Exception) and not isinstance(error, StorageError):
            msg = f"run `{manifest.run_id}` could not be stored and was rolled back ({type(error).__name__}: {error})."
            raise StorageError(msg, where=str(store.path), found=manifest.run_id) from error
        raise
    return manifest
