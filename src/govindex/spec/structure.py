"""The index tree: sub-dimensions built from indicators, dimensions from sub-dimensions.

How a dimension combines its sub-dimensions, and the total its dimensions, is the spec's
``aggregation``: ``sum`` (PAPI, the default), ``mean`` or ``weighted_mean`` (by the parts'
``weight``). Under ``sum`` with ``k`` equally weighted sub-dimensions each spans
``dimension / k`` (1–10 → 0.25–2.5 for 4, 1/3–10/3 for 3, 0.5–5 for 2); under a mean each
part spans the whole scale (SIPAS: 0–100 at every level). An optional weighted total uses
explicit dimension weights.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govindex.spec._base import Bounds, Code, FiniteFloat, LocalisedText, SpecModel

__all__ = [
    "Aggregation",
    "Coefficient",
    "Dimension",
    "DimensionWeight",
    "Formula",
    "LinearFormula",
    "Member",
    "RescaledMean",
    "SubDimension",
    "Total",
    "WeightedTotal",
]

NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]

Aggregation = Literal["sum", "mean", "weighted_mean"]
"""How a level combines its parts: their sum, their mean, or their mean weighted by ``weight``."""


class Member(SpecModel):
    """An indicator's place in a sub-dimension; ``weight: 0`` means display-only."""

    indicator: Code
    weight: NonNegative = 1.0


class RescaledMean(SpecModel):
    """``min + (max - min) × weighted mean of the member scores`` (the default).

    Examples
    --------
    >>> RescaledMean().kind
    'rescaled_mean'
    """

    kind: Literal["rescaled_mean"] = "rescaled_mean"


class Coefficient(SpecModel):
    """One term of a linear formula: ``coefficient × score of indicator`` (score in [0, 1])."""

    indicator: Code
    coefficient: FiniteFloat


class LinearFormula(SpecModel):
    """``intercept + Σ coefficient × indicator score``: an exact published formula.

    Coefficients apply to the indicator's score in [0, 1] (after direction), so an
    indicator published on 0–5 with coefficient 0.225 enters here as 0.225 × 5 = 1.125.
    """

    kind: Literal["linear"] = "linear"
    intercept: FiniteFloat
    coefficients: tuple[Coefficient, ...] = Field(min_length=1)
    source: str | None = None


Formula = Annotated[RescaledMean | LinearFormula, Field(discriminator="kind")]


class SubDimension(SpecModel):
    """A sub-dimension: member indicators, its scale and the formula that combines them.

    Examples
    --------
    >>> sub = SubDimension.model_validate({"code": "8.2",
    ...     "name": {"vi": "Tiếp cận Internet", "en": "Access to the Internet"},
    ...     "scale": {"min": 0.33, "max": 3.33},
    ...     "indicators": [{"indicator": "8.2.1"}, {"indicator": "8.2.2"}],
    ...     "comparability_key": "internet-access"})
    >>> (sub.formula.kind, sub.scoring_indicators())
    ('rescaled_mean', ('8.2.1', '8.2.2'))
    """

    code: Code
    name: LocalisedText
    scale: Bounds
    indicators: tuple[Member, ...] = Field(min_length=1)
    formula: Formula = RescaledMean()
    weight: NonNegative = 1.0
    comparability_key: Code
    notes: str | None = None

    def scoring_indicators(self) -> tuple[str, ...]:
        """Codes of the members that count (weight above 0)."""
        return tuple(member.indicator for member in self.indicators if member.weight > 0)


class Dimension(SpecModel):
    """A dimension: its sub-dimensions combined by ``aggregation``, on ``scale``.

    PAPI sums sub-dimensions into a 1–10 dimension (the defaults). ``weight`` is the
    dimension's weight when the total is a ``weighted_mean``.

    Examples
    --------
    >>> Dimension.model_validate({"code": "D1", "name": {"vi": "Tham gia", "en": "Participation"},
    ...     "sub_dimensions": [{"code": "1.1", "name": {"vi": "a", "en": "a"},
    ...         "scale": {"min": 1, "max": 10}, "indicators": [{"indicator": "1.1.1"}],
    ...         "comparability_key": "a"}],
    ...     "aggregation": "mean", "comparability_key": "participation"}).aggregation
    'mean'
    """

    code: Code
    name: LocalisedText
    scale: Bounds = Bounds(min=1, max=10)
    aggregation: Aggregation = "sum"
    weight: NonNegative = 1.0
    sub_dimensions: tuple[SubDimension, ...] = Field(min_length=1)
    comparability_key: Code
    notes: str | None = None

    def part_weights(self) -> tuple[float, ...]:
        """The weight of each sub-dimension in this dimension (1 each unless weighted)."""
        if self.aggregation == "weighted_mean":
            return tuple(sub.weight for sub in self.sub_dimensions)
        return (1.0,) * len(self.sub_dimensions)


class Total(SpecModel):
    """The aggregate index: the dimensions combined by ``aggregation`` (PAPI: their sum)."""

    name: LocalisedText
    aggregation: Aggregation = "sum"


class DimensionWeight(SpecModel):
    """A dimension's weight in a weighted total."""

    dimension: Code
    weight: NonNegative


class WeightedTotal(SpecModel):
    """An optional weighted aggregate: ``Σ weight × dimension score``."""

    code: Code
    name: LocalisedText
    weights: tuple[DimensionWeight, ...] = Field(min_length=1)
    source: str | None = None
    notes: str | None = None
