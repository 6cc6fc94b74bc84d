"""The web app: the dashboard's pages, their data twins and downloads, in one FastAPI app.

``create_app(dashboard)`` builds it around a loaded :class:`~govindex.views.Dashboard`;
there is no global app object. Answers are built in a worker thread (views and rendering
are plain Python) and kept by URL, so each URL is computed once per process and snapshot.
Middleware around the routes adds the security headers, the Host check, HEAD and the
store refresh (:mod:`~govindex.web.security`, :mod:`~govindex.web.snapshot_refresh`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from govindex import __version__
from govindex.views import Dashboard
from govindex.views.profile import prepare_profiles
from govindex.web.addresses import (
    Language,
    PageAddress,
    build_view,
    canonical_address,
    download_stem,
)
from govindex.web.downloads import csv_bytes, json_bytes, xlsx_bytes
from govindex.web.errors import WebError, install_error_handlers
from govindex.web.head_requests import HeadRequests
from govindex.web.links import AppLinks
from govindex.web.rendering import PageRenderer
from govindex.web.response_cache import CachedAnswer, ResponseCache, ServeCached, request_key
from govindex.web.revalidation import entity_tag, etag_matches, snapshot_tag
from govindex.web.routes import Format, page_router
from govindex.web.scorecard_page import scorecard_router
from govindex.web.security import DASHBOARD_POLICY, AllowedHosts, SecurityHeaders
from govindex.web.snapshot_refresh import RefreshSnapshot, StoreWatcher

__all__ = [
    "PageService",
    "create_app",
    "create_app_for_store",
    "landing_instrument",
    "static_folder",
]

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DESCRIPTION = """
Open data of the govindex dashboard: PAPI provincial governance scores with their
uncertainty, ranks, rank intervals and performance groups.

Every page has a JSON twin at the same path plus `.json`, with the same query parameters,
and downloads at `.csv?table=...` and `.xlsx`. Errors are
`{"ok": false, "error": {"status", "type", "message", "where", "found", "expected", "hint"}}`.
Runs computed from SYNTHETIC microdata say so (`meta.synthetic`, a `synthetic` column).
"""


def static_folder() -> Path:
    """The folder of the dashboard's static assets (CSS, JS, vendored charts, maps)."""
    return Path(str(resources.files("govindex.web").joinpath("static")))


class PageService:
    """Answers a page address in a format, from the cache or by rendering its view.

    Examples
    --------
    >>> service = PageService(dashboard)
    >>> service.build(PageAddress("overview", year=2024), "json", None, "").media_type
    'application/json'
    """

    def __init__(self, dashboard: Dashboard, cache: ResponseCache | None = None) -> None:
        self._state = _prepared(dashboard)
        self.cache = cache or ResponseCache()

    @property
    def dashboard(self) -> Dashboard:
        """The dashboard answering now."""
        return self._state[0]

    @property
    def renderer(self) -> PageRenderer:
        """The renderer of :attr:`dashboard`."""
        return self._state[1]

    def replace(self, dashboard: Dashboard) -> None:
        """Answer from ``dashboard`` (a new snapshot of the store) from now on."""
        self._state = _prepared(dashboard)
        self.cache.clear()

    async def answer(
        self, request: Request, address: PageAddress, answer_format: Format, table: str | None
    ) -> Response:
        """The answer to ``request`` (kept for the next request of the same URL)."""
        root = request.scope.get("root_path", "")
        generation = self.cache.generation
        answer = await run_in_threadpool(self.build, address, answer_format, table, root)
        self.cache.put(request_key(request.scope), answer, generation)
        if etag_matches(request.headers.get("if-none-match"), answer.etag):
            return Response(status_code=304, headers=answer.response_headers())
        return Response(
            answer.body, media_type=answer.media_type, headers=answer.response_headers()
        )

    def build(
        self, address: PageAddress, answer_format: Format, table: str | None, root: str
    ) -> CachedAnswer:
        """Render the view at ``address`` as ``answer_format``, tagged for revalidation."""
        # One snapshot for the whole answer, even if a new one replaces it meanwhile.
        dashboard, renderer, tag = self._state
        answer = self._render(dashboard, renderer, address, answer_format, table, root)
        return replace(answer, etag=entity_tag(tag, answer.body))

    def _render(
        self,
        dashboard: Dashboard,
        renderer: PageRenderer,
        address: PageAddress,
        answer_format: Format,
        table: str | None,
        root: str,
    ) -> CachedAnswer:
        if address.kind == "compare" and not address.provinces:
            # A bare /compare opens on the year's leading provinces, ready to be changed.
            leading = renderer.leading_provinces(
                address.year, address.run, instrument=address.instrument
            )
            address = address.with_changes(provinces=leading)
        view = build_view(dashboard, address)
        stem = download_stem(view)
        if answer_format == "json":
            disposition = f'inline; filename="{stem}.json"'
            return CachedAnswer(
                json_bytes(view), "application/json", (("content-disposition", disposition),)
            )
        if answer_format == "csv":
            name = table or next(iter(view.tables))
            disposition = f'attachment; filename="{stem}-{name}.csv"'
            return CachedAnswer(
                csv_bytes(view, name),
                "text/csv; charset=utf-8",
                (("content-disposition", disposition),),
            )
        if answer_format == "xlsx":
            disposition = f'attachment; filename="{stem}.xlsx"'
            return CachedAnswer(xlsx_bytes(view), _XLSX, (("content-disposition", disposition),))
        canonical = canonical_address(view, address.language)
        html = renderer.page(view, canonical, AppLinks(root))
        return CachedAnswer(html.encode("utf-8"), "text/html; charset=utf-8")

    def error_page(self, error: WebError, request: Request) -> str:
        """The HTML page of an error, in the language the request asked for."""
        language: Language = "en" if request.query_params.get("lang") == "en" else "vi"
        root = request.scope.get("root_path", "")
        urls = {
            code: str(request.url.include_query_params(lang=code)).removeprefix(
                str(request.base_url).rstrip("/")
            )
            for code in ("vi", "en")
        }
        return self.renderer.error(error, language, AppLinks(root), urls)


def landing_instrument(dashboard: Dashboard) -> str | None:
    """The instrument ``/`` opens: ``None`` (PAPI's overview) when the store holds a PAPI
    run, else the first registered instrument with an overview page that has a run (a
    store made by ``govindex onestop publish`` alone opens on the one-stop ranking).

    Examples
    --------
    >>> landing_instrument(dashboard) is None  # the examples' store holds the PAPI record
    True
    """
    from govindex.scores.registry import registered

    snapshot = dashboard.snapshot
    if not snapshot.datasets.is_empty():
        return None
    held = set(snapshot.instruments.values())
    for entry in registered():
        if entry.id in held and entry.pages in ("score_table", "periods"):
            return entry.id
    return None


def _prepared(dashboard: Dashboard) -> tuple[Dashboard, PageRenderer, str]:
    """What a service answers from: the dashboard with its snapshot's profile tables
    indexed (load time, so a first request only looks them up), its renderer and its tag."""
    prepare_profiles(dashboard.snapshot)
    return dashboard, PageRenderer(dashboard), snapshot_tag(dashboard)


def create_app(
    dashboard: Dashboard,
    *,
    cache: ResponseCache | None = None,
    allowed_hosts: Sequence[str] | None = None,
    refresh_interval: float | None = None,
) -> FastAPI:
    """The dashboard and open-data API of ``dashboard``'s store.

    ``allowed_hosts`` lists the host names the app answers for (``*.example.org`` for a
    domain's subdomains); any other ``Host`` gets a 400. ``None`` answers every host (an
    app embedded in a test or behind a proxy that checks it); ``govindex serve`` always
    passes a list. With ``refresh_interval`` (seconds), the app checks the store file at
    most that often and answers from a new snapshot once it changed (new runs appear
    without a restart).

    Examples
    --------
    >>> app = create_app(dashboard)
    >>> type(app).__name__, app.title
    ('FastAPI', 'govindex')
    """
    service = PageService(dashboard, cache)
    app = FastAPI(
        title="govindex",
        version=__version__,
        description=_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    _install_offline_docs(app)
    app.state.service = service
    install_error_handlers(app, service.error_page)
    app.include_router(page_router(service.answer, lambda: landing_instrument(service.dashboard)))
    app.include_router(scorecard_router(lambda: service.dashboard, lambda: service.renderer))
    app.mount("/static", StaticFiles(directory=static_folder()), name="static")
    # Outermost: a URL answered before is sent again without routing.
    app.add_middleware(ServeCached, cache=service.cache)
    if refresh_interval is not None and refresh_interval > 0:
        watcher = StoreWatcher(dashboard, refresh_interval, replace=service.replace)
        app.add_middleware(RefreshSnapshot, watcher=watcher)
    app.add_middleware(HeadRequests)
    if allowed_hosts is not None:
        app.add_middleware(AllowedHosts, allowed=allowed_hosts, page=service.error_page)
    # Outermost of all: every answer, refusals and cached ones included, carries the headers.
    app.add_middleware(SecurityHeaders, policy=DASHBOARD_POLICY)
    return app


def _install_offline_docs(app: FastAPI) -> None:
    """Serve Swagger UI at /docs from the vendored copy: FastAPI's default loads it from a CDN."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    @app.get("/docs", include_in_schema=False)
    def documentation() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="govindex API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            # No badge from the public validator service: the page must work offline.
            swagger_ui_parameters={"validatorUrl": None},
        )


def create_app_for_store(path: str | Path | None) -> FastAPI:
    """:func:`create_app` for the store at ``path`` (read once, into memory; no refresh).

    Examples
    --------
    >>> create_app_for_store(store_path).title
    'govindex'
    """
    return create_app(Dashboard.open(path))
