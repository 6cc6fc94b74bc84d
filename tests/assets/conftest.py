"""Fixtures for the tests of the dashboard's offline assets."""

from __future__ import annotations

import pytest

from govindex.official import ProvinceLookup, bundled_data_dir, load_province_lookup


@pytest.fixture(scope="session")
def lookup() -> ProvinceLookup:
    """The province lookup built from the bundled CSVs."""
    return load_province_lookup(bundled_data_dir())
