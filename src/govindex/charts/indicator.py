"""One item across provinces and years: the national mean's trend with chosen provinces,
and each year's spread of provincial scores.

Trend lines break at the item's comparability breaks, like the profile's trends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import altair as alt

from govindex.charts.chart_rows import ChartRows
from govindex.charts.style import (
    NATIONAL_COLOUR,
    SERIES_COLOURS,
    finish,
    group_colour,
    heading,
    score_tooltips,
)
from govindex.charts.wording import Wording, score_records
from govindex.official.comparability import ComparabilityBreak, load_comparability_breaks
from govindex.views import View

__all__ = ["distribution_chart", "highlighted", "indicator_trend_chart", "segment_of"]

_WIDTH = 520
_HEIGHT = 300
_OTHERS_COLOUR = "#c8c8c8"
_KEPT = ("year", "province", "estimate")


def segment_of(code: str, year: int) -> int:
    """How many comparability breaks of ``code`` fall in or before ``year``.

    Years with the same number are comparable; a line joins only those.

    Examples
    --------
    >>> segment_of("4", 2017), segment_of("4", 2018), segment_of("total", 2024)
    (0, 1, 4)
    """
    return sum(1 for item in _breaks() if item.year <= year and item.covers(code))


@cache
def _breaks() -> tuple[ComparabilityBreak, ...]:
    # Read once: an indicator's trend asks for every row's segment, thousands per page.
    return load_comparability_breaks()


def highlighted(view: View) -> list[str]:
    """The provinces drawn in colour: the view's ``highlight`` parameter if it has one,
    else the best and the lowest province of the latest year.

    Examples
    --------
    >>> highlighted(dashboard.explore_item(level="dimension", code="4"))
    ['Tay Ninh', 'Kien Giang']
    """
    chosen = view.parameters.get("highlight")
    if chosen:
        return [str(name) for name in chosen]
    values = view.table("values")
    if values.is_empty():
        return []
    latest = values.filter(values["year"] == values["year"].max()).drop_nulls("estimate")
    if latest.is_empty():
        return []
    ordered = latest.sort("estimate", descending=True)["province"].to_list()
    return list(dict.fromkeys([ordered[0], ordered[-1]]))


def _title(view: View, words: Wording, key: str) -> alt.TitleParams:
    runs: Sequence[Mapping[str, Any]] = view.meta.get("runs", [])
    years = sorted(int(run["year"]) for run in runs)
    published = all(run.get("kind") == "published" for run in runs)
    if published and years:
        source = words("chart.source.published_years", first=years[0], last=years[-1])
    elif runs:
        source = words("chart.source.microdata", run=str(runs[0]["run_id"])[:8], year=years[-1])
    else:
        source = ""
    return heading(
        words,
        words(key, item=words.item(view.meta["item"], numbered=True)),
        source=source,
        synthetic=bool(view.meta.get("synthetic")),
        notes=[words(f"{key}.note")],
        width=_WIDTH,
    )


def indicator_trend_chart(
    view: View, words: Wording, highlight: Sequence[str] | None = None
) -> dict[str, Any]:
    """The national mean over the years, every province faintly, highlighted ones in colour.

    Clicking a grey line (on the web) draws it in red; a double click clears it.

    Examples
    --------
    >>> view = dashboard.explore_item(level="dimension", code="4")
    >>> indicator_trend_chart(view, Wording("vi"))["layer"][0]["mark"]["type"]
    'line'
    """
    datasets = ChartRows()
    code = str(view.parameters["code"])
    chosen = list(highlight) if highlight is not None else highlighted(view)
    provinces = []
    for record in score_records(view.table("values"), words, keep=_KEPT):
        if record.get("estimate") is None:
            continue
        record["line"] = f"{record['province']}/{segment_of(code, record['year'])}"
        record["chosen"] = record["province"] in chosen
        provinces.append(record)
    national = [
        {
            "year": row["year"],
            "estimate": row["national_mean"],
            "score_text": words.number(row["national_mean"]),
            "line": str(segment_of(code, row["year"])),
            "name": words("column.national_mean"),
        }
        for row in view.table("national").iter_rows(named=True)
        if row["national_mean"] is not None
    ]
    score = words("column.estimate")
    x = alt.X(
        "year:Q",
        title=words("column.year"),
        scale=alt.Scale(zero=False, nice=False),
        axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True),
    )
    y = alt.Y("estimate:Q", title=score, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("name:N", title=words("chart.field.name")),
        alt.Tooltip("year:Q", title=words("column.year"), format="d"),
        alt.Tooltip("score_text:N", title=score),
    ]
    pick = alt.selection_point(
        name="pick", fields=["name"], on="click", clear="dblclick", empty=False
    )
    everyone = (
        alt.Chart(datasets.inline(provinces))
        .mark_line(strokeWidth=1)
        .encode(
            x=x,
            y=y,
            detail=alt.Detail("line:N"),
            color=alt.condition(pick, alt.value(SERIES_COLOURS[1]), alt.value(_OTHERS_COLOUR)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    names = list(dict.fromkeys(record["name"] for record in provinces if record["chosen"]))
    colours = alt.Scale(
        domain=names, range=list(SERIES_COLOURS[2 : 2 + len(names)] or [SERIES_COLOURS[0]])
    )
    chosen_base = alt.Chart(datasets.inline([r for r in provinces if r["chosen"]]))
    chosen_colour = alt.Color(
        "name:N", scale=colours, legend=alt.Legend(title=words("chart.field.name"), orient="top")
    )
    chosen_lines = chosen_base.mark_line(strokeWidth=2).encode(
        x=x, y=y, detail=alt.Detail("line:N"), color=chosen_colour
    )
    chosen_points = chosen_base.mark_point(filled=True, size=30).encode(
        x=x, y=y, color=chosen_colour, tooltip=tooltip
    )
    mean_base = alt.Chart(datasets.inline(national))
    mean_line = mean_base.mark_line(
        color=NATIONAL_COLOUR, strokeWidth=2.5, strokeDash=[5, 3]
    ).encode(x=x, y=y, detail=alt.Detail("line:N"))
    mean_points = mean_base.mark_point(color=NATIONAL_COLOUR, filled=True, size=30).encode(
        x=x, y=y, tooltip=tooltip
    )
    chart = alt.layer(
        everyone,
        chosen_lines,
        chosen_points,
        mean_line,
        mean_points,
        title=_title(view, words, "chart.indicator.trend"),
        width=_WIDTH,
        height=_HEIGHT,
    )
    return finish(chart, words, datasets)


def distribution_chart(view: View, words: Wording) -> dict[str, Any]:
    """Each year's provincial scores as a strip of ticks coloured by group, with the mean.

    Examples
    --------
    >>> view = dashboard.explore_item(level="dimension", code="4")
    >>> distribution_chart(view, Wording("en"))["layer"][0]["mark"]["type"]
    'tick'
    """
    datasets = ChartRows()
    records = [
        record
        for record in score_records(view.table("values"), words, keep=_KEPT)
        if record.get("estimate") is not None
    ]
    national = [
        {
            "year": row["year"],
            "national_mean": row["national_mean"],
            "mean_text": words.number(row["national_mean"]),
        }
        for row in view.table("national").iter_rows(named=True)
        if row["national_mean"] is not None
    ]
    score = words("column.estimate")
    x = alt.X("year:O", title=words("column.year"), axis=alt.Axis(labelAngle=0))
    ticks = (
        alt.Chart(datasets.inline(records))
        .mark_tick(thickness=2, size=16, opacity=0.9)
        .encode(
            x=x,
            y=alt.Y("estimate:Q", title=score, scale=alt.Scale(zero=False)),
            color=group_colour(words, orient="top"),
            tooltip=[
                alt.Tooltip("name:N", title=words("chart.field.name")),
                alt.Tooltip("year:O", title=words("column.year")),
                *score_tooltips(words, score),
            ],
        )
    )
    means = (
        alt.Chart(datasets.inline(national))
        .mark_point(shape="diamond", filled=True, size=70, color=NATIONAL_COLOUR)
        .encode(
            x=x,
            y=alt.Y("national_mean:Q", title=score),
            tooltip=alt.Tooltip("mean_text:N", title=words("column.national_mean")),
        )
    )
    chart = alt.layer(
        ticks,
        means,
        title=_title(view, words, "chart.indicator.distribution"),
        width=_WIDTH,
        height=_HEIGHT,
    )
    return finish(chart, words, datasets)
