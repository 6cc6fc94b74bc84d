"""The codebook: every survey item the index reads, and the tiny filter grammar for skip logic.

A filter (``applies_to``) says which respondents an item or indicator concerns, e.g. only
land-title applicants. The grammar is deliberately tiny and data-only, never evaluated code::

    {item: q_land_applied, equals: 1}
    {item: q_water_source, in: [5, 6]}
    {item: q_water_source, not_in: [1, 2]}
    {all: [<filter>, ...]}   {any: [<filter>, ...]}   {not: <filter>}
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from govindex.spec._base import Bounds, Identifier, LocalisedText, Scalar, SpecModel

__all__ = ["Codebook", "Condition", "Item", "ItemType", "ValueLabel"]

ItemType = Literal["binary", "ordinal", "numeric", "categorical"]

MAXIMUM_FILTER_DEPTH = 5
"""Deeper nesting is refused: a readable filter never needs it, and it bounds the checks."""

_OPERATORS = ("equals", "in", "not_in", "all", "any", "not")


class Condition(SpecModel):
    """One filter expression: exactly one operator, with ``item`` for the comparisons.

    Examples
    --------
    >>> land = Condition.model_validate({"item": "q_land_applied", "equals": 1})
    >>> (land.operator, land.referenced_items())
    ('equals', ('q_land_applied',))
    >>> either = Condition.model_validate({"any": [{"item": "a", "equals": 1},
    ...                                            {"item": "b", "in": [1, 2]}]})
    >>> either.referenced_items()
    ('a', 'b')
    """

    item: Identifier | None = None
    equals: Scalar | None = None
    values_in: tuple[Scalar, ...] | None = Field(default=None, alias="in", min_length=1)
    values_not_in: tuple[Scalar, ...] | None = Field(default=None, alias="not_in", min_length=1)
    all_of: tuple[Condition, ...] | None = Field(default=None, alias="all", min_length=1)
    any_of: tuple[Condition, ...] | None = Field(default=None, alias="any", min_length=1)
    negated: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        present = [name for name in _OPERATORS if self._operand(name) is not None]
        if len(present) != 1:
            found = ", ".join(f"`{name}`" for name in present) or "none"
            options = ", ".join(f"`{name}`" for name in _OPERATORS)
            msg = f"a filter needs exactly one of {options} (found: {found})"
            raise ValueError(msg)
        comparison = present[0] in ("equals", "in", "not_in")
        if comparison and self.item is None:
            msg = f"a `{present[0]}` filter needs `item`"
            raise ValueError(msg)
        if not comparison and self.item is not None:
            msg = f"`item` belongs inside the conditions of `{present[0]}`, not beside it"
            raise ValueError(msg)
        if self.depth() > MAXIMUM_FILTER_DEPTH:
            msg = f"filters may nest at most {MAXIMUM_FILTER_DEPTH} levels deep"
            raise ValueError(msg)
        return self

    def _operand(self, name: str) -> object:
        return {
            "equals": self.equals,
            "in": self.values_in,
            "not_in": self.values_not_in,
            "all": self.all_of,
            "any": self.any_of,
            "not": self.negated,
        }[name]

    @property
    def operator(self) -> str:
        """The operator's YAML key: one of ``equals, in, not_in, all, any, not``."""
        return next(name for name in _OPERATORS if self._operand(name) is not None)

    @property
    def children(self) -> tuple[Condition, ...]:
        """The nested conditions of ``all``/``any``/``not`` (empty for comparisons)."""
        if self.negated is not None:
            return (self.negated,)
        return self.all_of or self.any_of or ()

    @property
    def compared_values(self) -> tuple[int | float | str, ...]:
        """The values a comparison tests against (empty for ``all``/``any``/``not``)."""
        if self.equals is not None:
            return (self.equals,)
        return self.values_in or self.values_not_in or ()

    def depth(self) -> int:
        """Nesting depth: 1 for a comparison."""
        return 1 + max((child.depth() for child in self.children), default=0)

    def comparisons(self) -> tuple[Condition, ...]:
        """Every comparison (``equals``/``in``/``not_in``) in this filter, depth first."""
        if self.item is not None:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.comparisons())

    def referenced_items(self) -> tuple[str, ...]:
        """Item ids the filter reads, in order of appearance, without repeats."""
        seen = dict.fromkeys(leaf.item for leaf in self.comparisons() if leaf.item is not None)
        return tuple(seen)


class ValueLabel(SpecModel):
    """The meaning of one response code."""

    value: Scalar
    label: LocalisedText


class Item(SpecModel):
    """One survey question (or derived respondent-level variable) as the data carries it.

    ``values`` lists the valid codes (binary: defaults to 0/1; ordinal and categorical:
    required); ``range`` is the theoretical range of a numeric item. ``missing_codes`` are
    recoded to missing before anything else. ``applies_to`` is the skip logic: respondents it
    excludes were not asked.

    Examples
    --------
    >>> item = Item.model_validate({"id": "q_satisfied", "type": "ordinal",
    ...     "label": {"vi": "Mức độ hài lòng", "en": "Satisfaction"},
    ...     "values": [1, 2, 3, 4, 5], "missing_codes": [98, 99]})
    >>> item.theoretical_range
    Bounds(min=1.0, max=5.0)
    """

    id: Identifier
    type: ItemType
    label: LocalisedText
    values: tuple[Scalar, ...] | None = Field(default=None, min_length=2)
    range: Bounds | None = None
    missing_codes: tuple[Scalar, ...] = ()
    value_labels: tuple[ValueLabel, ...] = ()
    applies_to: Condition | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        problems: list[str] = []
        if self.type == "numeric" and self.range is None:
            problems.append("a numeric item needs `range`")
        if self.type in ("ordinal", "categorical") and self.values is None:
            problems.append(f"an {self.type} item needs `values`")
        if self.type != "numeric" and self.range is not None:
            problems.append("`range` is for numeric items; list `values` instead")
        if self.type == "numeric" and self.values is not None:
            problems.append("a numeric item takes `range`, not `values`")
        if self.type == "binary" and self.values is not None and len(self.values) != 2:
            problems.append(f"a binary item has exactly 2 values (found {len(self.values)})")
        numeric = all(isinstance(value, int | float) for value in self.values or ())
        if self.type in ("binary", "ordinal") and not numeric:
            problems.append(f"{self.type} values must be numbers")
        if self.values is not None and len(set(self.values)) != len(self.values):
            problems.append("`values` has repeats")
        overlap = [code for code in self.missing_codes if self.is_valid_value(code)]
        if overlap:
            problems.append(f"missing codes {overlap} are also valid values")
        unknown = [
            label.value for label in self.value_labels if not self.is_valid_value(label.value)
        ]
        if unknown:
            problems.append(f"value labels for {unknown}, which are not valid values")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def valid_values(self) -> tuple[int | float | str, ...] | None:
        """The enumerated valid codes, or ``None`` for a numeric item (see ``range``)."""
        if self.values is not None:
            return self.values
        return (0, 1) if self.type == "binary" else None

    @property
    def theoretical_range(self) -> Bounds | None:
        """The range scores are rescaled by; ``None`` for categorical items."""
        if self.range is not None:
            return self.range
        values = self.valid_values
        if self.type == "categorical" or values is None:
            return None
        numbers = [float(value) for value in values if isinstance(value, int | float)]
        if len(numbers) < 2 or min(numbers) == max(numbers):
            return None
        return Bounds(min=min(numbers), max=max(numbers))

    def is_valid_value(self, value: int | float | str) -> bool:
        """Whether ``value`` is a valid (non-missing) response for this item."""
        values = self.valid_values
        if values is not None:
            return value in values
        if self.range is None or isinstance(value, str):
            return False
        return self.range.min <= value <= self.range.max


class Codebook(SpecModel):
    """All items, in questionnaire order."""

    items: tuple[Item, ...] = Field(min_length=1)

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id`` (``KeyError`` when absent; the spec has been checked)."""
        return self.by_id()[item_id]

    def by_id(self) -> dict[str, Item]:
        """A new ``{id: item}`` mapping."""
        return {item.id: item for item in self.items}
