"""Satisfaction figures from counted ratings: always with coverage and a Wilson interval.

A "counted" rating is the latest revision for its dossier (or a rating without a dossier
code); earlier revisions are kept in the store but never counted twice. The satisfied share
is the share of counted ratings whose overall level is in the form's satisfied levels; the
dissatisfied share is Decision 766's "dislike" count over ratings. Coverage is ratings ÷
dossiers completed, when the number completed is known; otherwise it is missing, with the
reason. Fewer than ``min_n`` ratings flags the rate (too few to say much).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scipy import special

from govindex.errors import SpecError

__all__ = [
    "CountedRating",
    "Proportion",
    "SatisfactionSummary",
    "summarise",
    "wilson_interval",
]

MIN_N = 30
"""A rate from fewer ratings than this is flagged ``small_n``."""


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion.

    Examples
    --------
    >>> [round(bound, 4) for bound in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    if n <= 0 or not 0 <= successes <= n:
        message = f"a Wilson interval needs 0 ≤ successes ≤ n and n > 0; got {successes}/{n}"
        raise SpecError(message, where="n", found=n)
    if not 0 < level < 1:
        message = f"the interval level must be between 0 and 1; got {level}"
        raise SpecError(message, where="level", found=level)
    z = float(special.ndtri(1 - (1 - level) / 2))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Proportion:
    """A share with its count, Wilson interval and flag.

    Examples
    --------
    >>> Proportion.of(8, 10).flag
    'small_n'
    """

    successes: int
    n: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    flag: str | None
    """``small_n`` under :data:`MIN_N` ratings, ``no_ratings`` when there are none."""

    @classmethod
    def of(cls, successes: int, n: int, level: float = 0.95, min_n: int = MIN_N) -> Proportion:
        """The share ``successes / n`` with its interval (missing, flagged, when ``n`` is 0)."""
        if n == 0:
            return cls(0, 0, None, None, None, level, "no_ratings")
        low, high = wilson_interval(successes, n, level)
        flag = "small_n" if n < min_n else None
        return cls(successes, n, successes / n, low, high, level, flag)


@dataclass(frozen=True)
class CountedRating:
    """The parts of one counted rating the figures need."""

    overall: int
    criteria: Mapping[str, int]
    flagged: bool = False


@dataclass(frozen=True)
class SatisfactionSummary:
    """The satisfaction figures of a set of counted ratings."""

    n: int
    distribution: Mapping[int, int]
    """Counted ratings by overall level 1–5 (every level present, zero when unused)."""
    satisfied: Proportion
    dissatisfied: Proportion
    criteria: Mapping[str, Proportion]
    """Per criterion: share of its answers in the satisfied levels."""
    completed: int | None
    coverage: float | None
    coverage_status: str
    """``published``, or ``missing`` with the reason ``completed_unknown``."""
    flagged_comments: int
    satisfied_levels: frozenset[int]
    dissatisfied_levels: frozenset[int]
    ci_rule: str = "wilson"


def summarise(
    ratings: Iterable[CountedRating],
    *,
    satisfied_levels: Iterable[int],
    dissatisfied_levels: Iterable[int],
    completed: int | None = None,
    criteria: Sequence[str] = (),
    level: float = 0.95,
    min_n: int = MIN_N,
) -> SatisfactionSummary:
    """The figures of ``ratings``; ``completed`` is the number of dossiers completed, if known.

    Examples
    --------
    >>> ratings = [CountedRating(5, {"staff_attitude": 4}), CountedRating(2, {})]
    >>> summary = summarise(ratings, satisfied_levels=[4, 5], dissatisfied_levels=[1, 2],
    ...                     completed=4, criteria=["staff_attitude"])
    >>> (summary.n, summary.satisfied.estimate, summary.coverage, summary.satisfied.flag)
    (2, 0.5, 0.5, 'small_n')
    """
    satisfied_set = frozenset(satisfied_levels)
    dissatisfied_set = frozenset(dissatisfied_levels)
    distribution = dict.fromkeys(range(1, 6), 0)
    answered = dict.fromkeys(criteria, 0)
    satisfied_by_criterion = dict.fromkeys(criteria, 0)
    n = satisfied = dissatisfied = flagged = 0
    for rating in ratings:
        n += 1
        distribution[rating.overall] += 1
        satisfied += rating.overall in satisfied_set
        dissatisfied += rating.overall in dissatisfied_set
        flagged += rating.flagged
        for code in criteria:
            if code in rating.criteria:
                answered[code] += 1
                satisfied_by_criterion[code] += rating.criteria[code] in satisfied_set
    if completed is not None and completed < 0:
        message = f"the number of dossiers completed cannot be negative; got {completed}"
        raise SpecError(message, where="completed", found=completed)
    if completed:
        coverage: float | None = n / completed
        status = "published"
    else:
        coverage, status = None, "missing:completed_unknown"
    return SatisfactionSummary(
        n=n,
        distribution=distribution,
        satisfied=Proportion.of(satisfied, n, level, min_n),
        dissatisfied=Proportion.of(dissatisfied, n, level, min_n),
        criteria={
            code: Proportion.of(satisfied_by_criterion[code], answered[code], level, min_n)
            for code in criteria
        },
        completed=completed,
        coverage=coverage,
        coverage_status=status,
        flagged_comments=flagged,
        satisfied_levels=satisfied_set,
        dissatisfied_levels=dissatisfied_set,
    )
