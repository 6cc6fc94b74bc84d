"""Charts filled into a cached template are the specifications Altair builds directly,
byte for byte, for every kind of chart that uses a template, in both languages."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pytest

from govindex.charts import chart_template, charts_for
from govindex.charts.chart_template import filled, templates_switched_off
from govindex.views import Dashboard, View


def _text(specs: dict[str, Any]) -> str:
    return json.dumps(specs, ensure_ascii=False)


def _templated_views(dashboard: Dashboard, synthetic_run: str) -> list[View]:
    # Several of each shape: the later ones are filled into the first one's template.
    return [
        dashboard.overview(year=2024),
        dashboard.overview(year=2013, level="dimension", code="4", geography="34"),
        dashboard.overview(year=2011),
        dashboard.overview(run_id=synthetic_run),
        dashboard.profile("Hà Nội", year=2024),
        dashboard.profile("Quảng Ninh", year=2024),
        dashboard.profile("Điện Biên", year=2012),
        dashboard.profile("Lào Cai", run_id=synthetic_run),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("asset_base", ["../static", None])
def test_filled_templates_equal_charts_built_directly(
    dashboard: Dashboard, synthetic_run: str, language: str, asset_base: str | None
) -> None:
    views = _templated_views(dashboard, synthetic_run)
    templated = [_text(charts_for(view, language, asset_base=asset_base)) for view in views]
    with templates_switched_off():
        direct = [_text(charts_for(view, language, asset_base=asset_base)) for view in views]
    assert len(set(direct)) == len(direct)  # the views differ, so a stale fill would show
    for view, mine, reference in zip(views, templated, direct, strict=True):
        assert mine == reference, (view.kind, view.parameters)
    assert "govindex-slot" not in "".join(templated)


def test_a_shape_is_built_once_and_only_its_slots_change(monkeypatch) -> None:
    monkeypatch.setattr(chart_template, "_TEMPLATES", {})
    built: list[str] = []

    def build(slots: chart_template.Slots) -> Any:
        built.append("once")
        points = (
            alt.Chart(slots.rows("points")).mark_point().encode(x=alt.X("a:Q", title=slots("axis")))
        )
        return alt.layer(points, title=slots("title"), height=slots("height"))

    first, _ = filled(("test",), {"title": "A", "axis": "x", "height": 10, "points": []}, build)
    values = {"title": ["B", "C"], "axis": None, "height": 20, "points": [{"a": 1}]}
    second, rows = filled(("test",), values, build)
    spec = rows.restore(second)
    assert built == ["once"]
    assert (spec["title"], spec["height"], spec["layer"][0]["encoding"]["x"]["title"]) == (
        ["B", "C"],
        20,
        None,
    )
    assert list(spec["datasets"].values()) == [[{"a": 1}]]
    assert first["title"] == "A"  # the template itself was not changed by the fill
    with templates_switched_off():
        direct, rows = filled(("test",), values, build)
    assert _text(rows.restore(direct)) == _text(spec)
