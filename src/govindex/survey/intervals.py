"""Confidence intervals: t (or normal) on the estimate scale; R's svyciprop rules for proportions.

Proportions near 0 or 1 and small cells need intervals that stay inside [0, 1] and keep
their coverage, so every ``svyciprop`` method of R survey whose value is closed-form is here:
``logit`` / ``xlogit`` (Wald on the logit scale), ``mean`` (Wald on the proportion),
``asin`` (Wald on asin(sqrt(p))) and ``beta`` (Korn–Graubard, Clopper–Pearson on the
effective sample size). R's ``likelihood`` method (a profile of the quasibinomial deviance)
needs each domain's rows and dispersion, so it lives in :mod:`govindex.survey.likelihood_interval`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import special

from govindex.survey.arrays import FloatArray

__all__ = [
    "PROPORTION_METHODS",
    "IntervalKind",
    "ProportionMethod",
    "critical_value",
    "interval",
    "proportion_interval",
]

IntervalKind = Literal["t", "logit", "woodruff", "xlogit", "mean", "asin", "beta", "likelihood"]
ProportionMethod = Literal["logit", "xlogit", "mean", "asin", "beta", "likelihood"]
PROPORTION_METHODS: tuple[str, ...] = ("logit", "xlogit", "mean", "asin", "beta", "likelihood")


def critical_value(level: float, df: FloatArray) -> FloatArray:
    """Two-sided critical value: Student t with ``df`` (normal where df is infinite).

    Examples
    --------
    >>> round(float(critical_value(0.95, np.array([np.inf]))[0]), 6)
    1.959964
    """
    df = np.asarray(df, dtype=np.float64)
    upper = 1.0 - (1.0 - level) / 2.0
    # Tables have thousands of rows but a handful of distinct df: evaluate each once.
    distinct, position = np.unique(df, return_inverse=True)
    with np.errstate(invalid="ignore"):
        # scipy.special rather than scipy.stats: the same quantile (stats.t.ppf calls
        # stdtrit), without the half-second import of every distribution.
        t_value = special.stdtrit(
            np.where(np.isfinite(distinct) & (distinct > 0), distinct, 1.0), upper
        )
    normal = special.ndtri(upper)
    result = np.where(np.isinf(distinct), normal, t_value)
    result = np.where(distinct > 0, result, np.nan)
    return np.asarray(result[position.reshape(df.shape)], dtype=np.float64)


def interval(
    estimate: FloatArray, se: FloatArray, df: FloatArray, level: float, kind: IntervalKind
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper interval bounds.

    ``t``: estimate ± t(df)·se. ``logit``: the interval for logit(p) with SE se/(p(1-p)),
    back-transformed, as R ``svyciprop(method="logit")``. ``woodruff`` bounds are computed
    by the quantile estimator itself and ``beta`` and ``likelihood`` bounds by the proportion
    estimator (they need each domain's rows); here they are returned as missing.

    Examples
    --------
    >>> low, high = interval(np.array([0.5]), np.array([0.1]), np.array([np.inf]), 0.95, "t")
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.304, 0.696)
    """
    if kind in ("xlogit", "asin"):
        return proportion_interval(estimate, se, df, level, kind)
    critical = critical_value(level, df)
    if kind in ("t", "mean"):
        return estimate - critical * se, estimate + critical * se
    if kind == "logit":
        with np.errstate(divide="ignore", invalid="ignore"):
            logit_se = se / (estimate * (1.0 - estimate))
            centre = special.logit(estimate)
            return (
                np.asarray(special.expit(centre - critical * logit_se), dtype=np.float64),
                np.asarray(special.expit(centre + critical * logit_se), dtype=np.float64),
            )
    missing = np.full_like(estimate, np.nan)
    return missing, missing


def proportion_interval(
    estimate: FloatArray,
    se: FloatArray,
    df: FloatArray,
    level: float,
    method: ProportionMethod,
    rows: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Interval for a proportion by one of R ``svyciprop``'s closed-form methods.

    ``se`` is the design-based SE of the proportion and ``df`` the degrees of freedom of
    the (domain) design. ``beta`` also needs ``rows``, the number of rows of the (domain)
    design: R scales the effective sample size p(1−p)/se² by (t(n−1)/t(df))², then takes
    Clopper–Pearson bounds, so a share of 0 or 1 with SE 0 has no interval (NaN), as in R.

    Examples
    --------
    >>> low, high = proportion_interval(np.array([0.1]), np.array([0.03]),
    ...     np.array([40.0]), 0.95, "beta", rows=np.array([200.0]))
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.048, 0.1786)
    """
    estimate = np.asarray(estimate, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    critical = critical_value(level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("logit", "xlogit"):
            # svycontrast's delta method: se of log(p/(1−p)) is se/(p(1−p)).
            logit_se = se / (estimate * (1.0 - estimate))
            centre = special.logit(estimate)
            low = special.expit(centre - critical * logit_se)
            high = special.expit(centre + critical * logit_se)
        elif method == "mean":
            low, high = estimate - critical * se, estimate + critical * se
        elif method == "asin":
            # d asin(sqrt(p))/dp = 1/(2 sqrt(p(1−p))); R squares sin() of the bounds as is.
            asin_se = se / (2.0 * np.sqrt(estimate * (1.0 - estimate)))
            centre = np.arcsin(np.sqrt(estimate))
            low = np.sin(centre - critical * asin_se) ** 2
            high = np.sin(centre + critical * asin_se) ** 2
        elif method == "beta":
            if rows is None:
                msg = "the beta (Korn–Graubard) interval needs the number of rows."
                raise ValueError(msg)
            low, high = _korn_graubard(estimate, se, df, level, np.asarray(rows, np.float64))
        elif method == "likelihood":
            msg = (
                "the likelihood interval needs the data (it refits the model): use "
                "`proportion(..., method='likelihood')`."
            )
            raise ValueError(msg)
        else:
            msg = f"unknown proportion interval method {method!r}."
            raise ValueError(msg)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _korn_graubard(
    estimate: FloatArray, se: FloatArray, df: FloatArray, level: float, rows: FloatArray
) -> tuple[FloatArray, FloatArray]:
    alpha = 1.0 - level
    effective = estimate * (1.0 - estimate) / (se * se)
    # R: qt(alpha/2, nrow(design) - 1) / qt(alpha/2, degf(design)), normal where df is Inf.
    design_t = np.where(
        np.isinf(df),
        special.ndtri(alpha / 2.0),
        special.stdtrit(np.where(df > 0, df, np.nan), alpha / 2.0),
    )
    rows_t = special.stdtrit(np.where(rows > 1, rows - 1.0, np.nan), alpha / 2.0)
    effective = effective * (rows_t / design_t) ** 2
    successes = effective * estimate
    failures = effective * (1.0 - estimate)
    low = _beta_quantile(alpha / 2.0, successes, failures + 1.0)
    high = _beta_quantile(1.0 - alpha / 2.0, successes + 1.0, failures)
    return low, high


def _beta_quantile(probability: float, first: FloatArray, second: FloatArray) -> FloatArray:
    """R's qbeta, including its limits: a zero first shape gives 0, a zero second gives 1."""
    valid = (first > 0) & (second > 0)
    safe_first = np.where(valid, first, 1.0)
    safe_second = np.where(valid, second, 1.0)
    value = special.betaincinv(safe_first, safe_second, probability)
    value = np.where(first == 0, 0.0, value)
    value = np.where(second == 0, 1.0, value)
    invalid = ~valid & ~(first == 0) & ~(second == 0)
    return np.asarray(
        np.where(invalid | np.isnan(first) | np.isnan(second), np.nan, value), dtype=np.float64
    )
