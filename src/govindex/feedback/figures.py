"""The figures of a centre over a recent window, as the live page and the API show them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from govindex.feedback.forms import FormDefinition
from govindex.feedback.statistics import Proportion, SatisfactionSummary, summarise
from govindex.feedback.store import Centre, FeedbackStore

__all__ = ["VIETNAM", "WindowFigures", "centre_figures"]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class WindowFigures:
    """One window's summary of a centre, with the window's bounds."""

    window: str
    since: datetime.datetime
    until: datetime.datetime
    summary: SatisfactionSummary
    throttled: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures: counts, shares with Wilson intervals, coverage and flags."""
        summary = self.summary

        def share(value: Proportion) -> dict[str, Any]:
            return {
                "estimate": value.estimate,
                "ci_low": value.ci_low,
                "ci_high": value.ci_high,
                "ci_level": value.ci_level,
                "ci_rule": "wilson",
                "n": value.n,
                "successes": value.successes,
                "flag": value.flag,
            }

        return {
            "window": self.window,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "n": summary.n,
            "distribution": {str(level): count for level, count in summary.distribution.items()},
            "satisfied": share(summary.satisfied),
            "dissatisfied": share(summary.dissatisfied),
            "criteria": {code: share(value) for code, value in summary.criteria.items()},
            "completed": summary.completed,
            "coverage": summary.coverage,
            "coverage_status": summary.coverage_status,
            "flagged_comments": summary.flagged_comments,
            "satisfied_levels": sorted(summary.satisfied_levels),
            "dissatisfied_levels": sorted(summary.dissatisfied_levels),
            "throttled": self.throttled,
        }


def centre_figures(
    store: FeedbackStore,
    centre: Centre,
    form: FormDefinition,
    *,
    window: str,
    now: datetime.datetime,
    level: float = 0.95,
    min_n: int = 30,
) -> WindowFigures:
    """The figures of ``centre`` over the last ``hour``, or the current Vietnamese ``day``.

    Coverage needs the day's count of completed dossiers, so the hour has none.

    Examples
    --------
    >>> from govindex.feedback.settings import bundled_forms
    >>> from govindex.feedback.store import open_store
    >>> store = open_store("sqlite://")
    >>> centre = Centre("000.00.22.H37", "22", "Trung tâm", "Centre", "Hạ Long", "default@1")
    >>> store.put_centre(centre)
    >>> store.put_completed(centre.agency_code, datetime.date(2026, 3, 2), 40)
    >>> figures = centre_figures(store, centre, bundled_forms()["default@1"], window="day",
    ...                          now=datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC))
    >>> figures.summary.n, figures.summary.completed, figures.summary.coverage_status
    (0, 40, 'published')
    """
    completed: int | None = None
    if window == "hour":
        since = now - datetime.timedelta(hours=1)
    elif window == "day":
        local = now.astimezone(VIETNAM)
        since = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(datetime.UTC)
        completed = store.completed([centre.agency_code], local.date(), local.date())
    else:
        message = f"unknown window `{window}`; expected `hour` or `day`"
        raise ValueError(message)
    ratings = store.counted([centre.agency_code], since, now + datetime.timedelta(seconds=1))
    summary = summarise(
        ratings,
        satisfied_levels=form.satisfied_levels,
        dissatisfied_levels=form.dissatisfied_levels,
        completed=completed,
        criteria=[criterion.code for criterion in form.criteria],
        level=level,
        min_n=min_n,
    )
    throttled = store.throttled_since(centre.agency_code, since)
    return WindowFigures(window, since, now, summary, throttled)
