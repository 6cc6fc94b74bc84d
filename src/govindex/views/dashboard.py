"""The dashboard's data service: one snapshot of the store, every view, cached.

The web app, the static site export and the reports all ask this object for views, with
the statistical choices (group cut rule, test level) fixed when it is built and recorded
in every view's parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from threading import Lock
from typing import Any

from govindex.errors import NotFound, SpecError
from govindex.scores.groups import GroupRule
from govindex.scores.registry import InstrumentEntry, instrument, registered
from govindex.storage import RunStore
from govindex.views.explore import compare, explore_item
from govindex.views.instrument_pages import (
    instrument_compare,
    instrument_explore,
    instrument_overview,
    instrument_profile,
)
from govindex.views.overview import overview
from govindex.views.period_pages import period_ranking, period_unit
from govindex.views.profile import profile
from govindex.views.run_list import runs_view
from govindex.views.snapshot import Snapshot
from govindex.views.view import View

__all__ = ["Dashboard", "DashboardParameters"]

_CACHE_SIZE = 2048
# The level producers store the 34-unit intervals and change tests at.
_STORED_CONFIDENCE = 0.90


@dataclass(frozen=True)
class DashboardParameters:
    """The statistical choices behind every page, recorded in every view's parameters.

    Pages compute nothing: the groups, the 34-unit intervals and the change tests were
    worked out by each run's producer when it was stored, with the default group rule
    (published runs; microdata runs carry the rule they were computed with) and at 90%
    (PAPI's own ±1.645·SE intervals). Other choices are refused rather than shown beside
    numbers that were not made with them.

    Examples
    --------
    >>> DashboardParameters().confidence
    0.9
    >>> DashboardParameters(confidence=0.95)
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: pages show the groups and tests stored with each run (default group rule, 90%); got confidence 0.95 and the default group rule. Recompute or re-import the runs to change them.
    """

    group_rule: GroupRule = field(default_factory=GroupRule)
    confidence: float = 0.90

    def __post_init__(self) -> None:
        if self.group_rule != GroupRule() or self.confidence != _STORED_CONFIDENCE:
            rule = (
                "the default group rule" if self.group_rule == GroupRule() else str(self.group_rule)
            )
            msg = (
                "pages show the groups and tests stored with each run (default group rule, "
                f"90%); got confidence {self.confidence} and {rule}. Recompute or re-import "
                "the runs to change them."
            )
            raise SpecError(msg, where="parameters", found=self.confidence, expected=0.90)


class Dashboard:
    """Every view of a store's runs, answered from memory and cached.

    Examples
    --------
    >>> opened = Dashboard.open(store_path)
    >>> opened.overview(year=2024).table("ranking").height
    63
    """

    def __init__(self, snapshot: Snapshot, parameters: DashboardParameters | None = None) -> None:
        self.snapshot = snapshot
        self.parameters = parameters or DashboardParameters()
        self._lock = Lock()
        self._cached: dict[str, Callable[..., View]] = {}

    @classmethod
    def open(
        cls, path: str | Path | None = None, parameters: DashboardParameters | None = None
    ) -> Dashboard:
        """Take a snapshot of the store at ``path`` (default store if ``None``) and close it."""
        with RunStore(path, read_only=True) as store:
            snapshot = Snapshot.load(store)
        return cls(snapshot, parameters)

    def _view(self, name: str, builder: Callable[..., View], **arguments: Any) -> View:
        with self._lock:
            cached = self._cached.get(name)
            if cached is None:
                cached = lru_cache(maxsize=_CACHE_SIZE)(builder)
                self._cached[name] = cached
        return cached(**arguments)

    def overview(
        self,
        *,
        year: int | None = None,
        run_id: str | None = None,
        level: str = "total",
        code: str = "total",
        geography: str = "63",
        instrument: str | None = None,
        period: str | None = None,
    ) -> View:
        """The national overview of one item (see :func:`govindex.views.overview.overview`;
        an instrument with score-table pages: :func:`~govindex.views.instrument_pages.instrument_overview`;
        one scored by period: :func:`~govindex.views.period_pages.period_ranking`)."""
        shown = self.score_table_instrument(instrument, run_id)
        if shown is not None and self.scored_by_period(shown):
            return self._view(
                "instrument_period_ranking",
                self._period_ranking,
                instrument_id=shown,
                period=period,
                run_id=run_id,
            )
        if shown is not None:
            return self._view(
                "instrument_overview",
                self._instrument_overview,
                instrument_id=shown,
                year=year,
                run_id=run_id,
                level=level,
                code=code,
            )
        return self._view(
            "overview",
            self._overview,
            year=year,
            run_id=run_id,
            level=level,
            code=code,
            geography=geography,
        )

    def _overview(self, **arguments: Any) -> View:
        return overview(
            self.snapshot,
            rule=self.parameters.group_rule,
            confidence=self.parameters.confidence,
            **arguments,
        )

    def profile(
        self,
        province: str,
        *,
        year: int | None = None,
        run_id: str | None = None,
        instrument: str | None = None,
        period: str | None = None,
    ) -> View:
        """One province's profile (see :func:`govindex.views.profile.profile`; an instrument
        scored by period: :func:`~govindex.views.period_pages.period_unit`)."""
        shown = self.score_table_instrument(instrument, run_id)
        if shown is not None and self.scored_by_period(shown):
            return self._view(
                "instrument_period_unit",
                self._period_unit,
                instrument_id=shown,
                unit=province,
                period=period,
                run_id=run_id,
            )
        if shown is not None:
            return self._view(
                "instrument_profile",
                self._instrument_profile,
                instrument_id=shown,
                province=province,
                year=year,
                run_id=run_id,
            )
        return self._view("profile", self._profile, province=province, year=year, run_id=run_id)

    def _profile(self, **arguments: Any) -> View:
        return profile(
            self.snapshot,
            rule=self.parameters.group_rule,
            confidence=self.parameters.confidence,
            **arguments,
        )

    def compare(
        self,
        provinces: Sequence[str],
        *,
        year: int | None = None,
        run_id: str | None = None,
        level: str = "dimension",
        instrument: str | None = None,
    ) -> View:
        """Provinces side by side (see :func:`govindex.views.explore.compare`)."""
        shown = self.score_table_instrument(instrument, run_id)
        if shown is not None:
            self._refuse_period_instrument(shown, "compare")
            return self._view(
                "instrument_compare",
                self._instrument_compare,
                instrument_id=shown,
                provinces=tuple(provinces),
                year=year,
                run_id=run_id,
                level=level,
            )
        return self._view(
            "compare",
            self._compare,
            provinces=tuple(provinces),
            year=year,
            run_id=run_id,
            level=level,
        )

    def _compare(self, **arguments: Any) -> View:
        return compare(self.snapshot, rule=self.parameters.group_rule, **arguments)

    def explore_item(
        self, *, level: str, code: str, run_id: str | None = None, instrument: str | None = None
    ) -> View:
        """One item across provinces and years (see :func:`govindex.views.explore.explore_item`)."""
        shown = self.score_table_instrument(instrument, run_id)
        if shown is not None:
            self._refuse_period_instrument(shown, "indicator")
            return self._view(
                "instrument_indicator",
                self._instrument_explore,
                instrument_id=shown,
                level=level,
                code=code,
                run_id=run_id,
            )
        return self._view("indicator", self._explore, level=level, code=code, run_id=run_id)

    def _explore(self, **arguments: Any) -> View:
        return explore_item(self.snapshot, rule=self.parameters.group_rule, **arguments)

    def _period_ranking(self, **arguments: Any) -> View:
        return period_ranking(self.snapshot, **arguments)

    def _period_unit(self, **arguments: Any) -> View:
        return period_unit(self.snapshot, **arguments)

    def scored_by_period(self, instrument_id: str) -> bool:
        """Whether the registry shows ``instrument_id`` on the pages of a period-scored
        index (a ranking and a unit page per period; no compare or explorer pages).

        Examples
        --------
        >>> dashboard.scored_by_period("onestop")
        True
        """
        return instrument(instrument_id).pages == "periods"

    def _refuse_period_instrument(self, shown: str, page: str) -> None:
        if self.scored_by_period(shown):
            entry = instrument(shown)
            msg = (
                f"the {entry.name_en} has no {page} page; its ranking is "
                f"/overview?instrument={entry.id} and each unit's page "
                f"/province/NAME?instrument={entry.id}."
            )
            raise NotFound(msg, where="instrument", found=shown)

    def _instrument_overview(self, **arguments: Any) -> View:
        return instrument_overview(self.snapshot, **arguments)

    def _instrument_profile(self, **arguments: Any) -> View:
        return instrument_profile(self.snapshot, **arguments)

    def _instrument_compare(self, **arguments: Any) -> View:
        return instrument_compare(self.snapshot, **arguments)

    def _instrument_explore(self, **arguments: Any) -> View:
        return instrument_explore(self.snapshot, **arguments)

    def score_table_instrument(self, instrument_id: str | None, run_id: str | None) -> str | None:
        """The instrument a page shows with the score-table pages, or ``None`` for PAPI's pages.

        The registry decides (``pages``); without an instrument, a run of an instrument with
        score-table pages is shown by them (never as if it were PAPI's).

        Examples
        --------
        >>> dashboard.score_table_instrument("sipas", None)
        'sipas'
        """
        if instrument_id is None and run_id is not None:
            owners = {
                self.snapshot.instruments[m.run_id]
                for m in (*self.snapshot.other_manifests, *self.snapshot.period_manifests)
                if m.run_id.startswith(run_id)
            }
            if (
                len(owners) == 1
                and not self.snapshot.datasets.filter(
                    self.snapshot.datasets["run_id"].str.starts_with(run_id)
                ).height
            ):
                instrument_id = owners.pop()
        if instrument_id is None:
            return None
        entry = instrument(instrument_id)
        return None if entry.pages == "papi" else entry.id

    def instruments(self) -> list[InstrumentEntry]:
        """The registered instruments with runs in the store and pages of their own, in
        registration order (an instrument shown on the scorecard only has no switch entry)."""
        owners = set(self.snapshot.instruments.values())
        return [
            entry for entry in registered() if entry.id in owners and entry.pages != "scorecard"
        ]

    def runs(self) -> View:
        """The runs the dashboard can show."""
        return runs_view(self.snapshot)

    def provinces(self) -> list[dict[str, str]]:
        """The provinces with scores in the newest published year, English and Vietnamese."""
        from govindex.views.selection import with_province_names

        ranking = self.overview().table("ranking")
        names = with_province_names(ranking.select("province").sort("province"))
        return names.to_dicts()
