"""The index spec: one frozen model for a whole index year, plus every part it is made of.

Load it with :func:`govindex.spec.load_spec`, which also checks cross-references; building
an :class:`IndexSpec` directly checks only the shape of each part.
"""

from __future__ import annotations

from typing import Literal

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
    Aggregation,
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
    "Aggregation",
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
    "LevelNames",
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


class LevelNames(SpecModel):
    """What the index calls each of its four levels, in both languages.

    The levels are always indicator → sub-dimension → dimension → total inside govindex
    (the ``level`` column of every result); an instrument names them its own way for
    display, e.g. SIPAS's item → element → component → overall index.

    Examples
    --------
    >>> LevelNames().dimension.en
    'dimension'
    >>> LevelNames.model_validate({"dimension": {"vi": "cấu phần", "en": "component"}}).dimension.en
    'component'
    """

    indicator: LocalisedText = LocalisedText(vi="chỉ số thành phần", en="indicator")
    sub_dimension: LocalisedText = LocalisedText(vi="nội dung thành phần", en="sub-dimension")
    dimension: LocalisedText = LocalisedText(vi="chỉ số nội dung", en="dimension")
    total: LocalisedText = LocalisedText(vi="chỉ số tổng hợp", en="total")


class PublicationRules(SpecModel):
    """When a provincial value may be published.

    ``minimum_respondents`` is the official rule (an indicator is left blank under 15
    respondents); ``maximum_cv`` and ``minimum_effective_n`` are quality flags of ours.
    ``performance_groups``: ``quartiles`` (PAPI's four groups) or ``none``.

    Examples
    --------
    >>> PublicationRules().minimum_respondents
    15
    """

    minimum_respondents: int = Field(default=15, ge=1)
    maximum_cv: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    minimum_effective_n: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    # PAPI's four quartile groups are a PAPI rule; an index without official groups says none.
    performance_groups: Literal["quartiles", "none"] = "quartiles"


class IndexSpec(SpecModel):
    """A complete index year: codebook, indicators, the dimension tree and publication rules.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.spec import load_spec
    >>> spec = load_spec(Path("specs/papi-2024.yaml"))
    >>> (len(spec.dimensions), len(spec.sub_dimensions()))
    (8, 28)
    """

    spec_version: Code
    index: IndexIdentity
    notes: str | None = None
    sources: tuple[str, ...] = ()
    comparability: Comparability
    levels: LevelNames = LevelNames()
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

    def total_weights(self) -> tuple[float, ...]:
        """The weight of each dimension in the total (1 each unless ``weighted_mean``)."""
        if self.total.aggregation == "weighted_mean":
            return tuple(dimension.weight for dimension in self.dimensions)
        return (1.0,) * len(self.dimensions)

    @property
    def total_bounds(self) -> Bounds:
        """The theoretical range of the total: the sum of the dimension ranges (PAPI: 8–80),
        or their (weighted) mean when the total is a mean."""
        lows = sum(dimension.scale.min for dimension in self.dimensions)
        highs = sum(dimension.scale.max for dimension in self.dimensions)
        if self.total.aggregation == "sum":
            return Bounds(min=lows, max=highs)
        weights = self.total_weights()
        scale = sum(weights)
        return Bounds(
            min=sum(w * d.scale.min for w, d in zip(weights, self.dimensions, strict=True)) / scale,
            max=sum(w * d.scale.max for w, d in zip(weights, self.dimensions, strict=True)) / scale,
        )
