"""Fixtures for the ingest tests: the PAPI spec, a SYNTHETIC survey, and a small hand-made file.

The small spec keeps six items of the PAPI codebook (one of each type, a gate and a
follow-up), so hand-made frames can be checked cell by cell (see ``samples.py``).
"""

from __future__ import annotations

import polars as pl
import pytest
from tests.conftest import PAPI_DATA
from tests.ingest import samples

from govindex.spec import IndexSpec


@pytest.fixture(scope="session")
def papi_spec() -> IndexSpec:
    """The shipped PAPI 2024 spec."""
    return samples.papi_spec()


@pytest.fixture(scope="session")
def synthetic_microdata() -> pl.DataFrame:
    """A whole SYNTHETIC 2024 survey (about 19,000 respondents; about 2 s to build)."""
    synthetic = pytest.importorskip("govindex.synthetic")
    published = pl.read_csv(PAPI_DATA / "published_scores.csv")
    provinces = synthetic.province_table(
        published["province"].unique(), synthetic.load_size_classes()
    )
    survey = synthetic.synthesise_papi(
        samples.papi_spec(), seed=20240601, targets=published, provinces=provinces, year=2024
    )
    frame: pl.DataFrame = survey.microdata
    return frame


@pytest.fixture(scope="session")
def small_spec() -> IndexSpec:
    """The PAPI spec with its codebook cut to six items."""
    return samples.small_spec()


@pytest.fixture
def small_frame() -> pl.DataFrame:
    """Six valid respondents for ``small_spec``; the follow-up applies to rows 1, 3, 4."""
    return samples.small_frame()
