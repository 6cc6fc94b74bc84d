"""Charts as the renderer lays them out: no text is cut off, no two axis labels touch, and a
title never makes a chart wider than its plot and labels (a page's chart column would then
cut the title off). The layout is Vega's own, read from vl-convert's scenegraph and SVG."""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

import pytest
import vl_convert

from govindex.charts import charts_for
from govindex.charts.rendering import _register_fonts, _vega_lite_version, chart_svg
from govindex.views import View

_ADVANCE = 0.64
"""DejaVu Sans's widest digit advance, in em (digits are 0.636 em; '.' and ',' 0.318)."""

CHARTS = (
    ("overview-2024", "map"),
    ("overview-2024", "ranking"),
    ("overview-2013-dimension", "map"),
    ("overview-synthetic", "ranking"),
    ("profile-2024", "dimensions"),
    ("profile-2024", "trends"),
    ("compare-2024", "compare"),
    ("compare-synthetic", "compare"),
    ("indicator-published", "trend"),
    ("indicator-published", "distribution"),
)


def _spec(views: dict[str, View], view: str, chart: str, language: str) -> dict[str, Any]:
    return charts_for(views[view], language, asset_base=None)[chart]


def _svg_width(spec: dict[str, Any]) -> float:
    found = re.search(r'<svg[^>]*\swidth="([0-9.]+)"', chart_svg(spec))
    assert found is not None
    return float(found.group(1))


def _labels(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The visible labels of every axis of the rendered chart, one list per axis."""
    _register_fonts()
    scene = vl_convert.vegalite_to_scenegraph(spec, vl_version=_vega_lite_version())
    axes: list[list[dict[str, Any]]] = []

    def walk(node: Any, role: str | None) -> None:
        if isinstance(node, dict):
            role = node.get("role", role)
            if node.get("marktype") == "text" and role == "axis-label":
                axes.append([item for item in node.get("items", []) if item.get("opacity", 1)])
                return
            for value in node.values():
                walk(value, role)
        elif isinstance(node, list):
            for value in node:
                walk(value, role)

    walk(scene, None)
    return axes


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("view", "chart"), CHARTS)
def test_no_text_is_cut_off(views: dict[str, View], view: str, chart: str, language: str) -> None:
    svg = chart_svg(_spec(views, view, chart, language))
    assert "…" not in svg, "a label or title was truncated"


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("view", "chart"), CHARTS)
def test_the_title_does_not_widen_the_chart(
    views: dict[str, View], view: str, chart: str, language: str
) -> None:
    spec = _spec(views, view, chart, language)
    untitled = copy.deepcopy(spec)
    untitled.pop("title", None)
    assert _svg_width(spec) <= _svg_width(untitled) + 1


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("view", ["compare-2024", "compare-synthetic"])
def test_compare_axis_labels_do_not_collide(
    views: dict[str, View], view: str, language: str
) -> None:
    axes = _labels(_spec(views, view, "compare", language))
    assert axes
    for labels in axes:
        if len(labels) < 2:
            continue
        lines = [
            item["text"] if isinstance(item["text"], list) else [item["text"]] for item in labels
        ]
        if all(item.get("angle", 0) == 0 and item.get("align") == "right" for item in labels):
            # Item names left of the plot: stacked, each as tall as its lines.
            placed = sorted(
                (item["y"], len(text) * item.get("lineHeight", item["fontSize"]))
                for item, text in zip(labels, lines, strict=True)
            )
            for (upper, upper_height), (lower, lower_height) in itertools.pairwise(placed):
                assert lower - upper >= (upper_height + lower_height) / 2
        else:
            # Numbers under the plot: side by side, each as wide as its digits at most.
            placed = sorted(
                (item["x"], _ADVANCE * item["fontSize"] * max(len(line) for line in text))
                for item, text in zip(labels, lines, strict=True)
            )
            for (left, left_width), (right, right_width) in itertools.pairwise(placed):
                assert right - left >= (left_width + right_width) / 2 + 2
