"""Satisfaction figures as rows of the shared ScoreTable vocabulary (one small adapter).

Every published number of every instrument is a row with the same columns and the same
words (:mod:`govindex.scores.table`): the feedback figures are published under the
``onestop`` instrument at ``agency`` geography, level ``indicator`` (the one-stop index's
level for a single figure). A share from no ratings is ``missing`` with reason
``no_respondents``; coverage without a count of completed dossiers is ``missing`` with
``input_not_in_records``, and with zero completed dossiers ``no_denominator``. A share from
fewer than 30 ratings is published: the ScoreTable gives a published row no reason, and its
``n`` says how few ratings it rests on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import polars as pl

from govindex.feedback.statistics import Proportion, SatisfactionSummary
from govindex.scores.table import SCORE_TABLE_SCHEMA, Reason, Status

__all__ = [
    "SCORE_COLUMNS",
    "SCORE_LEVEL",
    "SCORE_SCHEMA",
    "ScoreContext",
    "ratio_status",
    "score_rows",
    "share_status",
]

# The ScoreTable's columns (one list for every instrument), less the ones a feedback figure
# has no value for; where the figure came from is one ``provenance`` text.
_NOT_CARRIED = frozenset(
    {
        "group_label",
        "run_id",
        "source_file",
        "source_sheet",
        "source_row",
        "source_column",
        "source_url",
    }
)
SCORE_COLUMNS: tuple[str, ...] = (
    *(column for column in SCORE_TABLE_SCHEMA if column not in _NOT_CARRIED),
    "provenance",
)
SCORE_SCHEMA: dict[str, pl.DataType] = {
    **{column: SCORE_TABLE_SCHEMA[column] for column in SCORE_COLUMNS[:-1]},
    "provenance": pl.String(),
}
"""The feedback score rows' columns with the ScoreTable's types."""
SCORE_LEVEL = "indicator"
"""The ScoreTable level of every feedback figure."""


def share_status(share: Proportion) -> tuple[Status, Reason | None]:
    """The ScoreTable status and reason of a share of ratings.

    Examples
    --------
    >>> share_status(Proportion.of(0, 0))
    ('missing', 'no_respondents')
    >>> share_status(Proportion.of(3, 4))  # a small n is published; its n says so
    ('published', None)
    """
    if share.estimate is None:
        return "missing", "no_respondents"
    return "published", None


def ratio_status(completed: int | None) -> tuple[Status, Reason | None]:
    """The ScoreTable status and reason of a ratio over the dossiers completed.

    Examples
    --------
    >>> ratio_status(None), ratio_status(0), ratio_status(12)
    (('missing', 'input_not_in_records'), ('missing', 'no_denominator'), ('published', None))
    """
    if completed is None:
        return "missing", "input_not_in_records"
    if completed == 0:
        return "missing", "no_denominator"
    return "published", None


@dataclass(frozen=True)
class ScoreContext:
    """Which unit, period and form edition a summary describes, and where it came from."""

    unit: str
    period: str
    period_start: datetime.date
    period_end: datetime.date
    edition: str
    provenance: str
    synthetic: bool = False


def _share_row(
    context: ScoreContext, code: str, name_vi: str, name_en: str, share: Proportion
) -> dict[str, object]:
    status, reason = share_status(share)
    se = None
    if share.estimate is not None and share.n:
        se = (share.estimate * (1 - share.estimate) / share.n) ** 0.5
    return {
        "code": code,
        "name_vi": name_vi,
        "name_en": name_en,
        "estimate": share.estimate,
        "se": se,
        "ci_low": share.ci_low,
        "ci_high": share.ci_high,
        "ci_level": share.ci_level,
        "ci_rule": "wilson",
        "n": share.n,
        "status": status,
        "reason": reason,
    }


def score_rows(summary: SatisfactionSummary, context: ScoreContext) -> pl.DataFrame:
    """The summary's published numbers as score-vocabulary rows.

    Examples
    --------
    >>> from govindex.feedback.statistics import CountedRating, summarise
    >>> summary = summarise([CountedRating(5, {})] * 3, satisfied_levels=[4, 5],
    ...                     dissatisfied_levels=[1, 2])
    >>> context = ScoreContext("000.00.22.H37", "2026-03", datetime.date(2026, 3, 1),
    ...                        datetime.date(2026, 3, 31), "quang-ninh@1", "feedback store")
    >>> score_rows(summary, context).select("code", "estimate", "status", "reason").rows()[:3]
    [('satisfied_share', 1.0, 'published', None), ('dissatisfied_share', 0.0, 'published', None), ('coverage', None, 'missing', 'input_not_in_records')]
    """
    rows = [
        _share_row(
            context, "satisfied_share", "Tỷ lệ hài lòng", "Share satisfied", summary.satisfied
        ),
        _share_row(
            context,
            "dissatisfied_share",
            "Tỷ lệ không hài lòng",
            "Share dissatisfied (766 dislike)",
            summary.dissatisfied,
        ),
    ]
    coverage_status, coverage_reason = ratio_status(summary.completed)
    rows.append(
        {
            "code": "coverage",
            "name_vi": "Tỷ lệ hồ sơ được đánh giá",
            "name_en": "Coverage (ratings per dossier completed)",
            "estimate": summary.coverage,
            "se": None,
            "ci_low": None,
            "ci_high": None,
            "ci_level": None,
            "ci_rule": None,
            "n": summary.n,
            "status": coverage_status,
            "reason": coverage_reason,
        }
    )
    for code, share in summary.criteria.items():
        rows.append(_share_row(context, f"criterion.{code}", code, code, share))
    common = {
        "instrument": "onestop",
        "edition": context.edition,
        "period": context.period,
        "period_start": context.period_start,
        "period_end": context.period_end,
        "geography": "agency",
        "unit": context.unit,
        "level": SCORE_LEVEL,
        "df": None,
        "rank": None,
        "rank_low": None,
        "rank_high": None,
        "group": None,
        "synthetic": context.synthetic,
        "provenance": context.provenance,
    }
    frame = pl.DataFrame([{**common, **row} for row in rows], schema=SCORE_SCHEMA)
    return frame.select(SCORE_COLUMNS)
