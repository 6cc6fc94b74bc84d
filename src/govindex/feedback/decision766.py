"""The satisfaction inputs of Decision 766 (group 5) from the rating export, per agency × period.

Decision 766 does not average rating scores: indicator 5.4 is 100 % − (the overdue-dossier
rate + the rate of dossiers with a petition or a "dislike"). The one-stop scores know the
dossiers, their deadlines and the petitions; the feedback service knows the dislikes. This
module gives, for each agency and calendar period, what the feedback side contributes:

=========================  ===================================================================
code                       meaning
=========================  ===================================================================
dossiers_rated             dossiers with a counted rating (the latest revision of each dossier)
dossiers_dissatisfied      of those, dossiers whose counted rating is a "dislike" under its
                           form (the 766 numerator's dislike part)
dissatisfied_share         dossiers_dissatisfied ÷ dossiers_rated, with a Wilson interval
                           (its ``n`` shows when fewer than 30 dossiers were rated)
coverage                   dossiers_rated ÷ dossiers completed in the period (``missing``,
                           ``input_not_in_records`` when the one-stop system reported no
                           count; ``no_denominator`` when none was completed)
dissatisfied_per_completed dossiers_dissatisfied ÷ dossiers completed: the dislike rate in
                           766's own denominator
ratings_without_dossier    counted ratings that name no dossier: shown, never in the 766 terms
=========================  ===================================================================

A rating's period is the calendar month (or quarter) of ``rated_at`` in Asia/Ho_Chi_Minh, as the
export gives it. The rows use the ScoreTable vocabulary (:mod:`govindex.feedback.scores`):
instrument ``onestop``, geography ``agency``, level ``indicator``, and its status and reason
codes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from govindex.errors import SpecError
from govindex.feedback.scores import (
    SCORE_COLUMNS,
    SCORE_LEVEL,
    SCORE_SCHEMA,
    ratio_status,
    share_status,
)
from govindex.feedback.statistics import MIN_N, Proportion

__all__ = ["period_of", "satisfaction_766_rows"]

_NAMES = {
    "dossiers_rated": ("Số hồ sơ được đánh giá", "Dossiers rated"),
    "dossiers_dissatisfied": (
        "Số hồ sơ bị đánh giá không hài lòng",
        "Dossiers rated dissatisfied (766 dislike)",
    ),
    "dissatisfied_share": (
        "Tỷ lệ hồ sơ không hài lòng trên hồ sơ được đánh giá",
        "Share of rated dossiers dissatisfied",
    ),
    "coverage": ("Tỷ lệ hồ sơ được đánh giá", "Coverage (dossiers rated per dossier completed)"),
    "dissatisfied_per_completed": (
        "Tỷ lệ hồ sơ không hài lòng trên hồ sơ đã giải quyết",
        "Dissatisfied dossiers per dossier completed",
    ),
    "ratings_without_dossier": ("Đánh giá không gắn mã hồ sơ", "Ratings without a dossier code"),
}


@dataclass
class _PeriodTally:
    first: datetime.date
    last: datetime.date
    rated: set[str] = field(default_factory=set)
    disliked: set[str] = field(default_factory=set)
    without_dossier: int = 0


def period_of(
    moment: datetime.datetime | datetime.date, grain: str = "month"
) -> tuple[str, datetime.date, datetime.date]:
    """The calendar period of ``moment``: its label, first and last day.

    Examples
    --------
    >>> period_of(datetime.date(2026, 3, 2))
    ('2026-03', datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    >>> period_of(datetime.date(2026, 11, 30), "quarter")
    ('2026-Q4', datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    """
    day = moment.date() if isinstance(moment, datetime.datetime) else moment
    if grain == "month":
        first = day.replace(day=1)
        label = f"{day.year}-{day.month:02d}"
        months = 1
    elif grain == "quarter":
        quarter = (day.month - 1) // 3
        first = datetime.date(day.year, 3 * quarter + 1, 1)
        label = f"{day.year}-Q{quarter + 1}"
        months = 3
    else:
        message = f"unknown period grain `{grain}`"
        raise SpecError(message, where="grain", found=grain, expected=["month", "quarter"])
    following = first.month - 1 + months
    after = datetime.date(first.year + following // 12, following % 12 + 1, 1)
    return label, first, after - datetime.timedelta(days=1)


def _row(code: str, estimate: float | None, n: int | None, **values: object) -> dict[str, object]:
    name_vi, name_en = _NAMES[code]
    return {
        "code": code,
        "name_vi": name_vi,
        "name_en": name_en,
        "estimate": estimate,
        "se": None,
        "ci_low": None,
        "ci_high": None,
        "ci_level": None,
        "ci_rule": None,
        "n": n,
        "status": "published",
        "reason": None,
        **values,
    }


def _share(code: str, share: Proportion) -> dict[str, object]:
    status, reason = share_status(share)
    if share.estimate is None:
        return _row(code, None, 0, status=status, reason=reason)
    return _row(
        code,
        share.estimate,
        share.n,
        se=(share.estimate * (1 - share.estimate) / share.n) ** 0.5,
        ci_low=share.ci_low,
        ci_high=share.ci_high,
        ci_level=share.ci_level,
        ci_rule="wilson",
    )


def _ratio(code: str, numerator: int, completed: int | None) -> dict[str, object]:
    status, reason = ratio_status(completed)
    if completed is None or completed == 0:
        return _row(code, None, completed, status=status, reason=reason)
    # A count over a count of every completed dossier: no sampling, so no interval.
    return _row(code, numerator / completed, completed, ci_rule="census_ratio")


def satisfaction_766_rows(
    ratings: pl.DataFrame,
    completed: Mapping[tuple[str, str], int],
    *,
    edition: str,
    provenance: str,
    grain: str = "month",
    ci_level: float = 0.95,
    min_n: int = MIN_N,
    synthetic: bool = False,
) -> pl.DataFrame:
    """The 766 satisfaction inputs per agency × period, as score-vocabulary rows.

    ``ratings`` is the rating export (:func:`govindex.feedback.export.rating_table`);
    ``completed`` maps (agency code, period label) to the dossiers completed then, as the
    one-stop system reports them. ``edition`` names the rules (e.g. ``feedback-766@1``);
    ``provenance`` where the ratings came from.

    Examples
    --------
    >>> frame = pl.DataFrame({
    ...     "dossier_code": ["H1", "H2", "H2", None],
    ...     "agency_code": ["A"] * 4,
    ...     "rated_at": [datetime.datetime(2026, 3, d, 9) for d in (2, 3, 4, 5)],
    ...     "dissatisfied": [False, False, True, True],
    ...     "counted": [True, False, True, True],
    ... })
    >>> rows = satisfaction_766_rows(frame, {("A", "2026-03"): 8}, edition="feedback-766@1",
    ...                              provenance="feedback export")
    >>> rows.select("code", "estimate", "n").rows()[:2]
    [('dossiers_rated', 2.0, 2), ('dossiers_dissatisfied', 1.0, 2)]
    >>> rows.filter(pl.col("code") == "coverage").select("estimate", "n").row(0)
    (0.25, 8)
    """
    needed = ("dossier_code", "agency_code", "rated_at", "dissatisfied", "counted")
    absent = [column for column in needed if column not in ratings.columns]
    if absent:
        message = f"the rating table lacks column(s) {', '.join(absent)}"
        raise SpecError(message, where="ratings", found=ratings.columns, expected=list(needed))
    counted = ratings.filter(pl.col("counted"))
    groups: dict[tuple[str, str], _PeriodTally] = {}
    for row in counted.select(needed).iter_rows(named=True):
        label, first, last = period_of(row["rated_at"], grain)
        tally = groups.setdefault((row["agency_code"], label), _PeriodTally(first, last))
        if row["dossier_code"] is None:
            tally.without_dossier += 1
            continue
        tally.rated.add(row["dossier_code"])
        if row["dissatisfied"]:
            tally.disliked.add(row["dossier_code"])
    records: list[dict[str, object]] = []
    for (agency, label), tally in sorted(groups.items()):
        rated_count = len(tally.rated)
        disliked_count = len(tally.disliked)
        done = completed.get((agency, label))
        rows = [
            _row("dossiers_rated", float(rated_count), rated_count),
            _row("dossiers_dissatisfied", float(disliked_count), rated_count),
            _share(
                "dissatisfied_share",
                Proportion.of(disliked_count, rated_count, ci_level, min_n),
            ),
            _ratio("coverage", rated_count, done),
            _ratio("dissatisfied_per_completed", disliked_count, done),
            _row("ratings_without_dossier", float(tally.without_dossier), tally.without_dossier),
        ]
        common = {
            "instrument": "onestop",
            "edition": edition,
            "period": label,
            "period_start": tally.first,
            "period_end": tally.last,
            "geography": "agency",
            "unit": agency,
            "level": SCORE_LEVEL,
            "df": None,
            "rank": None,
            "rank_low": None,
            "rank_high": None,
            "group": None,
            "synthetic": synthetic,
            "provenance": provenance,
        }
        records.extend({**common, **row} for row in rows)
    return pl.DataFrame(
        [{column: record.get(column) for column in SCORE_COLUMNS} for record in records],
        schema=SCORE_SCHEMA,
    )
