"""Building blocks shared by every spec model: the frozen base, bilingual text, codes, bounds."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, model_validator

__all__ = ["Bounds", "Code", "Identifier", "LocalisedText", "Scalar", "SpecModel"]

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


class SpecModel(BaseModel):
    """Base of every spec model: immutable, and unknown keys are errors (typos never pass)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _scalar(value: Any) -> int | float | str:
    # bool is an int subclass; YAML turns `yes`/`true` into bools, which are never codes.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        msg = f"expected a number or a text value, found {type(value).__name__}"
        raise ValueError(msg)
    if isinstance(value, float) and not math.isfinite(value):
        msg = "expected a finite number"
        raise ValueError(msg)
    return value


def _code(value: Any) -> str:
    # YAML reads an unquoted `1.1` as a float; say so instead of "input should be a string".
    if not isinstance(value, str):
        msg = f"expected a text code, found {type(value).__name__} {value!r}; quote codes such as '1.1' in YAML"
        raise ValueError(msg)
    if not value.strip() or value != value.strip():
        msg = f"code {value!r} must be non-empty text without surrounding spaces"
        raise ValueError(msg)
    return value


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        msg = (
            f"item id {value!r} must be lower-case letters, digits and '_', starting with a letter"
        )
        raise ValueError(msg)
    return value


Scalar = Annotated[
    int | float | str,
    PlainValidator(_scalar),
    WithJsonSchema({"type": ["integer", "number", "string"]}),
]
"""A response value or code: a finite number or a text value, never a bool or a container."""

Code = Annotated[str, PlainValidator(_code), WithJsonSchema({"type": "string", "minLength": 1})]
"""A code naming a dimension, sub-dimension, indicator or weighted total (e.g. ``'1.1'``)."""

Identifier = Annotated[
    str,
    PlainValidator(_identifier),
    WithJsonSchema({"type": "string", "pattern": _IDENTIFIER.pattern}),
]
"""A codebook item id: a snake_case name that is also a valid data-column name."""

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class LocalisedText(SpecModel):
    """A label in Vietnamese and English.

    Examples
    --------
    >>> LocalisedText(vi="Tri thức công dân", en="Civic Knowledge").en
    'Civic Knowledge'
    """

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Bounds(SpecModel):
    """A closed theoretical range ``[min, max]`` with ``min < max``.

    Examples
    --------
    >>> Bounds(min=0.25, max=2.5).span
    2.25
    """

    min: FiniteFloat
    max: FiniteFloat

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if not self.min < self.max:
            msg = f"`min` ({self.min}) must be below `max` ({self.max})"
            raise ValueError(msg)
        return self

    @property
    def span(self) -> float:
        """Width of the range, ``max - min``."""
        return self.max - self.min
