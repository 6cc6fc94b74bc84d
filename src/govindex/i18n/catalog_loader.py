"""Loading the label catalogs and looking labels up."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal

from govindex.errors import NotFound, SpecError

__all__ = ["LANGUAGES", "Language", "Translator", "labels", "translate"]

Language = Literal["en", "vi"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
"""The languages every label exists in; Vietnamese first, as the dashboard opens in it."""


@cache
def labels() -> MappingProxyType[str, MappingProxyType[str, str]]:
    """Return every label of every catalog: ``key → {"en": ..., "vi": ...}``.

    Raises :class:`SpecError` naming the catalog and key if a key repeats across catalogs
    or lacks a language.

    Examples
    --------
    >>> sorted(labels()["language.name"])
    ['en', 'vi']
    """
    merged: dict[str, MappingProxyType[str, str]] = {}
    origin: dict[str, str] = {}
    folder = resources.files("govindex.i18n").joinpath("catalog")
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json"):
            continue
        catalog = json.loads(entry.read_text("utf-8"))
        for key, texts in catalog.items():
            where = f"govindex/i18n/catalog/{entry.name}: {key}"
            if key in merged:
                msg = f"label `{key}` is defined in both {origin[key]} and {entry.name}."
                raise SpecError(msg, where=where, found=key)
            missing = [code for code in LANGUAGES if not str(texts.get(code, "")).strip()]
            if missing:
                msg = f"label `{key}` has no text in {missing}."
                raise SpecError(msg, where=where, found=texts, expected=list(LANGUAGES))
            merged[key] = MappingProxyType({code: str(texts[code]) for code in LANGUAGES})
            origin[key] = entry.name
    return MappingProxyType(merged)


def translate(key: str, language: str) -> str:
    """Return the label ``key`` in ``language`` (``"vi"`` or ``"en"``).

    Examples
    --------
    >>> translate("language.name", "vi")
    'Tiếng Việt'
    """
    if language not in LANGUAGES:
        msg = f"language must be one of {list(LANGUAGES)}; got {language!r}."
        raise SpecError(msg, where="lang", found=language, expected=list(LANGUAGES))
    found = labels().get(key)
    if found is None:
        msg = f"no label `{key}` in the catalogs."
        raise NotFound(msg, where="label", found=key)
    return found[language]


class Translator:
    """Labels of one language, callable: ``t("nav.overview")``.

    Examples
    --------
    >>> Translator("en")("language.name")
    'English'
    """

    def __init__(self, language: str) -> None:
        translate("language.name", language)
        self.language = language

    def __call__(self, key: str) -> str:
        return translate(key, self.language)
