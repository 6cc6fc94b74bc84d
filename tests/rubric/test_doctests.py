"""The docstring examples of the rubric core and the assessment shell run and pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import govindex.assessment
import govindex.rubric

MODULES = [
    *sorted(
        f"{package.__name__}.{info.name}"
        for package in (govindex.rubric, govindex.assessment)
        for info in pkgutil.iter_modules(package.__path__)
    ),
    "govindex.cli.par",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
