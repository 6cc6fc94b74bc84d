"""Fixtures for the synthetic-survey tests: one SYNTHETIC 2024 survey per session."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA

from govindex.spec import IndexSpec, load_spec
from govindex.synthetic import (
    SyntheticSurvey,
    load_size_classes,
    province_table,
    synthesise_papi,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"
SEED = 20240415


@pytest.fixture(scope="session")
def spec() -> IndexSpec:
    """The shipped PAPI 2024 spec."""
    return load_spec(SPEC)


@pytest.fixture(scope="session")
def published() -> pl.DataFrame:
    """The official published scores (targets and province names)."""
    return pl.read_csv(PAPI_DATA / "published_scores.csv")


@pytest.fixture(scope="session")
def provinces(published: pl.DataFrame) -> pl.DataFrame:
    """The 63 provinces with their size classes."""
    return province_table(published["province"].unique(), load_size_classes())


@pytest.fixture(scope="session")
def survey(spec: IndexSpec, published: pl.DataFrame, provinces: pl.DataFrame) -> SyntheticSurvey:
    """A SYNTHETIC 2024 survey (about 2 s to build)."""
    return synthesise_papi(spec, seed=SEED, targets=published, provinces=provinces, year=2024)
