"""From indicator scores to sub-dimensions, dimensions and the total (papi-methodology §4).

* Sub-dimension, ``rescaled_mean``: ``min + (max − min) × Σ w_k x_k / Σ w_k`` over the
  members with a value (weight-0 members are display-only and never count); with no member
  available the sub-dimension is missing.
* Sub-dimension, ``linear``: ``intercept + Σ c_k x_k`` — an exact published formula, so a
  missing member makes the sub-dimension missing rather than silently re-weighting it.
* Dimension = Σ of its sub-dimensions and total = Σ of the dimensions (PAPI), or their
  mean or weighted mean ``Σ w_k s_k / Σ w_k`` as the spec's ``aggregation`` says (SIPAS);
  missing if any part is. Optional weighted totals = Σ weight × dimension.

Everything is linear in the indicator values given which indicators are available, so the
same :class:`AggregationPlan` both computes scores (on any array shape, e.g. replicates ×
provinces × indicators) and gives the Jacobian the delta method needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from govindex.errors import SpecError
from govindex.spec import IndexSpec, LinearFormula

__all__ = ["AggregationPlan", "Level", "SubDimensionRule"]

Level = Literal["subdimension", "dimension", "total", "weighted_total"]
FloatArray = np.ndarray


@dataclass(frozen=True)
class SubDimensionRule:
    """One sub-dimension's formula, as positions in the indicator vector.

    ``kind`` is ``rescaled_mean`` (``offset + span × weighted mean``) or ``linear``
    (``offset + Σ coefficients × x``).
    """

    code: str
    kind: Literal["rescaled_mean", "linear"]
    members: tuple[int, ...]
    coefficients: tuple[float, ...]
    offset: float
    span: float


@dataclass(frozen=True)
class AggregationPlan:
    """The index tree as arrays: which indicators feed which aggregate, with what weight.

    Build it with :meth:`from_spec`; :meth:`apply` maps indicator values
    (``(..., indicators)``) to aggregate values (``(..., aggregates)``) in the order of
    :attr:`codes`: sub-dimensions, dimensions, ``total``, then weighted totals.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.spec import load_spec
    >>> plan = AggregationPlan.from_spec(load_spec(Path("specs/papi-2024.yaml")))
    >>> ones = np.ones((1, len(plan.indicators)))
    >>> round(float(plan.apply(ones)[0, plan.codes.index("total")]), 2)
    76.02
    """

    indicators: tuple[str, ...]
    codes: tuple[str, ...]
    levels: tuple[Level, ...]
    names: tuple[str, ...]
    sub_dimensions: tuple[SubDimensionRule, ...]
    dimension_members: tuple[tuple[int, ...], ...]  # positions of each dimension's subs
    weighted_totals: tuple[tuple[float, ...], ...]  # one weight per dimension
    # Weights of each dimension's subs and of the dimensions in the total; None = plain sum.
    dimension_weights: tuple[tuple[float, ...] | None, ...] = ()
    total_weights: tuple[float, ...] | None = None

    @classmethod
    def from_spec(cls, spec: IndexSpec, weighted_totals: tuple[str, ...] = ()) -> AggregationPlan:
        """The plan for ``spec``, with the named weighted totals (none by default)."""
        indicators = tuple(indicator.code for indicator in spec.indicators)
        position = {code: index for index, code in enumerate(indicators)}
        rules: list[SubDimensionRule] = []
        members: list[tuple[int, ...]] = []
        part_weights: list[tuple[float, ...] | None] = []
        for dimension in spec.dimensions:
            summed = dimension.aggregation == "sum"
            part_weights.append(None if summed else dimension.part_weights())
            start = len(rules)
            for sub in dimension.sub_dimensions:
                formula = sub.formula
                if isinstance(formula, LinearFormula):
                    terms = formula.coefficients
                    rules.append(
                        SubDimensionRule(
                            code=sub.code,
                            kind="linear",
                            members=tuple(position[term.indicator] for term in terms),
                            coefficients=tuple(term.coefficient for term in terms),
                            offset=formula.intercept,
                            span=1.0,
                        )
                    )
                else:
                    counted = [member for member in sub.indicators if member.weight > 0]
                    rules.append(
                        SubDimensionRule(
                            code=sub.code,
                            kind="rescaled_mean",
                            members=tuple(position[member.indicator] for member in counted),
                            coefficients=tuple(member.weight for member in counted),
                            offset=sub.scale.min,
                            span=sub.scale.span,
                        )
                    )
            members.append(tuple(range(start, len(rules))))
        dimension_codes = [dimension.code for dimension in spec.dimensions]
        known = {total.code: total for total in spec.weighted_totals}
        weights: list[tuple[float, ...]] = []
        for code in weighted_totals:
            if code not in known:
                msg = (
                    f"the spec has no weighted total `{code}` (it has: {sorted(known) or 'none'})."
                )
                raise SpecError(msg, where="weighted_totals", found=code, expected=sorted(known))
            by_dimension = {weight.dimension: weight.weight for weight in known[code].weights}
            weights.append(tuple(by_dimension.get(name, 0.0) for name in dimension_codes))
        subs = spec.sub_dimensions()
        codes = (
            *(sub.code for sub in subs),
            *dimension_codes,
            "total",
            *weighted_totals,
        )
        sub_level: Level = "subdimension"
        dimension_level: Level = "dimension"
        weighted_level: Level = "weighted_total"
        levels: tuple[Level, ...] = (
            *((sub_level,) * len(subs)),
            *((dimension_level,) * len(dimension_codes)),
            "total",
            *((weighted_level,) * len(weighted_totals)),
        )
        names = (
            *(sub.name.en for sub in subs),
            *(dimension.name.en for dimension in spec.dimensions),
            spec.total.name.en,
            *(known[code].name.en for code in weighted_totals),
        )
        return cls(
            indicators=indicators,
            codes=codes,
            levels=levels,
            names=names,
            sub_dimensions=tuple(rules),
            dimension_members=tuple(members),
            weighted_totals=tuple(weights),
            dimension_weights=tuple(part_weights),
            total_weights=None if spec.total.aggregation == "sum" else spec.total_weights(),
        )

    def apply(self, values: FloatArray) -> FloatArray:
        """Aggregate scores from indicator values ``(..., indicators)``; NaN = missing.

        Dimensions and the total are plain sums of the parts, in order, so a dimension
        equals the sum of its sub-dimensions to the last bit in every replicate.
        """
        values = np.asarray(values, dtype=np.float64)
        if values.shape[-1] != len(self.indicators):
            msg = (
                f"expected {len(self.indicators)} indicator values per row; got {values.shape[-1]}."
            )
            raise SpecError(msg, where="indicators", found=values.shape[-1])
        subs = [self._sub_dimension(rule, values) for rule in self.sub_dimensions]
        dimensions = [
            _combine([subs[position] for position in positions], weights)
            for positions, weights in zip(
                self.dimension_members, self._dimension_weights(), strict=True
            )
        ]
        total = _combine(dimensions, self.total_weights)
        weighted = []
        for weights in self.weighted_totals:
            value = weights[0] * dimensions[0]
            for weight, dimension in zip(weights[1:], dimensions[1:], strict=True):
                value = value + weight * dimension
            weighted.append(value)
        return np.stack([*subs, *dimensions, total, *weighted], axis=-1)

    def jacobian(self, available: FloatArray) -> FloatArray:
        """∂aggregate/∂indicator for each row of ``available`` (``(rows, indicators)`` bool).

        Returns ``(rows, aggregates, indicators)``; rows where an aggregate is missing
        (a linear formula lacks a member, a rescaled mean has none) get NaN.
        """
        mask: np.ndarray = np.asarray(available, dtype=bool)
        rows = mask.shape[0]
        n_subs = len(self.sub_dimensions)
        result = np.zeros((rows, len(self.codes), len(self.indicators)))
        for index, rule in enumerate(self.sub_dimensions):
            members = np.asarray(rule.members, dtype=np.int64)
            coefficients = np.asarray(rule.coefficients)
            present = mask[:, members]
            if rule.kind == "linear":
                complete = np.asarray(present.all(axis=1), dtype=bool)
                gradient = np.where(complete[:, None], coefficients[None, :], np.nan)
            else:
                weight_sum = (present * coefficients).sum(axis=1, keepdims=True)
                with np.errstate(invalid="ignore", divide="ignore"):
                    gradient = np.where(
                        weight_sum > 0, rule.span * present * coefficients / weight_sum, np.nan
                    )
            result[:, index, members] += gradient  # members are distinct within a formula
        for offset, (positions, weights) in enumerate(
            zip(self.dimension_members, self._dimension_weights(), strict=True)
        ):
            result[:, n_subs + offset] = _combined_gradient(result[:, list(positions)], weights)
        n_dimensions = len(self.dimension_members)
        dimensions = result[:, n_subs : n_subs + n_dimensions]
        result[:, n_subs + n_dimensions] = _combined_gradient(dimensions, self.total_weights)
        for offset, weights in enumerate(self.weighted_totals):
            result[:, n_subs + n_dimensions + 1 + offset] = np.einsum(
                "d,rdk->rk", np.asarray(weights), dimensions
            )
        return result

    def _dimension_weights(self) -> tuple[tuple[float, ...] | None, ...]:
        # A plan built without weights (all sums) has none recorded per dimension.
        return self.dimension_weights or (None,) * len(self.dimension_members)

    @staticmethod
    def _sub_dimension(rule: SubDimensionRule, values: FloatArray) -> FloatArray:
        members = values[..., list(rule.members)]
        coefficients = np.asarray(rule.coefficients)
        if rule.kind == "linear":
            # NaN in any member propagates: an exact formula is never re-weighted.
            return np.asarray(rule.offset + members @ coefficients, dtype=np.float64)
        present = ~np.isnan(members)
        numerator = np.where(present, members, 0.0) @ coefficients
        denominator = present @ coefficients
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(denominator > 0, numerator / denominator, np.nan)
        return np.asarray(rule.offset + rule.span * mean, dtype=np.float64)


def _combine(parts: list[FloatArray], weights: tuple[float, ...] | None) -> FloatArray:
    """The parts' plain sum (``weights`` None), or ``Σ w_k part_k / Σ w_k``.

    The sum adds in order, so a PAPI dimension equals the sum of its sub-dimensions to the
    last bit in every replicate; a missing part (NaN) makes the result missing either way.
    """
    if weights is None:
        value = parts[0]
        for part in parts[1:]:
            value = value + part
        return value
    value = weights[0] * parts[0]
    for weight, part in zip(weights[1:], parts[1:], strict=True):
        value = value + weight * part
    return np.asarray(value / sum(weights), dtype=np.float64)


def _combined_gradient(gradients: FloatArray, weights: tuple[float, ...] | None) -> FloatArray:
    """∂combined/∂indicator from the parts' gradients ``(rows, parts, indicators)``."""
    if weights is None:
        return np.asarray(gradients.sum(axis=1), dtype=np.float64)
    share = np.asarray(weights, dtype=np.float64) / sum(weights)
    return np.asarray(np.einsum("p,rpk->rk", share, gradients), dtype=np.float64)
