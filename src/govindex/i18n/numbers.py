"""Numbers written the way a reader of each language expects, from the CLDR locale data.

Vietnamese writes ``1.234,56`` (decimal comma, dot grouping), as PAPI's Vietnamese reports
do; English writes ``1,234.56``. The marks come from babel's CLDR data for the language,
never from a hand-written swap of characters, so the web pages, charts, PDFs and workbooks
all write a number the same way.

Rounding: the float is handed to babel as its exact binary value (``Decimal(value)``), so
``2.675`` (stored as 2.67499…) rounds to ``2.67`` as Python's own formatting does; babel's
default (``Decimal(str(value))``) would round it to ``2.68``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache, lru_cache
from numbers import Real
from typing import NamedTuple

from babel import Locale
from babel.numbers import NumberPattern, get_decimal_symbol, get_group_symbol, parse_pattern

from govindex.i18n.catalog_loader import LANGUAGES

__all__ = ["NumberMarks", "format_number", "number_marks"]


class NumberMarks(NamedTuple):
    """A language's decimal mark and thousands separator."""

    decimal: str
    group: str


@cache
def _locale(language: str) -> Locale:
    if language not in LANGUAGES:
        msg = f"language must be one of {list(LANGUAGES)}; got {language!r}."
        raise ValueError(msg)
    return Locale.parse(language)


@cache
def _pattern(digits: int) -> NumberPattern:
    # Grouped thousands and exactly ``digits`` decimals, whatever the locale's own default.
    return parse_pattern("#,##0" + ("." + "0" * digits if digits > 0 else ""))


def number_marks(language: str) -> NumberMarks:
    """The decimal mark and grouping separator of ``language`` (``"vi"`` or ``"en"``).

    Examples
    --------
    >>> number_marks("vi"), number_marks("en")
    (NumberMarks(decimal=',', group='.'), NumberMarks(decimal='.', group=','))
    """
    locale = _locale(language)
    return NumberMarks(decimal=get_decimal_symbol(locale), group=get_group_symbol(locale))


def format_number(
    value: Real | float | int | None, language: str, digits: int = 2, *, missing: str = "—"
) -> str:
    """``value`` with ``digits`` decimals and thousands grouped, in ``language``.

    ``missing`` is written for ``None`` and for a value that is not finite (NaN, ±∞): a
    page never shows ``nan``.

    Examples
    --------
    >>> format_number(43.4337, "vi"), format_number(43.4337, "en")
    ('43,43', '43.43')
    >>> format_number(1234567.891, "vi", 1), format_number(1234567.891, "en", 0)
    ('1.234.567,9', '1,234,568')
    >>> format_number(None, "vi"), format_number(float("nan"), "en", missing="–")
    ('—', '–')
    """
    if value is None:
        return missing
    number = float(value)
    if not math.isfinite(number):
        return missing
    # The sign is part of the key: -0.0 equals 0.0 but is written "-0,00".
    return _formatted(number, math.copysign(1.0, number) < 0, language, digits)


@lru_cache(maxsize=1 << 16)
def _formatted(number: float, negative: bool, language: str, digits: int) -> str:
    # Pages repeat the same counts and shares many times (a unit's heatmap, the exported
    # site's thousands of pages), and babel takes ~10 µs a number: each is written once.
    return str(_pattern(digits).apply(Decimal(number), _locale(language)))
