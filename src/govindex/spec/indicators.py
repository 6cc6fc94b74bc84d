"""Indicators: how respondents' answers become a score in [0, 1], and how the value is shown.

Scoring always uses an item's *theoretical* range, never the range observed in the data, so
a province's score does not depend on the other provinces (papi-methodology §4.3).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govindex.spec._base import (
    Bounds,
    Code,
    FiniteFloat,
    Identifier,
    LocalisedText,
    Scalar,
    SpecModel,
)
from govindex.spec.codebook import Condition

__all__ = [
    "Direction",
    "DisplayScale",
    "Indicator",
    "MeanScoring",
    "ScaledScoring",
    "Scoring",
    "ShareScoring",
]

Direction = Literal["positive", "negative"]
Unit = Literal["proportion", "percent", "points", "thousand_vnd", "kilometres", "minutes"]


class ShareScoring(SpecModel):
    """Score 1 when the single item's answer is one of ``values``, else 0.

    Examples
    --------
    >>> ShareScoring(values=(5, 6)).kind
    'share'
    """

    kind: Literal["share"] = "share"
    values: tuple[Scalar, ...] = Field(min_length=1)


class ScaledScoring(SpecModel):
    """Score ``(x - min) / (max - min)`` for the single item.

    ``min``/``max`` default to the item's theoretical range. Give them to follow a published
    scale that is wider than the answers, e.g. a 1–5 rating published on 0–5 and divided by 5.
    """

    kind: Literal["scaled"] = "scaled"
    min: FiniteFloat | None = None
    max: FiniteFloat | None = None


class MeanScoring(SpecModel):
    """Score the mean of several items, each scaled by its theoretical range.

    With ``values``, each item instead scores 1 when its answer is one of ``values``; the
    mean is then the share of items so answered (e.g. 4 quality criteria met → 4/4).
    """

    kind: Literal["mean"] = "mean"
    values: tuple[Scalar, ...] | None = Field(default=None, min_length=1)


Scoring = Annotated[ShareScoring | ScaledScoring | MeanScoring, Field(discriminator="kind")]


class DisplayScale(SpecModel):
    """How the provincial indicator value is published (not used for scoring)."""

    unit: Unit
    bounds: Bounds | None = None
    as_published: str | None = None
    statistic: Literal["mean", "median"] = "mean"


class Indicator(SpecModel):
    """One indicator: the item(s) it reads, its respondent-level score and its population.

    ``direction: negative`` marks negatively worded indicators: the score becomes ``1 - z``.
    ``applies_to`` restricts the respondents it is computed over (its denominator).
    ``shared: true`` allows the indicator in more than one sub-dimension.
    ``comparability_key`` names the concept across years: indicators with the same key in
    two specs measure the same thing and may be compared.

    Examples
    --------
    >>> indicator = Indicator.model_validate({
    ...     "code": "4.4.5", "items": ["land_title_bribe_paid"],
    ...     "name": {"vi": "Tỷ lệ 'chung chi'", "en": "Land bribe frequency"},
    ...     "scoring": {"kind": "share", "values": [1]}, "direction": "negative",
    ...     "applies_to": {"item": "land_title_applied", "equals": 1},
    ...     "display": {"unit": "proportion"}, "comparability_key": "land-bribe-frequency"})
    >>> (indicator.scoring.kind, indicator.direction)
    ('share', 'negative')
    """

    code: Code
    name: LocalisedText
    items: tuple[Identifier, ...] = Field(min_length=1)
    scoring: Scoring
    direction: Direction = "positive"
    applies_to: Condition | None = None
    display: DisplayScale
    comparability_key: Code
    shared: bool = False
    source: str | None = None
    notes: str | None = None
