"""Where a PAPI series breaks: restructurings after which scores are not comparable.

The breaks are data (``comparability_breaks.csv`` in this package, each with its reason and
source), so that trend code never hard-codes a year or a dimension.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

__all__ = ["ComparabilityBreak", "breaks_between", "load_comparability_breaks"]


@dataclass(frozen=True)
class ComparabilityBreak:
    """A restructuring in ``year``: scores in ``scope`` before it differ in meaning after it.

    ``scope`` holds item codes; a code covers itself and everything below it (``"5"`` covers
    ``"5"``, ``"5.3"`` and ``"5.3.2"``), ``"total"`` covers the aggregates and ``"*"`` covers
    everything.

    Examples
    --------
    >>> rule = ComparabilityBreak(2021, ("5", "total"), "D5 changed", "report")
    >>> rule.covers("5.3"), rule.covers("total_weighted"), rule.covers("6")
    (True, True, False)
    """

    year: int
    scope: tuple[str, ...]
    reason: str
    source: str
    reason_vi: str = ""

    def covers(self, code: str) -> bool:
        """Whether ``code`` is one of the items this break affects."""
        for item in self.scope:
            if item == "*" or code == item or code.startswith(item + "."):
                return True
            if item == "total" and code.startswith("total"):
                return True
        return False

    def separates(self, baseline_year: int, year: int) -> bool:
        """Whether the break falls between ``baseline_year`` (exclusive) and ``year``."""
        earlier, later = sorted((baseline_year, year))
        return earlier < self.year <= later


def load_comparability_breaks() -> tuple[ComparabilityBreak, ...]:
    """Return PAPI's known comparability breaks, from the package's CSV.

    Examples
    --------
    >>> [item.year for item in load_comparability_breaks()]
    [2016, 2018, 2019, 2021]
    """
    text = (
        resources.files("govindex.official").joinpath("comparability_breaks.csv").read_text("utf-8")
    )
    return tuple(
        ComparabilityBreak(
            year=int(row["year"]),
            scope=tuple(part.strip() for part in row["scope"].split(";") if part.strip()),
            reason=row["reason"],
            source=row["source"],
            reason_vi=row.get("reason_vi") or "",
        )
        for row in csv.DictReader(text.splitlines())
    )


def breaks_between(
    code: str, baseline_year: int, year: int, breaks: Sequence[ComparabilityBreak]
) -> tuple[ComparabilityBreak, ...]:
    """Return the breaks that make ``code`` incomparable between the two years.

    Examples
    --------
    >>> breaks = load_comparability_breaks()
    >>> [item.year for item in breaks_between("total", 2016, 2024, breaks)]
    [2018, 2019, 2021]
    >>> breaks_between("6", 2021, 2024, breaks)
    ()
    """
    return tuple(
        item for item in breaks if item.covers(code) and item.separates(baseline_year, year)
    )
