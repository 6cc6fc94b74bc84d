"""Provinces side by side: on each item, one point and interval per province.

The total (8–80) and the dimensions (1–10) are on different scales, so the total gets
its own strip above the items.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from govindex.charts.chart_rows import ChartRows
from govindex.charts.style import (
    NATIONAL_COLOUR,
    SERIES_COLOURS,
    finish,
    fitted,
    heading,
    score_tooltips,
)
from govindex.charts.wording import Wording, ordered_names, score_records
from govindex.views import View

__all__ = ["compare_chart"]

_WIDTH = 380
_BAND = 14
_LABEL_LIMIT = 220
"""The width of the item labels left of the plot; longer names are wrapped, never cut."""
_LABEL_SIZE = 10
_LINE_HEIGHT = 12
_TICK_SPACING = 55
"""At least this many pixels between x-axis ticks, so that no two numbers touch."""


def compare_chart(view: View, words: Wording) -> dict[str, Any]:
    """The compare view: grouped points with intervals, coloured by province.

    Examples
    --------
    >>> spec = compare_chart(dashboard.compare(["Ha Noi", "Da Nang"], year=2024), Wording("vi"))
    >>> len(spec["vconcat"])
    2
    """
    datasets = ChartRows()
    records = []
    for record in score_records(view.table("scores"), words):
        record["label"] = "\n".join(
            fitted(words.item(record, numbered=True), _LABEL_LIMIT, _LABEL_SIZE)
        )
        records.append(record)
    provinces = [
        words.province(entry["province"], entry["province_vi"]) for entry in view.meta["provinces"]
    ]
    colours = alt.Scale(domain=provinces, range=list(SERIES_COLOURS[: len(provinces)]))
    year = view.parameters["year"]
    title = heading(
        words,
        words("chart.compare.title", year=year),
        source=words.source(view.meta["run"], year),
        synthetic=bool(view.meta.get("synthetic")),
        notes=[words("chart.compare.mean_note")],
        width=_WIDTH + _LABEL_LIMIT,
    )
    panels = [
        _panel(
            [record for record in records if record.get("level") == "total"],
            words,
            colours,
            provinces,
            datasets,
        ),
        _panel(
            [record for record in records if record.get("level") != "total"],
            words,
            colours,
            provinces,
            datasets,
        ),
    ]
    chart = alt.vconcat(
        *[panel for panel in panels if panel is not None], title=title
    ).resolve_scale(x="independent")
    return finish(chart, words, datasets)


def _panel(
    records: list[dict[str, Any]],
    words: Wording,
    colours: alt.Scale,
    provinces: list[str],
    datasets: ChartRows,
) -> Any:
    if not records:
        return None
    score = words("column.estimate")
    labels = ordered_names(records, "label")
    y = alt.Y(
        "label:N",
        sort=labels,
        title=None,
        axis=alt.Axis(
            labelExpr="split(datum.label, '\\n')",
            labelLimit=_LABEL_LIMIT + 20,
            labelFontSize=_LABEL_SIZE,
            labelLineHeight=_LINE_HEIGHT,
        ),
    )
    x_scale = alt.Scale(zero=False)
    x_axis = alt.Axis(tickCount=_WIDTH // _TICK_SPACING, labelOverlap=True, labelFlush=True)
    offset = alt.YOffset("name:N", sort=provinces)
    colour = alt.Color(
        "name:N", scale=colours, legend=alt.Legend(title=words("chart.field.name"), orient="top")
    )
    base = alt.Chart(datasets.inline(records))
    intervals = (
        base.transform_filter("isValid(datum.ci_low) && isValid(datum.ci_high)")
        .mark_rule(strokeWidth=1.5)
        .encode(
            y=y,
            yOffset=offset,
            x=alt.X("ci_low:Q", title=score, scale=x_scale, axis=x_axis),
            x2=alt.X2("ci_high:Q"),
            color=colour,
        )
    )
    points = base.mark_point(filled=True, size=60, opacity=1).encode(
        y=y,
        yOffset=offset,
        x=alt.X("estimate:Q", title=score, scale=x_scale, axis=x_axis),
        color=colour,
        tooltip=[
            alt.Tooltip("name:N", title=words("chart.field.name")),
            alt.Tooltip("label:N", title=words("chart.field.item")),
            *score_tooltips(words, score),
        ],
    )
    means = (
        base.transform_filter("isValid(datum.national_mean)")
        .transform_aggregate(national_mean="min(national_mean)", groupby=["label"])
        .transform_calculate(mean_text="format(datum.national_mean, ',.2f')")
        .mark_tick(color=NATIONAL_COLOUR, thickness=2)
        .encode(
            y=y,
            x=alt.X("national_mean:Q", title=score, scale=x_scale, axis=x_axis),
            tooltip=alt.Tooltip("mean_text:N", title=words("column.national_mean")),
        )
    )
    # Each item's band holds one row per province and every line of its wrapped label.
    lines = max(label.count("\n") + 1 for label in labels)
    band = max(_BAND * len(provinces), _LINE_HEIGHT * lines + 6)
    height = band * len(labels)
    return alt.layer(intervals, means, points, width=_WIDTH, height=height)
