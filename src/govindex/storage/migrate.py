"""Numbered SQL migrations for the run store, tracked in a ``schema_version`` table.

Migrations are the files ``migrations/NNNN_name.sql`` shipped with the package. Each runs
once, in number order, inside its own transaction together with its ``schema_version`` row
and, where a version needs one, its Python step (:mod:`govindex.storage.upgrade`).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from govindex.errors import StorageError
from govindex.storage.upgrade import UPGRADES

__all__ = [
    "Migration",
    "apply_migrations",
    "load_migrations",
    "read_schema_version",
    "schema_version",
]

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered SQL script."""

    version: int
    name: str
    sql: str


def load_migrations() -> tuple[Migration, ...]:
    """Return the packaged migrations in version order.

    Examples
    --------
    >>> [(item.version, item.name) for item in load_migrations()][:1]
    [(1, 'initial')]
    """
    folder = resources.files("govindex.storage").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda item: item.version)
    versions = [item.version for item in found]
    # Numbers are unique and start at 1. A gap is allowed: migrations are written on
    # separate branches, each with the number it was given, and each applies on its own.
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        msg = f"packaged migrations are numbered {versions}; expected unique numbers from 1."
        raise StorageError(msg, found=versions)
    return tuple(found)


def schema_version(connection: Any) -> int:
    """Return the highest migration applied to the store behind ``connection`` (0 if none)."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL)"
    )
    # fetchall, not fetchone: DuckDB refuses new queries while a result is half read.
    rows = connection.execute("SELECT max(version) FROM schema_version").fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def read_schema_version(connection: Any) -> int:
    """The store's schema version, read without creating anything (0 for an empty file).

    Examples
    --------
    >>> import duckdb
    >>> read_schema_version(duckdb.connect())
    0
    """
    rows = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()
    if not rows[0][0]:
        return 0
    rows = connection.execute("SELECT max(version) FROM schema_version").fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def apply_migrations(connection: Any, where: str, *, read_only: bool = False) -> int:
    """Bring the store up to the newest packaged migration; return its version.

    A store written by a newer govindex (a higher version than any packaged migration) is
    refused rather than guessed at. A store opened ``read_only`` is never changed: one that
    needs a migration is refused with a message saying how to upgrade it.
    """
    migrations = load_migrations()
    newest = migrations[-1].version if migrations else 0
    current = read_schema_version(connection) if read_only else schema_version(connection)
    if read_only and current < newest:
        msg = (
            f"store {where} has schema version {current}, older than this govindex "
            f"uses ({newest}), and is opened read-only, so it cannot be upgraded here."
        )
        raise StorageError(
            msg,
            where=where,
            found=current,
            expected=newest,
            hint="upgrade it once where it is writable: `govindex store upgrade --store FILE`.",
        )
    if current > newest:
        msg = (
            f"store {where} has schema version {current}, newer than this govindex "
            f"understands ({newest})."
        )
        raise StorageError(
            msg, where=where, found=current, expected=newest, hint="upgrade govindex."
        )
    for migration in (item for item in migrations if item.version > current):
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(migration.sql)
            step = UPGRADES.get(migration.version)
            if step is not None:
                step(connection)
            connection.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [
                    migration.version,
                    migration.name,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ],
            )
            connection.execute("COMMIT")
        except Exception:
            # Report the failure itself, not a refused rollback of an aborted transaction.
            with contextlib.suppress(Exception):
                connection.execute("ROLLBACK")
            raise
    return max(current, newest)
