"""The run store: immutable runs (manifest, scores, extra tables) in one DuckDB file.

The store lives at ``$GOVINDEX_STORE`` or, when that is unset,
``~/.local/share/govindex/govindex.duckdb``. A run is written in one transaction and never
changed afterwards; a correction is a new run whose manifest names the old one in
``supersedes``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import polars as pl

from govindex.errors import RunNotFound, StorageError
from govindex.manifest import RunKind, RunManifest
from govindex.storage.migrate import apply_migrations
from govindex.storage.schema import LEVELS, SCORES_SCHEMA, check_table_name, prepare_scores

__all__ = ["STORE_VARIABLE", "ExportFormat", "RunStore", "default_store_path"]

STORE_VARIABLE = "GOVINDEX_STORE"
ExportFormat = Literal["csv", "parquet", "xlsx"]
_MINIMUM_PREFIX = 4


def default_store_path() -> Path:
    """Return ``$GOVINDEX_STORE`` if set, else ``~/.local/share/govindex/govindex.duckdb``.

    Examples
    --------
    >>> default_store_path().suffix
    '.duckdb'
    """
    configured = os.environ.get(STORE_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".local" / "share" / "govindex" / "govindex.duckdb"


class RunStore:
    """Stored runs in a DuckDB file: save once, then list, read, query and export.

    Parameters
    ----------
    path
        The DuckDB file; created (with its folder) if absent. Default:
        :func:`default_store_path`.

    Examples
    --------
    >>> import polars as pl
    >>> from govindex.manifest import RunManifest
    >>> manifest = RunManifest.create(kind="published", spec_hash="s", data_hash="d",
    ...                               parameters={"year": 2024}, source="example")
    >>> scores = pl.DataFrame({"year": [2024], "province": ["Ha Noi"], "level": ["total"],
    ...                        "code": ["total"], "estimate": [42.5]})
    >>> with RunStore(":memory:") as store:
    ...     _ = store.save_run(manifest, scores)
    ...     store.query_scores(year=2024)["estimate"].to_list()
    [42.5]
    """

    def __init__(self, path: str | Path | None = None) -> None:
        import duckdb

        self._path = default_store_path() if path is None else Path(path)
        if str(self._path) != ":memory:":
            self._path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection: Any = duckdb.connect(str(self._path))
        except duckdb.Error as error:
            msg = f"could not open the run store {self._path} ({type(error).__name__}: {error})."
            raise StorageError(
                msg, where=str(self._path), hint="is another govindex using it?"
            ) from error
        self._schema_version = apply_migrations(self._connection, str(self._path))

    # ------------------------------------------------------------------ lifetime
    @property
    def path(self) -> Path:
        """The DuckDB file behind this store."""
        return self._path

    @property
    def schema_version(self) -> int:
        """The newest migration applied to the file."""
        return self._schema_version

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        self._connection.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def save_run(
        self,
        manifest: RunManifest,
        scores: pl.DataFrame,
        extra_tables: Mapping[str, pl.DataFrame] | None = None,
    ) -> RunManifest:
        """Store a run, its scores and any extra tables, all in one transaction.

        Either everything is stored or nothing is: an error while writing any table rolls
        the whole run back. A run id already in the store is refused (runs are immutable).

        Parameters
        ----------
        manifest
            The run's manifest; ``manifest.supersedes`` must name a stored run if set.
        scores
            Rows in :data:`~govindex.storage.schema.SCORES_SCHEMA` (``run_id`` optional;
            absent optional columns are stored as null).
        extra_tables
            Further tables to keep with the run, by name (lower-case, e.g. ``"record"``).

        Returns
        -------
        RunManifest
            The manifest as stored.
        """
        tables = {check_table_name(name): frame for name, frame in (extra_tables or {}).items()}
        prepared = prepare_scores(scores, manifest.run_id)
        if self.has_run(manifest.run_id):
            msg = f"run `{manifest.run_id}` is already stored; stored runs are never replaced."
            raise StorageError(
                msg,
                found=manifest.run_id,
                hint="a correction is a new run whose manifest sets `supersedes`.",
            )
        if manifest.supersedes is not None and not self.has_run(manifest.supersedes):
            msg = (
                f"run `{manifest.run_id}` supersedes `{manifest.supersedes}`, which is not stored."
            )
            raise RunNotFound(msg, found=manifest.supersedes)
        connection = self._connection
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    manifest.run_id,
                    manifest.kind,
                    manifest.spec_hash,
                    manifest.data_hash,
                    json.dumps(manifest.to_dict()["parameters"], sort_keys=True),
                    json.dumps(dict(manifest.package_versions), sort_keys=True),
                    manifest.seed,
                    manifest.created_at,
                    manifest.source,
                    manifest.supersedes,
                    manifest.synthetic,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ],
            )
            self._write_table("scores", prepared, insert=True)
            for name, frame in tables.items():
                storage_name = f"run_{manifest.run_id}_{name}"
                self._write_table(storage_name, frame, insert=False)
                connection.execute(
                    "INSERT INTO run_tables VALUES (?, ?, ?, ?)",
                    [manifest.run_id, name, storage_name, frame.height],
                )
            connection.execute("COMMIT")
        except BaseException as error:
            connection.execute("ROLLBACK")
            if isinstance(error, Exception) and not isinstance(error, StorageError):
                msg = f"run `{manifest.run_id}` could not be stored and was rolled back ({type(error).__name__}: {error})."
                raise StorageError(msg, where=str(self._path), found=manifest.run_id) from error
            raise
        return manifest

    def _write_table(self, name: str, frame: pl.DataFrame, *, insert: bool) -> None:
        """Append ``frame`` to table ``name`` (``insert``) or create ``name`` from it."""
        view = "_incoming"
        self._connection.register(view, frame.to_arrow())
        try:
            if insert:
                self._connection.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM {view}')
            else:
                self._connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {view}')
        finally:
            self._connection.unregister(view)

    # ------------------------------------------------------------------ reading runs
    def has_run(self, run_id: str) -> bool:
        """Return whether a run with exactly this id is stored."""
        rows = self._rows("SELECT 1 FROM runs WHERE run_id = ?", [run_id])
        return bool(rows)

    def resolve_run_id(self, run_id: str) -> str:
        """Return the stored id equal to ``run_id`` or uniquely starting with it (4+ characters).

        Raises :class:`RunNotFound` when no stored run matches, or several do.
        """
        if self.has_run(run_id):
            return run_id
        matches = []
        if len(run_id) >= _MINIMUM_PREFIX:
            pattern = run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = self._rows(
                "SELECT run_id FROM runs WHERE run_id LIKE ? ESCAPE '\\' ORDER BY run_id", [pattern]
            )
            matches = [str(row[0]) for row in rows]
        if len(matches) == 1:
            return matches[0]
        if matches:
            msg = f"run id `{run_id}` matches {len(matches)} stored runs; expected one."
            raise RunNotFound(msg, found=run_id, hint=f"use a longer id: {', '.join(matches[:5])}")
        msg = f"no stored run has id `{run_id}` in {self._path}."
        raise RunNotFound(
            msg, where=str(self._path), found=run_id, hint="`govindex runs list` shows stored runs."
        )

    def get_run(self, run_id: str) -> RunManifest:
        """Return the manifest of a stored run (a unique id prefix is enough).

        Raises :class:`~govindex.errors.RunNotFound` for an unknown id.
        """
        found = self.resolve_run_id(run_id)
        return self._manifests("WHERE run_id = ?", [found])[0]

    def list_runs(self, kind: RunKind | None = None) -> tuple[RunManifest, ...]:
        """Return the manifests of all stored runs (or of one kind), oldest first."""
        if kind is None:
            return self._manifests("", [])
        return self._manifests("WHERE kind = ?", [kind])

    def runs_overview(self) -> pl.DataFrame:
        """Return one row per run: id, kind, years, rows, source, synthetic, supersession.

        ``superseded_by`` names a stored run that corrects this one.
        """
        return self._frame(
            """
            SELECT r.run_id, r.kind, r.synthetic,
                   (SELECT string_agg(DISTINCT CAST(s.year AS VARCHAR), ',' ORDER BY CAST(s.year AS VARCHAR))
                      FROM scores s WHERE s.run_id = r.run_id) AS years,
                   (SELECT count(*) FROM scores s WHERE s.run_id = r.run_id) AS score_rows,
                   r.created_at, r.source, r.supersedes,
                   (SELECT string_agg(n.run_id, ',') FROM runs n WHERE n.supersedes = r.run_id)
                       AS superseded_by
            FROM runs r
            ORDER BY r.created_at, years, r.run_id
            """,
            [],
        )

    def run_tables(self, run_id: str) -> dict[str, int]:
        """Return the run's tables (``scores`` first, then extra tables) with their row counts."""
        found = self.resolve_run_id(run_id)
        rows = self._rows("SELECT count(*) FROM scores WHERE run_id = ?", [found])
        tables = {"scores": int(rows[0][0])}
        for name, count in self._rows(
            "SELECT name, row_count FROM run_tables WHERE run_id = ? ORDER BY name", [found]
        ):
            tables[str(name)] = int(count)
        return tables

    def read_table(self, run_id: str, name: str) -> pl.DataFrame:
        """Return one table of a run: ``"scores"`` or an extra table's name."""
        found = self.resolve_run_id(run_id)
        if name == "scores":
            return self.query_scores(run_id=found).drop("synthetic")
        rows = self._rows(
            "SELECT storage_name FROM run_tables WHERE run_id = ? AND name = ?", [found, name]
        )
        if not rows:
            known = ", ".join(self.run_tables(found))
            msg = f"run `{found}` has no table `{name}` (tables: {known})."
            raise RunNotFound(msg, found=name, expected=known)
        return self._frame(f'SELECT * FROM "{rows[0][0]}"', [])

    # ------------------------------------------------------------------ querying scores
    def query_scores(
        self,
        run_id: str | None = None,
        source: RunKind | None = None,
        year: int | None = None,
        level: str | None = None,
        province: str | Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """Return stored scores, filtered, in :data:`SCORES_SCHEMA` plus ``synthetic``.

        Without ``run_id``, scores come from every stored run of kind ``source`` (all kinds
        if ``None``) that no other stored run supersedes. ``province`` is matched exactly
        (canonical spelling; see :class:`~govindex.official.ProvinceLookup`).

        Examples
        --------
        >>> store.query_scores(source="published", year=2024, level="total")  # doctest: +SKIP
        """
        conditions: list[str] = []
        parameters: list[Any] = []
        if run_id is not None:
            conditions.append("s.run_id = ?")
            parameters.append(self.resolve_run_id(run_id))
        else:
            conditions.append("NOT EXISTS (SELECT 1 FROM runs n WHERE n.supersedes = s.run_id)")
        if source is not None:
            conditions.append("r.kind = ?")
            parameters.append(source)
        if year is not None:
            conditions.append("s.year = ?")
            parameters.append(year)
        if level is not None:
            conditions.append("s.level = ?")
            parameters.append(level)
        if province is not None:
            names = [province] if isinstance(province, str) else list(province)
            conditions.append("list_contains(?, s.province)")
            parameters.append(names)
        level_order = " ".join(f"WHEN '{name}' THEN {index}" for index, name in enumerate(LEVELS))
        columns = ", ".join(f's."{column}"' for column in SCORES_SCHEMA)
        query = (
            f"SELECT {columns}, r.synthetic FROM scores s JOIN runs r USING (run_id) "
            f"WHERE {' AND '.join(conditions)} "
            f"ORDER BY s.year, r.created_at, s.run_id, CASE s.level {level_order} END, "
            "s.code, s.province"
        )
        frame = self._frame(query, parameters)
        schema: dict[str, pl.DataType] = {**SCORES_SCHEMA, "synthetic": pl.Boolean()}
        return frame.cast(schema)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ export
    def export_run(
        self, run_id: str, path: str | Path, format: ExportFormat = "csv"
    ) -> tuple[Path, ...]:
        """Write a run to ``path``; return every file written.

        ``xlsx`` writes one workbook (a sheet per table plus a ``manifest`` sheet). ``csv``
        and ``parquet`` write the scores to ``path``, each extra table beside it as
        ``<stem>.<table>.<format>`` and the manifest as ``<stem>.manifest.json``.
        """
        from govindex.storage.export import write_export

        manifest = self.get_run(run_id)
        tables = {
            name: self.read_table(manifest.run_id, name)
            for name in self.run_tables(manifest.run_id)
        }
        return write_export(manifest, tables, Path(path), format)

    # ------------------------------------------------------------------ helpers
    def _rows(self, query: str, parameters: list[Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._connection.execute(query, parameters).fetchall()
        return rows

    def _frame(self, query: str, parameters: list[Any]) -> pl.DataFrame:
        frame: pl.DataFrame = self._connection.sql(query, params=parameters or None).pl()
        return frame

    def _manifests(self, where: str, parameters: list[Any]) -> tuple[RunManifest, ...]:
        rows = self._rows(
            "SELECT run_id, kind, spec_hash, data_hash, parameters, package_versions, seed,"
            f" created_at, source, supersedes, synthetic FROM runs {where}"
            " ORDER BY created_at, run_id",
            parameters,
        )
        return tuple(
            RunManifest.from_dict(
                {
                    "run_id": row[0],
                    "kind": row[1],
                    "spec_hash": row[2],
                    "data_hash": row[3],
                    "parameters": json.loads(row[4]),
                    "package_versions": json.loads(row[5]),
                    "seed": row[6],
                    "created_at": row[7],
                    "source": row[8],
                    "supersedes": row[9],
                    "synthetic": row[10],
                }
            )
            for row in rows
        )
