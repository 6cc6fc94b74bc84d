"""The one-stop record store: Parquet partitioned by province and month, with a DuckDB
catalogue of views over it.

Layout under the store's root::

    dossiers/<province_code>/<month>/part-<batch>.parquet   (likewise events, petitions,
    queue_tickets, ratings)
    procedures/part-0.parquet, agencies/part-0.parquet       (reference tables; likewise
    publications/part-<year or 0>.parquet)
    catalogue.duckdb                                         (one view per table)

Every file carries key-value metadata: the table, the record-schema version and, for
generated data, ``govindex.synthetic = SYNTHETIC …``. Files are written to a temporary name
and renamed, so a reader never sees half a file.

Examples
--------
>>> import tempfile, polars as pl
>>> from govindex.onestop.records import TABLES
>>> store = RecordStore(tempfile.mkdtemp())
>>> _ = store.write("procedures", TABLES["procedures"].empty())
>>> sorted(store.sources())
['procedures']
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb
import polars as pl
import pyarrow  # type: ignore[import-untyped]
import pyarrow.parquet as parquet  # type: ignore[import-untyped]

from govindex.errors import StorageError
from govindex.onestop.records import TABLES

__all__ = ["PARTITIONED", "SCHEMA_VERSION", "RecordStore"]

#: Version 2 adds the dossiers' ``supplement_pause_working_days`` and the publications table;
#: a version-1 store is brought up to date by synthesising or ingesting again.
SCHEMA_VERSION = "onestop-records/2"
PARTITIONED = ("dossiers", "events", "petitions", "queue_tickets", "ratings")
#: Text columns whose values are (nearly) all different: a dictionary page would only be
#: built and thrown away, which cost about a third of the writing time of a dossier file.
_DISTINCT_TEXT = frozenset(
    {"dossier_code", "ticket_id", "rating_id", "petition_id", "publication_id"}
)


class RecordStore:
    """Parquet files of one-stop records under ``root``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, table: str, province_code: str | None = None, month: str | None = None) -> Path:
        """The folder of a table, or of one of its partitions."""
        folder = self.root / table
        if table in PARTITIONED and province_code is not None and month is not None:
            folder = folder / province_code / month
        return folder

    def write(
        self,
        table: str,
        frame: pl.DataFrame | pyarrow.Table,
        *,
        province_code: str | None = None,
        month: str | None = None,
        part: str = "0",
        metadata: Mapping[str, str] | None = None,
    ) -> Path:
        """Write ``frame`` (polars or Arrow) as one Parquet file of ``table`` (replacing the
        same part)."""
        if table not in TABLES:
            msg = f"unknown record table `{table}`"
            raise StorageError(msg, where="table", found=table, expected=sorted(TABLES))
        folder = self.path(table, province_code, month)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"part-{part}.parquet"
        columns = list(TABLES[table].schema)
        if isinstance(frame, pl.DataFrame):
            arrow = frame.select(columns).to_arrow()
        else:
            arrow = frame.select(columns)
        tags = {"govindex.table": table, "govindex.schema": SCHEMA_VERSION, **(metadata or {})}
        arrow = arrow.replace_schema_metadata(
            {**(arrow.schema.metadata or {}), **{k.encode(): v.encode() for k, v in tags.items()}}
        )
        temporary = target.with_suffix(".parquet.tmp")
        try:
            parquet.write_table(
                arrow, temporary, compression="zstd", use_dictionary=_dictionary_columns(table)
            )
            os.replace(temporary, target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            msg = f"cannot write {target}: {error}"
            raise StorageError(msg, where=str(target)) from error
        return target

    def files(self, table: str) -> list[Path]:
        """Every Parquet file of ``table``."""
        return sorted(self.path(table).rglob("*.parquet"))

    def sources(self) -> dict[str, str]:
        """Glob of each table that has files, for the engines."""
        return {
            table: str(self.path(table) / "**" / "*.parquet")
            for table in TABLES
            if self.files(table)
        }

    def folders(self) -> dict[str, str]:
        """Folder of each table that has files (Spark reads folders recursively)."""
        return {table: str(self.path(table)) for table in TABLES if self.files(table)}

    def read(self, table: str) -> pl.DataFrame:
        """All rows of ``table`` (empty frame if none)."""
        files = self.files(table)
        if not files:
            return TABLES[table].empty()
        return pl.read_parquet([str(file) for file in files]).select(list(TABLES[table].schema))

    def metadata(self, table: str) -> dict[str, str]:
        """Key-value metadata of the table's first file."""
        files = self.files(table)
        if not files:
            return {}
        raw = parquet.read_schema(files[0]).metadata or {}
        return {
            key.decode(): value.decode()
            for key, value in raw.items()
            if key.startswith(b"govindex.")
        }

    def write_catalogue(self) -> Path:
        """(Re)create ``catalogue.duckdb`` with one view per table over its Parquet files."""
        target = self.root / "catalogue.duckdb"
        connection = duckdb.connect(str(target))
        try:
            for table, source in self.sources().items():
                glob = source.replace("'", "''")
                connection.execute(
                    f"CREATE OR REPLACE VIEW \"{table}\" AS SELECT * FROM read_parquet('{glob}', hive_partitioning = false, union_by_name = true)"
                )
        finally:
            connection.close()
        return target


def _dictionary_columns(table: str) -> list[str]:
    """The text columns of ``table`` worth dictionary-encoding: repeated codes and labels.
    Numbers and times are written plain (smaller and faster here than dictionary pages).

    Examples
    --------
    >>> _dictionary_columns("queue_tickets")
    ['agency_id', 'province_code']
    """
    return [
        name
        for name, dtype in TABLES[table].schema.items()
        if dtype == pl.String and name not in _DISTINCT_TEXT
    ]
