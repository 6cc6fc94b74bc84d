"""The template context of each page kind, made from its view.

Only presentation happens here: rows in display order, links, selector options, the
geometry of the interval bars (positions in percent of the row's track) and tables
reshaped for reading. Every number shown comes from the view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from govindex.views import GEOGRAPHIES, GROUP_KEYS, MAXIMUM_COMPARED, View
from govindex.views.scorecard import SHORT_NAMES
from govindex.web.addresses import ITEM_LEVELS, PageAddress
from govindex.web.formatting import Formatter
from govindex.web.links import Links
from govindex.web.navigation import Option, StoreFacts

__all__ = ["interval_bars", "kind_context"]


def interval_bars(
    rows: list[dict[str, Any]],
    *,
    reference: float | None = None,
    markers: Sequence[str] = (),
) -> dict[str, float] | None:
    """Add ``bar`` (``left``, ``width``, ``point`` in percent) to each row with a score.

    All rows share one scale (lowest value to highest), so bars compare across rows; the
    returned dict places the ``reference`` line (national mean) on that scale, and each
    column in ``markers`` (e.g. the row's own national mean) is placed in ``bar["markers"]``.

    Examples
    --------
    >>> rows = [{"estimate": 5.0, "ci_low": 4.0, "ci_high": 6.0}, {"estimate": 5.5}]
    >>> interval_bars(rows, reference=5.0)
    {'reference': 50.0}
    >>> rows[0]["bar"]["left"], rows[0]["bar"]["width"], rows[1]["bar"]["point"]
    (0.0, 100.0, 75.0)
    """
    columns = ("estimate", "ci_low", "ci_high", *markers)
    values = [
        float(row[column]) for row in rows for column in columns if row.get(column) is not None
    ]
    if not values:
        for row in rows:
            row["bar"] = None
        return None
    low, high = min(values), max(values)
    span = (high - low) or 1.0

    def place(value: float) -> float:
        return round(100.0 * (value - low) / span, 2)

    for row in rows:
        if row.get("estimate") is None:
            row["bar"] = None
            continue
        point = place(float(row["estimate"]))
        left, width = point, 0.0
        if row.get("ci_low") is not None and row.get("ci_high") is not None:
            left = place(float(row["ci_low"]))
            width = place(float(row["ci_high"])) - left
        row["bar"] = {
            "left": left,
            "width": width,
            "point": point,
            "markers": {
                column: place(float(row[column]))
                for column in markers
                if row.get(column) is not None
            },
        }
    return {"reference": place(reference)} if reference is not None else {}


def _options(choices: Iterable[tuple[str, PageAddress, bool]], links: Links) -> list[Option]:
    return [Option(label, links.page(address), selected) for label, address, selected in choices]


def _item_groups(
    items: Sequence[Mapping[str, Any]],
    address: PageAddress,
    fmt: Formatter,
    links: Links,
) -> list[tuple[str, list[Option]]]:
    """Item options grouped by level (an ``<optgroup>`` each); unavailable ones left out."""
    groups = []
    for level in ITEM_LEVELS:
        options = [
            Option(
                fmt.item(item),
                links.page(address.with_changes(level=item["level"], code=item["code"])),
                (item["level"], item["code"]) == (address.level, address.code),
            )
            for item in items
            if item["level"] == level
        ]
        options = [option for option in options if option.url is not None]
        if options:
            groups.append((fmt.level(level), options))
    return groups


def _run_label(run: Mapping[str, Any], fmt: Formatter) -> str:
    if run["kind"] == "published":
        return fmt("run.published", year=run.get("year", ""))
    label = fmt("run.microdata", run=str(run["run_id"])[:12])
    return f"{label} · SYNTHETIC" if run.get("synthetic") else label


def _run_options(
    runs: Sequence[Mapping[str, Any]], address: PageAddress, fmt: Formatter, links: Links
) -> list[Option]:
    options = []
    for run in runs:
        published = run["kind"] == "published"
        target = address.with_changes(run=None if published else run["run_id"])
        selected = (address.run is None) if published else address.run == run["run_id"]
        options.append(Option(_run_label(run, fmt), links.page(target), selected))
    return [option for option in options if option.url is not None]


def _year_options(
    address: PageAddress, years: list[int], facts: StoreFacts, links: Links
) -> list[Option]:
    options = _options(
        ((str(year), facts.year_address(address, year), year == address.year) for year in years),
        links,
    )
    return [option for option in options if option.url is not None]


def overview_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: StoreFacts
) -> dict[str, Any]:
    """Ranking rows with bars and profile links, summary and selectors."""
    meta = view.meta
    rows = view.table("ranking").to_dicts()
    summary = view.table("summary").to_dicts()[0]
    scale = interval_bars(rows, reference=summary["national_mean"])
    derived = address.geography == "34"
    year = int(view.parameters["year"])
    for row in rows:
        row["link"] = (
            None
            if derived
            else links.page(
                PageAddress(
                    "profile",
                    address.language,
                    year=year,
                    run=address.run,
                    province=row["province"],
                )
            )
        )
    geographies = [
        Option(
            fmt(f"geography.{code}"),
            links.page(address.with_changes(geography=code)),
            code == address.geography,
        )
        for code in GEOGRAPHIES
    ]
    by_name = {row["province"]: row for row in rows}
    return {
        "rows": rows,
        "summary": summary,
        "best_row": by_name.get(summary["best"]),
        "lowest_row": by_name.get(summary["lowest"]),
        "scale": scale,
        "derived": derived,
        "confidence": f"{float(view.parameters['confidence']):.0%}",
        "item": meta["item"],
        "year_options": _year_options(address, list(meta["years"]), facts, links),
        "item_groups": _item_groups(list(meta["items"]), address, fmt, links),
        "geography_options": [option for option in geographies if option.url is not None],
        "run_options": _run_options(facts.runs_in(year), address, fmt, links),
    }


def profile_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: StoreFacts
) -> dict[str, Any]:
    """Dimensions against the mean and the best, the drill-down tree, changes, priorities."""
    items = view.table("items").to_dicts()
    vietnamese = {row["province"]: row for row in facts.provinces}
    for row in items:
        best = [name.strip() for name in str(row.get("best_province") or "").split(",")]
        row["best_names"] = ", ".join(
            fmt.name(vietnamese.get(name, {"province": name}), "province") for name in best if name
        )
    dimensions = [row for row in items if row["level"] in ("total", "dimension")]
    # The total (8-80) and the dimensions (1-10) do not share a scale: bars are drawn for
    # the dimensions, each with its national mean and best score marked.
    for row in dimensions:
        row["bar"] = None
    interval_bars(
        [row for row in dimensions if row["level"] == "dimension"],
        markers=("national_mean", "best_estimate"),
    )
    children: dict[str, list[dict[str, Any]]] = {}
    for row in items:
        if row["level"] in ("subdimension", "indicator") and row.get("parent"):
            children.setdefault(str(row["parent"]), []).append(row)
    names = {(row["level"], row["code"]): row for row in items}
    changes = [
        dict(row, item=names.get((row["level"], row["code"]), row))
        for row in view.table("changes").to_dicts()
    ]
    year = int(view.parameters["year"])
    province = str(view.parameters["province"])
    trend_years = sorted({int(row["year"]) for row in view.table("trends").to_dicts()})
    years = trend_years if address.run is None else [year]
    province_options = [
        Option(
            fmt.name(row, "province"),
            links.page(address.with_changes(province=row["province"])),
            row["province"] == province,
        )
        for row in facts.provinces
    ]
    overview_link = links.page(
        PageAddress(
            "overview",
            address.language,
            year=year,
            run=address.run,
            level="total",
            code="total",
            geography="63",
        )
    )
    partner = _partner(province, view, facts)
    compare_link = (
        links.page(
            PageAddress(
                "compare",
                address.language,
                year=year,
                run=address.run,
                level="dimension",
                provinces=(province, partner),
            )
        )
        if partner is not None
        else None
    )
    return {
        "total": next((row for row in items if row["level"] == "total"), None),
        "dimensions": dimensions,
        "children": children,
        "has_drilldown": bool(children),
        "changes": changes,
        "priorities": [
            dict(row, group_key=GROUP_KEYS.get(row["group"]) if row["group"] is not None else None)
            for row in view.table("priorities").to_dicts()
        ],
        "breaks": list(view.meta["breaks"]),
        "diagnosis_note": view.meta.get("diagnosis_note"),
        # The Method line names only the years actually compared: a year in which the
        # province has no published score was not a comparison, whatever the rule chose.
        "previous_year": _compared_year(view, "previous"),
        "baseline_year": _compared_year(view, "baseline"),
        "test_level": view.parameters.get("confidence"),
        # Tiers 1-5 are the published record's diagnosis; a single microdata run lists
        # its lowest-group items under other tiers, so only its reasons are shown.
        "tier_labels": view.meta["run"]["kind"] == "published",
        # Without the previous year and the baseline no decline can be judged: the page
        # says which years are missing instead of "nothing declined".
        "comparison_possible": view.meta.get("comparison_possible", True),
        "missing_years": ", ".join(
            str(entry["year"]) for entry in view.meta.get("comparison_unavailable", ())
        ),
        "priority_legend": fmt(
            "priority.legend", **{f"tier{tier}": fmt(f"tier.{tier}") for tier in range(1, 6)}
        ),
        "year_options": _year_options(address, years, facts, links),
        "province_options": [option for option in province_options if option.url is not None],
        "run_options": _run_options(facts.runs_in(year), address, fmt, links),
        "overview_link": overview_link,
        "compare_link": compare_link,
        "scorecard_link": links.scorecard(province, address.language),
    }


def _compared_year(view: View, role: str) -> int | None:
    """The year the diagnosis compared with in ``role`` ("previous" or "baseline"), or
    ``None`` when the rule chose none or the province has no published score in it."""
    year = view.meta.get(f"{role}_year")
    missing = {
        (entry["year"], entry["role"]) for entry in view.meta.get("comparison_unavailable", ())
    }
    return None if year is None or (year, role) in missing else int(year)


def _partner(province: str, view: View, facts: StoreFacts) -> str | None:
    """Whom to compare with: the best province on the total, or the first other one."""
    best = next(
        (
            row.get("best_province")
            for row in view.table("dimensions").to_dicts()
            if row["level"] == "total"
        ),
        None,
    )
    candidates = [name.strip() for name in str(best or "").split(",") if name.strip()]
    candidates += [row["province"] for row in facts.provinces]
    return next((name for name in candidates if name != province), None)


def compare_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: StoreFacts
) -> dict[str, Any]:
    """Items (rows) by provinces (columns), with each province's chosen state."""
    scores = view.table("scores").to_dicts()
    provinces = list(view.meta["provinces"])
    cells: dict[tuple[str, str, str], dict[str, Any]] = {}
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for row in scores:
        items.setdefault((row["level"], row["code"]), row)
        cells[(row["level"], row["code"], row["province"])] = row
    table = [
        {
            "item": item,
            "national_mean": item.get("national_mean"),
            "cells": [cells.get((*key, entry["province"])) for entry in provinces],
        }
        for key, item in items.items()
    ]
    year = int(view.parameters["year"])
    chosen = {entry["province"] for entry in provinces}
    for entry in provinces:
        entry["link"] = links.page(
            PageAddress(
                "profile", address.language, year=year, run=address.run, province=entry["province"]
            )
        )
    return {
        "names": [fmt.name(entry, "province") for entry in provinces],
        "provinces": provinces,
        "table": table,
        "chosen": chosen,
        "maximum": MAXIMUM_COMPARED,
        "all_provinces": facts.provinces,
        "years": facts.years,
        "levels": [level for level in ITEM_LEVELS if level != "total"],
        "run_options": _run_options(facts.runs_in(year), address, fmt, links),
    }


def indicator_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: StoreFacts
) -> dict[str, Any]:
    """One item: national mean by year, and provinces (rows) by years (columns)."""
    values = view.table("values").to_dicts()
    years = sorted({int(row["year"]) for row in values})
    grid: dict[str, dict[int, dict[str, Any]]] = {}
    names: dict[str, dict[str, Any]] = {}
    for row in values:
        grid.setdefault(row["province"], {})[int(row["year"])] = row
        names.setdefault(row["province"], row)
    rows: list[dict[str, Any]] = []
    for province in sorted(grid, key=lambda name: fmt.name(names[name], "province")):
        newest = max(grid[province])
        target = PageAddress(
            "profile", address.language, year=newest, run=address.run, province=province
        )
        rows.append(
            {
                "province": names[province],
                "cells": [grid[province].get(year) for year in years],
                "link": links.page(target),
            }
        )
    runs = [
        {"run_id": "", "kind": "published", "year": "", "synthetic": False},
        *facts.microdata_runs,
    ]
    run_options = []
    for run in runs:
        published = run["kind"] == "published"
        target = address.with_changes(run=None if published else run["run_id"])
        selected = (address.run is None) if published else address.run == run["run_id"]
        label = fmt("run.published_all") if published else _run_label(run, fmt)
        run_options.append(Option(label, links.page(target), selected))
    return {
        "item": view.meta["item"],
        "national": view.table("national").to_dicts(),
        "years": years,
        "rows": rows,
        "item_groups": _item_groups(
            facts.items(run=address.run, year=None if address.run is None else years[-1]),
            address,
            fmt,
            links,
        ),
        "run_options": [option for option in run_options if option.url is not None],
    }


def runs_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: StoreFacts
) -> dict[str, Any]:
    """One row per run: kind, years, SYNTHETIC flag, source, and links to its pages."""
    from govindex.views.provenance import run_provenance
    from govindex.web.downloads import public_table

    grouped: dict[str, dict[str, Any]] = {}
    for row in public_table(view, "runs").to_dicts():
        entry = grouped.setdefault(row["run_id"], dict(row, years=[]))
        entry["years"].append(int(row["year"]))
    for entry in grouped.values():
        # The recorded source is an English sentence: word it in the reader's language.
        provenance = run_provenance(facts.dashboard.snapshot.manifest(entry["run_id"]))
        if provenance is not None:
            entry["source"] = fmt(provenance.label, **provenance.values)
        newest = max(entry["years"])
        run = None if entry["kind"] == "published" else entry["run_id"]
        entry["link"] = links.page(
            PageAddress(
                "overview",
                address.language,
                year=newest,
                run=run,
                level="total",
                code="total",
                geography="63",
            )
        )
    runs = sorted(
        grouped.values(), key=lambda entry: (entry["kind"] != "microdata", -max(entry["years"]))
    )
    instrument_runs = (
        public_table(view, "instrument_runs").to_dicts() if "instrument_runs" in view.tables else []
    )
    for entry in instrument_runs:
        entry["link"] = links.page(
            PageAddress(
                "overview",
                address.language,
                year=int(entry["year"]),
                run=entry["run_id"],
                instrument=entry["instrument"],
            )
        )
    period_runs = (
        public_table(view, "period_runs").to_dicts() if "period_runs" in view.tables else []
    )
    for entry in period_runs:
        entry["link"] = links.page(
            PageAddress(
                "overview",
                address.language,
                run=entry["run_id"],
                instrument=entry["instrument"],
                period=entry["newest_period"],
            )
        )
        entry["kinds"] = [kind for kind in str(entry["period_kinds"] or "").split(", ") if kind]
        entry["label"] = SHORT_NAMES.get(entry["instrument"], str(entry["instrument"]).upper())
    return {
        "runs": runs,
        "any_synthetic": any(entry["synthetic"] for entry in runs),
        "instrument_runs": instrument_runs,
        "period_runs": period_runs,
    }


_BUILDERS = {
    "overview": overview_context,
    "profile": profile_context,
    "compare": compare_context,
    "indicator": indicator_context,
    "runs": runs_context,
}


def kind_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: StoreFacts
) -> dict[str, Any]:
    """The context of ``view``'s page kind."""
    if view.kind.startswith("instrument_"):
        # The score-table pages of registered instruments (SIPAS, ...): their own module.
        from govindex.web.instrument_context import INSTRUMENT_BUILDERS

        return INSTRUMENT_BUILDERS[view.kind](view, address, fmt, links, facts)
    return _BUILDERS[view.kind](view, address, fmt, links, facts)
