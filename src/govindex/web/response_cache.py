"""Answers already given, kept as bytes and sent again without routing or rendering.

A successful answer for one URL is the answer for that URL until the app takes a new
snapshot of the store, which clears the cache. Answers are kept in a bounded LRU (by
count and by bytes); :class:`ServeCached` sends a kept answer before the request reaches
FastAPI at all, which keeps a warm JSON twin at tens of microseconds of server time.
A kept answer carries its ETag; a request naming it in ``If-None-Match`` gets a 304
(:mod:`~govindex.web.revalidation`).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from starlette.types import ASGIApp, Receive, Scope, Send

from govindex.web.revalidation import CACHE_CONTROL, etag_matches

__all__ = ["CachedAnswer", "ResponseCache", "ServeCached", "cache_key", "request_key"]


@dataclass(frozen=True)
class CachedAnswer:
    """A complete 200 answer: body, headers and (when revalidated) its ETag.

    Examples
    --------
    >>> answer = CachedAnswer(b"{}", "application/json", etag='"a-b"')
    >>> answer.response_headers()
    {'etag': '"a-b"', 'cache-control': 'no-cache'}
    """

    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()
    etag: str = ""

    def response_headers(self) -> dict[str, str]:
        """The headers besides content type and length (those a 304 repeats too)."""
        headers = dict(self.headers)
        if self.etag:
            headers |= {"etag": self.etag, "cache-control": CACHE_CONTROL}
        return headers

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers as ASGI sends them."""
        headers = [
            (b"content-type", self.media_type.encode("latin-1")),
            (b"content-length", str(len(self.body)).encode("latin-1")),
        ]
        headers += [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in self.response_headers().items()
        ]
        return headers

    def not_modified_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers of a 304 to a request that already holds this answer."""
        return [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in self.response_headers().items()
            if name in ("etag", "cache-control")
        ]


def cache_key(root_path: str, path: str, query: str) -> str:
    """The key of one URL (the raw query string: parameter order is part of the URL).

    Examples
    --------
    >>> cache_key("", "/overview.json", "year=2024")
    '/overview.json?year=2024'
    """
    return f"{root_path}{path}?{query}"


def request_key(scope: Scope) -> str:
    """The key of the URL a request asks for: the one both the cache and the routes use,
    read from the ASGI scope as the server gave it (no URL object is built).

    Examples
    --------
    >>> request_key({"root_path": "", "path": "/runs.json", "query_string": b"lang=en"})
    '/runs.json?lang=en'
    """
    return cache_key(
        scope.get("root_path", ""), scope["path"], scope["query_string"].decode("latin-1")
    )


class ResponseCache:
    """A thread-safe LRU of answers, bounded by entries and total bytes.

    Examples
    --------
    >>> cache = ResponseCache(max_entries=1)
    >>> cache.put("a", CachedAnswer(b"1", "text/plain"))
    >>> cache.put("b", CachedAnswer(b"2", "text/plain"))
    >>> cache.get("a") is None, cache.get("b").body
    (True, b'2')
    """

    def __init__(self, max_entries: int = 4096, max_bytes: int = 256 * 2**20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()
        self.generation = 0
        """Counts :meth:`clear` calls: an answer built before one is not kept after it."""

    def get(self, key: str) -> CachedAnswer | None:
        """The answer kept for ``key`` (now the most recently used), or ``None``."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: str, answer: CachedAnswer, generation: int | None = None) -> None:
        """Keep ``answer`` (unless built in an earlier ``generation``); drop the least
        recently used answers beyond the bounds."""
        if len(answer.body) > self.max_bytes:
            return
        with self._lock:
            if generation is not None and generation != self.generation:
                return
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._answers[key] = answer
            self._bytes += len(answer.body)
            while len(self._answers) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        """Drop every answer (the snapshot they came from was replaced).

        Examples
        --------
        >>> cache = ResponseCache()
        >>> cache.put("a", CachedAnswer(b"1", "text/plain"))
        >>> cache.clear()
        >>> len(cache), cache.generation
        (0, 1)
        """
        with self._lock:
            self._answers.clear()
            self._bytes = 0
            self.generation += 1

    def __len__(self) -> int:
        return len(self._answers)


class ServeCached:
    """ASGI middleware: answer a GET from the cache if its URL was answered before."""

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            answer = self.cache.get(request_key(scope))
            if answer is not None:
                if etag_matches(_if_none_match(scope), answer.etag):
                    start = {"type": "http.response.start", "status": 304}
                    await send({**start, "headers": answer.not_modified_headers()})
                    await send({"type": "http.response.body", "body": b""})
                    return
                await send(
                    {"type": "http.response.start", "status": 200, "headers": answer.raw_headers()}
                )
                await send({"type": "http.response.body", "body": answer.body})
                return
        await self.app(scope, receive, send)


def _if_none_match(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"if-none-match":
            return bytes(value).decode("latin-1")
    return None
