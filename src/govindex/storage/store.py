"""The run store: immutable runs (manifest, scores, extra tables) in one DuckDB file.

The store lives at ``$GOVINDEX_STORE`` or, when that is unset,
``~/.local/share/govindex/govindex.duckdb``. A run is written in one transaction and never
changed afterwards; a correction is a new run whose manifest names the old one in
``supersedes``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import polars as pl

from govindex.errors import RunNotFound, StorageError
from govindex.manifest import RunKind, RunManifest
from govindex.storage.failures import classify_failure, store_failure
from govindex.storage.integrity import TableCheck, VerifyReport, table_checksum
from govindex.storage.migrate import apply_migrations, read_schema_version
from govindex.storage.revisions import Revisions, replace_run_tables
from govindex.storage.schema import LEVELS, SCORES_SCHEMA, check_table_name, prepare_scores
from govindex.storage.scorecard_tables import read_scorecard, rewrite_scorecard

__all__ = [
    "STORE_VARIABLE",
    "ExportFormat",
    "RunStore",
    "backup_store_file",
    "default_store_path",
]

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

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        import duckdb

        self._path = default_store_path() if path is None else Path(path)
        self._error_type: type[Exception] = duckdb.Error
        # Why the store is read-only, or None when it is writable.
        self._read_only: str | None = "opened read-only" if read_only else None
        # Inside :meth:`batch`: "open", or "failed" once a run of it was rolled back.
        self._batch: str | None = None
        location = str(self._path)
        connect_read_only = read_only
        if location == ":memory:":
            connect_read_only = False
        elif read_only and not self._path.exists():
            # Reading a store that does not exist yet reads an empty one; nothing is created.
            location, connect_read_only = ":memory:", False
            self._read_only = "opened read-only (and has no file yet)"
        else:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise store_failure(error, str(self._path), "open") from error
        try:
            self._connection: Any = self._connect(duckdb, location, read_only=connect_read_only)
        except duckdb.Error as error:
            raise store_failure(error, str(self._path), "open") from error
        try:
            self._found_version = read_schema_version(self._connection)
            self._schema_version = apply_migrations(
                self._connection,
                str(self._path),
                read_only=location != ":memory:" and self._read_only is not None,
            )
        except duckdb.Error as error:
            self._connection.close()
            raise store_failure(error, str(self._path), "open") from error
        except BaseException:
            # A refused store (too new, or needing an upgrade here) is left closed.
            self._connection.close()
            raise

    def _connect(self, duckdb: Any, location: str, *, read_only: bool) -> Any:
        """Connect read-write, or read-only when asked or when the file cannot be written."""
        try:
            return duckdb.connect(location, read_only=read_only)
        except duckdb.Error as error:
            if read_only or classify_failure(error) != "read_only" or not self._path.exists():
                raise
            # A read-only mount or file: reading still works; writing says why it cannot.
            self._read_only = f"not writable here ({' '.join(str(error).split())})"
            return duckdb.connect(location, read_only=True)

    # ------------------------------------------------------------------ lifetime
    @property
    def path(self) -> Path:
        """The DuckDB file behind this store."""
        return self._path

    @property
    def read_only(self) -> bool:
        """Whether the store was opened (or could only be opened) for reading."""
        return self._read_only is not None

    @property
    def schema_version_found(self) -> int:
        """The schema version the file had when it was opened (before any migration)."""
        return self._found_version

    @property
    def schema_version(self) -> int:
        """The newest migration applied to the file."""
        return self._schema_version

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        try:
            self._connection.close()
        except self._error_type as error:
            raise store_failure(error, str(self._path), "close") from error

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
        *,
        folder: Path | None = None,
        revised: Revisions | None = None,
    ) -> RunManifest:
        """Store a run, its scores and any extra tables, all in one transaction.

        Either everything is stored or nothing is: an error while writing any table rolls
        the whole run back. A run id already in the store is refused (runs are immutable).
        A checksum of every stored table is recorded with it (see :meth:`verify`), and the
        store's scorecard is rewritten in the same transaction (see :meth:`scorecard`).
        Inside :meth:`batch` the run joins the batch's transaction instead, and the
        scorecard is rewritten once when the batch commits.

        Parameters
        ----------
        manifest
            The run's manifest; ``manifest.supersedes`` must name a stored run if set.
        scores
            Rows in :data:`~govindex.storage.schema.SCORES_SCHEMA` (``run_id`` optional;
            absent optional columns are stored as null).
        extra_tables
            Further tables to keep with the run, by name (lower-case, e.g. ``"record"``).
        folder
            The output folder being written for this run, recorded as pending in the same
            transaction until :meth:`folder_written` confirms it (so a kill between the
            two can be repaired, see :meth:`pending_folders`).
        revised
            Derived tables of other stored runs that this run makes stale, by run id and
            table name (e.g. a later year's diagnoses once an earlier year is stored), worked
            out again by the producer and replaced in the same transaction (see
            :func:`~govindex.storage.revisions.replace_run_tables`).

        Returns
        -------
        RunManifest
            The manifest as stored.
        """
        tables = {check_table_name(name): frame for name, frame in (extra_tables or {}).items()}
        prepared = prepare_scores(scores, manifest.run_id)
        self._refuse_if_read_only(f"store run `{manifest.run_id}`")
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
        for run_id in revised or {}:
            if not self.has_run(run_id):
                msg = f"run `{run_id}`, whose tables storing `{manifest.run_id}` revises, is not stored."
                raise RunNotFound(msg, found=run_id)
        if self._batch == "failed":
            msg = f"run `{manifest.run_id}` was not stored: an earlier run of its batch failed and the batch was rolled back."
            raise StorageError(msg, where=str(self._path), found=manifest.run_id)
        connection = self._connection
        batched = self._batch is not None
        try:
            if not batched:
                connection.execute("BEGIN TRANSACTION")
            self._insert_run(manifest, prepared, tables, folder)
            for run_id, replaced in (revised or {}).items():
                replace_run_tables(connection, run_id, replaced)
            if not batched:  # a batch rewrites the scorecard once, when it commits
                rewrite_scorecard(connection)
                connection.execute("COMMIT")
        except BaseException as error:
            self._roll_back()
            if batched:
                self._batch = "failed"
            if isinstance(error, self._error_type):
                raise store_failure(
                    error, str(self._path), f"store run `{manifest.run_id}`"
                ) from error
            if isinstance(error, Exception) and not isinstance(error, StorageError):
                msg = f"run `{manifest.run_id}` could not be stored and was rolled back ({type(error).__name__}: {error})."
                raise StorageError(msg, where=str(self._path), found=manifest.run_id) from error
            raise
        return manifest

    @contextlib.contextmanager
    def batch(self) -> Iterator[RunStore]:
        """Store several runs as one: a single transaction, the scorecard rewritten once.

        Every :meth:`save_run` inside the ``with`` block joins the batch's transaction, and
        the scorecard is rewritten once when the block ends, then everything is committed
        together. It is all or nothing: a run that cannot be stored rolls back the whole
        batch (the runs stored before it included) and the error is raised; nothing of
        the batch is stored. Importing the 14 years of the official record this way
        rewrites the scorecard once instead of 14 times.

        Examples
        --------
        >>> import polars as pl
        >>> from govindex.manifest import RunManifest
        >>> scores = pl.DataFrame({"year": [2024], "province": ["Ha Noi"], "level": ["total"],
        ...                        "code": ["total"], "estimate": [42.5]})
        >>> manifests = [RunManifest.create(kind="published", spec_hash="s", data_hash=str(n),
        ...                                 parameters={"year": 2024}, source="example")
        ...              for n in range(2)]
        >>> with RunStore(":memory:") as store:
        ...     with store.batch():
        ...         for manifest in manifests:
        ...             _ = store.save_run(manifest, scores)
        ...     len(store.list_runs())
        2
        """
        self._refuse_if_read_only("store a batch of runs")
        if self._batch is not None:
            msg = "a batch of runs is already open on this store; batches do not nest."
            raise StorageError(msg, where=str(self._path))
        connection = self._connection
        try:
            connection.execute("BEGIN TRANSACTION")
        except self._error_type as error:
            raise store_failure(error, str(self._path), "store a batch of runs") from error
        self._batch = "open"
        try:
            yield self
            if self._batch == "failed":
                msg = "a run of the batch could not be stored; the whole batch was rolled back."
                raise StorageError(msg, where=str(self._path))
            rewrite_scorecard(connection)
            connection.execute("COMMIT")
        except BaseException as error:
            if self._batch == "open":
                self._roll_back()
            if isinstance(error, self._error_type):
                raise store_failure(error, str(self._path), "store a batch of runs") from error
            if isinstance(error, Exception) and not isinstance(error, StorageError):
                msg = f"a batch of runs could not be stored and was rolled back ({type(error).__name__}: {error})."
                raise StorageError(msg, where=str(self._path)) from error
            raise
        finally:
            self._batch = None

    def _insert_run(
        self,
        manifest: RunManifest,
        prepared: pl.DataFrame,
        tables: Mapping[str, pl.DataFrame],
        folder: Path | None,
    ) -> None:
        """The statements of :meth:`save_run`, inside its transaction."""
        connection = self._connection
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
        # Checksums of what was stored, read back as `store verify` will read it.
        for name, (query, parameters) in self._table_queries(manifest.run_id).items():
            rows, checksum = table_checksum(connection, query, parameters)
            connection.execute(
                "INSERT INTO table_checksums VALUES (?, ?, ?, ?)",
                [manifest.run_id, name, rows, checksum],
            )
        if folder is not None:
            connection.execute(
                "INSERT INTO pending_folders VALUES (?, ?, ?)",
                [manifest.run_id, str(folder), datetime.now(UTC).isoformat(timespec="seconds")],
            )

    def _roll_back(self) -> None:
        """Roll back the open transaction; a connection DuckDB already aborted is fine."""
        # DuckDB may have rolled a failed transaction back itself; nothing is left to undo.
        with contextlib.suppress(self._error_type):
            self._connection.execute("ROLLBACK")

    def _refuse_if_read_only(self, action: str) -> None:
        if self._read_only is not None:
            msg = f"the run store {self._path} is {self._read_only}; could not {action}."
            raise StorageError(
                msg,
                where=str(self._path),
                hint="commands that write (run, import, demo) need a writable store.",
            )

    def _table_queries(self, run_id: str) -> dict[str, tuple[str, list[Any]]]:
        """The query that reads each stored table of ``run_id``, by table name."""
        queries: dict[str, tuple[str, list[Any]]] = {
            "scores": ("SELECT * FROM scores WHERE run_id = ?", [run_id])
        }
        for name, storage_name in self._rows(
            "SELECT name, storage_name FROM run_tables WHERE run_id = ? ORDER BY name", [run_id]
        ):
            queries[str(name)] = (f'SELECT * FROM "{storage_name}"', [])
        return queries

    # ------------------------------------------------------------------ output folders
    def pending_folders(self) -> tuple[tuple[str, Path], ...]:
        """(run id, folder) of every output folder whose writing was not confirmed.

        A run is stored before its folder is renamed into place; a process killed between
        the two leaves the run here, and the next ``govindex run`` writes the folder. The
        run id is ``""`` for a folder requested by a run killed before it was stored.
        """
        rows = self._rows("SELECT run_id, folder FROM pending_folders ORDER BY requested_at", [])
        return tuple((str(run_id), Path(folder)) for run_id, folder in rows)

    def folder_requested(self, folder: Path) -> None:
        """Record that a run is about to write ``folder`` (run id not known yet).

        Staging left beside ``folder`` by a process killed before its run was stored is
        then found and removed at the next start.
        """
        self._refuse_if_read_only("record an output folder")
        try:
            self._connection.execute(
                "INSERT INTO pending_folders VALUES ('', ?, ?)",
                [str(folder), datetime.now(UTC).isoformat(timespec="seconds")],
            )
        except self._error_type as error:
            raise store_failure(error, str(self._path), "record an output folder") from error

    def folder_written(self, run_id: str, folder: Path) -> None:
        """Record that ``folder`` holds the output of ``run_id`` (``""``: nothing pending)."""
        self._refuse_if_read_only("record a written folder")
        try:
            self._connection.execute(
                "DELETE FROM pending_folders WHERE folder = ? AND run_id IN (?, '')",
                [str(folder), run_id],
            )
        except self._error_type as error:
            raise store_failure(error, str(self._path), "record a written folder") from error

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

        ``score_rows`` counts the run's score table (every instrument writes one; PAR and
        one-stop runs write nothing to ``scores``), else its ``scores`` rows, and ``years``
        come from the score table's periods where ``scores`` has none. ``superseded_by``
        names a stored run that corrects this one.
        """
        overview = self._frame(
            """
            SELECT r.run_id, r.kind, r.synthetic,
                   (SELECT string_agg(DISTINCT CAST(s.year AS VARCHAR), ',' ORDER BY CAST(s.year AS VARCHAR))
                      FROM scores s WHERE s.run_id = r.run_id) AS years,
                   coalesce(
                       (SELECT t.row_count FROM run_tables t
                         WHERE t.run_id = r.run_id AND t.name = 'score_table'),
                       (SELECT count(*) FROM scores s WHERE s.run_id = r.run_id)
                   ) AS score_rows,
                   r.created_at, r.source, r.supersedes,
                   (SELECT string_agg(n.run_id, ',') FROM runs n WHERE n.supersedes = r.run_id)
                       AS superseded_by
            FROM runs r
            ORDER BY r.created_at, years, r.run_id
            """,
            [],
        )
        # Runs that keep their scores only in a score table: the years of its periods.
        storage_names = dict(
            self._rows("SELECT run_id, storage_name FROM run_tables WHERE name = 'score_table'", [])
        )
        years = [
            found
            if found is not None or run_id not in storage_names
            else self._score_table_years(str(storage_names[run_id]))
            for run_id, found in zip(overview["run_id"], overview["years"], strict=True)
        ]
        return overview.with_columns(pl.Series("years", years, pl.String))

    def _score_table_years(self, storage_name: str) -> str | None:
        rows = self._rows(
            "SELECT string_agg(DISTINCT substr(period, 1, 4), ',' ORDER BY substr(period, 1, 4))"
            f' FROM "{storage_name}"',
            [],
        )
        return None if rows[0][0] is None else str(rows[0][0])

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

    # ------------------------------------------------------------------ the scorecard
    def scorecard(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The stored ``scorecard`` and ``agreement`` tables (rewritten whenever a run is
        stored; see :mod:`govindex.storage.scorecard_tables`).

        Examples
        --------
        >>> with RunStore(":memory:") as store:
        ...     rows, agreement = store.scorecard()
        >>> sorted(set(rows["source_kind"])), agreement.height
        (['reported'], 0)
        """
        try:
            return read_scorecard(self._connection)
        except self._error_type as error:
            raise store_failure(error, str(self._path), "read its scorecard") from error

    def rewrite_scorecard(self) -> tuple[int, int]:
        """Recompute the stored scorecard from the stored runs (in one transaction); return
        the row counts of its two tables. Storing a run does this already; ``govindex store
        upgrade`` calls it so that a newer reported record bundled with govindex shows.

        Examples
        --------
        >>> with RunStore(":memory:") as store:
        ...     store.rewrite_scorecard()[1]
        0
        """
        self._refuse_if_read_only("rewrite its scorecard")
        try:
            self._connection.execute("BEGIN TRANSACTION")
            counts = rewrite_scorecard(self._connection)
            self._connection.execute("COMMIT")
        except BaseException as error:
            self._roll_back()
            if isinstance(error, self._error_type):
                raise store_failure(error, str(self._path), "rewrite its scorecard") from error
            raise
        return counts

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
        >>> store.query_scores(source="published", year=2024, level="total").height
        63
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

    # ------------------------------------------------------------------ integrity
    def verify(self) -> VerifyReport:
        """Recompute the checksum of every stored table and compare it with the recorded one.

        Examples
        --------
        >>> with RunStore(":memory:") as store:
        ...     store.verify().passed
        True
        """
        recorded: dict[tuple[str, str], tuple[int, str]] = {
            (str(run_id), str(name)): (int(rows), str(checksum))
            for run_id, name, rows, checksum in self._rows(
                "SELECT run_id, name, row_count, checksum FROM table_checksums", []
            )
        }
        checks: list[TableCheck] = []
        unrecorded: list[str] = []
        recorded_runs = {run_id for run_id, _ in recorded}
        missing = [f"{run_id}: {name}" for run_id, name in recorded if not self.has_run(run_id)]
        for (run_id,) in self._rows("SELECT run_id FROM runs ORDER BY created_at, run_id", []):
            if run_id not in recorded_runs:
                unrecorded.append(str(run_id))
                continue
            queries = self._table_queries(str(run_id))
            for name in sorted({name for rid, name in recorded if rid == run_id}):
                if name not in queries:
                    missing.append(f"{run_id}: {name}")
                    continue
                query, parameters = queries[name]
                try:
                    rows, checksum = table_checksum(self._connection, query, parameters)
                except self._error_type as error:
                    raise store_failure(error, str(self._path), f"read run `{run_id}`") from error
                want_rows, want = recorded[(str(run_id), name)]
                checks.append(TableCheck(str(run_id), name, want_rows, rows, want, checksum))
        return VerifyReport(tuple(checks), tuple(unrecorded), tuple(missing))

    # ------------------------------------------------------------------ helpers
    def _rows(self, query: str, parameters: list[Any]) -> list[tuple[Any, ...]]:
        try:
            rows: list[tuple[Any, ...]] = self._connection.execute(query, parameters).fetchall()
        except self._error_type as error:
            raise store_failure(error, str(self._path), "read it") from error
        return rows

    def _frame(self, query: str, parameters: list[Any]) -> pl.DataFrame:
        try:
            frame: pl.DataFrame = self._connection.sql(query, params=parameters or None).pl()
        except self._error_type as error:
            raise store_failure(error, str(self._path), "read it") from error
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


def backup_store_file(source: str | Path | None, destination: str | Path) -> Path:
    """Copy the store at ``source`` (default location if ``None``), consistently, into the
    new DuckDB file ``destination``; return ``destination``.

    The store is attached read-only (DuckDB's shared lock: readers may stay, no process can
    store a run meanwhile) and copied with ``COPY FROM DATABASE`` in one transaction, so a
    run is either wholly in the copy or not in it. A half-written copy is removed.
    """
    import duckdb

    origin = default_store_path() if source is None else Path(source)
    target = Path(destination)
    if not origin.is_file():
        msg = f"there is no run store at {origin} to back up."
        raise StorageError(msg, where=str(origin), found="no such file")
    if target.exists():
        msg = f"{target}: already exists; a backup is written to a new file."
        raise StorageError(msg, where=str(target), found="an existing file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise store_failure(error, str(target), "be written as a backup") from error
    connection = duckdb.connect()
    try:
        try:
            connection.execute(f"ATTACH '{_quoted(str(origin))}' AS govindex_source (READ_ONLY)")
        except duckdb.Error as error:
            raise store_failure(error, str(origin), "be read for a backup") from error
        try:
            connection.execute(f"ATTACH '{_quoted(str(target))}' AS govindex_backup")
            connection.execute("COPY FROM DATABASE govindex_source TO govindex_backup")
            connection.execute("DETACH govindex_backup")
        except duckdb.Error as error:
            connection.close()
            target.unlink(missing_ok=True)
            target.with_name(target.name + ".wal").unlink(missing_ok=True)
            raise store_failure(error, str(target), "be written as a backup") from error
    finally:
        connection.close()
    return target


def _quoted(text: str) -> str:
    """``text`` inside a single-quoted SQL string."""
    return text.replace("'", "''")
