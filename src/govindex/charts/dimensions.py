"""A province's eight dimensions: its score and interval against the national mean and
the best province.

The total (8–80) is on another scale than the dimensions (1–10), so it is named in the
subtitle rather than drawn.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from govindex.charts.chart_template import Slots, filled
from govindex.charts.style import NATIONAL_COLOUR, finish, group_colour, heading, score_tooltips
from govindex.charts.trends import wrapped
from govindex.charts.wording import Wording, score_records
from govindex.views import View

__all__ = ["dimensions_chart"]

_WIDTH = 340
WEB_WIDTH = 720
"""Plot width on the dashboard, where the chart has a whole row (the PDF keeps ``_WIDTH``)."""
_ROW_HEIGHT = 34
_WRAP = 32
_LABEL_WIDTH = 200
"""About the width of the wrapped item labels left of the plot, in pixels."""
_BEST_COLOUR = "#1a9641"
_TICK = "M0,-1L0,1"
"""A vertical line, the symbol of the reference marks (Vega's own "stroke" lies flat)."""


def dimensions_chart(view: View, words: Wording, *, width: int = _WIDTH) -> dict[str, Any]:
    """The dimensions of a profile view: point and interval, national mean, best province.

    ``width`` is the plot's width in pixels (the labels come on top of it).

    Examples
    --------
    >>> spec = dimensions_chart(dashboard.profile("Ha Noi", year=2024), Wording("vi"))
    >>> len(spec["layer"])
    3
    """
    table = view.table("dimensions")
    records = []
    for record in score_records(table, words):
        record["label"] = wrapped(words.item(record, numbered=True), _WRAP)
        records.append(record)
    dimensions = [record for record in records if record.get("level") == "dimension"]
    total = next((record for record in records if record.get("level") == "total"), None)
    province = words.province(view.meta["province"], view.meta.get("province_vi"))
    year = view.parameters["year"]
    notes = []
    if total is not None:
        notes.append(
            words(
                "chart.dimensions.total",
                score=total["score_text"],
                rank=total["rank_text"],
                group=total["group_label"],
            )
        )
    title = heading(
        words,
        words("chart.dimensions.title", province=province, year=year),
        source=words.source(view.meta["run"], year),
        synthetic=bool(view.meta.get("synthetic")),
        notes=notes,
        width=width + _LABEL_WIDTH,
    )
    mean_label = words("column.national_mean")
    best_label = words("chart.reference.best")
    references = []
    for record in dimensions:
        if record.get("national_mean") is not None:
            references.append(
                {
                    "label": record["label"],
                    "reference": mean_label,
                    "estimate": record["national_mean"],
                    "estimate_text": words.number(record["national_mean"]),
                    "who": "",
                }
            )
        if record.get("best_estimate") is not None:
            references.append(
                {
                    "label": record["label"],
                    "reference": best_label,
                    "estimate": record["best_estimate"],
                    "estimate_text": words.number(record["best_estimate"]),
                    "who": words.province(record.get("best_province")),
                }
            )
    values = {
        "title": title,
        "order": [record["label"] for record in dimensions],
        "height": _ROW_HEIGHT * max(len(dimensions), 1),
        "dimensions": dimensions,
        "references": references,
    }
    spec, datasets = filled(
        ("dimensions", words.language, width),
        values,
        lambda slots: _layers(slots, words, width, mean_label, best_label),
    )
    return finish(spec, words, datasets)


def _layers(slots: Slots, words: Wording, width: int, mean_label: str, best_label: str) -> Any:
    score = words("column.estimate")
    y = alt.Y(
        "label:N",
        sort=slots("order"),
        title=None,
        axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=300, labelPadding=6),
    )
    x_scale = alt.Scale(zero=False)
    own = alt.Chart(slots.rows("dimensions")).encode(y=y)
    intervals = (
        own.transform_filter("isValid(datum.ci_low) && isValid(datum.ci_high)")
        .mark_rule(color="#555555", strokeWidth=2)
        .encode(x=alt.X("ci_low:Q", title=score, scale=x_scale), x2=alt.X2("ci_high:Q"))
    )
    points = own.mark_point(
        filled=True, size=110, opacity=1, stroke="#333333", strokeWidth=0.5
    ).encode(
        x=alt.X("estimate:Q", title=score, scale=x_scale),
        color=group_colour(words, orient="bottom"),
        tooltip=[
            alt.Tooltip("label:N", title=words("chart.field.item")),
            *score_tooltips(words, score),
        ],
    )
    marks = (
        alt.Chart(slots.rows("references"))
        .mark_point(size=260, strokeWidth=2.5, filled=False)
        .encode(
            y=y,
            x=alt.X("estimate:Q", title=score, scale=x_scale),
            shape=alt.Shape(
                "reference:N",
                scale=alt.Scale(domain=[mean_label, best_label], range=[_TICK, _TICK]),
                legend=alt.Legend(title=words("chart.legend.reference"), orient="top"),
            ),
            stroke=alt.Stroke(
                "reference:N",
                scale=alt.Scale(
                    domain=[mean_label, best_label], range=[NATIONAL_COLOUR, _BEST_COLOUR]
                ),
                legend=alt.Legend(title=words("chart.legend.reference"), orient="top"),
            ),
            tooltip=[
                alt.Tooltip("reference:N", title=words("chart.legend.reference")),
                alt.Tooltip("estimate_text:N", title=score),
                alt.Tooltip("who:N", title=words("chart.field.name")),
            ],
        )
    )
    chart = alt.layer(
        intervals,
        marks,
        points,
        title=slots("title"),
        width=width,
        height=slots("height"),
    )
    return chart
