"""How two instruments agree across provinces: Spearman's rank correlation, with an
interval where both instruments publish standard errors.

The interval is a parametric bootstrap of the *measurement*: each draw replaces every
province's two scores by normal draws around them with their published standard errors
(independent across provinces and instruments) and recomputes the correlation; the
interval is the draws' percentile interval. It says how much the correlation could move
because the scores are estimates. It is not an interval for a population of provinces (the
63 provinces are all of them). Where either instrument publishes no standard errors (the
PAR Index, the one-stop index, reported values), no interval is formed and the result says
why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from govindex.errors import SpecError

__all__ = ["RankAgreement", "average_ranks", "rank_agreement", "spearman"]


def average_ranks(values: ArrayLike) -> np.ndarray:
    """Ranks 1…n, ties sharing the average of their ranks.

    Examples
    --------
    >>> average_ranks([3.0, 1.0, 3.0, 2.0]).tolist()
    [3.5, 1.0, 3.5, 2.0]
    """
    array = np.asarray(values, dtype=float)
    order = np.argsort(array, kind="stable")
    ranks = np.empty(array.size, dtype=float)
    ranks[order] = np.arange(1, array.size + 1, dtype=float)
    for value in np.unique(array):
        tied = array == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(first: ArrayLike, second: ArrayLike) -> float:
    """Spearman's rank correlation: Pearson's correlation of the average ranks.

    Examples
    --------
    >>> spearman([1, 2, 3, 4], [10, 20, 30, 40])
    1.0
    >>> round(spearman([1, 2, 3, 4], [1, 3, 2, 4]), 12)
    0.8
    """
    x = average_ranks(first)
    y = average_ranks(second)
    x = x - x.mean()
    y = y - y.mean()
    return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))


@dataclass(frozen=True)
class RankAgreement:
    """Spearman's correlation of two instruments over ``n`` provinces, and its interval.

    ``method`` says how the interval was made, or why there is none; ``draws``, ``seed`` and
    ``level`` record the bootstrap's parameters.
    """

    rho: float
    n: int
    low: float | None
    high: float | None
    level: float
    method: str
    draws: int
    seed: int


def rank_agreement(
    first: ArrayLike,
    second: ArrayLike,
    *,
    first_se: ArrayLike | None = None,
    second_se: ArrayLike | None = None,
    draws: int = 2000,
    level: float = 0.95,
    seed: int = 20240101,
) -> RankAgreement:
    """Spearman's correlation of two score lists (same provinces, same order), with a
    parametric-bootstrap interval when both lists have standard errors.

    Examples
    --------
    >>> agreement = rank_agreement([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> agreement.rho, agreement.low, agreement.method
    (0.8, None, 'no interval: at least one instrument publishes no standard errors')
    >>> tight = rank_agreement([1, 2, 3, 4, 5], [1, 2, 3, 4, 5],
    ...                        first_se=[0.01] * 5, second_se=[0.01] * 5, draws=200)
    >>> tight.low, tight.high
    (1.0, 1.0)
    """
    x = np.asarray(first, dtype=float)
    y = np.asarray(second, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        msg = f"rank agreement needs two lists of equal length; got {x.shape} and {y.shape}."
        raise SpecError(msg, found=(x.shape, y.shape))
    if not 0 < level < 1:
        msg = f"rank agreement level must be between 0 and 1; got {level}."
        raise SpecError(msg, found=level)
    n = int(x.size)
    rho = spearman(x, y) if n >= 3 else float("nan")
    if first_se is None or second_se is None or n < 3:
        reason = (
            "no interval: fewer than 3 provinces"
            if n < 3
            else "no interval: at least one instrument publishes no standard errors"
        )
        return RankAgreement(rho, n, None, None, level, reason, 0, seed)
    x_se = np.asarray(first_se, dtype=float)
    y_se = np.asarray(second_se, dtype=float)
    if np.isnan(x_se).any() or np.isnan(y_se).any():
        reason = "no interval: a standard error is missing for some province"
        return RankAgreement(rho, n, None, None, level, reason, 0, seed)
    generator = np.random.default_rng(seed)
    x_draws = x + x_se * generator.standard_normal((draws, n))
    y_draws = y + y_se * generator.standard_normal((draws, n))
    # Normal draws do not tie (probability zero), so argsort of argsort gives the ranks.
    x_ranks = np.argsort(np.argsort(x_draws, axis=1), axis=1).astype(float)
    y_ranks = np.argsort(np.argsort(y_draws, axis=1), axis=1).astype(float)
    x_ranks -= x_ranks.mean(axis=1, keepdims=True)
    y_ranks -= y_ranks.mean(axis=1, keepdims=True)
    rhos = (x_ranks * y_ranks).sum(axis=1) / np.sqrt(
        (x_ranks**2).sum(axis=1) * (y_ranks**2).sum(axis=1)
    )
    tail = (1 - level) / 2
    low, high = np.quantile(rhos, [tail, 1 - tail])
    method = (
        f"parametric bootstrap of the scores' measurement error ({draws} draws, normal "
        f"around each score with its SE, seed {seed}); {level:.0%} percentile interval"
    )
    return RankAgreement(rho, n, float(low), float(high), level, method, draws, seed)
