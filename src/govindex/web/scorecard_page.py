"""The scorecard page (``/scorecard/{province}``) and its JSON twin (``….json``).

The scorecard's tables are stored (every producer rewrites them when it stores a run); the
app reads them once per snapshot it answers from (:class:`govindex.views.scorecard.Scorecard`),
and every request only selects one province from them.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool

from govindex.views import Dashboard, View
from govindex.views.scorecard import Scorecard, agreement_rows, scorecard_rows
from govindex.web.downloads import json_bytes
from govindex.web.formatting import Formatter

__all__ = ["scorecard_router"]

_LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))

Province = Annotated[str, Path(min_length=1, max_length=80, description="Province, any spelling.")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Only this year.")]
Lang = Annotated[str, Query(pattern="^(vi|en)$", description="`vi` (default) or `en`.")]


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


def scorecard_router(current: Callable[[], Dashboard]) -> APIRouter:
    """The scorecard's routes for the store of the dashboard ``current()`` answers from (a
    served app replaces its dashboard when the store changes).

    Examples
    --------
    >>> app.include_router(scorecard_router(lambda: dashboard))  # doctest: +SKIP
    """
    router = APIRouter(tags=["scorecard"])
    scorecards = _Scorecards(current)
    environment = Environment(
        loader=PackageLoader("govindex.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )

    @router.get("/scorecard/{province}.json", summary="A province across the four indices (data)")
    async def scorecard_json(province: Province, year: Year = None) -> Response:
        view = await run_in_threadpool(lambda: scorecards.get().view(province, year))
        return Response(json_bytes(view), media_type="application/json")

    @router.get(
        "/scorecard/{province}",
        response_class=HTMLResponse,
        summary="A province across PAPI, SIPAS, the PAR Index and the one-stop 766 index",
    )
    async def scorecard_page(
        request: Request, province: Province, year: Year = None, lang: Lang = "vi"
    ) -> HTMLResponse:
        view = await run_in_threadpool(lambda: scorecards.get().view(province, year))
        root = request.scope.get("root_path", "")
        context = _context(view, lang, root, str(request.url.path), year)
        template = environment.get_template("scorecard.html")
        return HTMLResponse(template.render(context))

    return router


def _context(view: View, language: str, root: str, path: str, year: int | None) -> dict[str, Any]:
    fmt = Formatter(language)
    suffix = f"&year={year}" if year is not None else ""
    return {
        "lang": language,
        "t": fmt,
        "root": root,
        "title": fmt("scorecard.title", province=view.meta["province"]),
        "synthetic": bool(view.meta["synthetic"]),
        "rows": scorecard_rows(view, fmt),
        "agreement": agreement_rows(view, fmt),
        "json_url": f"{root}{path}.json" + (f"?year={year}" if year is not None else ""),
        "profile_url": (
            f"{root}/province/{quote(str(view.meta['province']), safe='')}?lang={language}"
        ),
        "overview_url": f"{root}/overview?lang={language}",
        "languages": [
            {
                "code": code,
                "label": label,
                "current": code == language,
                "url": f"{root}{path}?lang={code}{suffix}",
            }
            for code, label in _LANGUAGES
        ],
    }
