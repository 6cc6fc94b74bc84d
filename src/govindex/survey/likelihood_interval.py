"""R ``svyciprop(method="likelihood")``: the profile-likelihood interval of a proportion.

R survey fits ``svyglm(y ~ 1, family = quasibinomial)`` and calls ``confint(method =
"likelihood")``, which profiles the intercept with MASS's algorithm (survey's
``MASSprofile_glm``) and inverts the profile with ``confint_profile``. That is not a root
finder with a tolerance but a fixed recipe, so it is reproduced step by step here:

1. ``lambda`` = design variance / model variance of logit(p) (a design effect), and the
   level is rescaled: ``alpha = pnorm(qt((1 - level)/2, df) * sqrt(lambda)) / 2``.
2. The signed root deviance ``z(b) = ±sqrt((D(b) − D(b̂)) / φ)`` is evaluated on the grid
   ``b̂ ± k·δ·se`` (k = 1 … 9, each side stopping once |z| ≥ zmax), with
   ``zmax = sqrt(qf(alpha, 1, n − 1, upper))``, ``δ = zmax / 5``, ``D`` the binomial
   deviance with weights rescaled to mean 1 and ``φ`` the dispersion (the design-weighted
   variance of the Pearson residuals).
3. An FMM cubic spline through (b, z) is evaluated at ``3 × points`` equally spaced b
   (R's ``spline()``), and the bounds are read off by linear interpolation of b against z
   at ``±qnorm(2·alpha)`` (R's ``approx()``), then back-transformed by expit.

Where R stops (a share of 0 or 1, where the fit has not converged; df ≤ 0) or the grid
does not reach the cut-off (R's ``approx`` gives NA), the bound is NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from govindex.survey.arrays import FloatArray

__all__ = ["InterceptFit", "fit_intercept", "likelihood_dispersion", "likelihood_interval"]

# MASS's profile: at most nine steps each side, step zmax / 5 standard errors.
_MAX_STEPS = 10
_STEPS_PER_ZMAX = 5.0
# R's logit link clamps the linear predictor (family.c: THRESH, MTHRESH).
_THRESHOLD = 30.0
_EPSILON = float(np.finfo(np.float64).eps)
# glm.control(): epsilon and maxit.
_GLM_EPSILON = 1e-8
_GLM_MAX_ITERATIONS = 25


@dataclass(frozen=True, eq=False)
class InterceptFit:
    """R's ``glm(y ~ 1, family = quasibinomial, weights = W)`` on one domain, as fitted.

    R's iteratively reweighted least squares stops at a relative deviance change below
    1e-8, so its coefficient and the model variance (from the weights of the last
    iteration) differ from logit(p) and 1/(n p(1-p)) by up to about 1e-8; the interval
    needs R's values, so the iterations are repeated exactly.
    """

    coefficient: float  # logit of the fitted mean
    fitted: float  # mu at the coefficient
    model_variance: float  # summary.glm's cov.unscaled: 1 / sum of the last working weights
    deviance: float
    successes: float  # sum W y
    failures: float  # sum W (1 - y)
    rows: int  # rows in the model
    working_weights: FloatArray  # glm's $weights, of the last iteration

    def scores(self, values: FloatArray) -> FloatArray:
        """Each row's influence on the coefficient: svy.varcoef's estfun × A⁻¹.

        Examples
        --------
        >>> fit = fit_intercept(np.ones(4), np.array([1.0, 0, 1, 1]))
        >>> [round(float(v), 4) for v in fit.scores(np.array([1.0, 0, 1, 1]))]
        [0.3333, -1.0, 0.3333, 0.3333]
        """
        working_residuals = (values - self.fitted) / _mu_eta(np.array([self.coefficient]))[0]
        return np.asarray(
            self.working_weights * working_residuals * self.model_variance, dtype=np.float64
        )


def fit_intercept(
    weights: FloatArray, values: FloatArray, mean_weight: float | None = None
) -> InterceptFit | None:
    """Repeat R's ``glm.fit`` for an intercept-only quasibinomial model (None: no fit).

    ``weights`` and ``values`` are the rows with a value. svyglm rescales the weights to
    mean 1 over every row of the (domain) design before glm drops rows without a value, so
    ``mean_weight`` is the mean weight over those rows, missing values included (default:
    the mean of ``weights``).

    Examples
    --------
    >>> fit = fit_intercept(np.ones(4), np.array([1.0, 0, 1, 1]))
    >>> round(fit.fitted, 9)
    0.75
    """
    rows = len(values)
    if rows == 0 or float(np.sum(weights)) <= 0:
        return None
    prior = weights / (np.mean(weights) if mean_weight is None else mean_weight)
    good = prior > 0
    # binomial()$initialize: mustart = (W y + 0.5) / (W + 1).
    eta = np.asarray(special.logit((prior * values + 0.5) / (prior + 1.0)), dtype=np.float64)
    mu = _link_inverse(eta)
    previous = _deviance_rows(prior, values, mu)
    coefficient = math.nan
    deviance = previous
    working_weights = np.zeros(rows)
    for _ in range(_GLM_MAX_ITERATIONS):
        derivative = _mu_eta(eta)
        usable = good & (derivative != 0)
        working = eta[usable] + (values[usable] - mu[usable]) / derivative[usable]
        working_weights = np.zeros(rows)
        working_weights[usable] = (
            prior[usable] * derivative[usable] ** 2 / (mu[usable] * (1.0 - mu[usable]))
        )
        weight_used = working_weights[usable]
        coefficient = float(np.sum(weight_used * working)) / float(np.sum(weight_used))
        eta = np.full(rows, coefficient)
        mu = _link_inverse(eta)
        deviance = _deviance_rows(prior, values, mu)
        if abs(deviance - previous) / (abs(deviance) + 0.1) < _GLM_EPSILON:
            break
        previous = deviance
    return InterceptFit(
        coefficient=coefficient,
        fitted=float(mu[0]),
        model_variance=1.0 / float(np.sum(working_weights)),
        deviance=deviance,
        successes=float(np.sum(prior * values)),
        failures=float(np.sum(prior * (1.0 - values))),
        rows=rows,
        working_weights=working_weights,
    )


def _link_inverse(eta: FloatArray) -> FloatArray:
    """R's logit_linkinv, with its clamp at |eta| > 30."""
    clamped = np.where(
        eta < -_THRESHOLD, _EPSILON, np.where(eta > _THRESHOLD, 1.0 / _EPSILON, np.exp(eta))
    )
    return np.asarray(clamped / (1.0 + clamped), dtype=np.float64)


def _mu_eta(eta: FloatArray) -> FloatArray:
    """R's logit_mu_eta: d mu / d eta, DBL_EPSILON beyond |eta| > 30."""
    exp_eta = np.exp(eta)
    one_plus = 1.0 + exp_eta
    return np.asarray(
        np.where(np.abs(eta) > _THRESHOLD, _EPSILON, exp_eta / (one_plus * one_plus)),
        dtype=np.float64,
    )


def _deviance_rows(prior: FloatArray, values: FloatArray, mu: FloatArray) -> float:
    """R's binomial dev.resids summed: 2 W (y log(y/mu) + (1 − y) log((1 − y)/(1 − mu)))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(values != 0, values * np.log(values / mu), 0.0)
        second = np.where(values != 1, (1.0 - values) * np.log((1.0 - values) / (1.0 - mu)), 0.0)
    return float(np.sum(2.0 * prior * (first + second)))


def likelihood_interval(
    fit: InterceptFit | None,
    logit_se: float,
    dispersion: float,
    df: float,
    level: float,
) -> tuple[float, float]:
    """Profile-likelihood bounds for one proportion, as R ``svyciprop(method="likelihood")``.

    ``fit`` is the domain's :func:`fit_intercept`, ``logit_se`` the design SE of its
    coefficient (the design variance of :meth:`InterceptFit.scores`), ``dispersion`` from
    :func:`likelihood_dispersion` and ``df`` the (domain) design's degrees of freedom.

    Examples
    --------
    >>> values = np.array([1.0] * 30 + [0.0] * 70)
    >>> fit = fit_intercept(np.ones(100), values)
    >>> dispersion = likelihood_dispersion(np.ones(100), values, fit.fitted)
    >>> low, high = likelihood_interval(fit, 0.238, dispersion, 50.0, 0.95)
    >>> round(low, 4), round(high, 4)
    (0.2066, 0.4061)
    """
    if fit is None or not (0.0 < fit.fitted < 1.0) or not (df > 0) or not (fit.rows > 1):
        return math.nan, math.nan
    if not (math.isfinite(logit_se) and math.isfinite(dispersion) and dispersion > 0):
        return math.nan, math.nan
    # lambda: design over model variance of the coefficient, a design effect.
    design_effect = logit_se * logit_se / fit.model_variance
    half = (1.0 - level) / 2.0
    quantile = float(special.ndtri(half)) if math.isinf(df) else float(special.stdtrit(df, half))
    alpha = float(special.ndtr(quantile * math.sqrt(design_effect))) / 2.0
    # sqrt(qf(alpha, 1, n - 1, upper)) is the upper alpha/2 quantile of t(n - 1).
    zmax = abs(float(special.stdtrit(fit.rows - 1.0, alpha / 2.0)))
    step_size = zmax / _STEPS_PER_ZMAX
    centre = fit.coefficient
    grid_b = [centre]
    grid_z = [0.0]
    for sign in (-1.0, 1.0):
        step = 0
        z = 0.0
        while True:
            step += 1
            if not (step < _MAX_STEPS and abs(z) < zmax):
                break
            b = centre + sign * step * step_size * logit_se
            change = (_deviance(b, fit) - fit.deviance) / dispersion
            if change <= -0.001:
                # MASS stops: "profiling has found a better solution".
                return math.nan, math.nan
            z = sign * math.sqrt(max(change, 0.0))
            grid_b.append(b)
            grid_z.append(z)
    order = np.argsort(np.asarray(grid_z), kind="stable")
    spline_x, spline_y = _spline(np.asarray(grid_b)[order], np.asarray(grid_z)[order])
    cutoff = float(special.ndtri(2.0 * alpha))
    lower = _approx(spline_y, spline_x, cutoff)
    upper = _approx(spline_y, spline_x, -cutoff)
    return float(special.expit(lower)), float(special.expit(upper))


def likelihood_dispersion(
    weights: FloatArray, values: FloatArray, fitted: float, mean_weight: float | None = None
) -> float:
    """Quasibinomial dispersion of an intercept-only svyglm, as R's ``summary.svyglm``.

    ``weights`` and ``values`` are the domain's rows with a value. R takes ``svyvar`` of
    survey's Pearson residuals (y − mu)/sqrt(mu(1 − mu)) (residuals.svyglm divides the
    prior weights by the sampling weights, so no weight is left in them): their
    design-weighted variance times n/(n − 1), n the rows with non-zero weight. When rows
    without a value were dropped, the prior weights (rescaled over the domain's rows,
    ``mean_weight``) and the sampling weights (rescaled over the rows kept) differ by the
    ratio of the two means, and that ratio stays in the residuals.

    Examples
    --------
    >>> round(likelihood_dispersion(np.ones(4), np.array([1.0, 0, 1, 1]), 0.75), 6)
    1.333333
    """
    nonzero = int(np.count_nonzero(weights))
    if nonzero < 2 or not 0.0 < fitted < 1.0:
        return math.nan
    ratio = 1.0 if mean_weight is None else float(np.mean(weights)) / mean_weight
    residuals = (values - fitted) * math.sqrt(ratio) / math.sqrt(fitted * (1.0 - fitted))
    total_weight = float(np.sum(weights))
    centre = float(np.sum(weights * residuals)) / total_weight
    centred = residuals - centre
    return float(np.sum(weights * (centred * centred * nonzero / (nonzero - 1)))) / total_weight


def _deviance(b: float, fit: InterceptFit) -> float:
    """The model's deviance with the coefficient held at ``b`` (glm.fit with no free column).

    Every row has the same mu, so R's sum over rows is 2 (sum W y · log(1/mu) + sum W (1 − y)
    · log(1/(1 − mu))).
    """
    mu = float(_link_inverse(np.array([b]))[0])
    return 2.0 * (fit.successes * math.log(1.0 / mu) + fit.failures * math.log(1.0 / (1.0 - mu)))


def _spline(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """R ``spline(x, y)``: FMM spline evaluated at 3·length(x) equally spaced points."""
    x, y = _regularize(x, y)
    count = 3 * len(x)
    xout = _sequence(float(x[0]), float(x[-1]), count)
    b, c, d = _fmm_coefficients(x, y)
    return xout, _spline_evaluate(xout, x, y, b, c, d)


def _sequence(start: float, stop: float, count: int) -> FloatArray:
    """R ``seq.int(from, to, length.out)``: filled from both ends."""
    values = np.empty(count)
    values[0] = start
    if count > 1:
        values[-1] = stop
    if count > 2:
        by = (stop - start) / (count - 1)
        for index in range(1, count - 1):
            values[index] = (
                start + index * by if index < count // 2 else stop - (count - 1 - index) * by
            )
    return values


def _regularize(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """R ``regularize.values(x, y, mean)``: sort by x, average y over tied x."""
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    unique, start = np.unique(x, return_index=True)
    if len(unique) == len(x):
        return x, y
    sums = np.add.reduceat(y, start)
    counts = np.diff(np.append(start, len(x)))
    return unique, sums / counts


def _fmm_coefficients(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """R's ``fmm_spline`` (Forsythe, Malcolm & Moler), translated from splines.c."""
    n = len(x)
    b = np.zeros(n)
    c = np.zeros(n)
    d = np.zeros(n)
    if n < 2:
        return b, c, d
    if n < 3:
        b[0] = b[1] = (y[1] - y[0]) / (x[1] - x[0])
        return b, c, d
    last = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, last):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    # End conditions: third derivatives at both ends matched to divided differences.
    b[0] = -d[0]
    b[last] = -d[last - 1]
    c[0] = c[last] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[last] = c[last - 1] / (x[last] - x[last - 2]) - c[last - 2] / (x[last - 1] - x[last - 3])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[last] = -c[last] * d[last - 1] * d[last - 1] / (x[last] - x[last - 3])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[last] = c[last] / b[last]
    for i in range(last - 1, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[last] = (y[last] - y[last - 1]) / d[last - 1] + d[last - 1] * (c[last - 1] + 2.0 * c[last])
    for i in range(last):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[last] = 3.0 * c[last]
    d[last] = d[last - 1]
    return b, c, d


def _spline_evaluate(
    u: FloatArray, x: FloatArray, y: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray
) -> FloatArray:
    """R's ``spline_eval`` for a non-periodic, non-natural spline."""
    n = len(x)
    values = np.empty(len(u))
    i = 0
    for index, point in enumerate(u):
        if point < x[i] or (i < n - 1 and x[i + 1] < point):
            i = 0
            j = n
            while True:
                k = (i + j) // 2
                if point < x[k]:
                    j = k
                else:
                    i = k
                if not j > i + 1:
                    break
        dx = point - x[i]
        values[index] = y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))
    return values


def _approx(x: FloatArray, y: FloatArray, point: float) -> float:
    """R ``approx(x, y, xout = point)$y``: linear, NA outside the range (rule 1)."""
    x, y = _regularize(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    if len(x) < 2 or not (x[0] <= point <= x[-1]):
        return math.nan
    i = 0
    j = len(x) - 1
    # R's approx1: bisection to x[i] <= v <= x[j], j = i + 1.
    while i < j - 1:
        middle = (i + j) // 2
        if point < x[middle]:
            j = middle
        else:
            i = middle
    if point == x[j]:
        return float(y[j])
    if point == x[i]:
        return float(y[i])
    return float(y[i] + (y[j] - y[i]) * ((point - x[i]) / (x[j] - x[i])))
