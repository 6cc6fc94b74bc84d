"""Checksums of stored tables, and the report of checking a whole store against them.

A table's checksum is the sha256 of its rows as text (every column cast to text by DuckDB,
rows sorted), so it does not depend on how DuckDB lays the table out on disk: the same rows
give the same checksum in a store, its backup and an upgraded copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

__all__ = ["TableCheck", "VerifyReport", "table_checksum"]

_NULL = "\x00"
_FIELD = "\x1f"
_ROW = "\x1e"
_ROWS_PER_BLOCK = 100_000


def table_checksum(connection: Any, query: str, parameters: list[Any]) -> tuple[int, str]:
    """Return (rows, sha256) of the rows ``query`` selects, as text, in sorted order.

    Examples
    --------
    >>> import duckdb
    >>> connection = duckdb.connect()
    >>> _ = connection.execute("CREATE TABLE t AS SELECT 1.5 AS x, 'a' AS y")
    >>> rows, checksum = table_checksum(connection, "SELECT * FROM t", [])
    >>> rows, len(checksum)
    (1, 64)
    """
    import polars as pl

    digest = hashlib.sha256()
    rows = 0
    relation = connection.sql(
        f"SELECT * FROM (SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ({query})) ORDER BY ALL",
        params=parameters,
    )
    # Read in Arrow blocks, so a large table is never held as text all at once; Arrow
    # rather than Python tuples, whose building took a third of the time of storing a run.
    for batch in relation.to_arrow_reader(_ROWS_PER_BLOCK):
        if batch.num_rows == 0:
            continue
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        lines = frame.select(
            pl.concat_str(pl.all().cast(pl.String).fill_null(_NULL), separator=_FIELD)
        ).to_series()
        digest.update((_ROW.join(lines.to_list()) + _ROW).encode("utf-8"))
        rows += batch.num_rows
    return rows, digest.hexdigest()


@dataclass(frozen=True)
class TableCheck:
    """One stored table compared with its recorded checksum."""

    run_id: str
    name: str
    recorded_rows: int
    found_rows: int
    recorded: str
    found: str

    @property
    def matches(self) -> bool:
        """Whether the table still has the rows it was stored with.

        Examples
        --------
        >>> TableCheck("r", "scores", 2, 2, "ab", "ab").matches
        True
        """
        return self.recorded == self.found and self.recorded_rows == self.found_rows


@dataclass(frozen=True)
class VerifyReport:
    """Every table of every run checked; ``unrecorded`` lists runs stored without checksums."""

    checks: tuple[TableCheck, ...]
    unrecorded: tuple[str, ...]
    missing: tuple[str, ...] = ()

    @property
    def failures(self) -> tuple[TableCheck, ...]:
        """The tables whose rows differ from what was stored."""
        return tuple(check for check in self.checks if not check.matches)

    @property
    def passed(self) -> bool:
        """No table differs and no recorded table is missing (unrecorded runs are reported,
        not failed: they were stored before checksums were kept).

        Examples
        --------
        >>> VerifyReport((), ("old",)).passed
        True
        """
        return not self.failures and not self.missing
