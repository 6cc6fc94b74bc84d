"""The runs page: every stored run a dashboard can show, in an order that does not depend on
which run was stored first.

Three tables: ``runs`` (PAPI's published record and survey runs, one row per run and year),
``instrument_runs`` (runs of the instruments with score-table pages, SIPAS and the PAR
Index, one row per run and year) and ``period_runs`` (runs of an index scored by period,
the one-stop 766 index: one row per run with the range of periods it covers). The demo
makes its runs in two processes, so creation times do not order them: the instruments
come in the registry's order, then by year or period, then by run id.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from govindex.manifest import RunManifest
from govindex.onestop.periods import parse_period
from govindex.scores.registry import registered
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = ["runs_view"]

_KIND_ORDER = ("year", "quarter", "month", "week", "custom")

_INSTRUMENT_RUNS_SCHEMA = {
    "run_id": pl.String,
    "instrument": pl.String,
    "year": pl.Int32,
    "synthetic": pl.Boolean,
    "source": pl.String,
    "created_at": pl.String,
}

_PERIOD_RUNS_SCHEMA = {
    "run_id": pl.String,
    "instrument": pl.String,
    "kind": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "periods": pl.Int64,
    "period_kinds": pl.String,
    "newest_period": pl.String,
    "synthetic": pl.Boolean,
    "source": pl.String,
    "profile": pl.String,
    "engine": pl.String,
    "created_at": pl.String,
}


def _registry_order() -> dict[str, int]:
    return {entry.id: number for number, entry in enumerate(registered())}


def _instrument_runs(snapshot: Snapshot) -> pl.DataFrame:
    rows = [
        {
            "run_id": manifest.run_id,
            "instrument": snapshot.instruments[manifest.run_id],
            "year": int(period),
            "synthetic": manifest.synthetic,
            "source": manifest.source,
            "created_at": str(manifest.created_at),
        }
        for manifest in snapshot.other_manifests
        for period in snapshot.score_tables.filter(pl.col("run_id") == manifest.run_id)["period"]
        .unique()
        .sort()
        .to_list()
        if str(period).isdigit()
    ]
    order = _registry_order()
    rows.sort(
        key=lambda row: (
            order.get(str(row["instrument"]), 99),
            str(row["year"]),
            str(row["run_id"]),
        )
    )
    return pl.DataFrame(rows, schema=_INSTRUMENT_RUNS_SCHEMA)


def _period_run(snapshot: Snapshot, manifest: RunManifest) -> dict[str, Any]:
    parameters = manifest.parameters
    periods = [parse_period(str(text)) for text in parameters.get("periods", ())]
    kinds = sorted(
        {period.kind for period in periods},
        key=lambda kind: _KIND_ORDER.index(kind) if kind in _KIND_ORDER else 99,
    )
    # The period a page opens by default: the newest of the run's longest kind.
    longest = [period for period in periods if kinds and period.kind == kinds[0]]
    newest = max(longest, key=lambda period: (period.start, period.end), default=None)
    return {
        "run_id": manifest.run_id,
        "instrument": snapshot.instruments[manifest.run_id],
        "kind": manifest.kind,
        "period_start": min((period.start for period in periods), default=None),
        "period_end": max((period.end for period in periods), default=None),
        "periods": len(periods),
        "period_kinds": ", ".join(kinds),
        "newest_period": None if newest is None else newest.period_id,
        "synthetic": manifest.synthetic,
        "source": manifest.source,
        "profile": str(parameters.get("profile", "")) or None,
        "engine": str(parameters.get("engine", "")) or None,
        "created_at": str(manifest.created_at),
    }


def _period_runs(snapshot: Snapshot) -> pl.DataFrame:
    rows = [_period_run(snapshot, manifest) for manifest in snapshot.period_manifests]
    order = _registry_order()
    rows.sort(
        key=lambda row: (
            order.get(str(row["instrument"]), 99),
            str(row["period_start"]),
            str(row["period_end"]),
            row["run_id"],
        )
    )
    return pl.DataFrame(rows, schema=_PERIOD_RUNS_SCHEMA)


def runs_view(snapshot: Snapshot) -> View:
    """The stored runs a dashboard can show (see the module's note for its tables).

    Examples
    --------
    >>> view = runs_view(snapshot)
    >>> view.table("runs").columns[:3], view.table("instrument_runs")["instrument"].to_list()
    (['run_id', 'kind', 'year'], ['par'])
    >>> view.table("period_runs").select("instrument", "period_start", "periods").rows()
    [('onestop', datetime.date(2025, 1, 1), 1)]
    """
    tables = {"runs": snapshot.datasets}
    if snapshot.other_manifests:
        tables["instrument_runs"] = _instrument_runs(snapshot)
    if snapshot.period_manifests:
        tables["period_runs"] = _period_runs(snapshot)
    return View("runs", {}, {}, tables)
