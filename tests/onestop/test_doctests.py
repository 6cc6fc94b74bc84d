"""The docstring examples of the one-stop modules run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import govindex.onestop
import govindex.onestop_engines

MODULES = sorted(
    f"{package.__name__}.{info.name}"
    for package in (govindex.onestop, govindex.onestop_engines)
    for info in pkgutil.iter_modules(package.__path__)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
