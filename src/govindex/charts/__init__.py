"""The dashboard's and the reports' charts: Vega-Lite v6 specifications built with Altair.

:func:`charts_for` turns a :class:`~govindex.views.View` into the charts its page shows,
labelled in Vietnamese or English; :func:`chart_svg` renders one offline for a PDF.
"""

from __future__ import annotations

from typing import Any

from govindex.charts.choropleth import map_chart, outlines
from govindex.charts.comparison import compare_chart
from govindex.charts.dimensions import WEB_WIDTH, dimensions_chart
from govindex.charts.indicator import distribution_chart, indicator_trend_chart
from govindex.charts.ranking import ranking_chart
from govindex.charts.rendering import chart_svg
from govindex.charts.style import FONT, GROUP_COLOURS
from govindex.charts.trends import trends_chart
from govindex.charts.wording import Wording
from govindex.errors import SpecError
from govindex.views import View

__all__ = [
    "CHARTS",
    "FONT",
    "GROUP_COLOURS",
    "Wording",
    "chart_svg",
    "charts_for",
    "compare_chart",
    "dimensions_chart",
    "distribution_chart",
    "indicator_trend_chart",
    "map_chart",
    "outlines",
    "ranking_chart",
    "trends_chart",
]

CHARTS: dict[str, tuple[str, ...]] = {
    "overview": ("map", "ranking"),
    "profile": ("dimensions", "trends"),
    "compare": ("compare",),
    "indicator": ("trend", "distribution"),
}
"""The charts of each view kind, in the order a page shows them."""


def charts_for(view: View, language: str, *, asset_base: str | None) -> dict[str, dict[str, Any]]:
    """Return the Vega-Lite specifications of a view's charts, keyed by chart name.

    ``language`` is ``"vi"`` or ``"en"``. ``asset_base`` is the URL prefix of the static
    folder that holds ``maps/*.geojson`` (the web pages); ``None`` writes the map outlines
    into the specification (reports, offline rendering). An indicator view's trend colours
    the provinces in ``view.parameters["highlight"]`` when there is one.

    Examples
    --------
    >>> view = dashboard.overview(year=2024)
    >>> sorted(charts_for(view, "vi", asset_base="/static"))
    ['map', 'ranking']
    """
    words = Wording(language)
    if view.kind == "overview":
        return {
            "map": map_chart(view, words, asset_base=asset_base),
            "ranking": ranking_chart(view, words),
        }
    if view.kind == "profile":
        # On a page the dimension chart has the row to itself; a PDF column is narrower.
        width = WEB_WIDTH if asset_base is not None else None
        dimensions = (
            dimensions_chart(view, words)
            if width is None
            else dimensions_chart(view, words, width=width)
        )
        return {"dimensions": dimensions, "trends": trends_chart(view, words)}
    if view.kind == "compare":
        return {"compare": compare_chart(view, words)}
    if view.kind == "indicator":
        return {
            "trend": indicator_trend_chart(view, words),
            "distribution": distribution_chart(view, words),
        }
    msg = f"views of kind `{view.kind}` have no charts (kinds with charts: {', '.join(CHARTS)})."
    raise SpecError(msg, where="view", found=view.kind, expected=list(CHARTS))
