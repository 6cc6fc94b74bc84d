"""Load dossier records (JSON Lines in the portal's sync layout, CSV or Parquet with the same
field names) into the record store, all or nothing.

Every problem of every file is collected first — bad JSON, a record that is not an object,
unknown codes, due before reception, unknown agency or procedure, conflicting duplicates —
each with file, line and field. With problems, nothing is written unless ``allow_invalid``
is set; then the valid records are loaded and the report lists what was left out. Writing
rewrites the affected province partitions through temporary files renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from govindex.errors import DataValidationError, Issue
from govindex.onestop.deadlines import complete_dossiers, complete_publications
from govindex.onestop.portal import dossier_from_portal, parse_time
from govindex.onestop.records import TABLES
from govindex.onestop.upsert import batch_conflicts, merge_dossiers
from govindex.onestop.working_calendar import WorkingCalendar
from govindex.onestop_engines.store import RecordStore

__all__ = ["IngestReport", "ingest_files", "load_reference", "read_table_file"]

#: Dossier columns computed on load (never read from a source, never compared on upsert).
_DERIVED = ("due_source", "processing_working_days", "supplement_pause_working_days", "month")


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did: records read, dossiers loaded, problems and what was left out."""

    files: tuple[str, ...]
    records: int
    loaded: int
    left_out: int
    events: int
    issues: tuple[Issue, ...]
    dossiers_stored: int

    def summary(self) -> str:
        """One line for the CLI."""
        text = f"{self.records} records read from {len(self.files)} file(s); {self.loaded} loaded"
        if self.left_out:
            text += f"; {self.left_out} left out ({len(self.issues)} problems)"
        return text + f"; {self.dossiers_stored} dossiers in the store"


def _records(path: Path) -> Iterator[tuple[int, Any, Issue | None]]:
    """(line, record, parse problem) of every record in ``path``."""
    where = path.name
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    yield number, json.loads(raw), None
                except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
                    yield (
                        number,
                        None,
                        Issue(f"not valid JSON: {str(error)[:120]}", where=where, row=number),
                    )
    elif suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig", errors="strict")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        for number, row in enumerate(reader, start=2):
            yield number, {key: value for key, value in row.items() if key is not None}, None
    elif suffix == ".parquet":
        frame = pl.read_parquet(path)
        for number, row in enumerate(frame.iter_rows(named=True), start=1):
            yield number, row, None
    else:
        yield (
            0,
            None,
            Issue(
                "unknown file type",
                where=where,
                found=path.suffix,
                expected=".jsonl, .csv or .parquet",
            ),
        )


def _catalogue(store: RecordStore) -> tuple[dict[str, str], set[str], pl.DataFrame]:
    agencies = store.read("agencies")
    procedures = store.read("procedures")
    tree = dict(
        zip(agencies["agency_id"].to_list(), agencies["province_code"].to_list(), strict=True)
    )
    return tree, set(procedures["procedure_code"].to_list()), procedures


def ingest_files(
    store: RecordStore,
    paths: Sequence[str | Path],
    calendar: WorkingCalendar,
    *,
    allow_invalid: bool = False,
    on_record: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read, check and upsert every record of ``paths``; see the module text for the rules."""
    agencies, procedure_codes, procedures = _catalogue(store)
    if not agencies or not procedure_codes:
        msg = "the store has no agency tree or procedure catalogue; load them first (--agencies, --procedures)"
        raise DataValidationError(msg, where=str(store.root))
    rows: list[dict[str, Any]] = []
    lines: list[tuple[str, int]] = []
    events: list[dict[str, Any]] = []
    issues: list[Issue] = []
    records = 0
    bad_lines: set[tuple[str, int]] = set()
    for raw_path in paths:
        path = Path(raw_path)
        try:
            iterator = list(_records(path))
        except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError, csv.Error) as error:
            issues.append(Issue(f"cannot read the file: {str(error)[:160]}", where=path.name))
            continue
        for line, record, problem in iterator:
            records += 1
            if problem is not None:
                issues.append(problem)
                bad_lines.add((path.name, line))
                continue
            row, found_events, found = dossier_from_portal(
                record, where=path.name, line=line, agencies=agencies, procedures=procedure_codes
            )
            if found or row is None:
                issues.extend(found)
                bad_lines.add((path.name, line))
                continue
            rows.append(row)
            lines.append((path.name, line))
            events.extend(found_events)
            if on_record is not None:
                on_record(1)
    schema = TABLES["dossiers"].schema
    batch = pl.DataFrame(
        rows,
        schema={k: v for k, v in schema.items() if k not in _DERIVED},
    )
    conflicts = batch_conflicts(batch, lines)
    if conflicts:
        issues.extend(conflicts)
        located = {(issue.where, issue.row) for issue in conflicts}
        codes = {
            str(row["dossier_code"])
            for row, place in zip(rows, lines, strict=True)
            if place in located
        }
        keep = ~batch["dossier_code"].is_in(list(codes))
        left = batch.filter(~keep).height
        batch = batch.filter(keep)
        events = [event for event in events if event["dossier_code"] not in codes]
    else:
        left = 0
    left_out = len(bad_lines) + left
    if issues and not allow_invalid:
        msg = f"{len(issues)} problem(s) in the records; nothing was loaded (use --allow-invalid to load the rest)"
        raise DataValidationError(msg, where=", ".join(Path(p).name for p in paths), issues=issues)
    stored = _upsert(
        store, batch, pl.DataFrame(events, schema=TABLES["events"].schema), procedures, calendar
    )
    return IngestReport(
        tuple(str(p) for p in paths),
        records,
        batch["dossier_code"].n_unique(),
        left_out,
        len(events),
        tuple(issues),
        stored,
    )


def _upsert(
    store: RecordStore,
    batch: pl.DataFrame,
    events: pl.DataFrame,
    procedures: pl.DataFrame,
    calendar: WorkingCalendar,
) -> int:
    """Merge ``batch`` into the stored partitions of its provinces; returns dossiers stored."""
    staged: list[tuple[str, str, str, pl.DataFrame]] = []
    for province in batch["province_code"].unique().to_list():
        incoming = batch.filter(pl.col("province_code") == province)
        existing = _read_partitions(store, "dossiers", province)
        merged = merge_dossiers(existing.drop(*_DERIVED, strict=False), incoming)
        completed = complete_dossiers(merged, procedures, calendar)
        old_events = _read_partitions(store, "events", province)
        codes = completed.select("dossier_code", "month")
        new_events = events.join(codes, on="dossier_code", how="inner")
        all_events = pl.concat(
            [old_events.drop("month").join(codes, on="dossier_code", how="inner"), new_events],
            how="vertical_relaxed",
        ).unique(subset=list(TABLES["events"].key), keep="first", maintain_order=True)
        for month in completed["month"].unique().to_list():
            staged.append(("dossiers", province, month, completed.filter(pl.col("month") == month)))
            month_events = all_events.filter(pl.col("month") == month)
            if month_events.height:
                staged.append(("events", province, month, month_events.drop("month")))
        for stale in _stale_months(store, province, set(completed["month"].to_list())):
            stale.unlink()
    for table, province, month, frame in staged:
        store.write(table, frame, province_code=province, month=month)
    store.write_catalogue()
    return store.read("dossiers").height


def _read_partitions(store: RecordStore, table: str, province: str) -> pl.DataFrame:
    folder = store.path(table) / province
    files = sorted(folder.rglob("*.parquet")) if folder.exists() else []
    if not files:
        empty = TABLES[table].empty()
        return (
            empty.with_columns(pl.lit(None, pl.String).alias("month"))
            if table == "events"
            else empty
        )
    frames = []
    for file in files:
        frame = pl.read_parquet(file)
        if table == "events":
            frame = frame.with_columns(pl.lit(file.parent.name).alias("month"))
        frames.append(frame)
    return pl.concat(frames, how="vertical_relaxed")


def _stale_months(store: RecordStore, province: str, months: set[str]) -> list[Path]:
    folder = store.path("dossiers") / province
    if not folder.exists():
        return []
    return [file for file in folder.rglob("*.parquet") if file.parent.name not in months]


#: Allowed values of reference-table columns, checked on load.
_ALLOWED: dict[tuple[str, str], tuple[object, ...]] = {
    ("publications", "action"): ("add", "amend", "abolish"),
    ("publications", "components_published"): tuple(range(8)),
}


def _as_local_seconds(column: pl.Series) -> pl.Series:
    """Times given as text (ISO 8601 with or without offset, or the portal's compact form)
    become local seconds; text that is not a time becomes null (and is reported)."""
    values = []
    for value in column.to_list():
        try:
            values.append(parse_time(value) if not str(value).lstrip("-").isdigit() else int(value))
        except (ValueError, TypeError):
            values.append(None)
    return pl.Series(column.name, values, dtype=pl.Int64)


def load_reference(
    store: RecordStore, table: str, path: str | Path, calendar: WorkingCalendar | None = None
) -> int:
    """Load the procedure catalogue, the agency tree or the procedure publications (which need
    ``calendar`` for their working-day deadlines) from CSV or Parquet (schema columns)."""
    typed = read_table_file(table, path)
    if table == "publications":
        if calendar is None:
            msg = "procedure publications need the working calendar for their deadlines"
            raise DataValidationError(msg, where=Path(path).name)
        typed = complete_publications(typed, calendar)
    store.write(table, typed)
    store.write_catalogue()
    return typed.height


def read_table_file(table: str, path: str | Path) -> pl.DataFrame:
    """Rows of a CSV or Parquet file typed as record table ``table``; every unreadable value,
    missing required value, value not allowed and repeated key is one issue (file, row,
    column) and nothing is returned if there is any."""
    source = Path(path)
    spec = TABLES[table]
    try:
        frame = (
            pl.read_parquet(source)
            if source.suffix.lower() == ".parquet"
            else pl.read_csv(source, infer_schema_length=0)
        )
    except (OSError, pl.exceptions.PolarsError) as error:
        msg = f"cannot read {source.name}: {str(error)[:160]}"
        raise DataValidationError(msg, where=source.name) from error
    missing = [name for name in spec.required if name not in frame.columns]
    if missing:
        msg = f"{source.name}: required column(s) missing: {', '.join(missing)}"
        raise DataValidationError(
            msg, where=source.name, found=frame.columns, expected=list(spec.required)
        )
    issues = []
    typed_columns: list[pl.Expr | pl.Series] = []
    for name, dtype in spec.schema.items():
        if name not in frame.columns:
            typed_columns.append(pl.lit(None, dtype).alias(name))
            continue
        column = frame[name]
        if dtype == pl.Int64() and name.endswith("_at") and column.dtype == pl.String:
            converted = _as_local_seconds(column)
            for index in (converted.is_null() & column.is_not_null()).arg_true().to_list()[:20]:
                issues.append(
                    Issue(
                        "cannot read as a time",
                        where=source.name,
                        row=index + 2,
                        column=name,
                        found=column[index],
                        expected="ISO 8601 time, e.g. 2025-03-03T09:00:00+07:00",
                    )
                )
            typed_columns.append(converted)
            continue
        if dtype == pl.Boolean() and column.dtype == pl.String:
            column = column.str.to_lowercase().replace_strict(
                {"true": True, "1": True, "false": False, "0": False, "": None},
                default=None,
                return_dtype=pl.Boolean,
            )
        converted = column.cast(dtype, strict=False)
        bad = converted.is_null() & column.is_not_null()
        for index in bad.arg_true().to_list()[:20]:
            issues.append(
                Issue(
                    f"cannot read as {dtype}",
                    where=source.name,
                    row=index + 2,
                    column=name,
                    found=column[index],
                )
            )
        typed_columns.append(converted.alias(name))
    typed = frame.select(typed_columns)
    for name in spec.required:
        for index in typed[name].is_null().arg_true().to_list()[:20]:
            issues.append(
                Issue("a value is required", where=source.name, row=index + 2, column=name)
            )
    for (allowed_table, name), allowed in _ALLOWED.items():
        if allowed_table != table:
            continue
        column = typed[name]
        outside = column.is_not_null() & ~column.is_in(list(allowed))
        for index in outside.arg_true().to_list()[:20]:
            issues.append(
                Issue(
                    "value not allowed",
                    where=source.name,
                    row=index + 2,
                    column=name,
                    found=column[index],
                    expected=", ".join(str(value) for value in allowed),
                )
            )
    for index in typed[spec.key[0]].is_duplicated().arg_true().to_list()[:20]:
        issues.append(
            Issue(
                "duplicate key",
                where=source.name,
                row=index + 2,
                column=spec.key[0],
                found=typed[spec.key[0]][index],
            )
        )
    if issues:
        msg = f"{source.name}: {len(issues)} problem(s); nothing was loaded"
        raise DataValidationError(msg, where=source.name, issues=issues)
    return typed
