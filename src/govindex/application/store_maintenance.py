"""Looking after the run store: check every stored table, back it up, upgrade it.

:func:`verify_store` recomputes the checksum of every stored table and compares it with the
one recorded when the run was stored; :func:`backup_store` copies the store consistently
into a new file and verifies the copy; :func:`upgrade_store` applies pending migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govindex.storage.integrity import VerifyReport

__all__ = ["BackupReport", "backup_store", "upgrade_store", "verify_store"]


@dataclass(frozen=True)
class BackupReport:
    """The backup written and the verification of the copy (not of the original)."""

    path: Path
    runs: int
    verified: VerifyReport


def verify_store(store: Path | None) -> VerifyReport:
    """Check every table of every stored run against its recorded checksum (read-only).

    Examples
    --------
    >>> verify_store(Path("no-such-store.duckdb")).passed
    True
    """
    from govindex.storage import RunStore

    with RunStore(store, read_only=True) as opened:
        return opened.verify()


def backup_store(store: Path | None, destination: Path) -> BackupReport:
    """Copy the store into the new file ``destination``, then open and verify the copy.

    The original is attached read-only (a backup is made without stopping readers); the
    copy is written from one consistent state of it.
    """
    from govindex.storage import RunStore
    from govindex.storage.store import backup_store_file

    backup_store_file(store, destination)
    with RunStore(destination, read_only=True) as copy:
        return BackupReport(destination, len(copy.list_runs()), copy.verify())


def upgrade_store(store: Path | None) -> tuple[int, int]:
    """Apply every pending migration to the store and rewrite its scorecard (so that a
    newer reported record bundled with govindex shows); return (version before, version
    after)."""
    from govindex.storage import RunStore

    with RunStore(store) as opened:
        opened.rewrite_scorecard()
        return opened.schema_version_found, opened.schema_version
