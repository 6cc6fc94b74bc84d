"""The docstring examples of the application layer run and pass (so they stay true)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import govindex.application

MODULES = [
    "govindex.application",
    *sorted(
        f"govindex.application.{info.name}"
        for info in pkgutil.iter_modules(govindex.application.__path__)
    ),
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
