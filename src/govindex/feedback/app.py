"""The feedback web service: public rating pages, staff pages and the kiosk API in one app.

``create_app(settings)`` opens the store (running its migrations) and returns the FastAPI
app; there is no global app object. Every answer carries the security headers; every error
is the project's envelope on ``/api/`` paths and a clear page elsewhere.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from govindex import __version__
from govindex.errors import GovIndexError
from govindex.feedback import api_routes, public_routes, staff_routes
from govindex.feedback.service import FeedbackService
from govindex.feedback.settings import FeedbackSettings
from govindex.feedback.store import FeedbackStore, open_store
from govindex.web.errors import WebError, web_error
from govindex.web.security import AllowedHosts, HeaderPolicy, SecurityHeaders

__all__ = ["FEEDBACK_POLICY", "SECURITY_HEADERS", "create_app"]

logger = logging.getLogger("govindex.feedback")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # The QR token is in the address: never pass it on to another site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

_DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)

FEEDBACK_POLICY = HeaderPolicy(
    SECURITY_HEADERS,
    {"/docs": {"Content-Security-Policy": _DOCS_CSP}},
    # Staff pages and tallies are personal or live: no cache keeps them.
    no_store=True,
)


class CatchAll:
    """ASGI middleware: a bug is logged and answered 500 in the envelope, never a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        try:
            await self.app(scope, receive, send)
        except Exception as error:
            logger.error("internal error answering %s", path, exc_info=error)
            response = _answer(web_error(error, path), Request(scope), None)
            await response(scope, receive, send)


def _is_data(path: str) -> bool:
    return path.startswith("/api/") or path.endswith(".json")


def _answer(error: WebError, request: Request, service: FeedbackService | None) -> Response:
    if _is_data(request.url.path):
        return Response(
            json.dumps(error.envelope(), ensure_ascii=False).encode(),
            status_code=error.status,
            media_type="application/json",
            headers=dict(error.headers),
        )
    lang = "en" if request.query_params.get("lang") == "en" else "vi"
    if service is None:
        from html import escape

        body = f"<!doctype html><title>{error.status}</title><p>{escape(error.message)}</p>"
    else:
        body = service.render("refused.html", error=error, lang=lang)
    return HTMLResponse(body, status_code=error.status, headers=dict(error.headers))


def _install_errors(app: FastAPI, service: FeedbackService) -> None:
    async def handle(request: Request, error: Exception) -> Response:
        if isinstance(error, HTTPException) and error.status_code == 404:
            answer = WebError(
                404,
                "NotFound",
                f"no page at `{request.url.path}`.",
                where="path",
                found=request.url.path,
                hint="scan the QR code at the desk again",
            )
        else:
            answer = web_error(error, request.url.path)
            if answer.hint and "/docs" in answer.hint:
                answer = dataclasses.replace(answer, hint="the API is described at /docs")
        return _answer(answer, request, service)

    for kind in (GovIndexError, HTTPException, RequestValidationError):
        app.add_exception_handler(kind, handle)


def static_folder() -> Path:
    """The folder of the service's CSS and JavaScript.

    Examples
    --------
    >>> (static_folder() / "feedback.css").is_file()
    True
    """
    return Path(str(resources.files("govindex.feedback").joinpath("static")))


def swagger_folder() -> Path:
    """The project's vendored Swagger UI (shipped with the dashboard; served, not copied).

    Examples
    --------
    >>> (swagger_folder() / "swagger-ui-bundle.js").is_file()
    True
    """
    return Path(str(resources.files("govindex.web").joinpath("static", "vendor")))


_SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE-swagger-ui-dist.txt")


def _install_offline_docs(app: FastAPI) -> None:
    # FastAPI's default /docs loads Swagger UI from a CDN: a centre's network may be
    # offline or filtered, and the CSP allows scripts from this site only.
    from fastapi.openapi.docs import get_swagger_ui_html

    folder = swagger_folder()

    @app.get("/docs", include_in_schema=False)
    def documentation() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="govindex citizen feedback API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="data:,",
            # No badge from the public validator service: the page must work offline.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/docs/assets/{name}", include_in_schema=False)
    def documentation_asset(name: str) -> Response:
        # Only Swagger UI's own files: the vendor folder also holds the dashboard's charts.
        if name not in _SWAGGER_FILES:
            raise HTTPException(404)
        media = {"js": "text/javascript", "css": "text/css"}.get(name.rsplit(".", 1)[-1])
        return Response(
            (folder / name).read_bytes(),
            media_type=media or "text/plain",
            headers={"Cache-Control": "public, max-age=86400"},
        )


def create_app(
    settings: FeedbackSettings,
    store: FeedbackStore | None = None,
    *,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The feedback service's app over ``store`` (opened from the settings when not given).

    ``allowed_hosts`` lists the host names the app answers for, as the dashboard's
    (``*.example.org`` for subdomains); any other ``Host`` gets a 400. ``None`` answers
    every host (an app in a test); ``govindex feedback serve`` always passes a list.

    Examples
    --------
    >>> from govindex.feedback.settings import FeedbackSettings
    >>> app = create_app(FeedbackSettings("sqlite://", b"0123456789abcdef"))
    >>> sorted(app.openapi()["paths"])[:2]
    ['/api/v1/completed-dossiers/{day}', '/api/v1/ratings']
    """
    service = FeedbackService(settings, store or open_store(settings.database_url))
    app = FastAPI(
        title="govindex citizen feedback",
        version=__version__,
        description=(
            "Ratings of one-stop services from kiosks and one-stop software, and satisfaction "
            "figures with coverage (ratings ÷ dossiers completed) and Wilson intervals. "
            "Each device sends its own key in `X-API-Key`. Errors are "
            '`{"ok": false, "error": {"status", "type", "message", ...}}`.'
        ),
        redoc_url=None,
        docs_url=None,  # /docs is served from the vendored Swagger UI below, not a CDN
    )
    _install_offline_docs(app)
    app.state.feedback = service
    _install_errors(app, service)
    app.include_router(public_routes.router)
    app.include_router(staff_routes.router)
    app.include_router(api_routes.router)
    app.mount("/static", StaticFiles(directory=static_folder()), name="static")

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, object]:
        return {"ok": True, "backend": service.store.backend}

    app.add_middleware(CatchAll)
    if allowed_hosts is not None:
        app.add_middleware(
            AllowedHosts,
            allowed=allowed_hosts,
            page=lambda error, request: service.render("refused.html", error=error, lang="vi"),
            answer=lambda error, request: _answer(error, request, service),
        )
    # Outermost: refusals of an unknown Host carry the headers too.
    app.add_middleware(SecurityHeaders, policy=FEEDBACK_POLICY)
    return app
