"""What the page chrome needs to know about the whole store: years, runs, provinces, items.

Read from the dashboard's views once and kept (the store snapshot never changes while the
app runs). Selectors on every page are built from these lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from threading import Lock
from typing import Any

from govindex.views import Dashboard
from govindex.web.addresses import ITEM_LEVELS, PageAddress

__all__ = ["Option", "StoreFacts"]


@dataclass(frozen=True)
class Option:
    """One choice of a selector: its label, link (``None`` if unavailable) and state."""

    label: str
    url: str | None
    selected: bool = False


class StoreFacts:
    """Years, runs, provinces and items of the store behind a dashboard.

    Examples
    --------
    >>> StoreFacts(dashboard).latest_year
    2024
    """

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self._lock = Lock()
        self._items: dict[tuple[int | None, str | None], list[dict[str, Any]]] = {}

    @cached_property
    def runs(self) -> list[dict[str, Any]]:
        """One row per run and year: ``run_id``, ``kind``, ``year``, ``synthetic``, ..."""
        return self.dashboard.runs().table("runs").to_dicts()

    @cached_property
    def published_years(self) -> list[int]:
        """Years of the official record, oldest first."""
        return sorted({int(row["year"]) for row in self.runs if row["kind"] == "published"})

    @cached_property
    def years(self) -> list[int]:
        """Every year some run has scores for."""
        return sorted({int(row["year"]) for row in self.runs})

    @cached_property
    def latest_year(self) -> int | None:
        """The newest published year (what ``/overview`` opens on)."""
        years = self.published_years or self.years
        return years[-1] if years else None

    @cached_property
    def microdata_runs(self) -> list[dict[str, Any]]:
        """One row per microdata run (its newest year), newest first."""
        chosen: dict[str, dict[str, Any]] = {}
        for row in self.runs:
            if row["kind"] != "published":
                chosen[row["run_id"]] = row
        return sorted(chosen.values(), key=lambda row: str(row["created_at"]), reverse=True)

    def runs_in(self, year: int) -> list[dict[str, Any]]:
        """The runs with scores for ``year``: the published record first."""
        rows = [row for row in self.runs if int(row["year"]) == year]
        return sorted(rows, key=lambda row: (row["kind"] != "published", str(row["run_id"])))

    @cached_property
    def provinces(self) -> list[dict[str, str]]:
        """Every province with scores in the newest published year (English, Vietnamese)."""
        return self.dashboard.provinces()

    def items(self, *, year: int | None = None, run: str | None = None) -> list[dict[str, Any]]:
        """The items scored in a run-year; without either, in any published year."""
        key = (year, run)
        with self._lock:
            if key in self._items:
                return self._items[key]
        if year is None and run is None:
            merged: dict[tuple[str, str], dict[str, Any]] = {}
            for published in reversed(self.published_years):
                for item in self.items(year=published):
                    merged.setdefault((item["level"], item["code"]), item)
            order = {level: number for number, level in enumerate(ITEM_LEVELS)}
            found = sorted(
                merged.values(),
                key=lambda item: (order.get(item["level"], 9), _code_order(item["code"])),
            )
        else:
            found = list(self.dashboard.overview(year=year, run_id=run).meta["items"])
        with self._lock:
            self._items[key] = found
        return found

    def year_address(self, address: PageAddress, year: int) -> PageAddress:
        """``address`` moved to ``year``: the published record if there is one, else a run;
        the item falls back to the total if that year does not score it."""
        run = None if year in self.published_years else self.runs_in(year)[0]["run_id"]
        moved = address.with_changes(year=year, run=run)
        if address.kind == "overview" and address.level not in (None, "total"):
            codes = {(item["level"], item["code"]) for item in self.items(year=year, run=run)}
            if (address.level, address.code) not in codes:
                moved = moved.with_changes(level="total", code="total")
        return moved


def _code_order(code: str) -> tuple[int, ...]:
    """Sort ``4.10`` after ``4.9``."""
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))
