"""The template context of the score-table pages, and the instrument switch every page shows.

The pages of an instrument other than PAPI (SIPAS, and any instrument registered later with
``pages="score_table"``) are the ``instrument_*`` views; this module only arranges their
rows for reading: level names from the run's stored ``levels``, interval bars on the
instrument's own scale, links that keep the instrument and run, and the rule by which a
difference from the national mean is called beyond noise. Every number comes from the view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govindex.i18n import labels
from govindex.views import Dashboard, View
from govindex.web.addresses import ITEM_LEVELS, PageAddress
from govindex.web.formatting import Formatter
from govindex.web.links import Links
from govindex.web.navigation import Option
from govindex.web.page_context import interval_bars
from govindex.web.period_context import PERIOD_BUILDERS

__all__ = ["INSTRUMENT_BUILDERS", "instrument_switch"]


def instrument_switch(
    dashboard: Dashboard, address: PageAddress, links: Links, language: str
) -> list[dict[str, Any]]:
    """One entry per registered instrument with runs in the store (none when there is one).

    Each opens that instrument's overview; the current one is marked.

    Examples
    --------
    >>> from govindex.web.links import AppLinks
    >>> address = PageAddress("overview", year=2024)
    >>> [entry["id"] for entry in instrument_switch(dashboard, address, AppLinks(), "vi")]
    ['papi', 'par', 'onestop']
    """
    entries = dashboard.instruments()
    if len(entries) < 2:
        return []
    current = dashboard.score_table_instrument(address.instrument, address.run) or "papi"
    switch = []
    for entry in entries:
        target = PageAddress(
            "overview",
            address.language,
            instrument=None if entry.pages == "papi" else entry.id,
        )
        switch.append(
            {
                "id": entry.id,
                "label": entry.name_vi if language == "vi" else entry.name_en,
                "short": entry.id.upper(),
                "url": links.page(target),
                "current": entry.id == current,
            }
        )
    kept = [entry for entry in switch if entry["url"] is not None]
    return kept if len(kept) >= 2 else []


def _with_status(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark rows the ScoreTable does not publish, in the words the formatter knows."""
    for row in rows:
        status = row.get("status")
        row["suppressed"] = status == "suppressed"
        row["withheld"] = status in ("withheld", "missing", "not_comparable")
        # No performance groups: the bar is drawn in the neutral colour.
        row["group_key"] = None
    return rows


def _level_names(view: View, fmt: Formatter) -> dict[str, str]:
    """What the instrument calls each level, in the page language (stored with the run)."""
    names = {level: fmt.level(level) for level in ITEM_LEVELS}
    for entry in view.meta.get("levels") or []:
        names[entry["level"]] = entry[f"name_{fmt.language}"] or names[entry["level"]]
    return names


def _scale(view: View, level: str) -> str | None:
    for entry in view.meta.get("levels") or []:
        if entry["level"] == level and entry.get("scale_min") is not None:
            return f"{entry['scale_min']:g}–{entry['scale_max']:g}"
    return None


def _page(address: PageAddress, kind: str, **changes: Any) -> PageAddress:
    base = PageAddress(kind, address.language, instrument=address.instrument, run=address.run)  # type: ignore[arg-type]
    return base.with_changes(**changes)


def _common(view: View, address: PageAddress, fmt: Formatter, links: Links) -> dict[str, Any]:
    meta = view.meta
    year = view.parameters.get("year")
    run_options = [
        Option(
            fmt("instrument.run", run=str(run["run_id"])[:12])
            + (" · SYNTHETIC" if run.get("synthetic") else ""),
            links.page(address.with_changes(run=run["run_id"])),
            run["run_id"] == view.parameters.get("run_id"),
        )
        for run in meta.get("runs") or []
        if "synthetic" in run
    ]
    return {
        "instrument": meta["instrument"],
        "instrument_name": meta["instrument"][f"name_{fmt.language}"],
        "level_names": _level_names(view, fmt),
        "year": year,
        "run_options": [option for option in run_options if option.url is not None],
        "intervals": meta.get("intervals") or [],
        "overview_link": links.page(_page(address, "overview", year=year)),
    }


def _reported(view: View, fmt: Formatter) -> list[dict[str, Any]]:
    rows = view.table("reported").to_dicts() if "reported" in view.tables else []
    for row in rows:
        # Who reported a value is a stable code of the reported record; its words are ours.
        reporter = labels().get(f"instrument.reporter.{row.get('reported_by')}")
        row["reporter"] = reporter[fmt.language] if reporter else row.get("reported_by")
        source = str(row.get("source_url") or "")
        row["link"] = source if source.startswith(("http://", "https://")) else None
    return rows


def overview_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: object
) -> dict[str, Any]:
    """Ranking rows on the instrument's scale, with profile links and the reported values."""
    rows = _with_status(view.table("ranking").to_dicts())
    summary = view.table("summary").to_dicts()[0]
    scale = interval_bars(rows, reference=summary["national_mean"])
    year = int(view.parameters["year"])
    for row in rows:
        row["link"] = links.page(_page(address, "profile", year=year, province=row["province"]))
    items = []
    for item in view.meta.get("items") or []:
        target = _page(address, "overview", year=year, level=item["level"], code=item["code"])
        selected = (item["level"], item["code"]) == (
            view.parameters["level"],
            view.parameters["code"],
        )
        items.append(Option(fmt.item(item), links.page(target), selected))
    context = _common(view, address, fmt, links)
    context.update(
        {
            "rows": rows,
            "summary": summary,
            "scale": scale,
            "item": view.meta["item"],
            "item_options": [option for option in items if option.url is not None],
            "scale_range": _scale(view, str(view.parameters["level"])),
            "reported": _reported(view, fmt),
        }
    )
    return context


def profile_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: object
) -> dict[str, Any]:
    """The province's items with their differences from the national mean."""
    rows = _with_status(view.table("items").to_dicts())
    year = int(view.parameters["year"])
    for row in rows:
        row["link"] = links.page(
            _page(address, "overview", year=year, level=row["level"], code=row["code"])
        )
    interval_bars(rows, markers=("national_mean",))
    context = _common(view, address, fmt, links)
    context.update(
        {
            "rows": rows,
            "total": next((row for row in rows if row["level"] == "total"), None),
            "province": fmt.name(view.meta, "province"),
            "beyond_noise": view.meta["beyond_noise"],
            "reported": _reported(view, fmt),
            "compare_link": links.page(_page(address, "compare", year=year, level="dimension")),
        }
    )
    return context


def compare_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: object
) -> dict[str, Any]:
    """One block per item: the compared provinces with their differences from the mean."""
    rows = _with_status(view.table("scores").to_dicts())
    blocks: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["level"], row["code"])
        block = blocks.setdefault(key, {"item": row, "rows": []})
        block["rows"].append(row)
    for block in blocks.values():
        interval_bars(block["rows"], markers=("national_mean",))
    level = str(view.parameters["level"])
    level_names = _level_names(view, fmt)
    levels = [
        Option(
            level_names[option],
            links.page(address.with_changes(level=option)),
            option == level,
        )
        for option in ("dimension", "subdimension", "indicator")
    ]
    context = _common(view, address, fmt, links)
    context.update(
        {
            "blocks": list(blocks.values()),
            "provinces": [fmt.name(entry, "province") for entry in view.meta["provinces"]],
            "level_options": [option for option in levels if option.url is not None],
        }
    )
    return context


def indicator_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: object
) -> dict[str, Any]:
    """The item's values by year, newest year first, with the national mean of each year."""
    values = _with_status(view.table("values").to_dicts())
    national: Mapping[int, dict[str, Any]] = {
        int(row["year"]): row for row in view.table("national").to_dicts()
    }
    years = sorted({int(row["year"]) for row in values}, reverse=True)
    blocks = []
    for year in years:
        rows = [row for row in values if int(row["year"]) == year]
        rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["province"]))
        interval_bars(rows, reference=national[year]["national_mean"])
        blocks.append({"year": year, "rows": rows, "national": national[year]})
    chosen = (view.parameters["level"], view.parameters["code"])
    options = [
        Option(
            fmt.item(item),
            links.page(address.with_changes(level=item["level"], code=item["code"])),
            (item["level"], item["code"]) == chosen,
        )
        for item in view.meta.get("items") or []
    ]
    context = _common(view, address, fmt, links)
    context.update(
        {
            "blocks": blocks,
            "item": view.meta["item"],
            "item_options": [option for option in options if option.url is not None],
        }
    )
    return context


INSTRUMENT_BUILDERS = {
    "instrument_overview": overview_context,
    "instrument_profile": profile_context,
    "instrument_compare": compare_context,
    "instrument_indicator": indicator_context,
    **PERIOD_BUILDERS,
}
"""The context builder of each score-table page kind."""
