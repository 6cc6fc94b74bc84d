"""Fixtures for the official-record tests: the bundled PAPI record and the workbook fixture."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA, WORKBOOK

from govindex.official import (
    OfficialWorkbook,
    ProvinceLookup,
    load_province_lookup,
    load_published_record,
    read_official_workbook,
)


@pytest.fixture(scope="session")
def workbook_path() -> Path:
    """The copy of the official workbook in tests/data/papi."""
    return WORKBOOK


@pytest.fixture(scope="session")
def provinces() -> ProvinceLookup:
    """The lookup built from the bundled mapping and published-scores CSVs."""
    return load_province_lookup(PAPI_DATA)


@pytest.fixture(scope="session")
def workbook(provinces: ProvinceLookup) -> OfficialWorkbook:
    """The official workbook, read once per session (about 1 s)."""
    return read_official_workbook(WORKBOOK, provinces=provinces)


@pytest.fixture(scope="session")
def published() -> pl.DataFrame:
    """The bundled official record."""
    return load_published_record(PAPI_DATA)
