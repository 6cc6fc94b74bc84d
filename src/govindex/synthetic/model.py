"""The answer-generating model: a latent province × dimension effect behind every item.

Each item answered by a respondent follows a "propensity" ``q = logistic(b + θ[p, d] + η)``:
``b`` is the item's baseline, ``θ[p, d]`` the effect of province ``p`` on the dimension ``d``
that the item's first indicator belongs to, and ``η`` the sum of district, village and
respondent random effects (normal). ``q`` is the chance of a good answer (binary and set
items), the success chance of a binomial grade (ordinal scales) or the mean of a beta
(numeric ranges). Gate items (those named in an ``applies_to``) draw their own random
effects, so the respondents a follow-up applies to are not selected on the follow-up's
latent value and the conditional indicator keeps its expectation.

Expected indicator scores integrate ``η`` out by Gauss–Hermite quadrature; ``θ`` is then
solved by bisection so that every province's expected dimension score meets its target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.special import comb, expit

from govindex.spec import IndexSpec, Indicator
from govindex.synthetic.check import aggregate_indicators

__all__ = [
    "ItemModel",
    "LatentScales",
    "build_item_models",
    "expected_indicators",
    "solve_province_effects",
]

Form = Literal["set", "graded", "continuous"]

_QUADRATURE_NODES = 24
_THETA_BOUNDS = (-8.0, 8.0)
_BISECTION_STEPS = 48
# Share of answers in neither the good nor the bad set, when the item has such values.
_NEUTRAL_SHARE = 0.2
# Beta concentration of numeric answers around their mean.
_BETA_CONCENTRATION = 4.0


@dataclass(frozen=True)
class LatentScales:
    """Standard deviations of the random effects on the logit scale.

    The village and district effects create the clustering behind realistic design effects;
    the respondent effect gives a respondent's answers a common level. ``shared`` is the
    share of every effect's variance common to all items of a dimension (the rest is the
    item's own): fully shared effects would not average out over a dimension's indicators
    and would make dimension scores far noisier than the items suggest.

    Examples
    --------
    >>> round(LatentScales().total, 3)
    1.026
    """

    district: float = 0.2
    village: float = 0.45
    respondent: float = 0.9
    shared: float = 0.3

    @property
    def total(self) -> float:
        """The standard deviation of the sum of the three effects."""
        return float(np.sqrt(self.district**2 + self.village**2 + self.respondent**2))


@dataclass(frozen=True)
class ItemModel:
    """How one codebook item's answer is drawn from its propensity ``q``.

    ``values`` are the valid codes (sorted); for a ``set`` item ``good`` and ``bad`` mark the
    codes that count as good and bad answers; ``higher_is_good`` orients ``graded`` and
    ``continuous`` items; ``low``/``high`` is a numeric item's range. ``dimension`` is the
    dimension whose province effect drives the item (``None`` for context items, such as
    "has a child under 6", which no indicator scores).
    """

    item_id: str
    form: Form
    values: tuple[float, ...]
    good: tuple[bool, ...]
    bad: tuple[bool, ...]
    higher_is_good: bool
    low: float
    high: float
    dimension: str | None
    baseline: float
    independent: bool

    def probabilities(self, q: np.ndarray) -> np.ndarray:
        """Probability of each valid value given propensities ``q`` (shape ``q.shape + (k,)``)."""
        q = np.asarray(q, dtype=np.float64)[..., None]
        if self.form == "graded":
            steps = len(self.values) - 1
            k = np.arange(steps + 1)
            if not self.higher_is_good:
                k = steps - k
            return np.asarray(comb(steps, k) * q**k * (1.0 - q) ** (steps - k))
        good = np.array(self.good, dtype=np.float64)
        bad = np.array(self.bad, dtype=np.float64)
        neutral = 1.0 - good - bad
        neutral_share = _NEUTRAL_SHARE if neutral.any() else 0.0
        return np.asarray(
            (1 - neutral_share)
            * (q * good / max(good.sum(), 1.0) + (1 - q) * bad / max(bad.sum(), 1.0))
            + neutral_share * neutral / max(neutral.sum(), 1.0)
        )

    def mean_fraction(self, q: np.ndarray) -> np.ndarray:
        """Expected position of a numeric answer in its range, ``E[(x - low) / (high - low)]``."""
        q = np.asarray(q, dtype=np.float64)
        return q if self.higher_is_good else 1.0 - q

    def draw(self, q: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw one answer per propensity (float codes)."""
        if self.form == "continuous":
            mean = np.clip(self.mean_fraction(q), 1e-3, 1 - 1e-3)
            fraction = rng.beta(mean * _BETA_CONCENTRATION, (1 - mean) * _BETA_CONCENTRATION)
            return np.asarray(np.round(self.low + (self.high - self.low) * fraction, 1))
        if self.form == "graded":
            steps = len(self.values) - 1
            k = rng.binomial(steps, q)
            index = k if self.higher_is_good else steps - k
            return np.asarray(np.asarray(self.values)[index])
        cumulative = np.cumsum(self.probabilities(q), axis=-1)
        index = np.sum(rng.uniform(size=q.shape)[:, None] > cumulative, axis=-1)
        return np.asarray(np.asarray(self.values)[np.minimum(index, len(self.values) - 1)])


def build_item_models(spec: IndexSpec, rng: np.random.Generator) -> dict[str, ItemModel]:
    """One :class:`ItemModel` per codebook item, oriented by the indicators that read it.

    Examples
    --------
    >>> models = build_item_models(spec, np.random.default_rng(0))
    >>> models["civic_knowledge"].good
    (False, True)
    """
    readers: dict[str, list[tuple[Indicator, str]]] = {}
    for dimension in spec.dimensions:
        for sub in dimension.sub_dimensions:
            for member in sub.indicators:
                indicator = spec.indicator(member.indicator)
                for item_id in indicator.items:
                    readers.setdefault(item_id, []).append((indicator, dimension.code))
    gates = {
        item_id
        for condition in [item.applies_to for item in spec.codebook.items]
        + [indicator.applies_to for indicator in spec.indicators]
        if condition is not None
        for item_id in condition.referenced_items()
    }
    models: dict[str, ItemModel] = {}
    for item in spec.codebook.items:
        uses = readers.get(item.id, [])
        values = tuple(sorted(float(value) for value in item.valid_values or ()))
        good: set[float] = set()
        bad: set[float] = set()
        graded = False
        higher_is_good = True
        for indicator, _ in uses:
            chosen = getattr(indicator.scoring, "values", None)
            positive = indicator.direction == "positive"
            if chosen is None:
                graded = True
                higher_is_good = positive
            else:
                (good if positive else bad).update(float(value) for value in chosen)
        if not good and not bad and values:
            good = {values[-1]}
        good_mask = tuple(value in good for value in values)
        bad_mask = tuple(value in bad and value not in good for value in values)
        if not any(bad_mask) and values:
            bad_mask = tuple(not flag for flag in good_mask)
        if not any(good_mask) and values:
            good_mask = tuple(not flag for flag in bad_mask)
        form: Form = "continuous" if item.type == "numeric" else "graded" if graded else "set"
        bounds = item.theoretical_range
        models[item.id] = ItemModel(
            item_id=item.id,
            form=form,
            values=values,
            good=good_mask,
            bad=bad_mask,
            higher_is_good=higher_is_good,
            low=bounds.min if bounds is not None else 0.0,
            high=bounds.max if bounds is not None else 1.0,
            dimension=uses[0][1] if uses else None,
            baseline=float(rng.normal(0.0, 0.6)) if uses else float(rng.normal(-0.3, 0.5)),
            independent=item.id in gates,
        )
    return models


def _expectation_parts(
    spec: IndexSpec, indicator: Indicator, models: Mapping[str, ItemModel]
) -> list[tuple[str, ItemModel, Any]]:
    """Per item of ``indicator``: its model and what turns its answer into a score.

    A continuous item keeps its scoring range ``(low, high)``; a coded item the score of
    each of its values. These do not change with the province effects, so a bisection
    computes them once.
    """
    parts: list[tuple[str, ItemModel, Any]] = []
    chosen = getattr(indicator.scoring, "values", None)
    for item_id in indicator.items:
        model = models[item_id]
        if model.form == "continuous":
            low = getattr(indicator.scoring, "min", None)
            high = getattr(indicator.scoring, "max", None)
            low = model.low if low is None else low
            high = model.high if high is None else high
            parts.append((item_id, model, (low, high)))
            continue
        values = np.asarray(model.values)
        if chosen is not None:
            weights = np.isin(values, [float(value) for value in chosen]).astype(np.float64)
        else:
            bounds = spec.codebook.item(item_id).theoretical_range
            low = getattr(indicator.scoring, "min", None)
            high = getattr(indicator.scoring, "max", None)
            low = bounds.min if low is None and bounds is not None else low
            high = bounds.max if high is None and bounds is not None else high
            weights = (values - float(low or 0.0)) / (float(high or 1.0) - float(low or 0.0))
        parts.append((item_id, model, weights))
    return parts


def _indicator_expectation(
    indicator: Indicator,
    parts: Sequence[tuple[str, ItemModel, Any]],
    propensity: Mapping[str, np.ndarray],
) -> np.ndarray:
    """Expected respondent score of ``indicator`` given each item's propensity array."""
    scores: list[np.ndarray] = []
    for item_id, model, scoring in parts:
        q = propensity[item_id]
        if model.form == "continuous":
            low, high = scoring
            mean = model.low + (model.high - model.low) * model.mean_fraction(q)
            scores.append((mean - low) / (high - low))
            continue
        scores.append(model.probabilities(q) @ scoring)
    score = np.asarray(np.mean(scores, axis=0), dtype=np.float64)
    return 1.0 - score if indicator.direction == "negative" else score


def expected_indicators(
    spec: IndexSpec,
    models: Mapping[str, ItemModel],
    theta: np.ndarray,
    scales: LatentScales,
    parts: Mapping[str, Sequence[tuple[str, ItemModel, Any]]] | None = None,
) -> dict[str, np.ndarray]:
    """Expected provincial indicator scores in [0, 1] for province effects ``theta``.

    ``theta`` has one row per province and one column per spec dimension (in spec order);
    each result array has one value per province. ``parts`` (by indicator code, from
    :func:`_expectation_parts`) spare recomputing the item scorings on every call.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(_QUADRATURE_NODES)
    weights = weights / weights.sum()
    column = {dimension.code: index for index, dimension in enumerate(spec.dimensions)}
    propensity: dict[str, np.ndarray] = {}
    for item_id, model in models.items():
        if model.dimension is None:
            continue
        location = model.baseline + theta[:, column[model.dimension]]
        propensity[item_id] = expit(location[:, None] + scales.total * nodes[None, :])
    if parts is None:
        parts = {
            indicator.code: _expectation_parts(spec, indicator, models)
            for indicator in spec.indicators
        }
    return {
        indicator.code: _indicator_expectation(indicator, parts[indicator.code], propensity)
        @ weights
        for indicator in spec.indicators
    }


def solve_province_effects(
    spec: IndexSpec,
    models: Mapping[str, ItemModel],
    targets: np.ndarray,
    scales: LatentScales,
) -> np.ndarray:
    """Province × dimension effects whose expected dimension scores meet ``targets``.

    ``targets`` has one row per province and one column per spec dimension. Every dimension
    is bisected at once (the expected score rises with its own effect); a target outside
    what the spec's formulas can reach ends at the nearest bound of the effect.
    """
    low = np.full(targets.shape, _THETA_BOUNDS[0])
    high = np.full(targets.shape, _THETA_BOUNDS[1])
    codes = [dimension.code for dimension in spec.dimensions]
    parts = {
        indicator.code: _expectation_parts(spec, indicator, models) for indicator in spec.indicators
    }
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        expected_scores = expected_indicators(spec, models, middle, scales, parts)
        aggregated = aggregate_indicators(spec, expected_scores)
        expected = np.column_stack([aggregated[code] for code in codes])
        below = expected < targets
        low = np.where(below, middle, low)
        high = np.where(below, high, middle)
    return np.asarray((low + high) / 2, dtype=np.float64)
