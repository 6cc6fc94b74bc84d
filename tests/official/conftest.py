"""Fixtures for the official-record tests: the shared PAPI data, resolved from this file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from govindex.official import (
    OfficialWorkbook,
    ProvinceLookup,
    load_province_lookup,
    load_published_record,
    read_official_workbook,
)

PAPI_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "papi"
WORKBOOK = PAPI_DATA / "official" / "PAPI-2015-2023-eng.xlsm"


@pytest.fixture(scope="session")
def workbook_path() -> Path:
    """The shared copy of the official workbook."""
    return WORKBOOK


@pytest.fixture(scope="session")
def provinces() -> ProvinceLookup:
    """The lookup built from the shared mapping and published-scores CSVs."""
    return load_province_lookup(PAPI_DATA)


@pytest.fixture(scope="session")
def workbook(provinces: ProvinceLookup) -> OfficialWorkbook:
    """The shared copy of the official workbook, read once per session (about 1 s)."""
    return read_official_workbook(WORKBOOK, provinces=provinces)


@pytest.fixture(scope="session")
def published() -> pl.DataFrame:
    """The bundled official record from the shared CSVs."""
    return load_published_record(PAPI_DATA)
