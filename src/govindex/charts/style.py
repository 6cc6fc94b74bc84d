"""How every chart looks: the group colours, the font, titles and number locale.

One font with full Vietnamese coverage (DejaVu Sans) is named everywhere, so the web page,
the SVG rendered for the PDF and the PDF's own text agree on the glyphs.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

import altair as alt

from govindex.charts.chart_rows import ChartRows
from govindex.charts.wording import Wording
from govindex.i18n.numbers import number_marks

__all__ = [
    "FONT",
    "GROUP_COLOURS",
    "NATIONAL_COLOUR",
    "NOT_RANKED_COLOUR",
    "SERIES_COLOURS",
    "finish",
    "fitted",
    "group_colour",
    "group_scale",
    "heading",
    "literal",
    "score_tooltips",
]

_TITLE_SIZE = 14
_SUBTITLE_SIZE = 11
_ADVANCE = 0.62
_BOLD_ADVANCE = 0.68

FONT = "DejaVu Sans"
"""The chart font: DejaVu Sans covers every Vietnamese letter and tone mark."""

GROUP_COLOURS = ("#2c7bb6", "#abd9e9", "#fdae61", "#d7191c")
"""Groups 1 (best) to 4 (poor): a blue–orange scale that colour-blind readers can separate."""

NOT_RANKED_COLOUR = "#bdbdbd"
NATIONAL_COLOUR = "#252525"
SERIES_COLOURS = (
    "#1a9850",
    "#762a83",
    "#e7298a",
    "#b8860b",
    "#00008b",
    "#8c564b",
    "#66a61e",
    "#f781bf",
)
"""Colours of provinces shown side by side (up to eight, the comparison's maximum).

None is near a performance group's colour: a province drawn in "poor performers" red (or
"best performers" blue) would be read as being in that group."""

_SYNTHETIC_COLOUR = "#b2182b"
_TEXT_COLOUR = "#333333"


def literal(text: str) -> str:
    """``text`` as a string literal inside a Vega expression.

    Examples
    --------
    >>> literal("Không xếp hạng")
    '"Không xếp hạng"'
    """
    return json.dumps(text, ensure_ascii=False)


def group_scale(words: Wording) -> alt.Scale:
    """The colour scale of the four performance groups plus "not ranked", in that order."""
    return alt.Scale(domain=words.group_labels(), range=[*GROUP_COLOURS, NOT_RANKED_COLOUR])


def group_colour(
    words: Wording, *, orient: Literal["top", "bottom"], field: str = "group_label"
) -> alt.Color:
    """Colour by performance group, with the groups' legend placed at ``orient``."""
    return alt.Color(
        f"{field}:N",
        scale=group_scale(words),
        legend=alt.Legend(title=words("chart.legend.group"), orient=orient, columns=2),
    )


def score_tooltips(
    words: Wording, score: str, *, group_field: str = "group_label"
) -> list[alt.Tooltip]:
    """The tooltip lines every score chart shares: score, interval, rank and group."""
    return [
        alt.Tooltip("score_text:N", title=score),
        alt.Tooltip("interval_text:N", title=words("column.interval")),
        alt.Tooltip("rank_text:N", title=words("column.rank")),
        alt.Tooltip(f"{group_field}:N", title=words("column.group")),
    ]


def heading(
    words: Wording,
    title: str,
    *,
    source: str,
    synthetic: bool,
    notes: Sequence[str] = (),
    width: int | None = None,
) -> alt.TitleParams:
    """A chart title with the source line; SYNTHETIC runs say so first, in red.

    ``width`` is the chart's width in pixels: the title and each subtitle line are broken
    into lines that fit it, so a long title never makes the chart wider than its plot (a
    page's chart column then cut it off).

    Examples
    --------
    >>> heading(Wording("en"), "Scores", source="PAPI 2024", synthetic=True).subtitle[0]
    'SYNTHETIC data — not PAPI results'
    >>> heading(Wording("en"), "Scores of every province in 2024", source="PAPI",
    ...         synthetic=False, width=200).text
    ['Scores of every', 'province in 2024']
    """
    lines = [source, *notes]
    if synthetic:
        lines.insert(0, words("chart.synthetic"))
    text: str | list[str] = title
    if width is not None:
        titles = fitted(title, width, _TITLE_SIZE, bold=True)
        text = titles if len(titles) > 1 else title
        lines = [part for line in lines for part in fitted(line, width, _SUBTITLE_SIZE)]
    return alt.TitleParams(
        text=text,
        subtitle=lines,
        anchor="start",
        subtitleColor=_SYNTHETIC_COLOUR if synthetic else _TEXT_COLOUR,
        subtitleFontStyle="normal",
    )


def fitted(text: str, width: int, size: int, *, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` pixels in DejaVu Sans.

    The width of a line is estimated from the font's average advance (about 0.62 em, 0.68
    em bold, for Vietnamese and English text), which errs on the wide side.

    Examples
    --------
    >>> fitted("Công khai, minh bạch trong việc ra quyết định ở địa phương", 200, 11)
    ['Công khai, minh bạch trong', 'việc ra quyết định ở địa', 'phương']
    """
    advance = size * (_BOLD_ADVANCE if bold else _ADVANCE)
    return textwrap.wrap(text, max(int(width / advance), 8)) or [text]


def finish(chart: Any, words: Wording, rows: ChartRows | None = None) -> dict[str, Any]:
    """Apply the shared look and return the Vega-Lite v6 specification.

    The chart is turned into a dict once, without Altair's schema validation, and the
    shared configuration (one per language, made once) is set on it: each ``configure_*``
    call deep-copies the whole chart with its data, and validating every chart of every
    page made a full site export take minutes. The chart tests validate every kind of
    chart against the vendored Vega-Lite schema instead.

    ``chart`` may be a specification already (a filled template, see ``chart_template``).
    """
    spec: dict[str, Any] = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    if rows is not None:
        spec = rows.restore(spec)
    # The theme's defaults (view size) stay; the shared look is laid over them.
    configuration = spec.get("config", {})
    for key, value in _configuration(words.vietnamese).items():
        earlier = configuration.get(key)
        configuration[key] = {**earlier, **value} if isinstance(earlier, dict) else value
    spec["config"] = configuration
    return spec


@cache
def _configuration_frozen(vietnamese: bool) -> str:
    # The same marks as every number written outside the chart (govindex.i18n.numbers).
    marks = number_marks("vi" if vietnamese else "en")
    currency = ["", " ₫"] if vietnamese else ["$", ""]
    numbers = alt.NumberLocale(
        decimal=marks.decimal, thousands=marks.group, grouping=[3], currency=currency
    )
    configured = (
        alt.Chart()
        .configure(font=FONT, locale=alt.Locale(number=numbers))
        .configure_title(fontSize=_TITLE_SIZE, subtitleFontSize=_SUBTITLE_SIZE, offset=8)
        .configure_axis(labelFontSize=10, titleFontSize=11, labelColor=_TEXT_COLOUR)
        .configure_legend(labelFontSize=10, titleFontSize=11, labelLimit=260)
        .configure_view(stroke=None)
    )
    return json.dumps(configured.config.to_dict(), ensure_ascii=False)


def _configuration(vietnamese: bool) -> dict[str, Any]:
    """The shared configuration (a fresh copy: a caller may change its chart's)."""
    configuration: dict[str, Any] = json.loads(_configuration_frozen(vietnamese))
    return configuration
