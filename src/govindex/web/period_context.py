"""The template context of a period-scored index's pages (the one-stop 766 index).

Only presentation: rows in display order, period selectors and links, shares written as
percentages with the count and denominator beside them, bar widths and heatmap shades in
percent. A number without a denominator is written "no denominator", never 0. Every number
comes from the view (:mod:`govindex.views.period_pages`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from govindex.views import View
from govindex.web.addresses import PageAddress
from govindex.web.formatting import Formatter
from govindex.web.links import Links
from govindex.web.navigation import Option

__all__ = ["PERIOD_BUILDERS", "share_text"]

_GROUPS = ("publicity", "progress", "online", "digitisation", "satisfaction")
_SHARE_TILES = (
    "on_time",
    "online_share",
    "noncash_payment",
    "postal_return",
    "digitised_reuse",
    "survey_satisfaction",
)
_TILES = ("handled", *_SHARE_TILES[:5], "counter_minutes", "survey_satisfaction")
_MEANS = ("counter_minutes", "processing_days", "days_overdue")
"""KPIs that are means: their denominator is how many were averaged."""


def share_text(fmt: Formatter, value: Any) -> str:
    """A share (0–1) as a percentage in the page language, or "no denominator".

    Examples
    --------
    >>> share_text(Formatter("en"), 0.853), share_text(Formatter("vi"), 0.853)
    ('85.3 %', '85,3 %')
    >>> share_text(Formatter("en"), None)
    'no denominator'
    """
    if value is None:
        return fmt("period.null")
    return f"{fmt.number(100.0 * float(value), 1)} %"


def _counts(fmt: Formatter, row: Mapping[str, Any]) -> str:
    numerator, denominator = row.get("numerator"), row.get("denominator")
    if denominator is None:
        return "—"
    shown = fmt.number(numerator, 0) if numerator is not None else "—"
    if numerator is not None and float(numerator) != round(float(numerator)):
        shown = fmt.number(numerator, 1)
    return fmt("period.of", numerator=shown, denominator=fmt.number(denominator, 0))


def _band(fmt: Formatter, band: Any) -> str:
    return fmt("period.band." + str(band)) if band else "—"


def _period_label(fmt: Formatter, period: Mapping[str, Any]) -> str:
    return f"{period['period']} ({fmt('period.kind.' + str(period['period_kind']))})"


def _left_out(
    fmt: Formatter, periods: Sequence[Mapping[str, Any]], options: Sequence[Option]
) -> str | None:
    """What a page says when some of the run's periods have no page here (the static site
    holds no weeks): how many, of which kinds, and where to see them; ``None`` if all do."""
    missing = [
        period for period, option in zip(periods, options, strict=True) if option.url is None
    ]
    if not missing:
        return None
    kinds = dict.fromkeys(str(period["period_kind"]) for period in missing)
    return fmt(
        "period.left_out",
        count=len(missing),
        kinds=", ".join(fmt("period.kind." + kind) for kind in kinds),
    )


def _page(address: PageAddress, kind: str, **changes: Any) -> PageAddress:
    base = PageAddress(kind, address.language, instrument=address.instrument, run=address.run)  # type: ignore[arg-type]
    return base.with_changes(**changes)


def _common(view: View, fmt: Formatter) -> dict[str, Any]:
    meta = view.meta
    return {
        "instrument": meta["instrument"],
        "instrument_name": meta["instrument"][f"name_{fmt.language}"],
        "period": meta["period"],
        "period_label": _period_label(fmt, meta["period"]),
        "profile": meta.get("profile"),
        # Not PAPI's wording: these are simulated dossiers, not survey results.
        "synthetic_banner_key": "period.synthetic_banner",
    }


def ranking_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: object
) -> dict[str, Any]:
    """The ranking rows, with unit links that keep the period and run."""
    period = str(view.parameters["period"])
    rows = view.table("ranking").to_dicts()
    for row in rows:
        row["link"] = links.page(_page(address, "profile", province=row["unit"], period=period))
        row["band_label"] = _band(fmt, row["band"])
        row["bar"] = None if row["total"] is None else round(float(row["total"]), 2)
        # A run stored before the ranking carried its dossiers (or without KPIs) has none.
        row.setdefault("dossiers", None)
    periods = view.table("periods").to_dicts()
    options = [
        Option(
            _period_label(fmt, entry),
            links.page(_page(address, "overview", period=entry["period"])),
            entry["period"] == period,
        )
        for entry in periods
    ]
    context = _common(view, fmt)
    context.update(
        {
            "rows": rows,
            "left_out": _left_out(fmt, periods, options),
            "groups": [(code, fmt("period.group." + code)) for code in _GROUPS],
            "period_options": [option for option in options if option.url is not None],
        }
    )
    return context


def _tiles(view: View, fmt: Formatter) -> list[dict[str, Any]]:
    if "kpis" not in view.tables:
        return []
    by_code = {row["code"]: row for row in view.table("kpis").to_dicts()}
    tiles = []
    for code in _TILES:
        row = by_code.get(code)
        if row is None:
            continue
        if code in _SHARE_TILES:
            value = share_text(fmt, row["estimate"])
        elif row["estimate"] is None:
            value = fmt("period.null")
        else:
            value = fmt.number(row["estimate"], 0 if code == "handled" else 1)
        tiles.append(
            {
                "code": code,
                "label": fmt("period.kpi." + code),
                "value": value,
                "counts": fmt("period.mean_of", denominator=fmt.number(row["denominator"], 0))
                if code in _MEANS and row["denominator"] is not None
                else _counts(fmt, row),
                "null": row["estimate"] is None,
                "flag": row.get("reason"),
            }
        )
    return tiles


def _heat(ratio: Any) -> dict[str, Any]:
    if ratio is None:
        return {"shade": None, "null": True}
    # The shade is the ratio itself (0–1): darker is higher.
    return {"shade": round(0.15 + 0.7 * float(ratio), 2), "null": False}


def unit_context(
    view: View, address: PageAddress, fmt: Formatter, links: Links, facts: object
) -> dict[str, Any]:
    """Tiles, trend, channels, indicators and the heatmap of one unit and period."""
    period = str(view.parameters["period"])
    unit = str(view.parameters["province"])
    standing = view.table("standing").to_dicts()
    trend = view.table("trend").to_dicts()
    for row in trend:
        row["bar"] = None if row["total"] is None else round(float(row["total"]), 2)
        row["band_label"] = _band(fmt, row["band"])
        row["current"] = row["period"] == period
        row["link"] = links.page(_page(address, "profile", province=unit, period=row["period"]))
    channels = view.table("channels").to_dicts() if "channels" in view.tables else []
    for row in channels:
        row["label"] = fmt("period.channel." + str(row["channel"]))
        row["share_text"] = share_text(fmt, row["share"])
        row["width"] = 0.0 if row["share"] is None else round(100.0 * float(row["share"]), 1)
    indicators = view.table("indicators").to_dicts()
    for row in indicators:
        row["ratio_text"] = share_text(fmt, row["ratio"])
        row["counts"] = _counts(fmt, row)
    heat_rows: dict[str, dict[str, Any]] = {}
    for row in view.table("heatmap").to_dicts():
        entry = heat_rows.setdefault(row["code"], {"code": row["code"], "item": row, "cells": {}})
        entry["cells"][row["period"]] = {
            **_heat(row["ratio"]),
            "text": share_text(fmt, row["ratio"]),
            "counts": _counts(fmt, row),
        }
    agencies = view.table("agencies").to_dicts() if "agencies" in view.tables else []
    for row in agencies:
        row["level_label"] = fmt("period.agency_level." + str(row["geography"]))
        row["band_label"] = _band(fmt, row["band"])
    late_rows: dict[str, dict[str, Any]] = {}
    late = view.table("agency_late").to_dicts() if "agency_late" in view.tables else []
    for row in late:
        entry = late_rows.setdefault(
            row["unit"], {"unit": row["unit"], "name": row["name"], "cells": {}}
        )
        entry["cells"][row["period"]] = {
            **_heat(row["share"]),
            "text": share_text(fmt, row["share"]),
            "counts": _counts(fmt, {"numerator": row["late"], "denominator": row["denominator"]}),
        }
    options = [
        Option(
            _period_label(fmt, entry),
            links.page(_page(address, "profile", province=unit, period=entry["period"])),
            entry["period"] == period,
        )
        for entry in view.meta["periods"]
    ]
    context = _common(view, fmt)
    context.update(
        {
            "unit": unit,
            "left_out": _left_out(fmt, view.meta["periods"], options),
            "standing": standing[0] if standing else None,
            "band_label": _band(fmt, standing[0]["band"]) if standing else "—",
            "tiles": _tiles(view, fmt),
            "trend": trend,
            "channels": channels,
            "indicators": indicators,
            "heatmap": list(heat_rows.values()),
            "agencies": agencies,
            "agency_late": list(late_rows.values()),
            "groups": [(code, fmt("period.group." + code)) for code in _GROUPS],
            "heatmap_periods": list(view.meta["heatmap_periods"]),
            "period_options": [option for option in options if option.url is not None],
            "ranking_link": links.page(_page(address, "overview", period=period)),
        }
    )
    return context


PERIOD_BUILDERS = {
    "instrument_period_ranking": ranking_context,
    "instrument_period_unit": unit_context,
}
"""The context builder of each page kind of a period-scored index."""
