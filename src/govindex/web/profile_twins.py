"""A province profile's JSON twin with plain parameters, answered without FastAPI's routing.

``/province/{name}.json?year=2024`` is the API's most requested answer, and its first
request per province is a few dictionary lookups and one serialisation (the snapshot's
profile tables are indexed when it is opened). Matching it against every route and solving
its typed parameters through FastAPI cost as much again, so :class:`ProfileTwins` takes the
requests whose parameters are plainly valid (a name of 1–64 characters, at most one each of
``year`` as digits, ``run`` as a hex id prefix and ``lang`` as ``vi`` or ``en``) and hands
them to the same :class:`~govindex.web.app.PageService` the route calls, with the same page
address. Anything else, and any request whose answer fails, goes on to the route, so
refusals keep their validation messages and error envelopes word for word.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from govindex.web.addresses import PageAddress

__all__ = ["ProfileTwins", "plain_profile_address"]

ProfileAnswer = Callable[[Request, PageAddress], Awaitable[Response]]
"""Answers a profile's address as JSON (the page service, as the route would call it)."""

_PATH = re.compile(r"/province/([^/]+)\.json")
# Stricter than the route's parameters (a year without a leading zero, a run id in lower
# case): what passes here, the route would read as the same value.
_YEAR = re.compile(r"[1-9][0-9]{0,8}")
_RUN = re.compile(r"[0-9a-f]{4,64}")
_LANGUAGES = ("vi", "en")


def plain_profile_address(path: str, query: str) -> PageAddress | None:
    """The address of a profile JSON request whose parameters are plainly valid, else ``None``.

    Examples
    --------
    >>> plain_profile_address("/province/Hà Nội.json", "year=2024&lang=en")
    PageAddress(kind='profile', language='en', year=2024, run=None, level=None, code=None, geography=None, province='Hà Nội', provinces=(), instrument=None, period=None)
    >>> plain_profile_address("/province/Hà Nội.json", "year=2024&year=2023") is None
    True
    >>> plain_profile_address("/province/Hà Nội.json", "instrument=sipas") is None
    True
    """
    matched = _PATH.fullmatch(path)
    if matched is None or len(matched.group(1)) > 64:
        return None
    values: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in values or key not in ("year", "run", "lang"):
            return None
        values[key] = value
    year, run, language = values.get("year"), values.get("run"), values.get("lang", "vi")
    if year is not None and _YEAR.fullmatch(year) is None:
        return None
    if run is not None and _RUN.fullmatch(run) is None:
        return None
    if language not in _LANGUAGES:
        return None
    return PageAddress(
        "profile",
        "en" if language == "en" else "vi",
        year=int(year) if year is not None else None,
        run=run,
        province=matched[1],
    )


class ProfileTwins:
    """ASGI middleware: answers a plain profile JSON request as its route would, unrouted."""

    def __init__(self, app: ASGIApp, answer: ProfileAnswer) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            # Behind a path prefix the route matches what is left of the path: leave it that.
            and not scope.get("root_path")
        ):
            address = plain_profile_address(scope["path"], scope["query_string"].decode("latin-1"))
            if address is not None:
                try:
                    response = await self.answer(Request(scope, receive), address)
                except Exception:  # the route answers it again, with its error envelope
                    pass
                else:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
