"""The scorecard page (``/scorecard/{province}``), its JSON twin (``….json``) and its
downloads: one table as CSV (``….csv?table=scorecard`` or ``agreement``), both as XLSX
(``….xlsx``), written by the same machinery as every other page's (formula text inert).

The scorecard's tables are stored (every producer rewrites them when it stores a run); the
app reads them once per snapshot it answers from (:class:`govindex.views.scorecard.Scorecard`),
and every request only selects one province from them. The page wears the site's chrome:
the navigation bar, the language switch, the downloads and the footer of every page.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from govindex.errors import NotFound
from govindex.i18n import LANGUAGES, translate
from govindex.views import Dashboard, View
from govindex.views.scorecard import Scorecard, agreement_rows, scorecard_rows
from govindex.web.addresses import slug
from govindex.web.downloads import csv_bytes, json_bytes, xlsx_bytes
from govindex.web.formatting import Formatter
from govindex.web.links import AppLinks
from govindex.web.rendering import PageRenderer
from govindex.web.revalidation import CACHE_CONTROL, entity_tag, etag_matches, snapshot_tag

__all__ = ["scorecard_download", "scorecard_router"]

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TABLES = ("scorecard", "agreement")

Province = Annotated[str, Path(min_length=1, max_length=80, description="Province, any spelling.")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Only this year.")]
Lang = Annotated[
    Literal["vi", "en"], Query(description="Language of every label: `vi` (default) or `en`.")
]
Table = Annotated[
    Literal["scorecard", "agreement"],
    Query(description="The table to download: `scorecard` (default) or `agreement`."),
]


class _Scorecards:
    """The store's scorecard, read once per snapshot the app answers from (the first request
    after a new snapshot waits for it)."""

    def __init__(self, current: Callable[[], Dashboard]) -> None:
        self._current = current
        self._lock = Lock()
        self._scorecard: Scorecard | None = None
        self._read_for: Dashboard | None = None

    def get(self) -> Scorecard:
        dashboard = self._current()
        with self._lock:
            if self._scorecard is None or self._read_for is not dashboard:
                self._scorecard = Scorecard.open(dashboard.snapshot.store_path)
                self._read_for = dashboard
            return self._scorecard


def scorecard_download(view: View, answer_format: str, table: str = "scorecard") -> Response:
    """The scorecard ``view`` as ``json``, one ``table`` as ``csv``, or ``xlsx``.

    Examples
    --------
    >>> import polars as pl
    >>> view = View("scorecard", {"province": "Huế"}, {"province": "Huế", "synthetic": False},
    ...             {"scorecard": pl.DataFrame({"year": [2024]}), "agreement": pl.DataFrame()})
    >>> scorecard_download(view, "csv").headers["content-disposition"]
    'attachment; filename="scorecard-hue-scorecard.csv"'
    """
    stem = _stem(view)
    if answer_format == "json":
        disposition = f'inline; filename="{stem}.json"'
        return Response(
            json_bytes(view),
            media_type="application/json",
            headers={"content-disposition": disposition},
        )
    if answer_format == "csv":
        if table not in view.tables:
            msg = f"the scorecard has no table `{table}`."
            raise NotFound(msg, where="table", found=table, expected=list(view.tables))
        disposition = f'attachment; filename="{stem}-{table}.csv"'
        return Response(
            csv_bytes(view, table),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": disposition},
        )
    disposition = f'attachment; filename="{stem}.xlsx"'
    return Response(
        xlsx_bytes(view), media_type=_XLSX, headers={"content-disposition": disposition}
    )


def _stem(view: View) -> str:
    parts = ["scorecard", slug(str(view.meta["province"]))]
    if view.parameters.get("year") is not None:
        parts.append(str(view.parameters["year"]))
    if view.meta.get("synthetic"):
        parts.append("SYNTHETIC")
    return "-".join(parts)


def scorecard_router(
    current: Callable[[], Dashboard], renderer: Callable[[], PageRenderer]
) -> APIRouter:
    """The scorecard's routes for the store of the dashboard ``current()`` answers from (a
    served app replaces its dashboard when the store changes); ``renderer()`` gives the
    site's chrome (navigation, language switch, footer).

    Examples
    --------
    >>> from govindex.web.rendering import PageRenderer
    >>> renderer = PageRenderer(dashboard)
    >>> router = scorecard_router(lambda: dashboard, lambda: renderer)
    >>> sorted(route.path for route in router.routes)[:2]
    ['/scorecard/{province}', '/scorecard/{province}.csv']
    """
    router = APIRouter(tags=["scorecard"])
    scorecards = _Scorecards(current)

    # The data twins are registered first: `/scorecard/{province}` would also match `x.json`.
    @router.get("/scorecard/{province}.json", summary="A province across the four indices (data)")
    async def scorecard_json(request: Request, province: Province, year: Year = None) -> Response:
        view = await run_in_threadpool(lambda: scorecards.get().view(province, year))
        return _revalidated(request, current(), scorecard_download(view, "json"))

    @router.get(
        "/scorecard/{province}.csv",
        summary="One table of a province's scorecard as CSV",
        tags=["downloads"],
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def scorecard_csv(
        request: Request, province: Province, year: Year = None, table: Table = "scorecard"
    ) -> Response:
        view = await run_in_threadpool(lambda: scorecards.get().view(province, year))
        return _revalidated(request, current(), scorecard_download(view, "csv", table))

    @router.get(
        "/scorecard/{province}.xlsx",
        summary="A province's scorecard and the instruments' agreement as one workbook",
        tags=["downloads"],
        responses={200: {"content": {_XLSX: {}}}},
    )
    async def scorecard_xlsx(request: Request, province: Province, year: Year = None) -> Response:
        view = await run_in_threadpool(lambda: scorecards.get().view(province, year))
        answer = await run_in_threadpool(scorecard_download, view, "xlsx")
        return _revalidated(request, current(), answer)

    @router.get(
        "/scorecard/{province}",
        response_class=HTMLResponse,
        summary="A province across PAPI, SIPAS, the PAR Index and the one-stop 766 index",
    )
    async def scorecard_page(
        request: Request, province: Province, year: Year = None, lang: Lang = "vi"
    ) -> Response:
        view = await run_in_threadpool(lambda: scorecards.get().view(province, year))
        root = request.scope.get("root_path", "")
        page = renderer()
        context = page.chrome(lang, AppLinks(root))
        path = quote(request.url.path, safe="/")
        context.update(_context(view, lang, root, path, year))
        template = page.environment.get_template("scorecard.html")
        page_answer = HTMLResponse(template.render(context))
        return _revalidated(request, current(), page_answer)

    return router


def _revalidated(request: Request, dashboard: Dashboard, answer: Response) -> Response:
    """``answer`` with its ETag, or a bodiless 304 when the request already holds it."""
    etag = entity_tag(snapshot_tag(dashboard), bytes(answer.body))
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"etag": etag, "cache-control": CACHE_CONTROL})
    answer.headers["etag"] = etag
    answer.headers["cache-control"] = CACHE_CONTROL
    return answer


def _context(view: View, language: str, root: str, path: str, year: int | None) -> dict[str, Any]:
    fmt = Formatter(language)
    selection = [("year", str(year))] if year is not None else []

    def url(suffix: str, pairs: list[tuple[str, str]]) -> str:
        query = urlencode(pairs)
        return f"{root}{path}{suffix}" + (f"?{query}" if query else "")

    downloads = [{"label": "JSON", "url": url(".json", selection)}]
    downloads += [
        {
            "label": f"CSV · {fmt(f'download.table.{name}')}",
            "url": url(".csv", [*selection, ("table", name)]),
        }
        for name in _TABLES
    ]
    downloads.append({"label": "XLSX", "url": url(".xlsx", selection)})
    return {
        # The body's class and the page's own banner (its rows mix real and SYNTHETIC data).
        "address": {"kind": "scorecard"},
        "synthetic": False,
        "synthetic_rows": bool(view.meta["synthetic"]),
        "title": fmt("scorecard.title", province=view.meta["province"]),
        "rows": scorecard_rows(view, fmt),
        "agreement": agreement_rows(view, fmt),
        "permalink": url("", [*selection, ("lang", language)]),
        "downloads": downloads,
        "source_line": fmt("footer.source_store"),
        "profile_url": (
            f"{root}/province/{quote(str(view.meta['province']), safe='')}?lang={language}"
        ),
        "overview_url": f"{root}/overview?lang={language}",
        "languages": [
            {
                "code": code,
                "label": translate("language.name", code),
                "current": code == language,
                "url": url("", [*selection, ("lang", code)]),
            }
            for code in LANGUAGES
        ],
    }
