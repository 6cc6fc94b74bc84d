"""A province's total and dimensions over the years, one small panel each.

A line never joins years on either side of a comparability break: each comparable stretch
(the view's ``segment``) is its own line, so a restructuring does not read as a change.
The national mean is the dashed line.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import Any

import altair as alt
import polars as pl

from govindex.charts.chart_template import Slots, filled
from govindex.charts.style import NATIONAL_COLOUR, SERIES_COLOURS, finish, heading
from govindex.charts.wording import Wording
from govindex.views import View, json_value

__all__ = ["trends_chart", "wrapped"]

_PANEL_WIDTH = 170
_PANEL_HEIGHT = 95
_COLUMNS = 3
_PANEL_SPACING = 20
"""Vega-Lite's default space between facet panels, in pixels."""
_WRAP = 30


@lru_cache(maxsize=4096)
def wrapped(text: str, width: int = _WRAP) -> str:
    """``text`` broken into lines of at most ``width`` characters (``\\n`` between them).

    Examples
    --------
    >>> wrapped("Công khai, minh bạch trong việc ra quyết định ở địa phương", 30)
    'Công khai, minh bạch trong\\nviệc ra quyết định ở địa\\nphương'
    """
    # Cached: the same few item names are wrapped for every row of every profile.
    return "\n".join(textwrap.wrap(text, width)) or text


def trends_chart(view: View, words: Wording) -> dict[str, Any]:
    """The trends of a profile view: one panel per item, broken at comparability breaks.

    Examples
    --------
    >>> spec = trends_chart(dashboard.profile("Ha Noi", year=2024), Wording("en"))
    >>> spec["columns"]
    3
    """
    trends = view.table("trends").filter(
        (pl.col("code") == "total") | (pl.col("level") == "dimension")
    )
    province = words.province(view.meta["province"], view.meta.get("province_vi"))
    national = words("column.national_mean")
    rows: list[dict[str, Any]] = []
    panels: dict[str, str] = {}
    for row in trends.iter_rows(named=True):
        panel = wrapped(words.item(row, numbered=True))
        panels.setdefault(str(row["code"]), panel)
        common = {
            "panel": panel,
            "year": row["year"],
            "segment": row["segment"],
            "interval_text": words.interval(row.get("ci_low"), row.get("ci_high")),
            "rank_text": words.rank(row.get("rank")),
            "group_label": words.group(row.get("group")),
        }
        for series, estimate, low, high in (
            (province, row.get("estimate"), row.get("ci_low"), row.get("ci_high")),
            (national, row.get("national_mean"), None, None),
        ):
            if estimate is None:
                continue
            rows.append(
                {
                    **common,
                    "series": series,
                    "line": f"{series}/{row['segment']}",
                    "estimate": json_value(estimate),
                    "estimate_text": words.number(estimate),
                    "ci_low": json_value(low),
                    "ci_high": json_value(high),
                }
            )
    order = [panels[code] for code in sorted(panels, key=_code_order)]
    year = view.parameters["year"]
    title = heading(
        words,
        words("chart.trends.title", province=province),
        source=words.source(view.meta["run"], year),
        synthetic=bool(view.meta.get("synthetic")),
        notes=[words("chart.trends.breaks")],
        width=_COLUMNS * _PANEL_WIDTH + (_COLUMNS - 1) * _PANEL_SPACING,
    )
    values = {"title": title, "province": province, "order": order, "rows": rows}
    spec, datasets = filled(
        ("trends", words.language), values, lambda slots: _panels(slots, words, national)
    )
    return finish(spec, words, datasets)


def _panels(slots: Slots, words: Wording, national: str) -> Any:
    colours = alt.Scale(
        domain=[slots("province"), national], range=[SERIES_COLOURS[0], NATIONAL_COLOUR]
    )
    colour = alt.Color("series:N", scale=colours, legend=alt.Legend(title=None, orient="top"))
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=[slots("province"), national], range=[[1, 0], [4, 3]]),
        legend=alt.Legend(title=None, orient="top"),
    )
    x = alt.X(
        "year:Q",
        title=None,
        scale=alt.Scale(zero=False, nice=False),
        axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelOverlap=True),
    )
    y = alt.Y("estimate:Q", title=None, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("series:N", title=words("chart.field.series")),
        alt.Tooltip("year:Q", title=words("column.year"), format="d"),
        alt.Tooltip("estimate_text:N", title=words("column.estimate")),
        alt.Tooltip("interval_text:N", title=words("column.interval")),
        alt.Tooltip("rank_text:N", title=words("column.rank")),
    ]
    base = alt.Chart()
    lines = base.mark_line(strokeWidth=1.8).encode(
        x=x, y=y, color=colour, strokeDash=dash, detail=alt.Detail("line:N")
    )
    points = base.mark_point(filled=True, size=22).encode(
        x=x, y=y, color=alt.Color("series:N", scale=colours, legend=None), tooltip=tooltip
    )
    intervals = (
        base.transform_filter("isValid(datum.ci_low) && isValid(datum.ci_high)")
        .mark_rule(color=SERIES_COLOURS[0], opacity=0.6)
        .encode(x=x, y=alt.Y("ci_low:Q"), y2=alt.Y2("ci_high:Q"))
    )
    chart = (
        alt.layer(
            intervals,
            lines,
            points,
            data=slots.rows("rows"),
            width=_PANEL_WIDTH,
            height=_PANEL_HEIGHT,
        )
        .facet(
            facet=alt.Facet(
                "panel:N",
                sort=slots("order"),
                title=None,
                header=alt.Header(labelExpr="split(datum.value, '\\n')", labelFontSize=10),
            ),
            columns=_COLUMNS,
            title=slots("title"),
        )
        .resolve_scale(y="independent")
    )
    return chart


def _code_order(code: str) -> tuple[int, str]:
    """The total first, then dimensions by number."""
    if code == "total":
        return (0, "")
    head = code.split(".")[0]
    return (1, head.zfill(3) + code)
