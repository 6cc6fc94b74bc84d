"""National ranks and rank intervals (1 = best, i.e. the highest score).

A point rank is the competition rank of the estimates: ties share the best rank, missing
scores get none. A rank interval says which ranks the province could plausibly hold given
the sampling error of *every* province's score. It comes from a distribution of score
vectors, ranked draw by draw, and is the central ``level`` range of the province's ranks:
the ``(1 − level)/2`` and ``(1 + level)/2`` quantiles (lower and higher order statistics,
so the bounds are whole ranks).

Where the draws come from (``RankRule``):

* ``replicates`` — the replicate estimates themselves. Right for the bootstrap, whose
  replicates imitate the sampling distribution.
* ``simulation`` — draws from a normal distribution centred at the estimates with their
  standard errors, independent across provinces. Right for the jackknife (a JKn replicate
  moves only one stratum by a tiny amount, so its ranks say nothing about spread) and for
  Taylor. Independence holds because provinces are separate first-stage strata, sampled
  independently.
* ``auto`` — ``replicates`` for the bootstrap, ``simulation`` otherwise.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = [
    "RankRule",
    "competition_ranks",
    "draw_ranks",
    "rank_intervals",
    "resolve_rank_rule",
    "simulate",
]

RankRule = Literal["auto", "replicates", "simulation"]
FloatArray = np.ndarray


def competition_ranks(values: FloatArray) -> FloatArray:
    """Rank along the last axis, 1 for the highest; ties share the best rank; NaN stays NaN.

    Examples
    --------
    >>> competition_ranks(np.array([40.0, 42.0, np.nan, 41.0, 42.0])).tolist()
    [4.0, 1.0, nan, 3.0, 1.0]
    """
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    # Missing values sort last (as -inf); the number of strictly higher values + 1 is the rank.
    keys = np.where(missing, -np.inf, values)
    descending = -np.sort(-keys, axis=-1)
    higher = _count_above(descending, keys)
    return np.where(missing, np.nan, higher + 1.0)


def _count_above(descending: FloatArray, keys: FloatArray) -> FloatArray:
    """For each key, how many values in its row are strictly greater."""
    flat_sorted = (-descending).reshape(-1, descending.shape[-1])
    flat_keys = (-keys).reshape(-1, keys.shape[-1])
    counts = np.empty(flat_keys.shape)
    for row in range(flat_keys.shape[0]):
        counts[row] = np.searchsorted(flat_sorted[row], flat_keys[row], side="left")
    return counts.reshape(keys.shape)


def draw_ranks(draws: FloatArray) -> FloatArray:
    """Ordinal ranks (1 = highest) along the last axis of continuous draws; NaN → NaN.

    Ties have probability zero among continuous draws, so a double argsort is exact.
    """
    missing = np.isnan(draws)
    keys = np.where(missing, -np.inf, draws)
    order = np.argsort(-keys, axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, draws.shape[-1] + 1), axis=-1)
    return np.where(missing, np.nan, ranks.astype(np.float64))


def rank_intervals(draws: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Central ``level`` interval of each province's rank over draws (draws × ... × provinces).

    Returns the lower and higher order statistics at ``(1 − level)/2`` and
    ``(1 + level)/2`` of the draw-by-draw ranks (numpy's ``lower``/``higher`` quantile
    methods); NaN where a province has no rank in any draw.

    Examples
    --------
    >>> draws = np.array([[3.0, 2.0, 1.0], [2.9, 3.1, 1.0], [3.0, 2.0, 1.0]])
    >>> low, high = rank_intervals(draws, 0.9)
    >>> low.tolist(), high.tolist()
    ([1.0, 1.0, 3.0], [2.0, 2.0, 3.0])
    """
    count = draws.shape[-1]
    rows = int(np.prod(draws.shape[1:-1], dtype=np.int64))
    cells = rows * count
    missing = np.isnan(draws)
    # Sorting descending puts the province of rank k at position k − 1 of its row, so the
    # (province, rank) histogram is read off the sort order without inverting it. Missing
    # values sort last and are cut off by their count in the row.
    order = np.argsort(np.where(missing, np.inf, -draws), axis=-1).reshape(-1, rows, count)
    position = np.arange(count)
    row_start = (np.arange(rows) * count)[None, :, None]
    index = (row_start + order) * (count + 1) + (position + 1)
    absent = missing.sum(axis=-1).reshape(-1, rows, 1)
    if absent.any():
        index = index[position < count - absent]
    # Ranks are whole numbers 1..P: a histogram per cell gives exact order statistics far
    # faster than sorting every cell's draws.
    histogram = np.bincount(index.ravel(), minlength=cells * (count + 1))
    cumulative = histogram.reshape(cells, count + 1).cumsum(axis=1)
    observed = cumulative[:, -1]
    tail = (1.0 - level) / 2.0
    target_position = (observed - 1) * np.array([[tail], [1.0 - tail]])
    bounds = []
    for target in (np.floor(target_position[0]), np.ceil(target_position[1])):
        # The value at sorted position j is the first rank whose cumulative count exceeds j.
        rank = (cumulative <= target[:, None]).sum(axis=1).astype(np.float64)
        bounds.append(np.where(observed > 0, rank, np.nan).reshape(draws.shape[1:]))
    return bounds[0], bounds[1]


def simulate(
    estimate: FloatArray, se: FloatArray, count: int, rng: np.random.Generator
) -> FloatArray:
    """``count`` normal draws around ``estimate`` (... × provinces) with SD ``se``.

    Missing estimates or SEs stay NaN in every draw; a zero SE gives the estimate.
    """
    # float32 noise halves the cost; its resolution (1e-7 × SE) is far below any rank step.
    noise = rng.standard_normal((count, *np.shape(estimate)), dtype=np.float32)
    # In place on one float64 copy: the same values as ``estimate + noise * se``.
    draws = noise.astype(np.float64)
    draws *= se
    draws += estimate
    return draws


def resolve_rank_rule(rule: RankRule, variance: str) -> Literal["replicates", "simulation"]:
    """The rule actually used: ``auto`` picks replicates for the bootstrap only.

    Examples
    --------
    >>> resolve_rank_rule("auto", "jkn"), resolve_rank_rule("auto", "bootstrap")
    ('simulation', 'replicates')
    """
    if rule == "auto":
        return "replicates" if variance == "bootstrap" else "simulation"
    return rule
