"""How a page links to other pages, its downloads and the static assets.

Templates never build URLs themselves: they ask a :class:`Links`. The app's links are
paths with query strings (``/overview?year=2024&...``); the static site's are relative
file paths (``../../2023/total/63/index.html``), so the exported site works from
``file://`` or any sub-path. A link the static site does not hold is ``None`` and the
template leaves it out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Protocol
from urllib.parse import quote, urlencode

from govindex.web.addresses import PageAddress

__all__ = ["AppLinks", "Links", "RelativeLinks", "page_path"]

DownloadFormat = str
"""``json``, ``csv`` or ``xlsx``."""


class Links(Protocol):
    """What templates may ask for."""

    asset_base: str
    """Base of the static assets (charts load their maps from ``{asset_base}/maps/...``)."""

    def page(self, address: PageAddress) -> str | None:
        """The link to a page, or ``None`` if it is not available here."""

    def download(
        self, address: PageAddress, extension: DownloadFormat, table: str | None = None
    ) -> str | None:
        """The link to one of a page's downloads, or ``None``."""

    def asset(self, path: str) -> str:
        """The link to a static asset (``css/site.css``)."""

    def scorecard(self, province: str, language: str) -> str | None:
        """The link to a province's scorecard across the four instruments, or ``None``."""


def page_path(address: PageAddress) -> str:
    """The app path of a page, without query string.

    Examples
    --------
    >>> page_path(PageAddress("profile", province="Ho Chi Minh City"))
    '/province/Ho%20Chi%20Minh%20City'
    """
    if address.kind == "profile":
        return "/province/" + quote(address.province or "", safe="")
    return "/" + address.kind


class AppLinks:
    """Links of the running app: absolute paths under ``root`` with query strings.

    Examples
    --------
    >>> links = AppLinks()
    >>> links.page(PageAddress("overview", year=2024, geography="34"))
    '/overview?year=2024&geo=34&lang=vi'
    >>> links.download(PageAddress("overview", year=2024), "csv", "ranking")
    '/overview.csv?year=2024&table=ranking'
    """

    def __init__(self, root: str = "") -> None:
        self.root = root.rstrip("/")
        self.asset_base = f"{self.root}/static"

    def page(self, address: PageAddress) -> str | None:
        return self._url(page_path(address), address.query())

    def download(
        self, address: PageAddress, extension: DownloadFormat, table: str | None = None
    ) -> str | None:
        query = address.query(language=False)
        if table is not None:
            query.append(("table", table))
        return self._url(f"{page_path(address)}.{extension}", query)

    def asset(self, path: str) -> str:
        return f"{self.asset_base}/{path}"

    def scorecard(self, province: str, language: str) -> str | None:
        """The app's scorecard of ``province``.

        Examples
        --------
        >>> AppLinks("/papi").scorecard("Quảng Ninh", "en")
        '/papi/scorecard/Qu%E1%BA%A3ng%20Ninh?lang=en'
        """
        return self._url("/scorecard/" + quote(province, safe=""), [("lang", language)])

    def _url(self, path: str, query: list[tuple[str, str]]) -> str:
        text = urlencode(query, quote_via=quote)
        return f"{self.root}{path}?{text}" if text else f"{self.root}{path}"


class RelativeLinks:
    """Links between the files of the static site, relative to the current page.

    ``locate`` gives the site-relative file of a page (``vi/overview/2024/total/63/
    index.html``) or ``None`` if the site does not hold it; ``locate_data`` the folder of
    its downloads (``data.json`` and ``<table>.csv``; the site has no XLSX files).

    Examples
    --------
    >>> links = RelativeLinks("vi/runs/index.html", lambda address: "vi/runs/index.html")
    >>> links.asset("css/site.css")
    '../../static/css/site.css'
    """

    def __init__(
        self,
        current: str,
        locate: Callable[[PageAddress], str | None],
        locate_data: Callable[[PageAddress], str | None] | None = None,
    ) -> None:
        self.folder = posixpath.dirname(current)
        self.locate = locate
        self.locate_data = locate_data or (
            lambda address: (
                None if locate(address) is None else posixpath.dirname(locate(address) or "")
            )
        )
        self.asset_base = self._relative("static")

    def _relative(self, target: str) -> str:
        return posixpath.relpath(target, self.folder or ".")

    def page(self, address: PageAddress) -> str | None:
        target = self.locate(address)
        return None if target is None else self._relative(target)

    def download(
        self, address: PageAddress, extension: DownloadFormat, table: str | None = None
    ) -> str | None:
        folder = self.locate_data(address)
        if folder is None or extension == "xlsx":
            return None
        name = "data.json" if extension == "json" else f"{table}.csv"
        return self._relative(posixpath.join(folder, name))

    def asset(self, path: str) -> str:
        return f"{self.asset_base}/{path}"

    def scorecard(self, province: str, language: str) -> str | None:
        """``None``: the static site holds no scorecard (it reads every instrument's runs)."""
        return None
