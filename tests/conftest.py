"""Shared fixtures: paths resolved from this file, never from the working directory."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

TESTS = Path(__file__).parent
REFERENCE = TESTS / "reference" / "survey"
SHARED = TESTS.parent.parent / "shared"


@pytest.fixture
def reference_data() -> dict[str, pl.DataFrame]:
    """The R `api` and `nhanes` data sets exactly as the R reference scripts read them."""
    folder = REFERENCE / "data"
    return {
        path.stem: pl.read_csv(path, null_values="", infer_schema_length=None)
        for path in sorted(folder.glob("*.csv"))
    }
