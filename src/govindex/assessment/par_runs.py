"""Stored PAR runs: score rows of the shared vocabulary in a DuckDB file, one transaction per
run, never replaced.

This adapter keeps PAR results apart from the PAPI run store (whose ``scores`` table has
PAPI's levels and run kinds) until the shared score store takes every instrument; moving
is a matter of pointing :meth:`ParRunStore.save_run` at it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import polars as pl

from govindex.errors import RunNotFound, StorageError
from govindex.manifest import hash_bytes, hash_frame
from govindex.rubric import SCORE_COLUMNS

__all__ = ["ParRunStore", "par_run_id"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS par_runs (
    run_id VARCHAR PRIMARY KEY,
    edition VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    parameters VARCHAR NOT NULL,
    appraisal_log_head VARCHAR,
    synthetic BOOLEAN NOT NULL,
    stored_at VARCHAR NOT NULL
)
"""


def par_run_id(rows: pl.DataFrame, parameters: Mapping[str, Any]) -> str:
    """A content-derived run id: the same rows and parameters always give the same id.

    Examples
    --------
    >>> import polars as pl
    >>> len(par_run_id(pl.DataFrame({"a": [1]}), {"year": 2024}))
    16
    """
    content = hash_frame(rows) + json.dumps(parameters, sort_keys=True, default=str)
    return hash_bytes(content.encode("utf-8"))[:16]


class ParRunStore:
    """PAR runs in a DuckDB file: save once, list, read.

    Examples
    --------
    >>> import polars as pl
    >>> from govindex.rubric import SCORE_COLUMNS
    >>> with ParRunStore(":memory:") as store:
    ...     store.list_runs().height
    0
    """

    def __init__(self, path: str | Path) -> None:
        import duckdb

        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection: Any = duckdb.connect(self._path)
            self._connection.execute(_SCHEMA)
            columns = ", ".join(
                f'"{name}" {_duck_type(dtype)}' for name, dtype in SCORE_COLUMNS.items()
            )
            self._connection.execute(
                f"CREATE TABLE IF NOT EXISTS par_scores (run_id VARCHAR NOT NULL, {columns})"
            )
        except duckdb.Error as error:
            msg = (
                f"could not open the PAR run store {self._path} ({type(error).__name__}: {error})."
            )
            raise StorageError(
                msg, where=self._path, hint="is another govindex using it?"
            ) from error

    def close(self) -> None:
        """Close the file."""
        self._connection.close()

    def __enter__(self) -> ParRunStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def save_run(
        self,
        run_id: str,
        rows: pl.DataFrame,
        parameters: Mapping[str, Any],
        *,
        appraisal_log_head: str | None,
    ) -> str:
        """Store the rows of one run in one transaction; a stored run id is refused."""
        if self._connection.execute("SELECT 1 FROM par_runs WHERE run_id = ?", [run_id]).fetchall():
            msg = f"PAR run `{run_id}` is already stored; stored runs are never replaced."
            raise StorageError(msg, found=run_id, hint="the same inputs give the same run")
        typed = rows.select(list(SCORE_COLUMNS)).cast(SCORE_COLUMNS)  # type: ignore[arg-type]
        frame = typed.with_columns(pl.lit(run_id).alias("run_id"))
        editions = frame["edition"].unique().to_list()
        periods = frame["period"].unique().to_list()
        connection = self._connection
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(
                "INSERT INTO par_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    ";".join(sorted(editions)),
                    ";".join(sorted(periods)),
                    json.dumps(dict(parameters), sort_keys=True, default=str),
                    appraisal_log_head,
                    bool(frame["synthetic"].any()),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ],
            )
            connection.register("_incoming", frame.to_arrow())
            connection.execute("INSERT INTO par_scores BY NAME SELECT * FROM _incoming")
            connection.unregister("_incoming")
            connection.execute("COMMIT")
        except Exception as error:
            connection.execute("ROLLBACK")
            msg = f"PAR run `{run_id}` could not be stored and was rolled back ({type(error).__name__}: {error})."
            raise StorageError(msg, where=self._path, found=run_id) from error
        return run_id

    def list_runs(self) -> pl.DataFrame:
        """Every stored PAR run, oldest first."""
        frame: pl.DataFrame = self._connection.sql(
            "SELECT * FROM par_runs ORDER BY stored_at, run_id"
        ).pl()
        return frame

    def read_run(self, run_id: str) -> pl.DataFrame:
        """The score rows of one run."""
        if not self._connection.execute(
            "SELECT 1 FROM par_runs WHERE run_id = ?", [run_id]
        ).fetchall():
            msg = f"no PAR run `{run_id}` in {self._path}."
            raise RunNotFound(msg, where=self._path, found=run_id)
        frame: pl.DataFrame = self._connection.sql(
            "SELECT * FROM par_scores WHERE run_id = ? ORDER BY unit, code", params=[run_id]
        ).pl()
        return frame.drop("run_id")


def _duck_type(dtype: pl.DataType) -> str:
    return {
        pl.String(): "VARCHAR",
        pl.Date(): "DATE",
        pl.Float64(): "DOUBLE",
        pl.Int64(): "BIGINT",
        pl.Int32(): "INTEGER",
        pl.Boolean(): "BOOLEAN",
    }[dtype]
