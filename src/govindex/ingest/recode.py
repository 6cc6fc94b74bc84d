"""Codebook-driven recoding: raw answer columns as the codebook compares them.

A data file stores answers however its writer chose: integers, floats, text ("3", " 3 "),
booleans. These expressions turn a column into the values the codebook speaks of (numbers,
or text for items with text codes), say which cells hold an answer at all, and evaluate the
``applies_to`` skip logic. Nothing here raises on bad values: a cell that cannot be read as
the item's type becomes ``null`` in the value and is flagged by :func:`unreadable_expression`.

Value labels are not touched: they stay on the :class:`~govindex.ingest.TableFile`.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from govindex.spec import Condition, IndexSpec, Item

__all__ = [
    "applies_expression",
    "codes_for",
    "describe_condition",
    "is_text_coded",
    "matches_any",
    "number_expression",
    "present_expression",
    "recode_missing",
    "unreadable_expression",
    "value_expression",
]

_TEXT_TYPES = (pl.String, pl.Categorical, pl.Enum)


def is_text_coded(item: Item) -> bool:
    """Whether the item's codes include text (then values are compared as text).

    Examples
    --------
    >>> is_text_coded(Item.model_validate({"id": "a", "type": "categorical",
    ...     "label": {"vi": "a", "en": "a"}, "values": ["x", "y"]}))
    True
    """
    return any(isinstance(code, str) for code in (*(item.values or ()), *item.missing_codes))


def _is_text(dtype: pl.DataType) -> bool:
    return any(dtype == text for text in _TEXT_TYPES)


def _is_readable(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() or dtype == pl.Boolean or dtype == pl.Null or _is_text(dtype)


def present_expression(column: str, dtype: pl.DataType) -> pl.Expr:
    """True where the cell holds something: not null, not NaN, not blank text.

    Examples
    --------
    >>> frame = pl.DataFrame({"a": ["1", " ", None]})
    >>> frame.select(present_expression("a", pl.String())).to_series().to_list()
    [True, False, False]
    """
    expression = pl.col(column).is_not_null()
    if _is_text(dtype):
        expression = expression & (pl.col(column).cast(pl.String).str.strip_chars() != "")
    elif dtype.is_float():
        expression = expression & pl.col(column).is_not_nan()
    return expression.fill_null(False)


def number_expression(column: str, dtype: pl.DataType) -> pl.Expr:
    """The column as ``Float64``: text is parsed, NaN and unreadable cells become null.

    Examples
    --------
    >>> frame = pl.DataFrame({"a": [" 2 ", "x", None]})
    >>> frame.select(number_expression("a", pl.String())).to_series().to_list()
    [2.0, None, None]
    """
    source = pl.col(column)
    if _is_text(dtype):
        parsed = source.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    elif dtype.is_numeric() or dtype == pl.Boolean or dtype == pl.Null:
        parsed = source.cast(pl.Float64, strict=False)
    else:
        return pl.lit(None, dtype=pl.Float64)
    return parsed.fill_nan(None)


def value_expression(item: Item, dtype: pl.DataType) -> pl.Expr:
    """The item's column as the codebook compares it: ``Float64``, or ``String`` for text codes.

    Examples
    --------
    >>> item = Item.model_validate({"id": "q", "type": "binary", "label": {"vi": "q", "en": "q"}})
    >>> frame = pl.DataFrame({"q": ["1", "yes"]})
    >>> frame.select(value_expression(item, pl.String())).to_series().to_list()
    [1.0, None]
    """
    if not is_text_coded(item):
        return number_expression(item.id, dtype)
    if not _is_readable(dtype):
        return pl.lit(None, dtype=pl.String)
    text = pl.col(item.id).cast(pl.String, strict=False).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def unreadable_expression(item: Item, dtype: pl.DataType) -> pl.Expr:
    """True where a cell holds something that is not a value of the item's type (text in a number).

    Examples
    --------
    >>> item = Item.model_validate({"id": "q", "type": "binary", "label": {"vi": "q", "en": "q"}})
    >>> frame = pl.DataFrame({"q": ["1", "yes", None]})
    >>> frame.select(unreadable_expression(item, pl.String())).to_series().to_list()
    [False, True, False]
    """
    present = present_expression(item.id, dtype)
    return (present & value_expression(item, dtype).is_null()).fill_null(False)


def codes_for(item: Item, codes: tuple[int | float | str, ...]) -> list[float] | list[str]:
    """``codes`` in the type :func:`value_expression` gives the item (numbers or text)."""
    if is_text_coded(item):
        return [str(code) for code in codes]
    return [float(code) for code in codes if not isinstance(code, str)]


def matches_any(value: pl.Expr, codes: list[float] | list[str]) -> pl.Expr:
    """True where ``value`` is one of ``codes`` (false for null, and for no codes)."""
    if not codes:
        return pl.lit(False)
    return value.is_in(list(codes)).fill_null(False)


def applies_expression(
    condition: Condition | None, values: Mapping[str, pl.Expr], items: Mapping[str, Item]
) -> pl.Expr:
    """True for rows the filter selects; a comparison on a blank or missing-coded gate is false.

    ``values`` maps each gate item id to its value expression (see :func:`value_expression`).

    Examples
    --------
    >>> gate = Item.model_validate({"id": "g", "type": "binary", "label": {"vi": "g", "en": "g"},
    ...                             "missing_codes": [-9]})
    >>> rule = Condition.model_validate({"item": "g", "equals": 1})
    >>> frame = pl.DataFrame({"g": [1.0, 0.0, -9.0, None]})
    >>> asked = applies_expression(rule, {"g": pl.col("g")}, {"g": gate})
    >>> frame.select(asked).to_series().to_list()
    [True, False, False, False]
    """
    if condition is None:
        return pl.lit(True)
    if condition.item is not None:
        gate = items[condition.item]
        value = values[condition.item]
        known = value.is_not_null() & ~matches_any(value, codes_for(gate, gate.missing_codes))
        matched = matches_any(value, codes_for(gate, condition.compared_values))
        if condition.operator == "not_in":
            matched = ~matched
        return (known & matched).fill_null(False)
    parts = [applies_expression(child, values, items) for child in condition.children]
    if condition.operator == "all":
        return pl.all_horizontal(parts)
    if condition.operator == "any":
        return pl.any_horizontal(parts)
    return ~parts[0]


def describe_condition(condition: Condition) -> str:
    """The filter as short readable text.

    Examples
    --------
    >>> describe_condition(Condition.model_validate(
    ...     {"all": [{"item": "a", "equals": 1}, {"item": "b", "not_in": [2, 3]}]}))
    'a = 1 and b not in [2, 3]'
    """
    if condition.item is not None:
        shown = ", ".join(str(value) for value in condition.compared_values)
        if condition.operator == "equals":
            return f"{condition.item} = {shown}"
        word = "in" if condition.operator == "in" else "not in"
        return f"{condition.item} {word} [{shown}]"
    parts = [describe_condition(child) for child in condition.children]
    if condition.operator == "not":
        return f"not ({parts[0]})"
    joiner = " and " if condition.operator == "all" else " or "
    return joiner.join(
        f"({part})" if child.item is None else part
        for part, child in zip(parts, condition.children, strict=True)
    )


def recode_missing(spec: IndexSpec, frame: pl.DataFrame) -> pl.DataFrame:
    """A new frame whose codebook items hold their values, declared missing codes as null.

    Items are parsed as :func:`value_expression` does; other columns are kept as they are.

    Examples
    --------
    >>> from govindex.spec import Codebook
    >>> codebook = Codebook.model_validate({"items": [{"id": "q", "type": "binary",
    ...     "label": {"vi": "q", "en": "q"}, "missing_codes": [-9]}]})
    >>> spec = type("Spec", (), {"codebook": codebook})()
    >>> recode_missing(spec, pl.DataFrame({"q": [1, -9, 0]}))["q"].to_list()
    [1.0, None, 0.0]
    """
    schema = frame.schema
    recoded = []
    for item in spec.codebook.items:
        if item.id not in schema:
            continue
        value = value_expression(item, schema[item.id])
        missing = matches_any(value, codes_for(item, item.missing_codes))
        recoded.append(pl.when(missing).then(None).otherwise(value).alias(item.id))
    return frame.with_columns(recoded)
