"""Microdata in: read survey files into polars frames, keeping value labels; check them.

The checks against a spec (:mod:`govindex.ingest.validate`) are imported on first use: they
need the spec models (pydantic, PyYAML), which reading a file for ``govindex estimate``
does not.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from govindex.ingest.design_columns import DesignColumns, LonelyPSURule
from govindex.ingest.readers import SUPPORTED_SUFFIXES, TableFile, read_table

if TYPE_CHECKING:
    from govindex.ingest.validate import (
        Finding,
        ValidationReport,
        validate_microdata,
    )

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DesignColumns",
    "Finding",
    "LonelyPSURule",
    "TableFile",
    "ValidationReport",
    "read_table",
    "validate_microdata",
]

_VALIDATION_NAMES = frozenset({"Finding", "ValidationReport", "validate_microdata"})


def __getattr__(name: str) -> Any:
    if name in _VALIDATION_NAMES:
        return getattr(importlib.import_module("govindex.ingest.validate"), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
