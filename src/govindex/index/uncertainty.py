"""Uncertainty of index scores: replicates recomputed through the pipeline, or the delta method.

*Replicate designs* (JKn, bootstrap): every replicate's indicator estimates go through the
same :class:`~govindex.index.aggregate.AggregationPlan` as the full sample, and the
design's own replicate formula turns the spread of the replicate scores into a variance.
Covariances between indicators (the same respondents answer them all) are respected
without ever being written down.

*Taylor linearisation*: a score is ``a + Σ_k g_k · ȳ_k`` locally, with ``ȳ_k`` the ratio
means ``Σ w y_k / Σ w m_k`` and ``g`` the Jacobian of the aggregation (exact for linear
formulas; for a rescaled mean it is exact given which members are available). Its
influence score for respondent ``i`` is ``Σ_k g_k · w_i m_ik (y_ik − ȳ_k) / Σ w m_k``, the
same combination of the indicators' own influence scores; the design's Taylor variance of
that column is the delta-method variance, again with every covariance included.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from govindex.errors import SpecError
from govindex.survey.arrays import group_sum
from govindex.survey.design import SurveyDesign
from govindex.survey.intervals import interval
from govindex.survey.variance import taylor_variance

__all__ = [
    "PAPI_CRITICAL_VALUE",
    "IntervalRule",
    "delta_method_variance",
    "influence_scores",
    "interval_bounds",
]

IntervalRule = Literal["t", "papi90"]
FloatArray = np.ndarray
IntArray = np.ndarray

PAPI_CRITICAL_VALUE = 1.645
"""PAPI's published "95%" bounds are score ± 1.645·SE: a two-sided 90% normal interval."""


def influence_scores(
    weights: FloatArray,
    values: FloatArray,
    domains: IntArray,
    estimates: FloatArray,
    jacobian: FloatArray,
) -> FloatArray:
    """Respondent influence scores (rows × aggregates) of aggregates of ratio means.

    Parameters
    ----------
    weights
        Sampling weights (rows).
    values
        Respondent indicator scores (rows × indicators), NaN where missing.
    domains
        Domain of each row (``0..D-1``; ``-1`` for none).
    estimates
        Domain indicator means (D × indicators).
    jacobian
        ∂aggregate/∂indicator per domain (D × aggregates × indicators); NaN rows are
        aggregates that are missing there and contribute nothing.

    Examples
    --------
    >>> scores = influence_scores(np.ones(2), np.array([[0.0], [1.0]]), np.zeros(2, np.int64),
    ...                           np.array([[0.5]]), np.array([[[2.0]]]))
    >>> scores[:, 0].tolist()
    [-0.5, 0.5]
    """
    n_domains = estimates.shape[0]
    present = ~np.isnan(values)
    inside = domains >= 0
    codes = np.where(inside, domains, 0)
    weighted_present = np.where(present & inside[:, None], weights[:, None], 0.0)
    denominators = group_sum(weighted_present, codes, n_domains)
    with np.errstate(invalid="ignore", divide="ignore"):
        centred = np.where(present, values - estimates[codes], 0.0)
        linear = centred * weighted_present / denominators[codes]
    linear = np.where(np.isfinite(linear), linear, 0.0)
    gradient = np.where(np.isfinite(jacobian), jacobian, 0.0)
    result = np.zeros((values.shape[0], jacobian.shape[1]))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_domains + 1))
    for domain in range(n_domains):
        rows = order[bounds[domain] : bounds[domain + 1]]
        result[rows] = linear[rows] @ gradient[domain].T
    return np.asarray(np.where(inside[:, None], result, 0.0), dtype=np.float64)


def delta_method_variance(
    design: SurveyDesign,
    values: FloatArray,
    domains: IntArray,
    estimates: FloatArray,
    jacobian: FloatArray,
    *,
    average_domains: bool = False,
) -> FloatArray:
    """Taylor (delta-method) variance of aggregates, per domain or of their average.

    With ``average_domains`` the statistic is the simple mean over domains of each
    aggregate (PAPI's "national average" of provincial scores), counting only domains
    where it is present; its influence is the mean of the domains' influences.

    Returns
    -------
    numpy.ndarray
        D × aggregates (or 1 × aggregates with ``average_domains``).
    """
    scores = influence_scores(design.weights, values, domains, estimates, jacobian)
    n_domains = estimates.shape[0]
    if not average_domains:
        return taylor_variance(design, scores, domains, n_domains)
    counted = np.isfinite(jacobian).all(axis=2)  # domains × aggregates with a value
    count = counted.sum(axis=0)
    inside = domains >= 0
    codes = np.where(inside, domains, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        averaged = np.where(counted[codes] & inside[:, None], scores, 0.0) / count
    everyone = np.where(inside, 0, -1)
    variance = taylor_variance(design, averaged, everyone, 1)
    return np.asarray(np.where(count > 0, variance, np.nan), dtype=np.float64)


def interval_bounds(
    estimate: FloatArray, se: FloatArray, df: FloatArray, level: float, rule: IntervalRule
) -> tuple[FloatArray, FloatArray, float]:
    """Interval bounds and the level they carry.

    ``t``: estimate ± t(df)·SE at ``level``. ``papi90``: PAPI's own estimate ± 1.645·SE,
    which is a 90% normal interval whatever ``level`` says (so the returned level is 0.90).

    Examples
    --------
    >>> low, high, level = interval_bounds(np.array([40.0]), np.array([1.0]),
    ...                                    np.array([np.inf]), 0.95, "papi90")
    >>> float(low[0]), float(high[0]), level
    (38.355, 41.645, 0.9)
    """
    if rule == "papi90":
        half = PAPI_CRITICAL_VALUE * se
        return estimate - half, estimate + half, 0.90
    if rule != "t":
        msg = f"`interval` must be 't' or 'papi90'; got {rule!r}."
        raise SpecError(msg, where="interval", found=rule, expected=("t", "papi90"))
    low, high = interval(estimate, se, df, level, "t")
    return low, high, level
