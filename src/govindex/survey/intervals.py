"""Confidence intervals: t (or normal) on the estimate scale, logit for proportions."""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import special

from govindex.survey.arrays import FloatArray

__all__ = ["IntervalKind", "critical_value", "interval"]

IntervalKind = Literal["t", "logit", "woodruff"]


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
    by the quantile estimator itself; here they are returned as missing.

    Examples
    --------
    >>> low, high = interval(np.array([0.5]), np.array([0.1]), np.array([np.inf]), 0.95, "t")
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.304, 0.696)
    """
    critical = critical_value(level, df)
    if kind == "t":
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
