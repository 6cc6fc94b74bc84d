"""The pages of any instrument whose runs store a ScoreTable: overview, profile, compare, explorer.

Every registered instrument whose entry says ``pages="score_table"`` (SIPAS, and any
instrument added later) is shown by these four views, chosen by the registry and never by
name. They only select and join what the producer stored with each run: the ``score_table``
(estimates, SE, intervals, n, ranks and rank intervals), ``national_differences`` (each
province against the national mean, with the SE and interval of the difference) and
``levels`` (what the instrument calls its levels, and its scale). Nothing is estimated here.

Values reported by the press or the provinces (:mod:`govindex.official.reported_indices`)
are shown beside a computed run in their own table, each with who reported it and the
source address, never mixed into the computed rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from govindex.errors import NotFound, RunNotFound, SpecError
from govindex.scores.noise_rule import BEYOND_NOISE_RULE
from govindex.scores.registry import instrument
from govindex.views.explore import MAXIMUM_COMPARED
from govindex.views.profile import province_lookup
from govindex.views.selection import LEVEL_ORDER, with_province_names
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = [
    "instrument_compare",
    "instrument_explore",
    "instrument_overview",
    "instrument_profile",
    "resolve_instrument_run",
]

_ROW_COLUMNS = (
    "province", "level", "code", "name_vi", "name_en", "estimate", "se", "ci_low", "ci_high",
    "ci_level", "df", "n", "rank", "rank_low", "rank_high", "status", "reason",
)  # fmt: skip
_DIFFERENCE_COLUMNS = (
    "national_mean", "national_se", "difference", "difference_se", "difference_low",
    "difference_high", "beyond_noise",
)  # fmt: skip
_REPORTED_COLUMNS = (
    "province", "level", "code", "name_vi", "name_en", "estimate", "rank", "status", "reason",
    "reported_by", "source_url", "derived", "note",
)  # fmt: skip


def _years_of(snapshot: Snapshot, run_id: str) -> list[int]:
    periods = snapshot.score_tables.filter(pl.col("run_id") == run_id)["period"].unique()
    return sorted(int(period) for period in periods.to_list() if str(period).isdigit())


def resolve_instrument_run(
    snapshot: Snapshot, instrument_id: str, year: int | None, run_id: str | None
) -> tuple[str, int]:
    """The run and year an instrument's page shows: ``run_id`` (a unique prefix) if given,
    else the newest run of ``year`` (default: the newest year with a run).

    Examples
    --------
    >>> resolve_instrument_run(snapshot, "par", None, None)
    ('80e6777625b32244', 2024)
    """
    entry = instrument(instrument_id)
    manifests = sorted(snapshot.runs_of(entry.id), key=lambda m: str(m.created_at))
    if not manifests:
        msg = f"the store holds no {entry.name_en} run; store one with `govindex run`."
        raise NotFound(msg, where="instrument", found=instrument_id)
    if run_id is not None:
        ids = sorted({m.run_id for m in manifests if m.run_id.startswith(run_id)})
        if len(ids) != 1:
            state = "matches several runs" if ids else f"is not a stored {entry.id} run"
            msg = f"run `{run_id}` {state}."
            raise RunNotFound(msg, where="run", found=run_id, expected=ids or None)
        years = _years_of(snapshot, ids[0])
        if year is None:
            return ids[0], years[-1]
        if year not in years:
            msg = f"run `{ids[0]}` has no scores for {year} (years: {years})."
            raise NotFound(msg, where="year", found=year, expected=years)
        return ids[0], year
    by_year = {year_of: m.run_id for m in manifests for year_of in _years_of(snapshot, m.run_id)}
    if not by_year:
        msg = f"the store's {entry.id} runs hold no yearly scores."
        raise NotFound(msg, where="year", found=year)
    chosen = max(by_year) if year is None else year
    if chosen not in by_year:
        msg = f"no {entry.id} run for {chosen}."
        raise NotFound(msg, where="year", found=chosen, expected=sorted(by_year))
    return by_year[chosen], chosen


def _rows(snapshot: Snapshot, run_id: str, year: int) -> pl.DataFrame:
    """One row per province and item of a run-year, with its difference from the mean."""
    table = snapshot.score_tables.filter(
        (pl.col("run_id") == run_id) & (pl.col("period") == str(year))
    ).rename({"unit": "province"})
    differences = snapshot.differences.filter(
        (pl.col("run_id") == run_id) & (pl.col("period") == str(year))
    ).select(pl.col("unit").alias("province"), "level", "code", *_DIFFERENCE_COLUMNS)
    national = differences.group_by("level", "code").agg(
        pl.col("national_mean").first(), pl.col("national_se").first()
    )
    rows = (
        table.select(_ROW_COLUMNS)
        .join(
            differences.drop("national_mean", "national_se"),
            on=["province", "level", "code"],
            how="left",
        )
        .join(national, on=["level", "code"], how="left")
        .with_columns(pl.col("level").replace_strict(LEVEL_ORDER, default=9).alias("_order"))
        .sort("_order", "code", pl.col("rank").fill_null(10_000), "province")
        .drop("_order")
    )
    return with_province_names(rows).select(
        "province", "province_vi", pl.exclude("province", "province_vi")
    )


def _items(rows: pl.DataFrame) -> list[dict[str, Any]]:
    return rows.select("level", "code", "name_vi", "name_en").unique(maintain_order=True).to_dicts()


def _reported(instrument_id: str, year: int) -> pl.DataFrame:
    """What the press/provinces reported for ``year`` (bundled with govindex)."""
    frame = _reported_record(instrument_id).filter(pl.col("period") == str(year)).drop("period")
    return with_province_names(frame).select(
        "province", "province_vi", pl.exclude("province", "province_vi")
    )


_REPORTED_CACHE: dict[str, pl.DataFrame] = {}


def _reported_record(instrument_id: str) -> pl.DataFrame:
    from govindex.official.reported_indices import reported_scores

    # Bundled, read once per process: the reported record never changes while it runs.
    if instrument_id not in _REPORTED_CACHE:
        frame = reported_scores(instrument_id).filter(pl.col("instrument") == instrument_id)
        _REPORTED_CACHE[instrument_id] = frame.select(
            "period",
            pl.col("unit").alias("province"),
            *(column for column in _REPORTED_COLUMNS[1:] if column != "source_url"),
            pl.col("provenance").alias("source_url"),
        ).select("period", *_REPORTED_COLUMNS)
    return _REPORTED_CACHE[instrument_id]


def _meta(snapshot: Snapshot, instrument_id: str, run_id: str, year: int) -> dict[str, Any]:
    entry = instrument(instrument_id)
    run = snapshot.describe_run(run_id)
    levels = (
        snapshot.level_names.filter(pl.col("run_id") == run_id).drop("run_id").to_dicts()
        if snapshot.level_names.height
        else []
    )
    rows = snapshot.score_tables.filter(pl.col("run_id") == run_id)
    rules = rows.select("ci_level", "ci_rule").unique().to_dicts()
    return {
        "instrument": {"id": entry.id, "name_vi": entry.name_vi, "name_en": entry.name_en},
        "run": run,
        "synthetic": run["synthetic"],
        "levels": levels,
        "intervals": rules,
        "performance_groups": None,
        "beyond_noise_rule": BEYOND_NOISE_RULE,
        "national_mean_rule": "simple mean of the published provincial scores",
        "years": sorted(
            {year, *(y for m in snapshot.runs_of(entry.id) for y in _years_of(snapshot, m.run_id))}
        ),
        "runs": [
            {"run_id": m.run_id, "synthetic": m.synthetic, "created_at": str(m.created_at)}
            for m in snapshot.runs_of(entry.id)
            if year in _years_of(snapshot, m.run_id)
        ],
    }


def _item(rows: pl.DataFrame, level: str, code: str) -> dict[str, str]:
    found = rows.filter((pl.col("level") == level) & (pl.col("code") == code))
    if found.is_empty():
        return {"level": level, "code": code, "name_vi": code, "name_en": code}
    first = found.row(0, named=True)
    return {"level": level, "code": code, "name_vi": first["name_vi"], "name_en": first["name_en"]}


def instrument_overview(
    snapshot: Snapshot,
    instrument_id: str,
    *,
    year: int | None = None,
    run_id: str | None = None,
    level: str = "total",
    code: str = "total",
) -> View:
    """Every province on one item of an instrument's run-year, best first.

    Tables: ``ranking`` (estimate, SE, interval, n, rank and rank interval, status and reason,
    and the difference from the national mean with its SE, interval and ``beyond_noise``),
    ``summary`` (national mean and its SE, provinces scored, best and lowest) and
    ``reported`` (values reported by the press/provinces for the item and year, with source).

    Examples
    --------
    >>> instrument_overview(snapshot, "par").table("ranking").height
    63
    """
    chosen_run, chosen_year = resolve_instrument_run(snapshot, instrument_id, year, run_id)
    everything = _rows(snapshot, chosen_run, chosen_year)
    rows = everything.filter((pl.col("level") == level) & (pl.col("code") == code))
    if rows.is_empty():
        known = [f"{item['level']}/{item['code']}" for item in _items(everything)]
        msg = f"no `{level}` item `{code}` in {chosen_year} for run `{chosen_run}`."
        raise NotFound(msg, where="code", found=f"{level}/{code}", expected=known[:12])
    ranking = rows.sort(pl.col("rank").fill_null(10_000), "province").drop(
        "national_mean", "national_se"
    )
    scored = ranking.filter(pl.col("estimate").is_not_null())
    first = rows.row(0, named=True)
    summary = pl.DataFrame(
        {
            "national_mean": [first["national_mean"]],
            "national_se": [first["national_se"]],
            "scored": [scored.height],
            "best": [scored["province"][0] if scored.height else None],
            "best_estimate": [scored["estimate"][0] if scored.height else None],
            "lowest": [scored["province"][-1] if scored.height else None],
            "lowest_estimate": [scored["estimate"][-1] if scored.height else None],
        },
        schema={
            "national_mean": pl.Float64,
            "national_se": pl.Float64,
            "scored": pl.Int64,
            "best": pl.String,
            "best_estimate": pl.Float64,
            "lowest": pl.String,
            "lowest_estimate": pl.Float64,
        },
    )
    reported = _reported(instrument_id, chosen_year).filter(
        (pl.col("level") == level) & (pl.col("code") == code)
    )
    meta = _meta(snapshot, instrument_id, chosen_run, chosen_year)
    meta["item"] = _item(rows, level, code)
    meta["items"] = _items(everything)
    parameters = {
        "instrument": instrument_id,
        "year": chosen_year,
        "run_id": chosen_run,
        "level": level,
        "code": code,
    }
    tables = {"ranking": ranking, "summary": summary, "reported": reported}
    return View("instrument_overview", parameters, meta, tables)


def instrument_profile(
    snapshot: Snapshot,
    instrument_id: str,
    province: str,
    *,
    year: int | None = None,
    run_id: str | None = None,
) -> View:
    """One province on every item of an instrument's run-year, against the national mean.

    Table ``items``: one row per item (overall first), with the national mean, the
    difference, its SE and interval, and ``beyond_noise`` (the interval excludes 0);
    ``reported``: what the press/provinces reported for the province that year.

    Examples
    --------
    >>> instrument_profile(snapshot, "par", "Ha Noi").meta["province"]
    'Ha Noi'
    """
    name = province_lookup(snapshot).canonical_name(province)
    chosen_run, chosen_year = resolve_instrument_run(snapshot, instrument_id, year, run_id)
    everything = _rows(snapshot, chosen_run, chosen_year)
    items = everything.filter(pl.col("province") == name)
    if items.is_empty():
        msg = f"{name} has no scores in {chosen_year} in run `{chosen_run}`."
        raise NotFound(msg, where="province", found=name)
    beyond = items.filter(pl.col("beyond_noise").fill_null(value=False))
    reported = _reported(instrument_id, chosen_year).filter(pl.col("province") == name)
    meta = _meta(snapshot, instrument_id, chosen_run, chosen_year)
    meta.update(
        {
            "province": name,
            "province_vi": items["province_vi"][0],
            "beyond_noise": {
                "above": beyond.filter(pl.col("difference") > 0).height,
                "below": beyond.filter(pl.col("difference") < 0).height,
                "compared": items.filter(pl.col("beyond_noise").is_not_null()).height,
            },
        }
    )
    parameters = {
        "instrument": instrument_id,
        "province": name,
        "year": chosen_year,
        "run_id": chosen_run,
    }
    return View("instrument_profile", parameters, meta, {"items": items, "reported": reported})


def instrument_compare(
    snapshot: Snapshot,
    instrument_id: str,
    provinces: Sequence[str],
    *,
    year: int | None = None,
    run_id: str | None = None,
    level: str = "dimension",
) -> View:
    """Two to eight provinces side by side on the overall value and every item of ``level``.

    Table ``scores``: one row per province and item, with the national mean and each
    province's difference from it (SE, interval, ``beyond_noise``).

    Examples
    --------
    >>> instrument_compare(snapshot, "par", ["Ha Noi", "Hai Phong"], level="area").kind
    'instrument_compare'
    """
    lookup = province_lookup(snapshot)
    names = list(dict.fromkeys(lookup.canonical_name(name) for name in provinces))
    if not 2 <= len(names) <= MAXIMUM_COMPARED:
        msg = f"compare needs 2 to {MAXIMUM_COMPARED} different provinces; got {len(names)}."
        raise SpecError(msg, where="provinces", found=names, expected=f"2–{MAXIMUM_COMPARED}")
    chosen_run, chosen_year = resolve_instrument_run(snapshot, instrument_id, year, run_id)
    everything = _rows(snapshot, chosen_run, chosen_year)
    if everything.filter(pl.col("level") == level).is_empty():
        msg = f"no `{level}` scores in {chosen_year} for run `{chosen_run}`."
        raise NotFound(msg, where="level", found=level)
    scores = everything.filter(
        pl.col("level").is_in(["total", level]) & pl.col("province").is_in(names)
    )
    meta = _meta(snapshot, instrument_id, chosen_run, chosen_year)
    meta["provinces"] = (
        with_province_names(pl.DataFrame({"province": names}, schema={"province": pl.String}))
        .select("province", "province_vi")
        .to_dicts()
    )
    parameters = {
        "instrument": instrument_id,
        "provinces": names,
        "year": chosen_year,
        "run_id": chosen_run,
        "level": level,
    }
    return View("instrument_compare", parameters, meta, {"scores": scores})


def instrument_explore(
    snapshot: Snapshot,
    instrument_id: str,
    *,
    level: str = "total",
    code: str = "total",
    run_id: str | None = None,
) -> View:
    """One item of an instrument across provinces and years (the newest run of each year,
    or one run's years).

    Tables: ``values`` (year, province, estimate, SE, interval, n, rank, difference from the
    national mean) and ``national`` (year, national mean, its SE, provinces scored).

    Examples
    --------
    >>> instrument_explore(snapshot, "par", level="area", code="1").kind
    'instrument_indicator'
    """
    if run_id is not None:
        chosen, _ = resolve_instrument_run(snapshot, instrument_id, None, run_id)
        runs = [(chosen, year) for year in _years_of(snapshot, chosen)]
    else:
        years = sorted(
            {y for m in snapshot.runs_of(instrument_id) for y in _years_of(snapshot, m.run_id)}
        )
        runs = [resolve_instrument_run(snapshot, instrument_id, year, None) for year in years]
    if not runs:
        resolve_instrument_run(snapshot, instrument_id, None, None)
    frames = [
        _rows(snapshot, run, year)
        .filter((pl.col("level") == level) & (pl.col("code") == code))
        .with_columns(pl.lit(year, pl.Int32).alias("year"), pl.lit(run).alias("run_id"))
        for run, year in runs
    ]
    frames = [frame for frame in frames if frame.height]
    if not frames:
        msg = f"no `{level}` item `{code}` in the runs shown."
        raise NotFound(msg, where="code", found=f"{level}/{code}")
    values = pl.concat(frames, how="vertical_relaxed")
    national = (
        values.group_by("year")
        .agg(
            pl.col("national_mean").first(),
            pl.col("national_se").first(),
            pl.col("estimate").is_not_null().sum().cast(pl.Int64).alias("scored"),
        )
        .sort("year")
    )
    values = values.select(
        "year",
        "province",
        "province_vi",
        pl.exclude("year", "province", "province_vi", "national_mean", "national_se"),
    )
    last_run, last_year = runs[-1]
    meta = _meta(snapshot, instrument_id, last_run, last_year)
    meta["item"] = _item(values, level, code)
    meta["items"] = _items(_rows(snapshot, last_run, last_year))
    meta["runs"] = [{"run_id": run, "year": year} for run, year in runs]
    meta["synthetic"] = any(snapshot.describe_run(run)["synthetic"] for run, _ in runs)
    parameters = {"instrument": instrument_id, "level": level, "code": code, "run_id": run_id}
    return View("instrument_indicator", parameters, meta, {"values": values, "national": national})
