"""The bundled form definitions, read once for the tests."""

from __future__ import annotations

from functools import cache

from govindex.feedback.forms import FormDefinition
from govindex.feedback.settings import bundled_forms


@cache
def quang_ninh_form() -> FormDefinition:
    return bundled_forms()["quang-ninh@1"]


@cache
def default_form() -> FormDefinition:
    return bundled_forms()["default@1"]
