"""The overview ranking: each province's score with its interval, coloured by group.

Provinces run best first down the chart; the national mean is a vertical rule. Provinces
whose score was withheld have no point and are named under the title instead.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from govindex.charts.chart_template import Slots, filled
from govindex.charts.style import NATIONAL_COLOUR, finish, group_colour, heading, score_tooltips
from govindex.charts.wording import Wording, ordered_names, score_records
from govindex.views import View

__all__ = ["ranking_chart"]

_ROW_HEIGHT = 13
_WIDTH = 420
_LABEL_LIMIT = 160


def ranking_chart(view: View, words: Wording) -> dict[str, Any]:
    """Scores of an overview view as points with interval rules and the national mean.

    Examples
    --------
    >>> ranking_chart(dashboard.overview(year=2024), Wording("en"))["layer"][1]["mark"]
    {'type': 'point', 'filled': True, 'opacity': 1, 'size': 45}
    """
    records = score_records(
        view.table("ranking"), words, keep=("province", "estimate", "ci_low", "ci_high", "rank")
    )
    scored = [record for record in records if record.get("estimate") is not None]
    withheld = [record["name"] for record in records if record.get("estimate") is None]
    summary = view.table("summary")
    mean = summary["national_mean"][0] if summary.height else None
    year = view.parameters["year"]
    notes = []
    if withheld:
        notes.append(words("chart.ranking.withheld", names=", ".join(withheld)))
    if not any(record.get("ci_low") is not None for record in scored):
        notes.append(words("chart.no_intervals"))
    title = heading(
        words,
        words("chart.ranking.title", item=words.item(view.meta["item"]), year=year),
        source=words.source(view.meta["run"], year),
        synthetic=bool(view.meta.get("synthetic")),
        notes=notes,
        width=_WIDTH + _LABEL_LIMIT,
    )
    values = {
        "title": title,
        "order": ordered_names(scored),
        "height": max(_ROW_HEIGHT * len(scored), 60),
        "scored": scored,
        "reference": []
        if mean is None
        else [
            {"mean": mean, "label": words("chart.national_mean_value", value=words.number(mean))}
        ],
    }
    spec, datasets = filled(
        ("ranking", words.language, mean is not None),
        values,
        lambda slots: _layers(slots, words, with_mean=mean is not None),
    )
    return finish(spec, words, datasets)


def _layers(slots: Slots, words: Wording, *, with_mean: bool) -> Any:
    score = words("column.estimate")
    y = alt.Y("name:N", sort=slots("order"), title=None, axis=alt.Axis(labelLimit=_LABEL_LIMIT))
    base = alt.Chart(slots.rows("scored")).encode(y=y)
    intervals = (
        base.transform_filter("isValid(datum.ci_low) && isValid(datum.ci_high)")
        .mark_rule(color="#777777")
        .encode(
            x=alt.X("ci_low:Q", title=score, scale=alt.Scale(zero=False)), x2=alt.X2("ci_high:Q")
        )
    )
    points = base.mark_point(filled=True, size=45, opacity=1).encode(
        x=alt.X("estimate:Q", title=score, scale=alt.Scale(zero=False)),
        color=group_colour(words, orient="top"),
        tooltip=[
            alt.Tooltip("name:N", title=words("chart.field.name")),
            *score_tooltips(words, score),
        ],
    )
    layers: list[Any] = [intervals, points]
    if with_mean:
        reference = alt.Chart(slots.rows("reference"))
        layers.append(
            reference.mark_rule(color=NATIONAL_COLOUR, strokeDash=[4, 3]).encode(
                x=alt.X("mean:Q"),
                tooltip=alt.Tooltip("label:N", title=words("column.national_mean")),
            )
        )
        # Channel objects, not shorthand strings or alt.value dicts: Altair parses those
        # through its schema at every call, a large part of building a chart.
        top = alt.YValue(0)  # type: ignore[no-untyped-call]  # Altair leaves it untyped
        layers.append(
            reference.mark_text(align="left", dx=4, dy=-4, baseline="bottom", fontSize=10).encode(
                x=alt.X("mean:Q"), y=top, text=alt.Text("label:N")
            )
        )
    return alt.layer(*layers, title=slots("title"), width=_WIDTH, height=slots("height"))
