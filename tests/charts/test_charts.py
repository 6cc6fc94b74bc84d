"""The dashboard's charts are valid Vega-Lite v6, labelled in Vietnamese or English."""

from __future__ import annotations

import json
import re
from typing import Any

import altair as alt
import polars as pl
import pytest
from altair.utils.schemapi import validate_jsonschema

import govindex.official
from govindex.charts import CHARTS, Wording, chart_svg, charts_for, map_chart, outlines
from govindex.charts.indicator import segment_of
from govindex.errors import SpecError
from govindex.views import Dashboard, View

VIEW_NAMES = (
    "overview-2024",
    "overview-2013-dimension",
    "overview-synthetic",
    "profile-2024",
    "profile-synthetic",
    "compare-2024",
    "compare-synthetic",
    "indicator-published",
    "indicator-synthetic",
)
SCHEMA = alt.vegalite.v6.schema.core.load_schema()


def _titles(spec: dict[str, Any]) -> str:
    title = spec.get("title", {})
    parts = [title.get("text", ""), *title.get("subtitle", [])]
    return " ".join(str(part) for part in parts)


def _inline_values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    data = spec["data"]
    if "values" in data:
        values: list[dict[str, Any]] = data["values"]
        return values
    return list(spec["datasets"][data["name"]])


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("name", VIEW_NAMES)
def test_every_chart_is_valid_vega_lite(views: dict[str, View], name: str, language: str) -> None:
    view = views[name]
    specs = charts_for(view, language, asset_base="/static")
    assert tuple(specs) == CHARTS[view.kind]
    for chart, spec in specs.items():
        validate_jsonschema(spec, SCHEMA)
        assert "/vega-lite/v6." in spec["$schema"], chart
        text = json.dumps(spec, ensure_ascii=False)
        urls = set(re.findall(r"https?://[^\"]+", text)) - {spec["$schema"]}
        assert not urls, f"{chart} loads external URLs: {urls}"
        if view.meta.get("synthetic"):
            assert "SYNTHETIC" in _titles(spec), chart


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_vietnamese_charts_use_vietnamese_names(views: dict[str, View], name: str) -> None:
    view = views[name]
    vietnamese = json.dumps(charts_for(view, "vi", asset_base=None), ensure_ascii=False)
    english = json.dumps(charts_for(view, "en", asset_base=None), ensure_ascii=False)
    for label in ("Nhóm đạt điểm cao nhất", "Điểm"):
        if label in vietnamese:
            assert label not in english
    assert re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", vietnamese)


def test_profile_charts_show_the_province_in_vietnamese(views: dict[str, View]) -> None:
    specs = charts_for(views["profile-2024"], "vi", asset_base=None)
    assert specs["dimensions"]["title"]["text"].startswith("Hà Nội")
    assert specs["trends"]["title"]["text"].startswith("Hà Nội")
    assert charts_for(views["profile-2024"], "en", asset_base=None)["trends"]["title"][
        "text"
    ].startswith("Ha Noi")


def test_web_map_loads_outlines_from_the_asset_base(views: dict[str, View]) -> None:
    spec = charts_for(views["overview-2024"], "vi", asset_base="/static/")["map"]
    assert spec["data"] == {
        "url": "/static/maps/provinces-63.geojson",
        "format": {"type": "json", "property": "features"},
    }


def test_inlined_map_has_the_63_provinces(views: dict[str, View]) -> None:
    spec = charts_for(views["overview-2024"], "en", asset_base=None)["map"]
    features = _inline_values(spec)
    assert len(features) == 63
    assert {feature["properties"]["province"] for feature in features} >= {"Ha Noi", "Can Tho"}


def test_inlined_map_of_the_34_units(views: dict[str, View]) -> None:
    # Built by hand so this test does not depend on the derived-unit view.
    units = [feature["properties"]["unit"] for feature in outlines("34")]
    base = views["overview-2024"]
    ranking = pl.DataFrame(
        {
            "province": units,
            "province_vi": [govindex.official.vietnamese_name(unit) for unit in units],
            "estimate": [40.0 + index / 10 for index in range(len(units))],
            "ci_low": [None] * len(units),
            "ci_high": [None] * len(units),
            "rank": list(range(len(units), 0, -1)),
            "group": [1 + index % 4 for index in range(len(units))],
        },
        schema_overrides={"ci_low": pl.Float64, "ci_high": pl.Float64},
    )
    view = View("overview", {**base.parameters, "geography": "34"}, base.meta, {"ranking": ranking})
    spec = map_chart(view, Wording("vi"), asset_base=None)
    validate_jsonschema(spec, SCHEMA)
    assert len(_inline_values(spec)) == 34
    assert "34" in " ".join(spec["title"]["subtitle"])
    web = map_chart(view, Wording("vi"), asset_base="https://example.org/static")
    assert web["data"]["url"] == "https://example.org/static/maps/units-34.geojson"


def test_overview_of_the_34_units_has_a_map(dashboard: Dashboard) -> None:
    spec = charts_for(dashboard.overview(year=2024, geography="34"), "vi", asset_base=None)["map"]
    validate_jsonschema(spec, SCHEMA)
    assert len(_inline_values(spec)) == 34


def test_svg_renders_offline_with_vietnamese_text(views: dict[str, View]) -> None:
    specs = charts_for(views["profile-2024"], "vi", asset_base=None)
    svg = chart_svg(specs["dimensions"])
    assert svg.startswith("<svg")
    assert "Hà Nội" in svg
    assert 'font-family="DejaVu Sans"' in svg
    assert "\ufffd" not in svg
    map_svg = chart_svg(charts_for(views["overview-2024"], "vi", asset_base=None)["map"])
    assert map_svg.count("<path") > 63


def test_svg_refuses_a_chart_that_loads_a_url(views: dict[str, View]) -> None:
    spec = charts_for(views["overview-2024"], "vi", asset_base="https://example.org")["map"]
    with pytest.raises(SpecError, match="offline"):
        chart_svg(spec)


def test_trend_lines_break_at_comparability_breaks(views: dict[str, View]) -> None:
    spec = charts_for(views["profile-2024"], "en", asset_base=None)["trends"]
    rows = _inline_values(spec)
    total = {row["line"] for row in rows if row["panel"] == "PAPI total"}
    # The total breaks in 2016, 2018, 2019 and 2021: five comparable stretches, two series.
    assert len(total) == 10
    assert segment_of("4", 2017) == 0
    assert segment_of("4", 2018) == 1


def test_groups_have_fixed_colours(views: dict[str, View]) -> None:
    spec = charts_for(views["overview-2024"], "en", asset_base=None)["ranking"]
    scale = spec["layer"][1]["encoding"]["color"]["scale"]
    assert scale["domain"] == Wording("en").group_labels()
    assert len(set(scale["range"])) == 5


def test_indicator_trend_colours_the_highlighted_provinces(views: dict[str, View]) -> None:
    base = views["indicator-published"]
    view = View(base.kind, {**base.parameters, "highlight": ["Ha Noi"]}, base.meta, base.tables)
    spec = charts_for(view, "vi", asset_base=None)["trend"]
    legend = spec["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert legend == ["Hà Nội"]


def test_a_view_without_charts_is_refused(dashboard: Dashboard) -> None:
    with pytest.raises(SpecError, match="no charts"):
        charts_for(dashboard.runs(), "vi", asset_base=None)


def test_numbers_use_the_languages_decimal_mark() -> None:
    assert Wording("vi").number(1234.567) == "1.234,57"
    assert Wording("en").number(1234.567) == "1,234.57"
    assert Wording("vi").interval(None, 2.0) == "–"
    with pytest.raises(SpecError):
        Wording("fr")
