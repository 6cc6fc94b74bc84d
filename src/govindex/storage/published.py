"""The official PAPI record in the store: its origins, tables and the recorded group rule.

The record is imported by :mod:`govindex.application.official_record` (one ``published``
run per year, with its groups and derived tables worked out when it is stored); the store
only keeps and reads what that producer wrote.
"""

from __future__ import annotations

from typing import Any

from govindex.manifest import RunManifest
from govindex.storage.store import RunStore

__all__ = [
    "BUNDLED_ORIGIN",
    "RECORD_TABLE",
    "SCORE_TABLE",
    "WORKBOOK_ORIGIN",
    "has_bundled_record",
    "parameters_of_groups",
]

BUNDLED_ORIGIN = "bundled official CSVs"
WORKBOOK_ORIGIN = "official workbook"
RECORD_TABLE = "official_record"
SCORE_TABLE = "score_table"


def parameters_of_groups(manifest: RunManifest) -> dict[str, Any]:
    """The group rule a published run recorded (the default rule for runs stored before)."""
    return dict(dict(manifest.parameters).get("group_rule") or {})


def has_bundled_record(store: RunStore) -> bool:
    """Return whether the store already holds the bundled published record.

    Examples
    --------
    >>> has_bundled_record(store)
    True
    """
    return any(
        manifest.parameters.get("origin") == BUNDLED_ORIGIN
        for manifest in store.list_runs(kind="published")
    )
