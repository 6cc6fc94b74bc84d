"""Incremental scoring: current periods are recomputed, closed periods keep their snapshot.

A period is closed once the ``as of`` time is past its end. Its scores are computed once, as
of its end, and stored under ``<store>/scores/<period>.parquet`` with ``closed`` metadata;
later refreshes read them back untouched, so a dossier pending within its due date at the end
of March stays on time in March's published score even when April's events make it late.
Open periods (and closed ones never scored) are refreshed on each call — only those. With the
DuckDB engine on record files, the open periods' facts are kept
(:mod:`govindex.onestop_engines.open_periods`), so appending a day of records costs the
dossiers that changed, not the month; otherwise (or when the kept state no longer fits) the
open periods are rescored from all their records, and the report says why.

Examples
--------
>>> import tempfile
>>> snapshots = ScoreSnapshots(tempfile.mkdtemp())
>>> snapshots.closed_periods()
[]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as parquet  # type: ignore[import-untyped]

from govindex.onestop.periods import Period
from govindex.onestop.profile import ResolvedProfile
from govindex.onestop_engines.engines import DuckDBEngine, Engine
from govindex.onestop_engines.open_periods import OpenPeriodState
from govindex.onestop_engines.scorecard import Scorecard, score_records

__all__ = ["ALL_KEPT", "RefreshReport", "ScoreSnapshots", "refresh_scores"]

#: The reason of a refresh that recomputed nothing (mode ``kept``).
ALL_KEPT = "every period is closed and keeps its snapshot"


@dataclass(frozen=True)
class RefreshReport:
    """Which periods were recomputed and which kept their closed snapshot; ``mode`` is
    ``incremental`` (only changed dossiers recomputed), ``full`` (with the ``reason``) or
    ``kept`` (every period asked is closed and its snapshot kept, nothing recomputed: the
    reason is :data:`ALL_KEPT`), ``recomputed_dossiers`` how many dossiers' facts were
    derived from their records."""

    computed: tuple[str, ...]
    kept: tuple[str, ...]
    scores: pl.DataFrame
    mode: str = "full"
    reason: str = ""
    recomputed_dossiers: int = 0


class ScoreSnapshots:
    """Stored score rows, one Parquet file per period."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root) / "scores"
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, period_id: str) -> Path:
        return self.root / f"{period_id.replace('..', '_to_')}.parquet"

    def closed_periods(self) -> list[str]:
        """Periods whose stored snapshot is closed."""
        found = []
        for path in sorted(self.root.glob("*.parquet")):
            metadata = parquet.read_schema(path).metadata or {}
            if metadata.get(b"govindex.closed") == b"true":
                found.append(metadata[b"govindex.period"].decode())
        return found

    def read(self, period_id: str) -> pl.DataFrame:
        """The stored rows of a period."""
        return pl.read_parquet(self._path(period_id))

    def write(self, period_id: str, frame: pl.DataFrame, *, closed: bool, as_of: int) -> None:
        """Store a period's rows (atomically)."""
        table = frame.to_arrow()
        tags = {
            b"govindex.period": period_id.encode(),
            b"govindex.closed": str(closed).lower().encode(),
            b"govindex.as_of": str(as_of).encode(),
        }
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **tags})
        target = self._path(period_id)
        temporary = target.with_suffix(".tmp")
        parquet.write_table(table, temporary)
        os.replace(temporary, target)


def refresh_scores(
    snapshots: ScoreSnapshots,
    engine: Engine,
    profile: ResolvedProfile,
    periods: Sequence[Period],
    as_of: int,
    geographies: Sequence[str] = ("province", "agency"),
    *,
    synthetic: bool = False,
    incremental: bool = True,
) -> RefreshReport:
    """Refresh open periods (and unscored closed ones); keep closed snapshots.

    With ``incremental`` (and the DuckDB engine reading record files) only the dossiers whose
    facts can have changed since the previous refresh are recomputed; otherwise every record
    of the open periods is scored again.
    """
    closed = set(snapshots.closed_periods())
    kept = [period for period in periods if period.period_id in closed and period.end_s < as_of]
    todo = [period for period in periods if period not in kept]
    parts = [snapshots.read(period.period_id) for period in kept]
    # Nothing to recompute is neither an incremental update nor a full rescore.
    mode, reason, recomputed = "kept", ALL_KEPT, 0
    if todo:
        provenance = f"as_of:{as_of}"
        state = OpenPeriodState(snapshots.root / "open-periods.duckdb")
        card: Scorecard
        if incremental and isinstance(engine, DuckDBEngine) and "dossiers" in engine.globs:
            update = state.refresh(
                engine,
                profile,
                todo,
                as_of,
                geographies,
                provenance=provenance,
                synthetic=synthetic,
            )
            card, mode, reason, recomputed = (
                update.card,
                update.mode,
                update.reason,
                update.recomputed_dossiers,
            )
        else:
            mode = "full"
            reason = (
                "incremental refresh not asked"
                if not incremental
                else ("the engine keeps no state of the open periods")
            )
            card = score_records(
                engine,
                profile,
                todo,
                geographies,
                as_of=as_of,
                synthetic=synthetic,
                provenance=provenance,
            )
        fresh = card.published()
        for period in todo:
            rows = fresh.filter(pl.col("period") == period.period_id)
            snapshots.write(period.period_id, rows, closed=period.end_s < as_of, as_of=as_of)
            parts.append(rows)
    scores = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()
    return RefreshReport(
        tuple(p.period_id for p in todo),
        tuple(p.period_id for p in kept),
        scores,
        mode=mode,
        reason=reason,
        recomputed_dossiers=recomputed,
    )
