"""The run store: immutable runs (manifest, scores, extra tables) in a DuckDB file.

A shell around the core: it may import the core, never the reverse. It computes nothing:
producers (:mod:`govindex.application`) work out what a run publishes and the store keeps it.
"""

from govindex.storage.published import BUNDLED_ORIGIN, has_bundled_record
from govindex.storage.schema import LEVELS, SCORES_SCHEMA
from govindex.storage.store import STORE_VARIABLE, ExportFormat, RunStore, default_store_path

__all__ = [
    "BUNDLED_ORIGIN",
    "LEVELS",
    "SCORES_SCHEMA",
    "STORE_VARIABLE",
    "ExportFormat",
    "RunStore",
    "default_store_path",
    "has_bundled_record",
]
