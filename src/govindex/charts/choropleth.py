"""The overview map: every province (or 2025 unit) coloured by its performance group.

On the web the outlines are fetched from the dashboard's static folder; in reports (and
offline renderings) they are written into the specification itself.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import altair as alt

from govindex.charts.chart_template import Slots, filled
from govindex.charts.style import finish, group_colour, heading, literal, score_tooltips
from govindex.charts.wording import Wording, score_records
from govindex.errors import SpecError
from govindex.views import View

__all__ = [
    "ARCHIPELAGOS_FILE",
    "ISLAND_COLOUR",
    "MAP_FILES",
    "archipelagos",
    "map_chart",
    "outlines",
]

MAP_FILES = {"63": "provinces-63.geojson", "34": "units-34.geojson"}
"""The outline file of each geography, in ``govindex.web``'s ``static/maps`` folder."""

ARCHIPELAGOS_FILE = "archipelagos.geojson"
"""Hoàng Sa and Trường Sa, drawn and labelled on every map of Viet Nam (both geographies)."""

_KEY_PROPERTY = {"63": "province", "34": "unit"}
ISLAND_COLOUR = "#5f6b73"
"""Fill and outline of the archipelagos' islands (no performance group's colour)."""
_WIDTH = 340
_HEIGHT = 560


@cache
def _asset_text(name: str) -> str:
    folder = resources.files("govindex.web").joinpath("static", "maps")
    return folder.joinpath(name).read_text("utf-8")


def _outline_text(geography: str) -> str:
    return _asset_text(MAP_FILES[geography])


def outlines(geography: str) -> list[dict[str, Any]]:
    """The GeoJSON features of the 63 former provinces or the 34 units of July 2025.

    Examples
    --------
    >>> len(outlines("63")), len(outlines("34"))
    (63, 34)
    """
    if geography not in MAP_FILES:
        msg = f"geography must be one of {sorted(MAP_FILES)}; got {geography!r}."
        raise SpecError(msg, where="geography", found=geography, expected=sorted(MAP_FILES))
    features: list[dict[str, Any]] = json.loads(_outline_text(geography))["features"]
    return features


def archipelagos() -> list[dict[str, Any]]:
    """The Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa) archipelagos as GeoJSON features.

    Examples
    --------
    >>> [feature["properties"]["archipelago_vi"] for feature in archipelagos()]
    ['Hoàng Sa', 'Trường Sa']
    """
    features: list[dict[str, Any]] = json.loads(_asset_text(ARCHIPELAGOS_FILE))["features"]
    return features


def _archipelago_rows(words: Wording) -> list[dict[str, Any]]:
    # Inlined on every map (web, static export, PDF): two small features, and the map must
    # never be shown without them. The islands are too small to see at this scale, so
    # each is outlined thickly and named beneath.
    return [
        {
            "longitude": feature["properties"]["label_at"][0],
            "latitude": feature["properties"]["label_at"][1],
            "label": words(
                f"chart.map.archipelago.{feature['properties']['archipelago'].lower().replace(' ', '_')}",
                province=words.province(feature["properties"]["province"]),
            ),
        }
        for feature in archipelagos()
    ]


def _archipelago_layers(slots: Slots) -> list[alt.Chart]:
    islands = (
        alt.Chart(slots.rows("islands"))
        .mark_geoshape(fill=ISLAND_COLOUR, stroke=ISLAND_COLOUR, strokeWidth=1.6)
        .project(type="mercator")
    )
    names = (
        alt.Chart(slots.rows("island_labels"))
        .mark_text(align="center", baseline="top", dy=5, fontSize=9, color="#333333")
        .encode(
            longitude=alt.Longitude("longitude:Q"),
            latitude=alt.Latitude("latitude:Q"),
            text=alt.Text("label:N"),
        )
        .project(type="mercator")
    )
    return [islands, names]


def map_chart(
    view: View, words: Wording, *, asset_base: str | None, highlight: str | None = None
) -> dict[str, Any]:
    """The choropleth of an overview view, coloured by performance group.

    With ``asset_base`` (e.g. ``"/static"``) the outlines are loaded from
    ``{asset_base}/maps/<file>``; without it they are inlined, for offline rendering.
    ``highlight`` (a province or unit, govindex spelling) is outlined in black.

    Examples
    --------
    >>> spec = map_chart(dashboard.overview(year=2024), Wording("vi"), asset_base=None)
    >>> spec["layer"][0]["mark"]["type"]
    'geoshape'
    """
    geography = str(view.parameters.get("geography", "63"))
    records = [
        {
            "key": record["province"],
            "name": record["name"],
            "group_label": record["group_label"],
            "score_text": record["score_text"],
            "interval_text": record["interval_text"],
            "rank_text": record["rank_text"],
        }
        for record in score_records(view.table("ranking"), words)
    ]
    item = view.meta["item"]
    notes = [words("chart.map.derived")] if geography == "34" else []
    title = heading(
        words,
        words("chart.map.title", item=words.item(item), year=view.parameters["year"]),
        source=words.source(view.meta["run"], view.parameters["year"]),
        synthetic=bool(view.meta.get("synthetic")),
        notes=notes,
        width=_WIDTH,
    )
    values = {
        "title": title,
        "records": records,
        "outlines": outlines(geography) if asset_base is None else [],
        "islands": archipelagos(),
        "island_labels": _archipelago_rows(words),
    }
    spec, datasets = filled(
        ("map", words.language, geography, asset_base, highlight),
        values,
        lambda slots: _layers(slots, words, geography, asset_base, highlight),
    )
    return finish(spec, words, datasets)


def _layers(
    slots: Slots, words: Wording, geography: str, asset_base: str | None, highlight: str | None
) -> Any:
    key = _KEY_PROPERTY.get(geography, "province")
    outline: alt.UrlData | alt.InlineData
    if asset_base is None:
        outline = slots.rows("outlines")
    else:
        outline = alt.UrlData(
            url=f"{asset_base.rstrip('/')}/maps/{MAP_FILES[geography]}",
            format=alt.JsonDataFormat(type="json", property="features"),
        )
    unranked = words.group(None)
    # The outlines are the layered chart's own data (its top-level "data", which the web
    # page and the static export point at the map file); the archipelagos bring their own.
    groups = (
        alt.Chart()
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .transform_lookup(
            lookup=f"properties.{key}",
            from_=alt.LookupData(
                data=slots.rows("records"),
                key="key",
                fields=["name", "group_label", "score_text", "interval_text", "rank_text"],
            ),
        )
        .transform_calculate(
            shown_group=f"isValid(datum.group_label) ? datum.group_label : {literal(unranked)}",
            shown_name=f"isValid(datum.name) ? datum.name : datum.properties.{key}",
        )
        .encode(
            color=group_colour(words, orient="bottom", field="shown_group"),
            tooltip=[
                alt.Tooltip("shown_name:N", title=words("chart.field.name")),
                *score_tooltips(words, words("column.estimate"), group_field="shown_group"),
            ],
        )
        .project(type="mercator")
    )
    layers = [groups, *_archipelago_layers(slots)]
    if highlight is not None:
        layers.append(
            alt.Chart()
            .mark_geoshape(filled=False, stroke="#000000", strokeWidth=2.2)
            .transform_filter(f"datum.properties.{key} === {literal(highlight)}")
            .project(type="mercator")
        )
    return alt.layer(*layers, data=outline, title=slots("title"), width=_WIDTH, height=_HEIGHT)
