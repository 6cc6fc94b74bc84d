"""Numbers, names and labels as a page shows them, in Vietnamese or English.

Vietnamese pages write decimals with a comma (43,43), as PAPI's Vietnamese reports do
(:func:`govindex.i18n.numbers.format_number`).
A suppressed or withheld cell is never a number: it is the words that say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from govindex.i18n import Translator
from govindex.i18n.numbers import format_number

__all__ = ["Formatter", "json_for_script"]

_MISSING = "—"


def json_for_script(value: Any) -> Markup:
    """``value`` as JSON that is safe inside a ``<script>`` element.

    Examples
    --------
    >>> str(json_for_script({"a": "</script>"}))
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    import json

    text = json.dumps(value, ensure_ascii=False)
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, escaped)
    return Markup(text)


class Formatter:
    """Formats one page's numbers and labels in ``language``.

    Examples
    --------
    >>> Formatter("vi").number(43.4337)
    '43,43'
    >>> Formatter("en").cell({"estimate": None, "suppressed": True}, "estimate")
    'suppressed (too few respondents)'
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self.translate = Translator(language)

    def __call__(self, key: str, **values: Any) -> str:
        """The label ``key``, with ``{name}`` placeholders filled from ``values``."""
        text = self.translate(key)
        return text.format(**values) if values else text

    def number(self, value: Any, digits: int = 2) -> str:
        """A number with ``digits`` decimals (``—`` when there is none)."""
        return format_number(value, self.language, digits, missing=_MISSING)

    def signed(self, value: Any, digits: int = 2) -> str:
        """A change with its sign (``+0,41``)."""
        if value is None:
            return _MISSING
        text = self.number(abs(float(value)), digits)
        return ("+" if float(value) > 0 else "−" if float(value) < 0 else "±") + text

    def hidden(self, row: Mapping[str, Any]) -> str | None:
        """Why a row has no numbers (suppressed or withheld), or ``None`` if it has them."""
        if row.get("suppressed"):
            return self("value.suppressed")
        if row.get("withheld"):
            return self("value.withheld")
        return None

    def cell(self, row: Mapping[str, Any], column: str, digits: int = 2) -> str:
        """One numeric cell of a row, or the reason it is empty."""
        reason = self.hidden(row)
        if reason is not None:
            return reason
        return self.number(row.get(column), digits)

    def interval(self, low: Any, high: Any, digits: int = 2) -> str:
        """``low–high``, or ``—`` when either end is missing."""
        if low is None or high is None:
            return _MISSING
        return f"{self.number(low, digits)}–{self.number(high, digits)}"

    def rank_interval(self, row: Mapping[str, Any]) -> str:
        """``rank_low–rank_high`` where the run has rank intervals."""
        low, high = row.get("rank_low"), row.get("rank_high")
        if low is None or high is None:
            return _MISSING
        return f"{low}–{high}"

    def rank(self, row: Mapping[str, Any]) -> str:
        """The rank, or ``—``."""
        return _MISSING if row.get("rank") is None else str(row["rank"])

    def group(self, key: Any) -> str:
        """The label of a performance group key (``best`` …) or of no group."""
        return self(f"group.{key}") if key else self("group.none")

    def provinces(self, names: str) -> str:
        """Comma-separated province names (govindex spelling) in the page language.

        Examples
        --------
        >>> Formatter("vi").provinces("Ba Ria-Vung Tau, Hue"), Formatter("en").provinces("Hue")
        ('Bà Rịa - Vũng Tàu, Huế', 'Hue')
        """
        if self.language != "vi" or not names:
            return names
        from govindex.official import vietnamese_name

        return ", ".join(vietnamese_name(name) for name in names.split(", "))

    def name(self, row: Mapping[str, Any], column: str = "name") -> str:
        """The item or province name in the page language (``name_vi``/``name_en``)."""
        if column == "province":
            english = row.get("province")
            return str(row.get("province_vi") or english) if self.language == "vi" else str(english)
        preferred = row.get(f"{column}_{self.language}") or row.get(f"{column}_en")
        return str(preferred or row.get("code") or "")

    def level(self, level: str) -> str:
        """The label of an item level (total, dimension, ...)."""
        return self(f"level.{level}")

    def item(self, item: Mapping[str, Any]) -> str:
        """An item with its code: ``Dimension 4 · Control of corruption``."""
        name = self.name(item)
        if item.get("level") == "total":
            return name
        return f"{item.get('code')} · {name}"
