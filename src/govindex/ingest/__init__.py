"""Microdata in: read survey files into polars frames, keeping value labels."""

from govindex.ingest.readers import SUPPORTED_SUFFIXES, TableFile, read_table

__all__ = ["SUPPORTED_SUFFIXES", "TableFile", "read_table"]
