"""The routes: every page at its path, and its JSON, CSV and XLSX twins beside it.

``/overview`` is the page, ``/overview.json`` its data, ``/overview.csv?table=ranking`` one
table and ``/overview.xlsx`` all of them; all four take the same typed query parameters,
so the OpenAPI document at ``/docs`` lists every choice and its allowed values.
"""

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from govindex.web.addresses import Language, PageAddress
from govindex.web.errors import ERROR_PAGE_RESPONSES, ERROR_RESPONSES

__all__ = ["Answer", "Format", "page_router"]

Format = Literal["html", "json", "csv", "xlsx"]
Answer = Callable[[Request, PageAddress, Format, str | None], Awaitable[Response]]
"""Builds (or finds) the answer for a page address in a format (the app's page service)."""

Level = Literal["total", "dimension", "subdimension", "indicator"]
ComparedLevel = Literal["dimension", "subdimension", "indicator"]
Geography = Literal["63", "34"]

LanguageQuery = Annotated[
    Language, Query(description="Language of every label: `vi` (default) or `en`.")
]
YearQuery = Annotated[
    int | None, Query(description="Survey year (default: the newest published year).")
]
RunQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9a-f]{4,64}$",
        description="Run id or unique prefix (default: the published PAPI record of the year).",
    ),
]
InstrumentQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z][a-z0-9]{1,15}$",
        description=(
            "Instrument (a registered id: `papi`, the default, or `sipas`); runs of an "
            "instrument other than PAPI are shown on its own pages."
        ),
    ),
]
PeriodQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9]{4}(-(Q[1-4]|W[0-9]{2}|[0-9]{2}))?$",
        description=(
            "Period of an instrument scored by period (`onestop`): a year `2025`, quarter "
            "`2025-Q1`, month `2025-03` or week `2025-W10` (default: the run's newest "
            "period of its longest kind)."
        ),
    ),
]
LevelQuery = Annotated[Level, Query(description="Level of the item.")]
CodeQuery = Annotated[
    str,
    Query(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$",
        description="Item code: `total`, a dimension `1`–`8`, a sub-dimension `4.1`, an indicator `4.1.2`.",
    ),
]
GeographyQuery = Annotated[
    Geography,
    Query(description="`63` former provinces, or `34` provincial units of July 2025 (derived)."),
]
TableQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z_]{1,32}$",
        description="The table to download (default: the view's first table).",
    ),
]
ProvinceList = Annotated[
    list[str],
    Query(
        description="Provinces to compare (2–8), any spelling; repeat the parameter.",
        max_length=8,
    ),
]


async def _overview(
    year: YearQuery = None,
    run: RunQuery = None,
    level: LevelQuery = "total",
    code: CodeQuery = "total",
    geo: GeographyQuery = "63",
    instrument: InstrumentQuery = None,
    period: PeriodQuery = None,
) -> PageAddress:
    return PageAddress(
        "overview",
        year=year,
        run=run,
        level=level,
        code=code,
        geography=geo,
        instrument=instrument,
        period=period,
    )


async def _profile(
    name: Annotated[
        str,
        Path(
            min_length=1,
            max_length=64,
            description="Province, any spelling (`Ha Noi`, `Hà Nội`, `ha-noi`).",
        ),
    ],
    year: YearQuery = None,
    run: RunQuery = None,
    instrument: InstrumentQuery = None,
    period: PeriodQuery = None,
) -> PageAddress:
    return PageAddress(
        "profile", year=year, run=run, province=name, instrument=instrument, period=period
    )


async def _compare(
    province: ProvinceList = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    year: YearQuery = None,
    run: RunQuery = None,
    level: Annotated[ComparedLevel, Query(description="Level compared.")] = "dimension",
    instrument: InstrumentQuery = None,
) -> PageAddress:
    return PageAddress(
        "compare",
        year=year,
        run=run,
        level=level,
        provinces=tuple(province),
        instrument=instrument,
    )


async def _indicator(
    level: LevelQuery = "total",
    code: CodeQuery = "total",
    run: RunQuery = None,
    instrument: InstrumentQuery = None,
) -> PageAddress:
    return PageAddress("indicator", run=run, level=level, code=code, instrument=instrument)


async def _runs() -> PageAddress:
    return PageAddress("runs")


_PAGES: tuple[tuple[str, str, Callable[..., Awaitable[PageAddress]], str], ...] = (
    ("/overview", "overview", _overview, "Every province's score on one item in one year"),
    ("/province/{name}", "profile", _profile, "One province: dimensions, drill-down, trends"),
    ("/compare", "compare", _compare, "Two to eight provinces side by side"),
    ("/indicator", "indicator", _indicator, "One item across provinces and years"),
    ("/runs", "runs", _runs, "The stored runs (published record and microdata runs)"),
)

_DATA_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    200: {"description": "The view as JSON: `{ok, view, parameters, meta, tables}`"},
}


def _register(
    router: APIRouter,
    path: str,
    name: str,
    dependency: Callable[..., Awaitable[PageAddress]],
    summary: str,
    answer: Answer,
) -> None:
    # The data twins are registered first: `/province/{name}` would also match `x.json`.
    as_json = _endpoint(dependency, answer, "json")
    as_csv = _endpoint(dependency, answer, "csv")
    as_xlsx = _endpoint(dependency, answer, "xlsx")
    as_html = _endpoint(dependency, answer, "html")

    router.add_api_route(
        f"{path}.json",
        as_json,
        methods=["GET"],
        name=f"{name}_json",
        summary=f"{summary} (JSON)",
        response_model=dict[str, Any],
        responses=_DATA_RESPONSES,
        tags=["data"],
    )
    router.add_api_route(
        f"{path}.csv",
        as_csv,
        methods=["GET"],
        name=f"{name}_csv",
        summary=f"{summary} (one table as CSV)",
        response_class=Response,
        responses={**ERROR_RESPONSES, 200: {"content": {"text/csv": {}}}},
        tags=["downloads"],
    )
    router.add_api_route(
        f"{path}.xlsx",
        as_xlsx,
        methods=["GET"],
        name=f"{name}_xlsx",
        summary=f"{summary} (every table as XLSX)",
        response_class=Response,
        responses={
            **ERROR_RESPONSES,
            200: {
                "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}
            },
        },
        tags=["downloads"],
    )
    router.add_api_route(
        path,
        as_html,
        methods=["GET"],
        name=name,
        summary=f"{summary} (page)",
        response_class=HTMLResponse,
        responses=ERROR_PAGE_RESPONSES,
        tags=["pages"],
    )


_REQUEST = inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
_LANGUAGE = inspect.Parameter(
    "lang", inspect.Parameter.KEYWORD_ONLY, annotation=LanguageQuery, default="vi"
)
_TABLE = inspect.Parameter(
    "table", inspect.Parameter.KEYWORD_ONLY, annotation=TableQuery, default=None
)


def _endpoint(
    page: Callable[..., Awaitable[PageAddress]], answer: Answer, answer_format: Format
) -> Callable[..., Awaitable[Response]]:
    """The endpoint of one page in one format: the page's own parameters, ``table`` (CSV
    only) and ``lang``, declared in one flat signature.

    FastAPI solves the parameters of an endpoint on every request it routes; a page given
    as a dependency of each endpoint would be solved as a second level (a sub-dependency
    with its own validation pass and cache) on every answer not already kept.
    """
    own = [
        parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for parameter in inspect.signature(page).parameters.values()
    ]
    names = tuple(parameter.name for parameter in own)
    extra = [_TABLE, _LANGUAGE] if answer_format == "csv" else [_LANGUAGE]

    async def endpoint(request: Request, **values: Any) -> Response:
        address = await page(**{name: values[name] for name in names})
        table = values.get("table") if answer_format == "csv" else None
        return await answer(request, address.with_language(values["lang"]), answer_format, table)

    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [_REQUEST, *extra, *own], return_annotation=Response
    )
    return endpoint


def page_router(answer: Answer, landing: Callable[[], str | None] | None = None) -> APIRouter:
    """Every page route, answered by ``answer``. ``landing`` names the instrument ``/``
    opens when it is not PAPI (``None``: PAPI's overview), read at each request so that a
    refreshed store is followed."""
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    async def home(request: Request) -> RedirectResponse:
        query = request.url.query
        shown = landing() if landing is not None else None
        if shown is not None and "instrument" not in request.query_params:
            query = urlencode([("instrument", shown)]) + (f"&{query}" if query else "")
        return RedirectResponse(f"overview?{query}" if query else "overview", status_code=302)

    for path, name, dependency, summary in _PAGES:
        _register(router, path, name, dependency, summary, answer)
    return router
