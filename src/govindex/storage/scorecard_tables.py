"""The stored scorecard: the ``scorecard`` and ``agreement`` tables of a store, rewritten
by every producer inside its own transaction (storing a run of any instrument, importing
the official record, upgrading an older store), so readers never compute them.

The tables are derived, never edited: each rewrite recomputes both from the score tables
of the runs that no other run supersedes and from the reported record bundled with
govindex, by the registered producers (:mod:`govindex.storage.producers`).
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from govindex.scores import instrument
from govindex.scores.papi import run_instrument
from govindex.scores.scorecard_columns import AGREEMENT_COLUMNS, SCORECARD_COLUMNS
from govindex.storage.producers import registered_producers

__all__ = ["SCORECARD_TABLES", "read_scorecard", "rewrite_scorecard"]

SCORECARD_TABLES = ("scorecard", "agreement")
"""The store's derived tables, in the order :func:`read_scorecard` returns them."""


def rewrite_scorecard(connection: Any) -> tuple[int, int]:
    """Recompute the ``scorecard`` and ``agreement`` tables of the store behind
    ``connection`` (a DuckDB connection, inside the caller's transaction); return their
    row counts.

    Examples
    --------
    >>> import duckdb
    >>> from govindex.storage.migrate import apply_migrations
    >>> connection = duckdb.connect()
    >>> _ = apply_migrations(connection, "example")  # runs 0006, which calls this
    >>> rows, pairs = rewrite_scorecard(connection)
    >>> rows > 0, pairs  # an empty store: the reported record alone, nothing to correlate
    (True, 0)
    """
    totals: list[tuple[pl.DataFrame, str]] = []
    runs = connection.execute(
        "SELECT r.kind, r.parameters, t.storage_name "
        "FROM runs r JOIN run_tables t ON t.run_id = r.run_id AND t.name = 'score_table' "
        "WHERE NOT EXISTS (SELECT 1 FROM runs n WHERE n.supersedes = r.run_id) "
        # Two runs made in the same second are told apart by the order they were stored in.
        "ORDER BY r.created_at, r.stored_at, r.rowid"
    ).fetchall()
    for kind, parameters, storage_name in runs:
        instrument(run_instrument(json.loads(parameters)))  # an unknown instrument is refused
        # Only the province totals are read: the tables' other rows stay in the file.
        table: pl.DataFrame = connection.sql(
            f'SELECT * FROM "{storage_name}" '
            "WHERE level = 'total' AND code = 'total' AND geography IN ('province63', 'unit34')"
        ).pl()
        source_kind = "official" if kind == "published" else "computed"
        totals.append((table, source_kind))
    rows, agreement = registered_producers().scorecard_tables(totals)
    for name, frame in zip(SCORECARD_TABLES, (rows, agreement), strict=True):
        connection.execute(f'DELETE FROM "{name}"')
        connection.register("_incoming_scorecard", frame.to_arrow())
        try:
            connection.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _incoming_scorecard')
        finally:
            connection.unregister("_incoming_scorecard")
    return rows.height, agreement.height


def read_scorecard(connection: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The stored ``scorecard`` and ``agreement`` tables, in their published column types.

    Examples
    --------
    >>> import duckdb
    >>> from govindex.storage.migrate import apply_migrations
    >>> connection = duckdb.connect()
    >>> _ = apply_migrations(connection, "example")
    >>> [frame.width for frame in read_scorecard(connection)]
    [23, 12]
    """
    frames = []
    for name, schema in zip(SCORECARD_TABLES, (SCORECARD_COLUMNS, AGREEMENT_COLUMNS), strict=True):
        columns = ", ".join(f'"{column}"' for column in schema)
        frame: pl.DataFrame = connection.sql(f'SELECT {columns} FROM "{name}"').pl()
        frames.append(frame.cast(schema))  # type: ignore[arg-type]
    return frames[0], frames[1]
