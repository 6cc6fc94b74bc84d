"""Fixtures for the SIPAS tests: the shipped spec, the 63 provinces, one SYNTHETIC survey."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA

from govindex.spec import IndexSpec, load_spec
from govindex.synthetic import SyntheticSurvey, load_size_classes, province_table
from govindex.synthetic.sipas import synthesise_sipas

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "sipas-2024.yaml"
HAND = ROOT / "tests" / "data" / "sipas" / "hand_microdata.csv"


@pytest.fixture(scope="session")
def sipas_spec() -> IndexSpec:
    """The shipped SIPAS 2024 spec."""
    return load_spec(SPEC)


@pytest.fixture(scope="session")
def provinces() -> pl.DataFrame:
    """The 63 provinces (names of the bundled PAPI record) with their size classes."""
    names = pl.read_csv(PAPI_DATA / "published_scores.csv")["province"].unique()
    return province_table(names, load_size_classes())


@pytest.fixture(scope="session")
def sipas_survey(sipas_spec: IndexSpec, provinces: pl.DataFrame) -> SyntheticSurvey:
    """A full-size SYNTHETIC SIPAS 2024 survey (36,288 respondents, about 2 s)."""
    return synthesise_sipas(sipas_spec, seed=20250406, provinces=provinces)


@pytest.fixture
def hand_microdata() -> pl.DataFrame:
    """The 64-respondent file of tests/data/sipas (see its README)."""
    return pl.read_csv(HAND, null_values="")
