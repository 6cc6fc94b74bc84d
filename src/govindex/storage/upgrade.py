"""The steps of a store upgrade that SQL alone cannot take: tables named per run.

Each run keeps its extra tables under its own name (``run_<id>_<table>``), so a change of
their columns or codes is applied table by table, inside the migration's transaction:

* version 2 (one score model): the official record says ``estimate`` and ``se`` (it said
  ``value`` and ``standard_error``); computed runs code dimensions ``1``…``8`` (they said
  ``D1``…``D8``); and every run gets the ``score_table`` its producer now writes;
* version 5 (producers compute): every PAPI run gets the tables its producer now stores
  (the 34-unit table; a published year also every province's diagnosis), and a run of an
  instrument with national differences gets them, so that no page works them out;
* version 6 (stored scorecard): the ``scorecard`` and ``agreement`` tables are filled from
  the runs already stored.

The store computes nothing itself: where an upgrade needs numbers worked out (the groups of
a published run, say), it asks the producers of :mod:`govindex.storage.producers`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import polars as pl

from govindex.scores import microdata_run, papi_score_table, published_run
from govindex.storage.producers import registered_producers
from govindex.storage.scorecard_tables import rewrite_scorecard

__all__ = ["UPGRADES"]


_CODED_TABLES = ("national", "details", "weighted_totals")


def _columns(connection: Any, table: str) -> list[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return [str(row[0]) for row in rows]


def _frame(connection: Any, query: str, parameters: list[Any] | None = None) -> pl.DataFrame:
    frame: pl.DataFrame = connection.sql(query, params=parameters or None).pl()
    return frame


def _one_score_model(connection: Any) -> None:
    tables = connection.execute("SELECT run_id, name, storage_name FROM run_tables").fetchall()
    for _, name, storage in tables:
        columns = _columns(connection, storage)
        if name == "official_record" and "value" in columns:
            connection.execute(f'ALTER TABLE "{storage}" RENAME COLUMN value TO estimate')
            connection.execute(
                f"UPDATE \"{storage}\" SET statistic = 'se' WHERE statistic = 'standard_error'"
            )
        if name in _CODED_TABLES and {"level", "code"} <= set(columns):
            connection.execute(
                f'UPDATE "{storage}" SET code = substr(code, 2) '
                "WHERE level = 'dimension' AND regexp_matches(code, '^D[0-9]+$')"
            )
    having = {str(row[0]) for row in tables if row[1] == "score_table"}
    runs = connection.execute("SELECT run_id, kind, parameters, synthetic FROM runs").fetchall()
    for run_id, kind, parameters, synthetic in runs:
        if run_id in having:
            continue
        scores = _frame(connection, "SELECT * FROM scores WHERE run_id = ?", [run_id])
        recorded = json.loads(parameters)
        if kind == "published":
            facts = published_run(run_id)
            # The groups the dashboard cut from the record, now stored with the run.
            scores = registered_producers().published_groups(
                scores.drop("group"), recorded.get("group_rule", {})
            )
        else:
            year = int(scores["year"][0]) if scores.height else 0
            facts = microdata_run(run_id, recorded, synthetic=synthetic, year=year)
            details = {str(row[1]): str(row[2]) for row in tables if row[0] == run_id}
            if "details" in details and "df" in _columns(connection, details["details"]):
                df = _frame(
                    connection,
                    f'SELECT province, level, code, df FROM "{details["details"]}"',
                )
                scores = scores.join(df, on=["province", "level", "code"], how="left")
        table = papi_score_table(scores, facts).frame
        storage = f"run_{run_id}_score_table"
        connection.register("_incoming", table.to_arrow())
        try:
            connection.execute(f'CREATE TABLE "{storage}" AS SELECT * FROM _incoming')
        finally:
            connection.unregister("_incoming")
        connection.execute(
            "INSERT INTO run_tables VALUES (?, ?, ?, ?)",
            [run_id, "score_table", storage, table.height],
        )


_PRODUCED_KINDS = ("published", "microdata")


def _producer_tables(connection: Any) -> None:
    from govindex.storage.integrity import table_checksum

    stored: dict[str, set[str]] = {}
    for run_id, name in connection.execute("SELECT run_id, name FROM run_tables").fetchall():
        stored.setdefault(str(run_id), set()).add(str(name))
    checked = {
        str(row[0]) for row in connection.execute("SELECT run_id FROM table_checksums").fetchall()
    }
    runs = connection.execute(
        "SELECT run_id, kind, parameters FROM runs WHERE kind IN (?, ?) ORDER BY run_id",
        list(_PRODUCED_KINDS),
    ).fetchall()
    records = [
        _frame(connection, f'SELECT * FROM "{storage}"')
        for _, name, storage in connection.execute(
            "SELECT run_id, name, storage_name FROM run_tables ORDER BY run_id"
        ).fetchall()
        if name == "official_record"
    ]
    record = pl.concat(records, how="diagonal_relaxed") if records else pl.DataFrame()
    for run_id, kind, parameters in runs:
        scores = _frame(connection, "SELECT * FROM scores WHERE run_id = ?", [run_id])
        own = stored.get(str(run_id), set())
        score_table = (
            _frame(connection, f'SELECT * FROM "run_{run_id}_score_table"')
            if "score_table" in own
            else None
        )
        tables = registered_producers().run_tables(
            str(kind), json.loads(parameters), scores, record, score_table
        )
        for name, table in tables.items():
            if name in stored.get(str(run_id), set()):
                continue
            storage = f"run_{run_id}_{name}"
            connection.register("_incoming", table.to_arrow())
            try:
                connection.execute(f'CREATE TABLE "{storage}" AS SELECT * FROM _incoming')
            finally:
                connection.unregister("_incoming")
            connection.execute(
                "INSERT INTO run_tables VALUES (?, ?, ?, ?)", [run_id, name, storage, table.height]
            )
            if str(run_id) in checked:
                rows, checksum = table_checksum(connection, f'SELECT * FROM "{storage}"', [])
                connection.execute(
                    "INSERT INTO table_checksums VALUES (?, ?, ?, ?)",
                    [run_id, name, rows, checksum],
                )


def _stored_scorecard(connection: Any) -> None:
    rewrite_scorecard(connection)


UPGRADES: dict[int, Callable[[Any], None]] = {
    2: _one_score_model,
    5: _producer_tables,
    6: _stored_scorecard,
}
"""Version → the Python step run after that version's SQL, in the same transaction."""
