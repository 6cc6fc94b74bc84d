"""One error envelope for every failure the web app can answer with.

JSON paths (``.json``, ``.csv``, ``.xlsx``, the OpenAPI document) get::

    {"ok": false, "error": {"status": 404, "type": "NotFound", "message": "...",
                            "where": ..., "found": ..., "expected": ..., "hint": ...}}

and pages get an HTML page showing the same fields. Tracebacks are logged, never sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govindex.errors import GovIndexError, NotFound

__all__ = [
    "ERROR_PAGE_RESPONSES",
    "ERROR_RESPONSES",
    "CatchAll",
    "WebError",
    "error_response",
    "install_error_handlers",
    "wants_data",
    "web_error",
]

logger = logging.getLogger("govindex.web")

_DATA_SUFFIXES = (".json", ".csv", ".xlsx")
_STATUS_TYPES = {
    400: "BadRequest",
    404: "NotFound",
    405: "MethodNotAllowed",
    422: "InvalidParameter",
    500: "InternalError",
}

ErrorPage = Callable[["WebError", Request], str]
"""Renders the HTML page of an error (given by the app, which knows the templates)."""


@dataclass(frozen=True)
class WebError:
    """The fields of one error answer.

    Examples
    --------
    >>> WebError(404, "NotFound", "no page at `/x`.").envelope()["error"]["status"]
    404
    """

    status: int
    type: str
    message: str
    where: str | None = None
    found: str | None = None
    expected: str | None = None
    hint: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    """HTTP headers the answer must carry (``Allow`` on a 405)."""
    label: str | None = None
    """The catalog label (``error.<name>``, with ``.message`` and ``.hint``) that words
    the message and hint on a page, in the reader's language; the envelope keeps English."""
    label_values: tuple[tuple[str, str], ...] = ()
    """The values of the label's placeholders."""

    def envelope(self) -> dict[str, Any]:
        """The JSON body: ``{"ok": false, "error": {...}}``."""
        return {
            "ok": False,
            "error": {
                "status": self.status,
                "type": self.type,
                "message": self.message,
                "where": self.where,
                "found": self.found,
                "expected": self.expected,
                "hint": self.hint,
            },
        }

    @classmethod
    def from_govindex(cls, error: GovIndexError) -> WebError:
        """The answer to a govindex error (its HTTP status and structured fields)."""
        fields = error.to_dict()
        label, values = _label_of(error)
        return cls(
            status=error.http_status,
            type=str(fields["type"]),
            message=error.message,
            where=fields["where"],
            found=fields["found"],
            expected=fields["expected"],
            hint=fields["hint"],
            label=label,
            label_values=values,
        )


_GUESS_PREFIX = "did you mean "


def _label_of(error: GovIndexError) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The catalog label of the errors a reader of the pages meets (an unknown province)."""
    if isinstance(error, NotFound) and error.where == "province" and error.found is not None:
        name = ("name", str(error.found))
        if error.hint is None:
            return "error.unknown_province", (name,)
        if error.hint.startswith(_GUESS_PREFIX):
            # The guesses are names (nothing to translate); the sentence around them is.
            guesses = error.hint.removeprefix(_GUESS_PREFIX).removesuffix("?")
            return "error.unknown_province", (name, ("guesses", guesses))
    return None, ()


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {
            "application/json": {
                "example": WebError(status, _STATUS_TYPES[status], example).envelope()
            }
        },
    }
    for status, description, example in (
        (404, "No such province, item, year, run or table", "no published PAPI record for 1999."),
        (
            422,
            "A query parameter is invalid",
            "query parameter `geo` must be one of '63', '34'; got '99'.",
        ),
        (500, "Internal error (logged on the server)", "an internal error occurred."),
    )
}
"""The documented error answers of the data routes (OpenAPI ``responses``)."""

ERROR_PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": answer["description"] + " (an HTML page showing the error)",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
    for status, answer in ERROR_RESPONSES.items()
}
"""The documented error answers of the pages."""


def wants_data(path: str) -> bool:
    """Whether ``path`` asks for data (JSON envelope) rather than a page (HTML).

    Examples
    --------
    >>> wants_data("/overview.json"), wants_data("/province/Ha%20Noi")
    (True, False)
    """
    return path.endswith(_DATA_SUFFIXES) or path in ("/openapi.json",)


def _validation_error(error: RequestValidationError) -> WebError:
    problems: Sequence[Any] = error.errors()
    first = problems[0] if problems else {}
    location = [str(part) for part in first.get("loc", ())]
    where = ".".join(location) or None
    name = location[-1] if location else "request"
    found = first.get("input")
    context = first.get("ctx") or {}
    expected = context.get("expected") or context.get("pattern")
    reason = str(first.get("msg", "is invalid")).rstrip(".")
    message = f"parameter `{name}`: {reason[:1].lower()}{reason[1:]}; got {found!r}."
    if len(problems) > 1:
        message += f" ({len(problems) - 1} more problem(s) in this request)"
    return WebError(
        status=422,
        type="InvalidParameter",
        message=message,
        where=where,
        found=None if found is None else str(found),
        expected=None if expected is None else str(expected),
        hint="the parameters and their allowed values are listed at /docs",
    )


def _http_error(error: HTTPException, path: str) -> WebError:
    status = error.status_code
    if status == 404:
        return WebError(
            404,
            "NotFound",
            f"no page at `{path}`.",
            where="path",
            found=path,
            hint="pages: /overview, /province/{name}, /compare, /indicator, /runs; API at /docs",
            label="error.no_page",
            label_values=(("path", path),),
        )
    return WebError(
        status,
        _STATUS_TYPES.get(status, "HTTPError"),
        f"{error.detail} (`{path}`).",
        where="method" if status == 405 else None,
        headers=tuple((error.headers or {}).items()),
    )


_INTERNAL = WebError(
    500,
    "InternalError",
    "an internal error occurred; it has been logged on the server.",
    hint="please report it with the URL you asked for",
)


def _answer(error: WebError, request: Request, page: ErrorPage) -> Response:
    if wants_data(request.url.path):
        return Response(
            json.dumps(error.envelope(), ensure_ascii=False).encode("utf-8"),
            status_code=error.status,
            media_type="application/json",
            headers=dict(error.headers),
        )
    try:
        body = page(error, request)
    except Exception:  # the error page itself failed: fall back to plain, escaped text
        logger.exception("the error page could not be rendered")
        from html import escape

        body = f"<!doctype html><title>{error.status}</title><p>{escape(error.message)}</p>"
    return HTMLResponse(body, status_code=error.status, headers=dict(error.headers))


def error_response(error: WebError, request: Request, page: ErrorPage) -> Response:
    """The answer carrying ``error``: the JSON envelope on data paths, the error page elsewhere.

    Examples
    --------
    >>> request = Request({"type": "http", "path": "/overview.json", "headers": []})
    >>> error_response(WebError(400, "BadRequest", "bad."), request, None).status_code
    400
    """
    return _answer(error, request, page)


def web_error(error: Exception, path: str) -> WebError:
    """The answer to any exception raised while answering ``path``.

    Examples
    --------
    >>> from govindex.errors import NotFound
    >>> web_error(NotFound("no such province", where="province"), "/province/x").type
    'NotFound'
    """
    if isinstance(error, GovIndexError):
        return WebError.from_govindex(error)
    if isinstance(error, RequestValidationError):
        return _validation_error(error)
    if isinstance(error, HTTPException):
        return _http_error(error, path)
    logger.error("internal error answering %s", path, exc_info=error)
    return _INTERNAL


def install_error_handlers(app: FastAPI, page: ErrorPage) -> None:
    """Answer govindex errors, HTTP errors, invalid requests and bugs with the envelope."""

    async def handle(request: Request, error: Exception) -> Response:
        return _answer(web_error(error, request.url.path), request, page)

    for kind in (GovIndexError, HTTPException, RequestValidationError):
        app.add_exception_handler(kind, handle)
    app.add_middleware(CatchAll, page=page)


class CatchAll:
    """ASGI middleware: any unexpected exception becomes the 500 envelope (and a log line).

    Starlette's own last-resort handler re-raises after answering; this one does not, so
    a server never prints a request's traceback to the client and tests see the answer.
    """

    def __init__(self, app: ASGIApp, page: ErrorPage) -> None:
        self.app = app
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except Exception as error:
            if started:
                raise
            request = Request(scope)
            response = _answer(web_error(error, request.url.path), request, self.page)
            await response(scope, receive, send)
