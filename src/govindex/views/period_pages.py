"""The pages of an instrument scored by period (the one-stop 766 index): ranking and unit.

An instrument whose registry entry says ``pages="periods"`` is shown by these two views.
They only select from the tables the producer stored with the run
(:mod:`govindex.onestop.publication`): the ranking with the five groups, band and rank;
each unit's trend; its KPI tiles, channel mix and indicators, every number with its
numerator and denominator. Nothing is ranked, banded or differenced here.
"""

from __future__ import annotations

import difflib
from typing import Any

import polars as pl

from govindex.errors import NotFound, RunNotFound
from govindex.official.provinces import province_key
from govindex.onestop.publication import GROUP_CODES
from govindex.scores.registry import instrument
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = ["period_ranking", "period_unit", "resolve_period_run"]

_KIND_ORDER = {"year": 0, "quarter": 1, "month": 2, "week": 3, "range": 4}


def resolve_period_run(snapshot: Snapshot, instrument_id: str, run_id: str | None) -> str:
    """The run a page shows: ``run_id`` (a unique prefix) or the newest run of the instrument.

    Examples
    --------
    >>> resolve_period_run(snapshot, "onestop", None)
    '7308c4e2080862a8'
    """
    entry = instrument(instrument_id)
    manifests = sorted(
        (m for m in snapshot.period_manifests if snapshot.instruments[m.run_id] == entry.id),
        key=lambda m: str(m.created_at),
    )
    if not manifests:
        msg = f"the store holds no {entry.name_en} run; store one with `govindex onestop score`."
        raise NotFound(msg, where="instrument", found=instrument_id)
    if run_id is None:
        return manifests[-1].run_id
    ids = sorted({m.run_id for m in manifests if m.run_id.startswith(run_id)})
    if len(ids) != 1:
        state = "matches several runs" if ids else f"is not a stored {entry.id} run"
        msg = f"run `{run_id}` {state}."
        raise RunNotFound(msg, where="run", found=run_id, expected=ids or None)
    return ids[0]


def _table(snapshot: Snapshot, run_id: str, name: str) -> pl.DataFrame:
    tables = snapshot.period_tables.get(run_id, {})
    if name not in tables:
        msg = f"run `{run_id}` was stored without its `{name}` table; score it again to publish it."
        raise NotFound(msg, where="table", found=name)
    return tables[name]


def _periods(ranking: pl.DataFrame) -> list[dict[str, Any]]:
    periods = ranking.select("period", "period_kind", "period_start", "period_end").unique()
    rows = periods.to_dicts()
    # Longest periods first (the quarter a month belongs to), then in time order.
    rows.sort(key=lambda row: (_KIND_ORDER.get(row["period_kind"], 9), row["period_start"]))
    return rows


def _chosen_period(periods: list[dict[str, Any]], period: str | None) -> str:
    known = [row["period"] for row in periods]
    if period is None:
        # The newest period of the longest kind the run holds (a run's quarter, not a month).
        longest = [row for row in periods if row["period_kind"] == periods[0]["period_kind"]]
        return str(longest[-1]["period"])
    if period not in known:
        msg = f"the run has no period `{period}` (periods: {', '.join(known)})."
        raise NotFound(msg, where="period", found=period, expected=known)
    return period


def _meta(snapshot: Snapshot, instrument_id: str, run_id: str) -> dict[str, Any]:
    entry = instrument(instrument_id)
    run = snapshot.describe_run(run_id)
    return {
        "instrument": {"id": entry.id, "name_vi": entry.name_vi, "name_en": entry.name_en},
        "run": run,
        "synthetic": run["synthetic"],
        "profile": run["parameters"].get("profile"),
        "runs": [
            {"run_id": m.run_id, "synthetic": m.synthetic, "created_at": str(m.created_at)}
            for m in snapshot.period_manifests
            if snapshot.instruments[m.run_id] == entry.id
        ],
        "null_rule": (
            "a number without a denominator is null (no dossier to count), never 0; "
            "its reason says why"
        ),
    }


def period_ranking(
    snapshot: Snapshot,
    instrument_id: str,
    *,
    period: str | None = None,
    run_id: str | None = None,
    geography: str = "unit34",
) -> View:
    """Every unit of a period, best first: total, the five groups, band, rank among peers.

    Tables: ``ranking`` (the chosen period) and ``periods`` (every period the run holds).

    Examples
    --------
    >>> period_ranking(snapshot, "onestop").table("ranking").height
    22
    """
    chosen_run = resolve_period_run(snapshot, instrument_id, run_id)
    everything = _table(snapshot, chosen_run, "onestop_ranking").filter(
        pl.col("geography") == geography
    )
    periods = _periods(everything)
    chosen = _chosen_period(periods, period)
    ranking = everything.filter(pl.col("period") == chosen)
    meta = _meta(snapshot, instrument_id, chosen_run)
    meta["period"] = next(row for row in periods if row["period"] == chosen)
    meta["bands"] = ranking["band"].drop_nulls().unique(maintain_order=True).to_list()
    parameters = {
        "instrument": instrument_id,
        "run_id": chosen_run,
        "period": chosen,
        "geography": geography,
    }
    period_frame = pl.DataFrame(
        periods,
        schema={
            "period": pl.String,
            "period_kind": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
        },
    )
    return View(
        "instrument_period_ranking",
        parameters,
        meta,
        {"ranking": ranking, "periods": period_frame},
    )


def _in_decision_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Each group (in Decision 766's order) followed by its indicators (``2.1`` is group 2)."""
    groups = {code: number for number, code in enumerate(GROUP_CODES, start=1)}
    number = (
        pl.when(pl.col("level") == "group")
        .then(pl.col("code").replace_strict(groups, default=99, return_dtype=pl.Int64))
        .otherwise(pl.col("code").str.extract(r"^(\d+)", 1).cast(pl.Int64, strict=False))
    )
    return (
        frame.with_columns(
            number.fill_null(99).alias("_group"), (pl.col("level") != "group").alias("_after")
        )
        .sort("_group", "_after", "code")
        .drop("_group", "_after")
    )


def _unit_name(units: list[str], asked: str) -> str:
    by_key = {province_key(unit): unit for unit in units}
    key = province_key(asked)
    if key in by_key:
        return by_key[key]
    close = difflib.get_close_matches(key, list(by_key), n=3)
    suggestions = sorted(by_key[item] for item in close)
    hint = f"did you mean {', '.join(repr(item) for item in suggestions)}?" if close else None
    msg = f"`{asked}` is not a unit of this one-stop run."
    raise NotFound(msg, where="province", found=asked, expected=sorted(units), hint=hint)


def period_unit(
    snapshot: Snapshot,
    instrument_id: str,
    unit: str,
    *,
    period: str | None = None,
    run_id: str | None = None,
    geography: str = "unit34",
) -> View:
    """One unit's monitoring page for a period: KPI tiles, trend, channel mix, the
    indicators × periods heatmap and the drill-down to its indicators.

    Tables: ``kpis`` (the period's tiles with numerator and denominator), ``trend`` (every
    period's total, band, rank and change), ``channels``, ``indicators`` (the period's
    groups and indicators: points, maximum, ratio, numerator, denominator) and ``heatmap``
    (every indicator's ratio in the shorter periods inside the chosen one: the months of a
    year or a quarter, the weeks of a month; or else in every period of its kind); with a run that scored agencies, ``agencies`` (the drill-down: each
    department and commune with its groups, band and rank among the unit's agencies) and
    ``agency_late`` (late dossiers by agency and period, over the heatmap's periods).

    Examples
    --------
    >>> period_unit(snapshot, "onestop", "Quang Ninh").meta["unit"]
    'Quảng Ninh'
    """
    chosen_run = resolve_period_run(snapshot, instrument_id, run_id)
    ranking = _table(snapshot, chosen_run, "onestop_ranking").filter(
        pl.col("geography") == geography
    )
    name = _unit_name(sorted(ranking["unit"].unique().to_list()), unit)
    periods = _periods(ranking)
    chosen = _chosen_period(periods, period)
    kind = next(row["period_kind"] for row in periods if row["period"] == chosen)
    mine = (pl.col("geography") == geography) & (pl.col("unit") == name)
    standing = ranking.filter(pl.col("period") == chosen).filter(pl.col("unit") == name)
    trend = _table(snapshot, chosen_run, "onestop_trend").filter(mine)
    indicators = _table(snapshot, chosen_run, "onestop_indicators").filter(mine)
    span = next(row for row in periods if row["period"] == chosen)
    inside = [
        row
        for row in periods
        if _KIND_ORDER.get(row["period_kind"], 9) > _KIND_ORDER.get(kind, 9)
        and row["period_start"] >= span["period_start"]
        and row["period_end"] <= span["period_end"]
    ]
    # The heatmap splits a year or a quarter into the run's months (not into some 52
    # weeks), a month into its weeks; a period with nothing shorter inside it is shown
    # beside the other periods of its kind.
    shorter = sorted({_KIND_ORDER.get(row["period_kind"], 9) for row in inside})
    finest = next(
        (order for order in shorter if order >= _KIND_ORDER["month"]),
        shorter[-1] if shorter else None,
    )
    same_kind = sorted(
        (
            row
            for row in (inside or periods)
            if (
                _KIND_ORDER.get(row["period_kind"], 9) == finest
                if inside
                else row["period_kind"] == kind
            )
        ),
        key=lambda row: row["period_start"],
    )
    same_kind = [row["period"] for row in same_kind]
    heatmap = indicators.filter(
        (pl.col("level") == "indicator") & pl.col("period").is_in(same_kind)
    ).select("code", "name_vi", "name_en", "period", "ratio", "numerator", "denominator", "status")
    tables: dict[str, pl.DataFrame] = {
        "standing": standing,
        "trend": trend,
        "indicators": _in_decision_order(indicators.filter(pl.col("period") == chosen)),
        "heatmap": heatmap.sort("code", "period"),
    }
    stored = snapshot.period_tables.get(chosen_run, {})
    if "onestop_kpi_tiles" in stored:
        tables["kpis"] = stored["onestop_kpi_tiles"].filter(mine & (pl.col("period") == chosen))
    if "onestop_channels" in stored:
        tables["channels"] = stored["onestop_channels"].filter(mine & (pl.col("period") == chosen))
    if "onestop_agencies" in stored:
        # The drill-down: the unit's departments and communes (never a citizen's dossier).
        below = stored["onestop_agencies"].filter(pl.col("province") == name)
        tables["agencies"] = below.filter(pl.col("period") == chosen)
    if "onestop_agency_late" in stored:
        tables["agency_late"] = stored["onestop_agency_late"].filter(
            (pl.col("province") == name) & pl.col("period").is_in(same_kind)
        )
    meta = _meta(snapshot, instrument_id, chosen_run)
    meta["unit"] = name
    meta["period"] = next(row for row in periods if row["period"] == chosen)
    meta["periods"] = periods
    meta["heatmap_periods"] = same_kind
    parameters = {
        "instrument": instrument_id,
        "run_id": chosen_run,
        "province": name,
        "period": chosen,
        "geography": geography,
    }
    return View("instrument_period_unit", parameters, meta, tables)
