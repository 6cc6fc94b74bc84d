"""The kept state of the open periods, so a day's update costs the day's records.

A refresh keeps, in ``<snapshots>/scores/open-periods.duckdb``:

* ``facts``: the dossier fact rows (:func:`govindex.onestop.facts.dossier_facts_sql`, with
  the dossier code) of every open period, as of the refresh's ``as of`` time;
* ``records``: the dossier records those rows came from, and every record whose facts may
  still appear later (a time stamp after ``as of``), each with the file it was read from;
* ``files``: the record files covered (size and modification time), and ``meta``: the
  ``as of`` time, the open periods and a fingerprint of the profile, geographies and the
  reference tables.

The next refresh recomputes, with the same fact query, only the dossiers whose facts can have
changed:

* dossiers in a record file not covered yet, or in a covered file rewritten or removed (an
  upsert replaces a dossier's rows, so all rows of its code are recomputed together);
* dossiers named by a petition or rating in a new file, or received / rated in the window
  (``first_petition_at``, ``first_dislike_at``);
* dossiers with any time stamp in the window (previous ``as of``, new ``as of``];
* dossiers whose due day ends in the window (after an answered supplement's pause), which
  turns a pending dossier late;
* when the ``as of`` date moves to another day, the overdue pending dossiers (their days
  overdue grow).

Their fact rows replace the old ones, the open periods are scored again from the kept facts
(:func:`govindex.onestop_engines.scorecard.score_from_facts`), and petitions, publications,
ratings and counter tickets are read as in a full rescore (their tables are small or read by
period). Anything else the state depends on changing — the profile, the geographies, the
periods, a reference table, a petition or rating file rewritten or removed, an ``as of`` time
moving back, an engine other than DuckDB — makes the refresh a full one, and says why.

Examples
--------
>>> watched_change_sql(100, 200).count(" > 100 AND ")  # ten stamps, two due times
12
"""

from __future__ import annotations

import functools
import glob
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlglot

from govindex.onestop.aggregation import FACT_TABLES, fact_queries
from govindex.onestop.facts import AS_OF_STAMPS, dossier_facts_sql
from govindex.onestop.periods import Period, period_table
from govindex.onestop.profile import ResolvedProfile
from govindex.onestop.records import TABLES
from govindex.onestop_engines.engines import DuckDBEngine
from govindex.onestop_engines.scorecard import Scorecard, score_from_facts
from govindex.onestop_engines.store import SCHEMA_VERSION

__all__ = ["OpenPeriodState", "StateUpdate", "record_columns", "watched_change_sql"]

#: Bump when the kept tables change shape: an older state is then rebuilt in full.
_STATE_VERSION = "open-periods/2"
_DAY = 86400
#: Every dossier time stamp the facts read as of a period's end.
WATCHED_STAMPS = ("received_at", *AS_OF_STAMPS)
#: Record tables whose files the dossier facts read (dossiers, and petitions and ratings
#: by dossier code), and reference tables whose change needs a full rescore.
_TRACKED = ("dossiers", "petitions", "ratings")
#: The stamps that finish a dossier (its recorded finish is the first of them).
_FINISH_STAMPS = ("processed_at", "returned_at", "stopped_at", "rejected_at", "withdrawn_at")
_REFERENCE = ("procedures", "agencies")


def watched_change_sql(previous: int, current: int) -> str:
    """The condition on a dossier record whose facts may differ between ``as of`` times
    ``previous`` and ``current``: a stamp in between, or a due day ending in between (the
    moment it turns late, moved on by an answered supplement's pause, counted from either
    the first or the current appointment).

    Examples
    --------
    >>> "FLOOR(due_at / 86400)" in watched_change_sql(0, 1)
    True
    """
    stamps = [f"({name} > {previous} AND {name} <= {current})" for name in WATCHED_STAMPS]
    pause = (
        f"COALESCE(CASE WHEN supplement_returned_at <= {previous} "
        "THEN supplement_returned_at - supplement_requested_at END, 0)"
    )
    for due in ("due_at", "due_at_original"):
        late = f"(FLOOR({due} / {_DAY}) + 1) * {_DAY} + {pause}"
        stamps.append(f"({late} > {previous} AND {late} <= {current})")
    return " OR ".join(stamps)


def record_columns() -> list[str]:
    """The dossier columns kept with each record: those the fact query names (read with
    sqlglot from its one text, so a column it starts reading is kept too) and the watched
    stamps.

    Examples
    --------
    >>> columns = record_columns()
    >>> "due_at_original" in columns and "submitted_at" not in columns
    True
    """
    named = {
        column.name
        for column in sqlglot.parse_one(dossier_facts_sql(), read="duckdb").find_all(
            sqlglot.exp.Column
        )
    }
    wanted = named | set(WATCHED_STAMPS) | {"dossier_code", "due_at", "due_at_original"}
    return [name for name in TABLES["dossiers"].schema if name in wanted]


def _future_sql(as_of: int) -> str:
    """A record with a stamp after ``as_of``: its facts may still appear or change."""
    return " OR ".join(f"{name} > {as_of}" for name in WATCHED_STAMPS)


def _quoted(paths: Sequence[str]) -> str:
    return "[" + ", ".join("'" + path.replace("'", "''") + "'" for path in paths) + "]"


def _signatures(engine: DuckDBEngine, tables: Sequence[str]) -> dict[tuple[str, str], str]:
    """(table, path) → size and modification time of every file of ``tables``."""
    found: dict[tuple[str, str], str] = {}
    for table in tables:
        pattern = engine.globs.get(table)
        if pattern is None:
            continue
        for path in sorted(glob.glob(pattern, recursive=True)):
            status = os.stat(path)
            found[(table, path)] = f"{status.st_size}:{status.st_mtime_ns}"
    return found


@dataclass(frozen=True)
class StateUpdate:
    """What a refresh of the open periods did."""

    card: Scorecard
    mode: str
    reason: str
    recomputed_dossiers: int


class OpenPeriodState:
    """The kept facts and records of the open periods (a DuckDB database file).

    Examples
    --------
    >>> import tempfile
    >>> from govindex.onestop.periods import parse_period
    >>> from govindex.onestop.profile import shipped_profile
    >>> from govindex.onestop.records import TABLES
    >>> from govindex.onestop_engines.store import RecordStore
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = RecordStore(folder / "store")
    >>> _ = store.write("dossiers", TABLES["dossiers"].empty(), province_code="22", month="2025-01")
    >>> state, profile = OpenPeriodState(folder / "open.duckdb"), shipped_profile().resolve()
    >>> january = parse_period("2025-01")
    >>> def refresh(as_of: int) -> StateUpdate:
    ...     engine = DuckDBEngine(store.sources())
    ...     return state.refresh(engine, profile, [january], as_of, ["province"],
    ...                          provenance="example", synthetic=False)
    >>> first = refresh(january.start_s + 86400)
    >>> first.mode, first.reason
    ('full', 'no kept state of the open periods')
    >>> refresh(january.start_s + 2 * 86400).mode
    'incremental'
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def refresh(
        self,
        engine: DuckDBEngine,
        profile: ResolvedProfile,
        periods: Sequence[Period],
        as_of: int,
        geographies: Sequence[str],
        *,
        provenance: str,
        synthetic: bool,
    ) -> StateUpdate:
        """Score ``periods`` (the ones not kept closed) as of ``as_of``, incrementally when
        the kept state allows it; the state then covers the periods still open."""
        fingerprint = self._fingerprint(engine, profile, periods, geographies, synthetic)
        connection = engine.connection
        reason = self._attach(engine, fingerprint, periods, as_of)
        # The kept state cannot be used: score from all the records and keep anew.
        rebuild = functools.partial(
            self._rebuild,
            engine,
            profile,
            periods,
            as_of,
            geographies,
            fingerprint,
            provenance=provenance,
            synthetic=synthetic,
        )
        if reason:
            return rebuild(reason=reason)
        previous = int(self._meta(connection)["as_of"])
        covered = {
            (table, path): signature
            for table, path, signature in connection.execute(
                "SELECT tbl, path, signature FROM open_state.files"
            ).fetchall()
        }
        now = _signatures(engine, _TRACKED)
        added = [key for key in now if key not in covered]
        changed = [key for key in now if key in covered and covered[key] != now[key]]
        removed = [key for key in covered if key not in now]
        if any(table != "dossiers" for table, _ in [*changed, *removed]):
            return rebuild(reason="a petition or rating file was rewritten or removed")
        incoming = [path for table, path in [*added, *changed] if table == "dossiers"]
        dropped = [path for table, path in [*changed, *removed] if table == "dossiers"]
        recomputed = self._recompute(engine, periods, previous, as_of, incoming, dropped, added)
        card = self._score(engine, profile, periods, geographies, provenance, synthetic)
        self._forget_closed(connection, periods, as_of, now, fingerprint)
        return StateUpdate(card, "incremental", "", recomputed)

    def _fingerprint(
        self,
        engine: DuckDBEngine,
        profile: ResolvedProfile,
        periods: Sequence[Period],
        geographies: Sequence[str],
        synthetic: bool,
    ) -> str:
        parts = [
            _STATE_VERSION,
            SCHEMA_VERSION,
            repr(profile),
            repr(tuple(geographies)),
            repr(synthetic),
            repr(sorted(_signatures(engine, _REFERENCE).items())),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _meta(self, connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
        rows = connection.execute("SELECT key, value FROM open_state.meta").fetchall()
        return {key: value for key, value in rows}

    def _attach(
        self, engine: DuckDBEngine, fingerprint: str, periods: Sequence[Period], as_of: int
    ) -> str:
        """Attach the kept state; the reason it cannot be used, or ``""``."""
        if not self.path.exists():
            return "no kept state of the open periods"
        path = str(self.path).replace("'", "''")
        engine.connection.execute(f"ATTACH '{path}' AS open_state")
        try:
            meta = self._meta(engine.connection)
        except duckdb.Error:  # an unreadable state is rebuilt, never trusted
            return "the kept state is unreadable"
        if meta.get("fingerprint") != fingerprint:
            return "the profile, geographies or reference tables changed"
        if int(meta["as_of"]) > as_of:
            return "the as-of time moved back"
        if meta.get("periods") != ",".join(sorted(p.period_id for p in periods)):
            return "the open periods changed"
        return ""

    def _recompute(
        self,
        engine: DuckDBEngine,
        periods: Sequence[Period],
        previous: int,
        as_of: int,
        incoming: Sequence[str],
        dropped: Sequence[str],
        added_files: Sequence[tuple[str, str]],
    ) -> int:
        """Replace the facts of every dossier whose facts can have changed; their count."""
        connection = engine.connection
        engine.register("periods", period_table(periods, as_of))
        names = [row[0] for row in connection.execute("DESCRIBE open_state.records").fetchall()]
        kept = ", ".join(f'"{name}"' for name in names)
        if incoming:
            read = (
                f"read_parquet({_quoted(incoming)}, hive_partitioning = false, "
                "union_by_name = true, filename = true)"
            )
            connection.execute(
                f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT {kept} FROM {read}"
            )
        else:
            connection.execute(
                f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT {kept} FROM open_state.records "
                "WHERE false"
            )
        connection.execute("CREATE OR REPLACE TEMP TABLE dropped (filename VARCHAR)")
        if dropped:
            connection.executemany("INSERT INTO dropped VALUES (?)", [[p] for p in dropped])
        # A rewritten file (an upsert) is compared row by row with the rows kept from it:
        # only dossiers with a row gone or a row new or different are recomputed. A new row
        # that finished before every open period began cannot have facts in them.
        finish = " AND ".join(f"{name} IS NULL" for name in _FINISH_STAMPS)
        opened = min(period.start_s for period in periods)
        may_count = f"({finish}) OR " + " OR ".join(
            f"{name} >= {opened}" for name in WATCHED_STAMPS
        )
        sources = [
            f"SELECT dossier_code FROM open_state.records WHERE {watched_change_sql(previous, as_of)}",
            f"SELECT dossier_code FROM petitions WHERE received_at > {previous} "
            f"AND received_at <= {as_of}",
            f"SELECT dossier_code FROM ratings WHERE level <= 2 AND rated_at > {previous} "
            f"AND rated_at <= {as_of}",
        ]
        if dropped:
            connection.execute(
                f"CREATE OR REPLACE TEMP TABLE earlier AS SELECT {kept} FROM open_state.records "
                "WHERE filename IN (SELECT filename FROM dropped)"
            )
            sources += [
                "SELECT dossier_code FROM (SELECT * FROM earlier EXCEPT ALL "
                "SELECT * FROM incoming) AS gone",
                "SELECT dossier_code FROM (SELECT * FROM incoming EXCEPT ALL "
                f"SELECT * FROM earlier) AS new WHERE COALESCE({may_count}, FALSE)",
            ]
        else:
            # A day appended, no file rewritten: every incoming row is new, no comparison.
            sources.append(f"SELECT dossier_code FROM incoming WHERE COALESCE({may_count}, FALSE)")
        if previous // _DAY != as_of // _DAY:
            sources.append("SELECT dossier_code FROM open_state.facts WHERE overdue_pending")
        for table in ("petitions", "ratings"):
            paths = [path for kind, path in added_files if kind == table]
            if paths:
                sources.append(
                    f"SELECT dossier_code FROM read_parquet({_quoted(paths)}, "
                    "hive_partitioning = false, union_by_name = true)"
                )
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE changed AS SELECT DISTINCT dossier_code FROM ("
            + "\nUNION ALL ".join(sources)
            + ") AS codes WHERE dossier_code IS NOT NULL"
        )
        engine.define(
            "changed_records",
            "SELECT * FROM open_state.records WHERE filename NOT IN (SELECT filename FROM dropped) "
            "AND dossier_code IN (SELECT dossier_code FROM changed) "
            "UNION ALL SELECT * FROM incoming WHERE dossier_code IN (SELECT dossier_code FROM changed)",
        )
        engine.materialise("fresh_facts", dossier_facts_sql(dossiers="changed_records"))
        # Rows kept: those of dossiers with facts now, and those with a stamp still to come
        # (their facts may yet appear); a recomputed dossier without either is not kept.
        future = f"COALESCE({_future_sql(as_of)}, FALSE)"
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE counted AS SELECT DISTINCT dossier_code FROM fresh_facts"
        )
        connection.execute(
            "CREATE OR REPLACE TEMP TABLE lost AS SELECT dossier_code FROM changed "
            "WHERE dossier_code NOT IN (SELECT dossier_code FROM counted)"
        )
        # Only rows of recomputed dossiers: an unchanged dossier's kept rows (with a stamp
        # still to come, say) return once, through the comparison below, not twice.
        arriving = (
            "SELECT * FROM incoming WHERE dossier_code IN (SELECT dossier_code FROM changed) "
            f"AND (dossier_code IN (SELECT dossier_code FROM counted) OR {future})"
        )
        if dropped:
            # Unchanged rows of a rewritten file that were kept stay kept.
            arriving += (
                " UNION ALL SELECT * FROM (SELECT * FROM incoming INTERSECT ALL "
                "SELECT * FROM earlier) AS same WHERE dossier_code NOT IN "
                "(SELECT dossier_code FROM changed)"
            )
        count_row = connection.execute("SELECT COUNT(*) FROM changed").fetchone()
        # The kept tables are only aggregated: rows may be stored in the order the threads
        # finish them (restored below).
        connection.execute("SET preserve_insertion_order = false")
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(
                "DELETE FROM open_state.records WHERE filename IN (SELECT filename FROM dropped)"
            )
            connection.execute(f"INSERT INTO open_state.records {arriving}")
            connection.execute(
                "DELETE FROM open_state.records WHERE dossier_code IN "
                f"(SELECT dossier_code FROM lost) AND NOT {future}"
            )
            connection.execute(
                "DELETE FROM open_state.facts WHERE dossier_code IN (SELECT dossier_code FROM changed)"
            )
            connection.execute("INSERT INTO open_state.facts BY NAME SELECT * FROM fresh_facts")
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.execute("RESET preserve_insertion_order")
        return int(count_row[0]) if count_row else 0

    def _score(
        self,
        engine: DuckDBEngine,
        profile: ResolvedProfile,
        periods: Sequence[Period],
        geographies: Sequence[str],
        provenance: str,
        synthetic: bool,
    ) -> Scorecard:
        for name, text in fact_queries(with_record_codes=False).items():
            if name == FACT_TABLES["dossiers"]:
                engine.define(name, "SELECT * FROM open_state.facts")
            else:
                engine.define(name, text)
        return score_from_facts(
            engine, profile, periods, geographies, provenance=provenance, synthetic=synthetic
        )

    def _forget_closed(
        self,
        connection: duckdb.DuckDBPyConnection,
        periods: Sequence[Period],
        as_of: int,
        files: dict[tuple[str, str], str],
        fingerprint: str,
    ) -> None:
        """Drop the facts of periods closed by now (their snapshot is final) and record what
        the state covers."""
        run = connection.execute
        still_open = [p.period_id for p in periods if p.end_s >= as_of]
        closed = [p.period_id for p in periods if p.end_s < as_of]
        run("BEGIN TRANSACTION")
        try:
            if closed:
                run(
                    "DELETE FROM open_state.facts WHERE period_id IN "
                    + "("
                    + ", ".join("'" + c.replace("'", "''") + "'" for c in closed)
                    + ")"
                )
                run(
                    "DELETE FROM open_state.records WHERE dossier_code NOT IN "
                    "(SELECT dossier_code FROM open_state.facts) "
                    f"AND NOT COALESCE({_future_sql(as_of)}, FALSE)"
                )
            run("DELETE FROM open_state.files")
            if files:
                run(
                    "INSERT INTO open_state.files SELECT * FROM (VALUES "
                    + ", ".join("(?, ?, ?)" for _ in files)
                    + ")",
                    [
                        value
                        for (table, path), sign in files.items()
                        for value in (table, path, sign)
                    ],
                )
            run("DELETE FROM open_state.meta")
            run(
                "INSERT INTO open_state.meta VALUES (?, ?), (?, ?), (?, ?)",
                [
                    "fingerprint",
                    fingerprint,
                    "as_of",
                    str(as_of),
                    "periods",
                    ",".join(sorted(still_open)),
                ],
            )
            run("COMMIT")
        except Exception:
            run("ROLLBACK")
            raise
        run("DETACH open_state")

    def _rebuild(
        self,
        engine: DuckDBEngine,
        profile: ResolvedProfile,
        periods: Sequence[Period],
        as_of: int,
        geographies: Sequence[str],
        fingerprint: str,
        *,
        reason: str,
        provenance: str,
        synthetic: bool,
    ) -> StateUpdate:
        """A full rescore of ``periods``, keeping its facts and records as the new state."""
        connection = engine.connection
        attached = connection.execute(
            "SELECT COUNT(*) FROM duckdb_databases() WHERE database_name = 'open_state'"
        ).fetchone()
        if attached and attached[0]:
            connection.execute("DETACH open_state")
        temporary = self.path.with_suffix(".rebuilding")
        for leftover in (temporary, Path(f"{temporary}.wal")):
            leftover.unlink(missing_ok=True)
        quoted = str(temporary).replace("'", "''")
        connection.execute(f"ATTACH '{quoted}' AS open_state")
        engine.register("periods", period_table(periods, as_of))
        # Listed before reading: a file written meanwhile is read by the next refresh.
        files = _signatures(engine, _TRACKED)
        connection.execute("SET preserve_insertion_order = false")
        try:
            connection.execute(f"CREATE TABLE open_state.facts AS {dossier_facts_sql()}")
            columns = ", ".join(f'"{name}"' for name in [*record_columns(), "filename"])
            source = (
                f"SELECT {columns} FROM read_parquet({_quoted([engine.globs['dossiers']])}, "
                "hive_partitioning = false, union_by_name = true, filename = true)"
            )
            connection.execute(
                f"CREATE TABLE open_state.records AS SELECT * FROM ({source}) AS r "
                "WHERE dossier_code IN (SELECT dossier_code FROM open_state.facts) "
                f"OR COALESCE({_future_sql(as_of)}, FALSE)"
            )
        finally:
            connection.execute("RESET preserve_insertion_order")
        connection.execute(
            "CREATE TABLE open_state.files (tbl VARCHAR, path VARCHAR, signature VARCHAR)"
        )
        connection.execute("CREATE TABLE open_state.meta (key VARCHAR, value VARCHAR)")
        card = self._score(engine, profile, periods, geographies, provenance, synthetic)
        recomputed = connection.execute(
            "SELECT COUNT(DISTINCT dossier_code) FROM open_state.facts"
        ).fetchone()
        self._forget_closed(connection, periods, as_of, files, fingerprint)
        os.replace(temporary, self.path)
        return StateUpdate(card, "full", reason, int(recomputed[0]) if recomputed else 0)
