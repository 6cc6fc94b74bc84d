"""Sample-size planning: respondents per province for a target margin of error.

For a share ``p`` estimated from a clustered, weighted survey, the textbook size is

    n = deff · z² · p(1 − p) / e²

with ``z`` the normal quantile of the confidence level, ``e`` the margin (half-width of the
interval) and ``deff`` the design effect (variance under the design over the variance of a
simple random sample of the same size). For a score that is not a share (a PAPI
dimension), ``p(1 − p)`` becomes the respondent-level variance ``S²``; a previous run gives
``deff · S²`` directly as ``n · SE²``, so ``n = n₀ · (z · SE₀ / e)²``.

Official SIPAS practice under the 2017–2020 guidance sized samples with Yamane's formula
``n = N / (1 + N e²)`` (e = 5%, N the number of transactions), which assumes a simple random
sample and p = 0.5 and ignores the design effect; :func:`yamane_size` gives it for
comparison, so a province commissioning its own survey sees what each rule buys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from govindex.errors import DataValidationError

__all__ = [
    "SamplePlan",
    "design_effect_from_run",
    "plan_for_score",
    "plan_for_share",
    "yamane_size",
]


@dataclass(frozen=True)
class SamplePlan:
    """Respondents needed per province, with every input that made the number.

    ``respondents`` is rounded up; ``exact`` is the unrounded formula value. ``yamane`` is
    the official-practice size for the same margin when a population size was given.
    """

    margin: float
    level: float
    z: float
    variance: float
    design_effect: float
    exact: float
    respondents: int
    rule: str
    yamane: int | None = None

    def achieved_margin(self, respondents: float) -> float:
        """The margin ``z · sqrt(deff · variance / n)`` that ``respondents`` would give.

        Examples
        --------
        >>> plan = plan_for_share(0.02, share=0.84, design_effect=1.5)
        >>> round(plan.achieved_margin(plan.exact), 12)
        0.02
        """
        return self.z * math.sqrt(self.design_effect * self.variance / respondents)


def _check(margin: float, level: float, design_effect: float) -> float:
    if not margin > 0:
        msg = f"the margin of error must be above 0; got {margin}."
        raise DataValidationError(msg, where="--margin", found=margin, expected="> 0")
    if not 0 < level < 1:
        msg = f"the confidence level must lie strictly between 0 and 1; got {level}."
        raise DataValidationError(msg, where="--level", found=level, expected="0 < level < 1")
    if not design_effect > 0:
        msg = f"the design effect must be above 0; got {design_effect}."
        raise DataValidationError(msg, where="--deff", found=design_effect, expected="> 0")
    return float(ndtri(0.5 + level / 2))


def plan_for_share(
    margin: float,
    *,
    share: float = 0.5,
    design_effect: float = 1.0,
    level: float = 0.95,
    population: int | None = None,
) -> SamplePlan:
    """Respondents for a share (``0 < share < 1``) within ``± margin`` (a proportion).

    Examples
    --------
    >>> plan = plan_for_share(0.03, share=0.84, design_effect=2.0)
    >>> plan.respondents  # 2 × 1.96² × 0.84 × 0.16 / 0.03²
    1148
    >>> plan_for_share(0.05, population=10_000).yamane  # 10,000 / (1 + 10,000 × 0.05²)
    385
    """
    z = _check(margin, level, design_effect)
    if not 0 < share < 1:
        msg = f"the expected share must lie strictly between 0 and 1; got {share}."
        raise DataValidationError(msg, where="--share", found=share, expected="0 < share < 1")
    variance = share * (1 - share)
    exact = design_effect * z**2 * variance / margin**2
    return SamplePlan(
        margin=margin,
        level=level,
        z=z,
        variance=variance,
        design_effect=design_effect,
        exact=exact,
        respondents=math.ceil(exact - 1e-9),
        rule="n = deff · z² · p(1 − p) / e²",
        yamane=None if population is None else yamane_size(population, margin),
    )


def plan_for_score(
    margin: float,
    *,
    respondents: float,
    se: float,
    level: float = 0.95,
) -> SamplePlan:
    """Respondents for a score (a PAPI dimension, a SIPAS value) from a previous run's
    ``respondents`` and ``se`` of it: ``n = n₀ · (z · SE₀ / e)²``.

    The previous run's ``n₀ · SE₀²`` is ``deff · S²``; it is recorded as the variance with a
    design effect of 1.

    Examples
    --------
    >>> plan_for_score(0.2, respondents=300, se=0.15).respondents
    649
    """
    z = _check(margin, level, 1.0)
    if not (respondents > 0 and se > 0):
        msg = (
            "a previous run must give respondents and a standard error above 0; "
            f"got n = {respondents}, SE = {se}."
        )
        raise DataValidationError(msg, where="previous run", found=(respondents, se))
    variance = respondents * se**2
    exact = z**2 * variance / margin**2
    return SamplePlan(
        margin=margin,
        level=level,
        z=z,
        variance=variance,
        design_effect=1.0,
        exact=exact,
        respondents=math.ceil(exact - 1e-9),
        rule="n = n₀ · (z · SE₀ / e)²",
    )


def design_effect_from_run(
    estimates: np.ndarray,
    ses: np.ndarray,
    respondents: np.ndarray,
    *,
    scale: float = 1.0,
) -> float:
    """The mean design effect of shares over provinces: ``SE² · n / (p(1 − p))``.

    ``scale`` is the published scale of the share (100 for percent). Averaging over
    provinces steadies the per-province SEs, which rest on few PSUs.

    Examples
    --------
    >>> design_effect_from_run(np.array([80.0]), np.array([2.0]), np.array([576]), scale=100)
    1.44
    """
    share = np.asarray(estimates, dtype=np.float64) / scale
    se = np.asarray(ses, dtype=np.float64) / scale
    n = np.asarray(respondents, dtype=np.float64)
    usable = (share > 0) & (share < 1) & (se > 0) & (n > 0)
    if not usable.any():
        msg = "no province of the previous run has a share strictly between 0 and 1 with an SE."
        raise DataValidationError(msg, where="previous run", found="no usable rows")
    deff = se[usable] ** 2 * n[usable] / (share[usable] * (1 - share[usable]))
    return round(float(deff.mean()), 12)


def yamane_size(population: int, margin: float) -> int:
    """Yamane's ``N / (1 + N e²)``, rounded up: the official sizing of 2017–2020.

    Examples
    --------
    >>> yamane_size(1_000_000, 0.05)
    400
    """
    if population < 1:
        msg = f"the population size must be at least 1; got {population}."
        raise DataValidationError(msg, where="--population", found=population, expected=">= 1")
    return math.ceil(population / (1 + population * margin**2) - 1e-9)
