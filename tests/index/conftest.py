"""Fixtures for the index tests: the PAPI 2024 spec and one SYNTHETIC survey per session."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA

from govindex.index import IndexBuilder, IndexResult
from govindex.spec import IndexSpec, load_spec
from govindex.synthetic import SyntheticSurvey, load_size_classes, province_table, synthesise_papi

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"
SEED = 20240501


@pytest.fixture(scope="session")
def spec() -> IndexSpec:
    """The shipped PAPI 2024 spec."""
    return load_spec(SPEC)


@pytest.fixture(scope="session")
def published() -> pl.DataFrame:
    """The official published scores (targets and province names for synthetic data)."""
    return pl.read_csv(PAPI_DATA / "published_scores.csv")


@pytest.fixture(scope="session")
def provinces(published: pl.DataFrame) -> pl.DataFrame:
    """The 63 provinces with their size classes."""
    return province_table(published["province"].unique(), load_size_classes())


@pytest.fixture(scope="session")
def survey(spec: IndexSpec, published: pl.DataFrame, provinces: pl.DataFrame) -> SyntheticSurvey:
    """A full-size SYNTHETIC 2024 survey (about 18,600 respondents, 2 s)."""
    return synthesise_papi(spec, seed=SEED, targets=published, provinces=provinces)


@pytest.fixture(scope="session")
def jackknife(spec: IndexSpec, survey: SyntheticSurvey) -> IndexResult:
    """The index with JKn replicate variance."""
    return IndexBuilder(spec, variance="jkn").run(survey.microdata)


@pytest.fixture(scope="session")
def taylor(spec: IndexSpec, survey: SyntheticSurvey) -> IndexResult:
    """The index with Taylor (delta-method) variance."""
    return IndexBuilder(spec, variance="taylor").run(survey.microdata)
