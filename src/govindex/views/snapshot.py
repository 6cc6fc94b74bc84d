"""An in-memory, read-only copy of what the dashboard shows, taken from a run store.

Runs never change once stored, so the dashboard reads the store once and answers every
request from memory: no database connection is shared between request threads, and a
page costs a few table filters. :meth:`Snapshot.load` is the only place that reads the
store; a new run becomes visible when the snapshot is taken again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from threading import Lock
from types import MappingProxyType
from typing import Any, TypeVar

import polars as pl

from govindex.errors import GovIndexError
from govindex.manifest import RunManifest
from govindex.scores.noise_rule import DIFFERENCE_COLUMNS
from govindex.scores.registry import InstrumentEntry, instrument, registered
from govindex.storage import RunStore

__all__ = ["Snapshot", "SnapshotCache"]

_Kept = TypeVar("_Kept")


class SnapshotCache:
    """Selections already made from one snapshot, kept as long as the snapshot is.

    A snapshot never changes, so what a page selected from it stays true; the cache lives
    and dies with its snapshot (never process-wide), and a new snapshot starts empty.

    Examples
    --------
    >>> cache = SnapshotCache()
    >>> cache.get(("answer",), lambda: 42), cache.get(("answer",), lambda: 0)
    (42, 42)
    """

    def __init__(self) -> None:
        self._kept: dict[Hashable, Any] = {}
        self._lock = Lock()

    def get(self, key: Hashable, build: Callable[[], _Kept]) -> _Kept:
        """The value kept under ``key``, built (once) by ``build`` if there is none yet."""
        with self._lock:
            if key in self._kept:
                kept: _Kept = self._kept[key]
                return kept
        value = build()
        with self._lock:
            self._kept.setdefault(key, value)
            kept = self._kept[key]
        return kept


_SCORE_TABLE_KINDS = frozenset({"assessment", "records"})

_NAME_COLUMNS = ("level", "code", "name_en", "name_vi")
_RUN_NAME_COLUMNS = ("run_id", *_NAME_COLUMNS)
_DIAGNOSIS_TABLES = ("diagnosis_changes", "diagnosis_priorities", "diagnosis_notes")


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The stored runs a dashboard shows, held in memory.

    ``datasets`` has one row per run and year (``run_id``, ``kind``, ``year``,
    ``synthetic``, ``source``, ``created_at``); ``scores`` the scores of every run that no
    other run supersedes; ``record`` the official record (long layout)
    of every published run; ``national`` the national figures of microdata runs; ``names``
    the English and Vietnamese name of every item code; ``run_names`` the names a microdata
    run stored with its scores (its own spec's wording) where they differ from the bundled
    spec's, with a ``run_id`` column (:meth:`names_of` gives a run's names).

    ``instruments`` maps every run to its registered instrument (the registry's
    ``owns_run``). Runs of instruments shown by the score-table pages also bring their
    stored ``score_table`` rows (``score_tables``), ``national_differences``
    (``differences``) and ``levels`` (``level_names``), each with a ``run_id`` column.
    ``units`` holds every PAPI run's scores on the 34 units of July 2025 (``units_2025``,
    stored by the run's producer), with a ``run_id`` column. ``diagnoses`` holds the
    published runs' stored ``diagnosis_changes``, ``diagnosis_priorities`` and
    ``diagnosis_notes`` (every province's diagnosis in the run's year), each with a ``run_id``.
    """

    store_path: str
    manifests: tuple[RunManifest, ...]
    datasets: pl.DataFrame
    scores: pl.DataFrame
    record: pl.DataFrame
    national: pl.DataFrame
    names: pl.DataFrame
    instruments: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    score_tables: pl.DataFrame = field(default_factory=pl.DataFrame)
    differences: pl.DataFrame = field(default_factory=pl.DataFrame)
    level_names: pl.DataFrame = field(default_factory=pl.DataFrame)
    other_manifests: tuple[RunManifest, ...] = ()
    units: pl.DataFrame = field(default_factory=pl.DataFrame)
    diagnoses: Mapping[str, pl.DataFrame] = field(default_factory=lambda: MappingProxyType({}))
    # Not an init field: a snapshot made from another (``dataclasses.replace``) holds other
    # tables, so it starts with an empty cache rather than sharing the first one's.
    cache: SnapshotCache = field(
        default_factory=SnapshotCache, init=False, repr=False, compare=False
    )
    period_manifests: tuple[RunManifest, ...] = ()
    run_names: pl.DataFrame = field(default_factory=lambda: _no_run_names())
    period_tables: Mapping[str, Mapping[str, pl.DataFrame]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Runs of instruments scored by period (``pages="periods"``) and, per run, the tables
    their producer published for the pages (the entry's ``derived_tables``)."""

    @classmethod
    def load(cls, store: RunStore) -> Snapshot:
        """Read every current run of ``store`` into memory.

        Examples
        --------
        >>> loaded = Snapshot.load(store)
        >>> loaded.datasets.columns[:3], sorted(set(loaded.datasets["year"]))
        (['run_id', 'kind', 'year'], [2023, 2024])
        """
        everything = store.query_scores()
        current = set(everything["run_id"].unique().to_list())
        # Runs of instruments that publish no long scores rows (PAR assessments, one-stop
        # records) are current through their score table alone.
        every_run = tuple(
            m for m in store.list_runs() if m.run_id in current or m.kind in _SCORE_TABLE_KINDS
        )
        instruments = {m.run_id: _owner(m) for m in every_run}
        # PAPI's pages (and every table below) see only the runs they show; the runs of
        # instruments with score-table pages are read from their stored score tables.
        page_kinds: dict[str, str] = {entry.id: entry.pages for entry in registered()}
        manifests = tuple(m for m in every_run if page_kinds.get(instruments[m.run_id]) == "papi")
        shown = {m.run_id for m in manifests}
        scores = _with_stored_groups(
            store, manifests, everything.filter(pl.col("run_id").is_in(shown))
        )
        datasets = _datasets(manifests, scores)
        others = tuple(
            m for m in every_run if page_kinds.get(instruments[m.run_id]) == "score_table"
        )
        score_tables, differences, level_names = _score_table_runs(store, others)
        periodic = tuple(m for m in every_run if page_kinds.get(instruments[m.run_id]) == "periods")
        period_tables = {m.run_id: _period_run_tables(store, m, instruments) for m in periodic}
        records: list[pl.DataFrame] = []
        nationals: list[pl.DataFrame] = []
        units: list[pl.DataFrame] = []
        run_names: list[pl.DataFrame] = []
        diagnoses: dict[str, list[pl.DataFrame]] = {name: [] for name in _DIAGNOSIS_TABLES}
        for manifest in manifests:
            tables = store.run_tables(manifest.run_id)
            for name in _DIAGNOSIS_TABLES:
                if manifest.kind == "published" and name in tables:
                    diagnoses[name].append(
                        store.read_table(manifest.run_id, name).with_columns(
                            pl.lit(manifest.run_id).alias("run_id")
                        )
                    )
            if "units_2025" in tables:
                unit_table = store.read_table(manifest.run_id, "units_2025")
                units.append(unit_table.with_columns(pl.lit(manifest.run_id).alias("run_id")))
            if manifest.kind == "published" and "official_record" in tables:
                records.append(store.read_table(manifest.run_id, "official_record"))
            if manifest.kind == "microdata" and "national" in tables:
                national = store.read_table(manifest.run_id, "national")
                nationals.append(national.with_columns(pl.lit(manifest.run_id).alias("run_id")))
            if manifest.kind == "microdata" and "score_table" in tables:
                run_names.append(_own_names(store, manifest.run_id))
        record = pl.concat(records, how="diagonal_relaxed") if records else pl.DataFrame()
        national = pl.concat(nationals, how="diagonal_relaxed") if nationals else pl.DataFrame()
        return cls(
            store_path=str(store.path),
            manifests=manifests,
            datasets=datasets,
            scores=scores,
            record=record,
            national=national,
            names=_names(record, scores),
            instruments=MappingProxyType(instruments),
            score_tables=score_tables,
            differences=differences,
            level_names=level_names,
            other_manifests=others,
            units=pl.concat(units, how="diagonal_relaxed") if units else pl.DataFrame(),
            diagnoses=MappingProxyType(
                {
                    name: pl.concat(frames, how="diagonal_relaxed")
                    for name, frames in diagnoses.items()
                    if frames
                }
            ),
            period_manifests=periodic,
            run_names=pl.concat(run_names) if run_names else _no_run_names(),
            period_tables=MappingProxyType(period_tables),
        )

    def runs_of(self, instrument_id: str) -> list[RunManifest]:
        """The manifests of ``instrument_id``'s runs shown by the score-table pages."""
        return [m for m in self.other_manifests if self.instruments[m.run_id] == instrument_id]

    def any_manifest(self, run_id: str) -> RunManifest:
        """The manifest of any run in the snapshot, whatever pages show it."""
        every = (*self.manifests, *self.other_manifests, *self.period_manifests)
        return next(m for m in every if m.run_id == run_id)

    def manifest(self, run_id: str) -> RunManifest:
        """Return the manifest of a run in the snapshot (the caller checked it exists)."""
        return next(m for m in self.manifests if m.run_id == run_id)

    def names_of(self, run_id: str) -> pl.DataFrame:
        """The English and Vietnamese name of every item code as run ``run_id`` shows them:
        the names it stored with its scores where its spec worded an item differently from
        the bundled spec, and :attr:`names` for everything else.

        Examples
        --------
        >>> published = snapshot.datasets.filter(year=2024)["run_id"][0]
        >>> snapshot.names_of(published).filter(level="dimension", code="1").row(0)[2:]
        ('Participation at Local Levels', 'Tham gia của người dân ở cấp cơ sở')
        """
        own = self.run_names.filter(pl.col("run_id") == run_id).drop("run_id")
        if own.is_empty():
            return self.names
        return self.cache.get(
            ("names_of", run_id),
            lambda: self.names.update(own, on=["level", "code"], how="full").select(_NAME_COLUMNS),
        )

    def describe_run(self, run_id: str) -> dict[str, Any]:
        """Return what a page says about its source: id, kind, source, synthetic, created."""
        manifest = self.any_manifest(run_id)
        return {
            "run_id": manifest.run_id,
            "kind": manifest.kind,
            "source": manifest.source,
            "synthetic": manifest.synthetic,
            "created_at": manifest.created_at,
            "parameters": _file_names(dict(manifest.parameters)),
        }


def _with_stored_groups(
    store: RunStore, manifests: tuple[RunManifest, ...], scores: pl.DataFrame
) -> pl.DataFrame:
    """``scores`` with the groups each published run's producer stored in its score table.

    The official record's long scores carry no groups: they are cut when the record is
    imported and kept in the run's ``score_table`` (the one source of its published numbers).
    """
    frames = []
    for manifest in manifests:
        if manifest.kind != "published" or "score_table" not in store.run_tables(manifest.run_id):
            continue
        table = store.read_table(manifest.run_id, "score_table")
        frames.append(
            table.select(
                pl.lit(manifest.run_id).alias("run_id"),
                pl.col("period").cast(pl.Int32, strict=False).alias("year"),
                pl.col("unit").alias("province"),
                "level",
                "code",
                pl.col("group").cast(pl.String).alias("_stored_group"),
            )
        )
    if not frames:
        return scores
    keys = ["run_id", "year", "province", "level", "code"]
    groups = pl.concat(frames).unique(keys)
    return (
        scores.join(groups, on=keys, how="left", coalesce=True)
        .with_columns(pl.coalesce("_stored_group", pl.col("group").cast(pl.String)).alias("group"))
        .drop("_stored_group")
    )


def _owner(manifest: RunManifest) -> str:
    """The registered instrument that owns a stored run (``unregistered`` if none does).

    A run naming an instrument govindex does not know is left off every page rather than
    stopping the whole dashboard.
    """
    entries: tuple[InstrumentEntry, ...] = registered()
    for entry in entries:
        try:
            owns = entry.owns_run(manifest.parameters)
        except GovIndexError:
            return "unregistered"
        if owns:
            return entry.id
    return "unregistered"


def _period_run_tables(
    store: RunStore, manifest: RunManifest, instruments: Mapping[str, str]
) -> Mapping[str, pl.DataFrame]:
    """The tables a period-scored run's pages read: the tables its instrument's entry names
    (a table the run was stored without is simply absent). The run's score table is not
    read: the pages select from the tables published from it, and the scorecard reads its
    own stored rows."""
    stored = store.run_tables(manifest.run_id)
    wanted = instrument(instruments[manifest.run_id]).derived_tables
    return MappingProxyType(
        {name: store.read_table(manifest.run_id, name) for name in wanted if name in stored}
    )


def _score_table_runs(
    store: RunStore, manifests: tuple[RunManifest, ...]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The stored score tables, national differences and level names of ``manifests``.

    The differences are those the run's producer stored (runs of an older store get them
    when it is upgraded); a run without them shows none.
    """
    tables: list[pl.DataFrame] = []
    differences: list[pl.DataFrame] = []
    levels: list[pl.DataFrame] = []
    for manifest in manifests:
        stored = store.run_tables(manifest.run_id)
        if "score_table" not in stored:
            continue
        table = store.read_table(manifest.run_id, "score_table")
        tables.append(table)
        if "national_differences" in stored:
            difference = store.read_table(manifest.run_id, "national_differences")
        else:
            difference = pl.DataFrame(schema=DIFFERENCE_COLUMNS)
        run_column = pl.lit(manifest.run_id).alias("run_id")
        differences.append(difference.with_columns(run_column))
        if "levels" in stored:
            levels.append(store.read_table(manifest.run_id, "levels").with_columns(run_column))

    def joined(frames: list[pl.DataFrame]) -> pl.DataFrame:
        return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()

    return joined(tables), joined(differences), joined(levels)


def _file_names(value: Any) -> Any:
    """``value`` with absolute paths cut to file names: a page never shows server folders."""
    if isinstance(value, str) and value.startswith("/") and value.count("/") > 1:
        return PurePosixPath(value).name
    if isinstance(value, dict):
        return {key: _file_names(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_file_names(item) for item in value]
    return value


def _datasets(manifests: tuple[RunManifest, ...], scores: pl.DataFrame) -> pl.DataFrame:
    years = scores.group_by("run_id").agg(pl.col("year").unique().sort())
    by_run = dict(zip(years["run_id"].to_list(), years["year"].to_list(), strict=True))
    rows = [
        {
            "run_id": manifest.run_id,
            "kind": manifest.kind,
            "year": int(year),
            "synthetic": manifest.synthetic,
            "source": manifest.source,
            "created_at": str(manifest.created_at),
        }
        for manifest in manifests
        for year in by_run.get(manifest.run_id, [])
    ]
    schema = {
        "run_id": pl.String,
        "kind": pl.String,
        "year": pl.Int32,
        "synthetic": pl.Boolean,
        "source": pl.String,
        "created_at": pl.String,
    }
    # Runs stored in the same second (the demo stores several) are told apart by their id.
    return pl.DataFrame(rows, schema=schema).sort("year", "kind", "created_at", "run_id")


def _names(record: pl.DataFrame, scores: pl.DataFrame) -> pl.DataFrame:
    """One English and one Vietnamese name per (level, code); the newest year's wording wins."""
    frames: list[pl.DataFrame] = []
    if record.height:
        frames.append(
            record.filter(pl.col("label_en").is_not_null())
            .sort("year", descending=True)
            .select(
                "level",
                "code",
                pl.col("label_en").alias("name_en"),
                pl.col("label_vi").alias("name_vi"),
            )
        )
    microdata_names = _spec_names()
    if microdata_names.height:
        frames.append(microdata_names)
    frames.append(
        scores.filter(pl.col("name").is_not_null())
        .sort("year", descending=True)
        .select(
            "level",
            "code",
            pl.col("name").alias("name_en"),
            pl.lit(None, pl.String).alias("name_vi"),
        )
    )
    names = pl.concat(frames, how="vertical_relaxed").unique(
        subset=["level", "code"], keep="first", maintain_order=True
    )
    total = pl.DataFrame(
        {
            "level": ["total"],
            "code": ["total"],
            "name_en": ["PAPI total"],
            "name_vi": ["Chỉ số PAPI tổng hợp"],
        }
    )
    return (
        pl.concat([total, names.filter(pl.col("level") != "total")], how="vertical_relaxed")
        .with_columns(pl.col("name_vi").fill_null(pl.col("name_en")))
        .select(_NAME_COLUMNS)
    )


def _no_run_names() -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(_RUN_NAME_COLUMNS, pl.String))


def _own_names(store: RunStore, run_id: str) -> pl.DataFrame:
    """The item names microdata run ``run_id`` stored with its score table, kept where its
    spec worded an item differently from the bundled spec (the run's own wording wins on its
    pages). Rows stored without a Vietnamese name (runs stored before names were kept with
    the score table) are left to the bundled names."""
    stored = (
        store.read_table(run_id, "score_table")
        .filter(pl.col("name_vi").is_not_null() & (pl.col("level") != "total"))
        .select(_NAME_COLUMNS)
        .unique(subset=["level", "code"], keep="first", maintain_order=True)
    )
    return stored.join(_spec_names(), on=list(_NAME_COLUMNS), how="anti").select(
        pl.lit(run_id).alias("run_id"), *_NAME_COLUMNS
    )


def _spec_names() -> pl.DataFrame:
    """Names of the bundled spec's items (the Vietnamese wording of microdata items)."""
    from govindex.spec import load_spec
    from govindex.spec.bundled import default_spec_path

    spec = load_spec(default_spec_path(2024))
    rows: list[dict[str, str]] = []
    for dimension in spec.dimensions:
        rows.append(
            {
                "level": "dimension",
                "code": dimension.code,
                "name_en": dimension.name.en,
                "name_vi": dimension.name.vi,
            }
        )
        for sub_dimension in dimension.sub_dimensions:
            rows.append(
                {
                    "level": "subdimension",
                    "code": sub_dimension.code,
                    "name_en": sub_dimension.name.en,
                    "name_vi": sub_dimension.name.vi,
                }
            )
    for indicator in spec.indicators:
        rows.append(
            {
                "level": "indicator",
                "code": indicator.code,
                "name_en": indicator.name.en,
                "name_vi": indicator.name.vi,
            }
        )
    return pl.DataFrame(rows, schema=dict.fromkeys(_NAME_COLUMNS, pl.String))
