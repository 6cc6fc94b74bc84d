"""The index spec: one frozen model for a whole index year, plus every part it is made of.

Load it with :func:`govindex.spec.load_spec`, which also checks cross-references; building
an :class:`IndexSpec` directly checks only the shape of each part.
"""

from __future__ import annotations

from pydantic import Field

from govindex.spec._base import Bounds, Code, LocalisedText, SpecModel
from govindex.spec.codebook import Codebook, Condition, Item, ItemType, ValueLabel
from govindex.spec.indicators import (
    Direction,
    DisplayScale,
    Indicator,
    MeanScoring,
    ScaledScoring,
    Scoring,
    ShareScoring,
)
from govindex.spec.structure import (
    Coefficient,
    Dimension,
    DimensionWeight,
    Formula,
    LinearFormula,
    Member,
    RescaledMean,
    SubDimension,
    Total,
    WeightedTotal,
)

__all__ = [
    "Bounds",
    "Codebook",
    "Coefficient",
    "Comparability",
    "ComparabilityBreak",
    "Condition",
    "Dimension",
    "DimensionWeight",
    "Direction",
    "DisplayScale",
    "Formula",
    "IndexIdentity",
    "IndexSpec",
    "Indicator",
    "Item",
    "ItemType",
    "LinearFormula",
    "LocalisedText",
    "MeanScoring",
    "Member",
    "PublicationRules",
    "RescaledMean",
    "ScaledScoring",
    "Scoring",
    "ShareScoring",
    "SubDimension",
    "Total",
    "ValueLabel",
    "WeightedTotal",
]


class IndexIdentity(SpecModel):
    """Which index and year the spec describes."""

    code: Code
    year: int = Field(ge=1900, le=2200)
    name: LocalisedText


class ComparabilityBreak(SpecModel):
    """A year from which scores are not comparable with earlier ones, and why."""

    year: int = Field(ge=1900, le=2200)
    description: str


class Comparability(SpecModel):
    """How this spec relates to other years.

    Specs sharing ``series`` are comparable, element by element, through the
    ``comparability_key`` of their indicators, sub-dimensions and dimensions.
    """

    series: Code
    breaks: tuple[ComparabilityBreak, ...] = ()


class PublicationRules(SpecModel):
    """When a provincial value may be published.

    ``minimum_respondents`` is the official rule (an indicator is left blank under 15
    respondents); ``maximum_cv`` and ``minimum_effective_n`` are quality flags of ours.

    Examples
    --------
    >>> PublicationRules().minimum_respondents
    15
    """

    minimum_respondents: int = Field(default=15, ge=1)
    maximum_cv: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    minimum_effective_n: float | None = Field(default=None, gt=0, allow_inf_nan=False)


class IndexSpec(SpecModel):
    """A complete index year: codebook, indicators, the dimension tree and publication rules.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.spec import load_spec
    >>> spec = load_spec(Path("specs/papi-2024.yaml"))  # doctest: +SKIP
    >>> (len(spec.dimensions), len(spec.sub_dimensions()))  # doctest: +SKIP
    (8, 28)
    """

    spec_version: Code
    index: IndexIdentity
    notes: str | None = None
    sources: tuple[str, ...] = ()
    comparability: Comparability
    publication: PublicationRules = PublicationRules()
    codebook: Codebook
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    total: Total
    weighted_totals: tuple[WeightedTotal, ...] = ()
    provinces: tuple[str, ...] = ()
    """The province names the microdata's province column may hold, as written there
    (empty: not checked). ``validate`` and ``run`` refuse any other value."""

    def sub_dimensions(self) -> tuple[SubDimension, ...]:
        """Every sub-dimension, in dimension order."""
        return tuple(sub for dimension in self.dimensions for sub in dimension.sub_dimensions)

    def indicator(self, code: str) -> Indicator:
        """The indicator with ``code`` (``KeyError`` when absent)."""
        return {indicator.code: indicator for indicator in self.indicators}[code]

    @property
    def total_bounds(self) -> Bounds:
        """The theoretical range of the total: the sum of the dimension ranges (8–80)."""
        return Bounds(
            min=sum(dimension.scale.min for dimension in self.dimensions),
            max=sum(dimension.scale.max for dimension in self.dimensions),
        )
