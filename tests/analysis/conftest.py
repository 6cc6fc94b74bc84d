"""Fixtures for the analysis tests: the bundled PAPI record."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA

from govindex.official import load_published_record


@pytest.fixture(scope="session")
def papi_data() -> Path:
    """The bundled folder of official PAPI CSVs."""
    return PAPI_DATA


@pytest.fixture(scope="session")
def record() -> pl.DataFrame:
    """The official record loaded from the bundled CSVs."""
    return load_published_record(PAPI_DATA)


@pytest.fixture(scope="session")
def published_rows() -> list[dict[str, str]]:
    """``published_scores.csv`` read with the csv module, for hand computations."""
    with (PAPI_DATA / "published_scores.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def mapping() -> pl.DataFrame:
    """``province_mapping_2025.csv``."""
    return pl.read_csv(PAPI_DATA / "province_mapping_2025.csv")
