"""Shared fixtures: paths resolved from this file, never from the working directory."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from govindex.official import bundled_data_dir

TESTS = Path(__file__).parent
REFERENCE = TESTS / "reference" / "survey"
# The official PAPI record: the CSVs bundled with the package and, in tests/data/papi, the
# official workbook (see tests/data/papi/README.md). Nothing is read from outside the repository.
PAPI_DATA = bundled_data_dir()
WORKBOOK = TESTS / "data" / "papi" / "PAPI-2015-2023-eng.xlsm"


@pytest.fixture
def reference_data() -> dict[str, pl.DataFrame]:
    """The R `api` and `nhanes` data sets exactly as the R reference scripts read them."""
    folder = REFERENCE / "data"
    return {
        path.stem: pl.read_csv(path, null_values="", infer_schema_length=None)
        for path in sorted(folder.glob("*.csv"))
    }


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run store built exactly as `govindex demo --no-serve` builds it (once per session).

    It holds the official record 2011–2024 and one SYNTHETIC microdata run for 2024.
    Tests must treat it as read-only.
    """
    from govindex.application.demo import build_demo

    folder = tmp_path_factory.mktemp("demo")
    return build_demo(folder / "store.duckdb", folder / "files").store_path
