"""Where a page is: its kind and every choice that made it, as a value.

A :class:`PageAddress` is the whole state of a page (year, item, geography, run, language,
provinces), so a URL built from it restores the page exactly. The app turns addresses into
query strings; the static site turns them into folders.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from govindex.views import Dashboard, View

__all__ = [
    "ITEM_LEVELS",
    "Language",
    "PageAddress",
    "PageKind",
    "build_view",
    "canonical_address",
    "download_stem",
    "item_slug",
    "slug",
]

PageKind = Literal["overview", "profile", "compare", "indicator", "runs"]
Language = Literal["vi", "en"]
ITEM_LEVELS: tuple[str, ...] = ("total", "dimension", "subdimension", "indicator")


@dataclass(frozen=True)
class PageAddress:
    """One page state: ``kind`` and the choices behind it (``None`` = the default).

    Examples
    --------
    >>> PageAddress("overview", year=2024, level="total", code="total").query()
    [('year', '2024'), ('level', 'total'), ('code', 'total'), ('lang', 'vi')]
    """

    kind: PageKind
    language: Language = "vi"
    year: int | None = None
    run: str | None = None
    level: str | None = None
    code: str | None = None
    geography: str | None = None
    province: str | None = None
    provinces: tuple[str, ...] = ()
    instrument: str | None = None
    """A registered instrument id; ``None`` is PAPI, so every PAPI address stays as it was."""
    period: str | None = None
    """A period (``2025-Q1``, ``2025-03``) of an instrument scored by period."""

    def query(self, *, language: bool = True) -> list[tuple[str, str]]:
        """The query parameters of this state, in a stable order."""
        pairs: list[tuple[str, str]] = [("province", name) for name in self.provinces]
        for key, value in (
            ("year", self.year),
            ("level", self.level),
            ("code", self.code),
            ("geo", self.geography),
            ("run", self.run),
            ("instrument", self.instrument),
            ("period", self.period),
        ):
            if value is not None:
                pairs.append((key, str(value)))
        if language:
            pairs.append(("lang", self.language))
        return pairs

    def with_language(self, language: Language) -> PageAddress:
        """The same page in another language."""
        return replace(self, language=language)

    def with_changes(self, **changes: object) -> PageAddress:
        """The same page with some choices changed (``replace`` under a readable name)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def build_view(dashboard: Dashboard, address: PageAddress) -> View:
    """Ask the dashboard for the view an address shows.

    Examples
    --------
    >>> build_view(dashboard, PageAddress("overview", year=2024)).kind
    'overview'
    """
    shown = address.instrument
    if address.kind == "overview":
        return dashboard.overview(
            year=address.year,
            run_id=address.run,
            level=address.level or "total",
            code=address.code or "total",
            geography=address.geography or "63",
            instrument=shown,
            period=address.period,
        )
    if address.kind == "profile":
        return dashboard.profile(
            address.province or "",
            year=address.year,
            run_id=address.run,
            instrument=shown,
            period=address.period,
        )
    if address.kind == "compare":
        return dashboard.compare(
            address.provinces,
            year=address.year,
            run_id=address.run,
            level=address.level or "dimension",
            instrument=shown,
        )
    if address.kind == "indicator":
        return dashboard.explore_item(
            level=address.level or "total",
            code=address.code or "total",
            run_id=address.run,
            instrument=shown,
        )
    return dashboard.runs()


def canonical_address(view: View, language: Language) -> PageAddress:
    """The address that restores ``view`` exactly: defaults resolved, run ids in full.

    The published run of a year is the default and is left out; any other run is named.
    """
    parameters = view.parameters
    if view.kind.startswith("instrument_"):
        return _instrument_address(view, language)
    run = _named_run(view)
    if view.kind == "overview":
        return PageAddress(
            "overview",
            language,
            year=int(parameters["year"]),
            run=run,
            level=str(parameters["level"]),
            code=str(parameters["code"]),
            geography=str(parameters["geography"]),
        )
    if view.kind == "profile":
        return PageAddress(
            "profile",
            language,
            year=int(parameters["year"]),
            run=run,
            province=str(parameters["province"]),
        )
    if view.kind == "compare":
        return PageAddress(
            "compare",
            language,
            year=int(parameters["year"]),
            run=run,
            level=str(parameters["level"]),
            provinces=tuple(str(name) for name in parameters["provinces"]),
        )
    if view.kind == "indicator":
        return PageAddress(
            "indicator",
            language,
            run=run,
            level=str(parameters["level"]),
            code=str(parameters["code"]),
        )
    return PageAddress("runs", language)


def _instrument_address(view: View, language: Language) -> PageAddress:
    """The address of a score-table page: the instrument and the run always named, so a
    permalink keeps showing the same run when a newer one is stored."""
    parameters = view.parameters
    shown = str(parameters["instrument"])
    run = None if parameters.get("run_id") is None else str(parameters["run_id"])
    if view.kind == "instrument_period_ranking":
        period = str(parameters["period"])
        return PageAddress("overview", language, run=run, instrument=shown, period=period)
    if view.kind == "instrument_period_unit":
        return PageAddress(
            "profile",
            language,
            run=run,
            province=str(parameters["province"]),
            instrument=shown,
            period=str(parameters["period"]),
        )
    if view.kind == "instrument_overview":
        return PageAddress(
            "overview",
            language,
            year=int(parameters["year"]),
            run=run,
            level=str(parameters["level"]),
            code=str(parameters["code"]),
            instrument=shown,
        )
    if view.kind == "instrument_profile":
        return PageAddress(
            "profile",
            language,
            year=int(parameters["year"]),
            run=run,
            province=str(parameters["province"]),
            instrument=shown,
        )
    if view.kind == "instrument_compare":
        return PageAddress(
            "compare",
            language,
            year=int(parameters["year"]),
            run=run,
            level=str(parameters["level"]),
            provinces=tuple(str(name) for name in parameters["provinces"]),
            instrument=shown,
        )
    return PageAddress(
        "indicator",
        language,
        run=run,
        level=str(parameters["level"]),
        code=str(parameters["code"]),
        instrument=shown,
    )


def _named_run(view: View) -> str | None:
    """The run id a URL must carry: ``None`` for the published record."""
    run = view.meta.get("run")
    if run is not None:
        return None if run["kind"] == "published" else str(run["run_id"])
    if view.kind == "indicator" and view.parameters.get("run_id") is not None:
        runs = view.meta.get("runs") or []
        return str(runs[0]["run_id"]) if runs else str(view.parameters["run_id"])
    return None


def slug(text: str) -> str:
    """A lower-case ASCII name for files and URLs.

    Examples
    --------
    >>> slug("Thua Thien-Hue"), slug("Hà Nội")
    ('thua-thien-hue', 'ha-noi')
    """
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = plain.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text).strip("-")


def item_slug(level: str, code: str) -> str:
    """``total`` or ``<level>-<code>`` (e.g. ``dimension-4``).

    Examples
    --------
    >>> item_slug("total", "total"), item_slug("dimension", "4"), item_slug("total", "total_weighted")
    ('total', 'dimension-4', 'total-total-weighted')
    """
    return "total" if (level, code) == ("total", "total") else f"{level}-{slug(code)}"


def download_stem(view: View) -> str:
    """The file name (without extension) of a view's downloads.

    Examples
    --------
    >>> import polars as pl
    >>> view = View("overview", {"year": 2024, "level": "total", "code": "total"},
    ...             {"run": {"kind": "published", "run_id": "ab"}, "synthetic": False}, {})
    >>> download_stem(view)
    'papi-overview-2024-total'
    """
    parameters = view.parameters
    kind = view.kind.removeprefix("instrument_")
    parts = [str(parameters.get("instrument", "papi")), kind]
    if view.kind.startswith("instrument_"):
        parts += _instrument_stem(kind, parameters)
    elif view.kind == "overview":
        parts += [str(parameters["year"]), item_slug(parameters["level"], parameters["code"])]
        if parameters.get("geography") == "34":
            parts.append("34-units")
    elif view.kind == "profile":
        parts += [slug(str(parameters["province"])), str(parameters["year"])]
    elif view.kind == "compare":
        parts += [str(parameters["year"]), str(parameters["level"])]
        parts += [slug(str(name)) for name in parameters["provinces"]]
    elif view.kind == "indicator":
        parts.append(item_slug(parameters["level"], parameters["code"]))
    run = _named_run(view) if not view.kind.startswith("instrument_") else parameters["run_id"]
    if run is not None:
        parts.append(f"run-{str(run)[:8]}")
    if view.meta.get("synthetic"):
        parts.append("SYNTHETIC")
    return "-".join(parts)


def _instrument_stem(kind: str, parameters: Mapping[str, Any]) -> list[str]:
    if kind == "period_ranking":
        return [str(parameters["period"])]
    if kind == "period_unit":
        return [slug(str(parameters["province"])), str(parameters["period"])]
    if kind == "overview":
        return [str(parameters["year"]), item_slug(parameters["level"], parameters["code"])]
    if kind == "profile":
        return [slug(str(parameters["province"])), str(parameters["year"])]
    if kind == "compare":
        names = [slug(str(name)) for name in parameters["provinces"]]
        return [str(parameters["year"]), str(parameters["level"]), *names]
    return [item_slug(parameters["level"], parameters["code"])]
