"""Security headers and the Host allow-list, shared by the dashboard and the feedback service.

One middleware writes the headers of a :class:`HeaderPolicy` on every answer (errors,
cached answers and static files included); another refuses a request whose ``Host`` is not
one the server was told it is reached by, so a DNS-rebinding page cannot read the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govindex.web.errors import ErrorPage, WebError, error_response

__all__ = [
    "DASHBOARD_POLICY",
    "LOCAL_HOSTS",
    "AllowedHosts",
    "HeaderPolicy",
    "SecurityHeaders",
    "default_allowed_hosts",
    "host_allowed",
    "host_name",
]

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
"""The names a server on this machine is always reached by."""

_DOCUMENTATION_POLICY = (
    # Swagger UI starts from one inline script FastAPI writes into the page.
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True)
class HeaderPolicy:
    """The security headers of one app.

    Parameters
    ----------
    headers
        Header name → value, sent with every answer that does not set the header itself.
    path_headers
        Exact path → headers that replace ``headers`` there (the API documentation page).
    no_store
        Send ``Cache-Control: no-store`` on every answer outside ``/static/`` that sets no
        cache policy of its own (pages that show personal or live data).

    Examples
    --------
    >>> policy = HeaderPolicy({"X-Frame-Options": "DENY"}, {"/docs": {"X-Frame-Options": "SAMEORIGIN"}})
    >>> policy.for_path("/docs")["X-Frame-Options"], policy.for_path("/")["X-Frame-Options"]
    ('SAMEORIGIN', 'DENY')
    """

    headers: Mapping[str, str]
    path_headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    no_store: bool = False

    def for_path(self, path: str) -> dict[str, str]:
        """The headers of an answer at ``path``."""
        return {**self.headers, **self.path_headers.get(path, {})}


DASHBOARD_POLICY = HeaderPolicy(
    {
        # Scripts only from this site (the vendored Vega and the dashboard's own file; the
        # chart specs are inert JSON blocks). Inline styles stay allowed: the interval bars
        # are placed with style attributes and Vega-Embed adds its stylesheet.
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # Permalinks carry only public choices; other sites learn only that we linked them.
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    },
    {"/docs": {"Content-Security-Policy": _DOCUMENTATION_POLICY}},
)
"""The dashboard's headers: public pages, cacheable, never framed."""


class SecurityHeaders:
    """ASGI middleware: the headers of ``policy`` on every HTTP answer.

    Examples
    --------
    >>> from starlette.applications import Starlette
    >>> app = SecurityHeaders(Starlette(), DASHBOARD_POLICY)
    """

    def __init__(self, app: ASGIApp, policy: HeaderPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        extra = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in self.policy.for_path(path).items()
        ]
        no_store = self.policy.no_store and not path.startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                if no_store and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def host_name(host_header: str) -> str:
    """The host name of a ``Host`` header: lower case, without port or IPv6 brackets.

    Examples
    --------
    >>> host_name("Example.org:8000"), host_name("[::1]:8000"), host_name("127.0.0.1")
    ('example.org', '::1', '127.0.0.1')
    """
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_allowed(host_header: str, allowed: Iterable[str]) -> bool:
    """Whether ``host_header`` names one of ``allowed`` (``*`` any; ``*.example.org`` its subdomains).

    Examples
    --------
    >>> host_allowed("localhost:8000", LOCAL_HOSTS), host_allowed("evil.example", LOCAL_HOSTS)
    (True, False)
    >>> host_allowed("a.example.org", ["*.example.org"]), host_allowed("example.org", ["*.example.org"])
    (True, False)
    """
    name = host_name(host_header)
    if not name:
        return False
    for pattern in allowed:
        pattern = host_name(pattern) if pattern not in ("*",) else pattern
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def default_allowed_hosts(bound: str) -> tuple[str, ...]:
    """The hosts a server bound to ``bound`` answers for unless told otherwise.

    The loopback names and the bound address itself; a wildcard address (``0.0.0.0``,
    ``::``) names no host, so a server open to the network answers only the names given
    to it with ``--allowed-hosts``.

    Examples
    --------
    >>> default_allowed_hosts("127.0.0.1")
    ('localhost', '127.0.0.1', '::1')
    >>> default_allowed_hosts("192.168.1.20")
    ('localhost', '127.0.0.1', '::1', '192.168.1.20')
    """
    address = host_name(f"[{bound}]" if ":" in bound and not bound.startswith("[") else bound)
    if address in LOCAL_HOSTS or address in ("", "0.0.0.0", "::"):
        return LOCAL_HOSTS
    return (*LOCAL_HOSTS, address)


class AllowedHosts:
    """ASGI middleware: a request for a host not in ``allowed`` gets the 400 error envelope.

    Examples
    --------
    >>> from starlette.applications import Starlette
    >>> app = AllowedHosts(Starlette(), ["localhost"], page=lambda error, request: error.message)
    """

    def __init__(
        self,
        app: ASGIApp,
        allowed: Iterable[str],
        *,
        page: ErrorPage,
        answer: Callable[[WebError, Request], Response] | None = None,
    ) -> None:
        self.app = app
        self.allowed = tuple(allowed)
        self.page: Callable[[WebError, Request], str] = page
        # An app with its own error answers (the feedback service: JSON on /api/) gives them.
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1")
                break
        if host_allowed(host, self.allowed):
            await self.app(scope, receive, send)
            return
        error = WebError(
            400,
            "BadRequest",
            f"this server does not answer for the host `{host}`."
            if host
            else "the request has no `Host` header.",
            where="Host",
            found=host or None,
            expected=", ".join(self.allowed),
            hint="the server's operator lists the names it answers for with --allowed-hosts",
        )
        # An unknown Host must not reach the page renderer's links: answer in the envelope
        # (JSON for data paths, the error page otherwise) with this server's own root.
        if self.answer is not None:
            response = self.answer(error, Request(scope))
        else:
            response = error_response(error, Request(scope), self.page)
        await response(scope, receive, send)
