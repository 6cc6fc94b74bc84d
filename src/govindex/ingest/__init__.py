"""Microdata in: read survey files into polars frames, keeping value labels; check them."""

from govindex.ingest.design_columns import DesignColumns, LonelyPSURule
from govindex.ingest.readers import SUPPORTED_SUFFIXES, TableFile, read_table
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
