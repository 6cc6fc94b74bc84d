"""The quantile rules of R ``survey`` 4.1 (``svyquantile(qrule=...)``), value for value.

A rule turns sorted values with weights into the value at probability ``p``. ``math``
(= ``hf1``) takes the smallest value whose cumulative share reaches ``p``; ``school``
(= ``hf2``) averages the two neighbours when the share is met exactly; ``hf3`` rounds to
the even position of the distinct values; ``hf4``–``hf9`` interpolate between plotting
positions (Hyndman and Fan's definitions generalised to weights); ``shahvaish`` is Shah
and Vaish's (2006) step rule on normalised weights. Each formula below is R's own,
including its operation order, so results agree to the last bit where R's do not round.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

from govindex.survey.arrays import FloatArray

__all__ = ["QUANTILE_RULES", "QuantileRule", "rule_quantile"]

QuantileRule = Literal[
    "math", "school", "shahvaish", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf8", "hf9"
]
QUANTILE_RULES: tuple[str, ...] = get_args(QuantileRule)


def rule_quantile(
    values: FloatArray,
    weights: FloatArray,
    cumulative: FloatArray,
    total: float,
    probability: float,
    rule: QuantileRule,
) -> float:
    """The quantile at ``probability`` of sorted ``values`` with positive ``weights``.

    ``cumulative`` and ``total`` are the running and full sums of ``weights``, accumulated
    in extended precision as R's ``cumsum`` and ``sum`` do (the step rules compare them
    exactly with ``p · total``).

    Examples
    --------
    >>> values = np.array([1.0, 2.0, 3.0, 4.0])
    >>> weights = np.ones(4)
    >>> cumulative = np.cumsum(weights)
    >>> [rule_quantile(values, weights, cumulative, 4.0, 0.5, r) for r in ("math", "school", "hf7")]
    [2.0, 2.5, 2.5]
    """
    if values.shape[0] == 1:
        # R's interpolating rules stop on a single value ("need at least two values");
        # every rule's answer for one value is that value.
        return float(values[0])
    if rule in ("math", "hf1"):
        return _step(values, cumulative, total, probability, average_ties=False)
    if rule in ("school", "hf2"):
        return _step(values, cumulative, total, probability, average_ties=True)
    if rule == "hf3":
        return _even_step(values, weights, probability)
    if rule == "hf4":
        return _hf4(values, cumulative, total, probability)
    if rule == "shahvaish":
        return _shah_vaish(values, weights, probability)
    positions = _plotting_positions(weights, cumulative, rule)
    return _linear(positions, values, probability)


def _search(cumulative: FloatArray, total: float, probability: float) -> tuple[int, int, float]:
    """R's ``survey:::qs``: last position with cumulative <= p·W (else the first), its next."""
    count = cumulative.shape[0]
    reached = int(np.searchsorted(cumulative, probability * total, side="right"))
    low = max(reached, 1) - 1
    high = low if low == count - 1 else low + 1
    return low, high, probability - float(cumulative[low]) / total


def _step(
    values: FloatArray,
    cumulative: FloatArray,
    total: float,
    probability: float,
    *,
    average_ties: bool,
) -> float:
    low, high, gap = _search(cumulative, total, probability)
    if gap == 0:
        return float((values[low] + values[high]) / 2.0 if average_ties else values[low])
    return float(values[high])


def _even_step(values: FloatArray, weights: FloatArray, probability: float) -> float:
    # R sums the weights of tied values first (rowsum, in double, in order of appearance).
    distinct, starts = np.unique(values, return_index=True)
    grouped = np.array(
        [float(sum(weights[start:end].tolist())) for start, end in _bounds(starts, len(values))]
    )
    cumulative = np.cumsum(grouped.astype(np.longdouble)).astype(np.float64)
    total = float(np.cumsum(grouped.astype(np.longdouble))[-1])
    low, high, gap = _search(cumulative, total, probability)
    # R's position ilow is 1-based: "even" there is odd here.
    return float(distinct[low] if gap == 0 and (low + 1) % 2 == 0 else distinct[high])


def _bounds(starts: np.ndarray, count: int) -> list[tuple[int, int]]:
    ends = [*starts[1:].tolist(), count]
    return list(zip(starts.tolist(), ends, strict=True))


def _hf4(values: FloatArray, cumulative: FloatArray, total: float, probability: float) -> float:
    low, high, below = _search(cumulative, total, probability)
    above = float(cumulative[high]) / total - probability
    gamma = below / (above + below)
    return float(values[low] * (1.0 - gamma) + values[high] * gamma)


def _shah_vaish(values: FloatArray, weights: FloatArray, probability: float) -> float:
    count = values.shape[0]
    normalised = weights / _r_mean(weights)
    running = np.cumsum(normalised.astype(np.longdouble)).astype(np.float64)
    # R's formula adds 0.5 and subtracts half the *raw* weight; kept as R has it.
    positions = (running + 0.5 - weights / 2.0) / (count + 1)
    return _constant(*_regularise(positions, values), probability)


def _r_mean(values: FloatArray) -> float:
    """R's ``mean``: a long-double sum, divided, then corrected by the mean residual."""
    extended = values.astype(np.longdouble)
    first = np.sum(extended) / len(values)
    return float(first + np.sum(extended - first) / len(values))


def _plotting_positions(weights: FloatArray, cumulative: FloatArray, rule: str) -> FloatArray:
    last = cumulative[-1]
    previous = np.concatenate([[0.0], cumulative[:-1]])
    if rule == "hf5":
        return np.asarray((cumulative - weights / 2.0) / last, dtype=np.float64)
    if rule == "hf6":
        return np.asarray(cumulative / (last + weights[-1]), dtype=np.float64)
    if rule == "hf7":
        # R divides by the cumulative weight of the next-to-last value (n − 1 for equal weights).
        return np.asarray(previous / cumulative[-2], dtype=np.float64)
    if rule == "hf8":
        return np.asarray(
            (previous * 1.0 / 3.0 + cumulative * 2.0 / 3.0) / (last + weights[-1] / 3.0),
            dtype=np.float64,
        )
    return np.asarray(
        (previous * 3.0 / 8.0 + cumulative * 5.0 / 8.0) / (last + weights[-1] / 4.0),
        dtype=np.float64,
    )


def _bracket(positions: FloatArray, probability: float) -> tuple[int, int] | float:
    """R's ``approx`` bisection: the bracketing pair, or an end index when outside/on a node."""
    count = positions.shape[0]
    if probability < positions[0]:
        return 0.0
    if probability > positions[-1]:
        return float(count - 1)
    upper = int(np.searchsorted(positions, probability, side="right"))
    if upper >= count:
        return float(count - 1)
    lower = upper - 1
    if probability == positions[lower]:
        return float(lower)
    return lower, upper


def _regularise(positions: FloatArray, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """R's ``approx`` input handling: pairs sorted by position, tied positions averaged.

    Only ``shahvaish`` needs it: its positions are not monotone in the values when the
    weights vary, and R interpolates in the order of the positions, not of the values.
    """
    order = np.argsort(positions, kind="stable")
    positions, values = positions[order], values[order]
    distinct, starts = np.unique(positions, return_index=True)
    if distinct.shape[0] == positions.shape[0]:
        return positions, values
    averaged = np.array([float(np.mean(values[a:b])) for a, b in _bounds(starts, len(values))])
    return np.asarray(distinct, dtype=np.float64), averaged


def _linear(positions: FloatArray, values: FloatArray, probability: float) -> float:
    found = _bracket(positions, probability)
    if isinstance(found, float):
        return float(values[int(found)])
    lower, upper = found
    fraction = (probability - positions[lower]) / (positions[upper] - positions[lower])
    return float(values[lower] + (values[upper] - values[lower]) * fraction)


def _constant(positions: FloatArray, values: FloatArray, probability: float) -> float:
    found = _bracket(positions, probability)
    if isinstance(found, float):
        return float(values[int(found)])
    return float(values[found[0]])
