"""HEAD answered as GET without a body (RFC 9110 §9.3.2), for every page, twin and file.

FastAPI routes declare GET only, so HEAD would be 405; link checkers, proxies and
monitoring probes send HEAD. The request goes down the app as a GET (cached answers
included) and only the body is dropped: status and headers, ``Content-Length`` too, are
those of the GET.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadRequests"]


class HeadRequests:
    """ASGI middleware: a HEAD request is answered as its GET, without the body.

    Examples
    --------
    >>> from starlette.applications import Starlette
    >>> app = HeadRequests(Starlette())
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        # A copy: the server keeps its own scope, and must still know the request was HEAD.
        as_get = {**scope, "method": "GET"}
        body_sent = False

        async def without_body(message: Message) -> None:
            nonlocal body_sent
            if message["type"] == "http.response.body":
                if body_sent:
                    return
                if message.get("more_body", False):
                    # Drop the streamed parts; end the answer once, with an empty body.
                    body_sent = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
                body_sent = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(as_get, receive, without_body)
