"""Fixtures for the run-store tests: a fresh store per test and small scores frames."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from govindex.manifest import RunManifest
from govindex.storage import RunStore


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "runs.duckdb"


@pytest.fixture
def store(store_path: Path) -> Iterator[RunStore]:
    opened = RunStore(store_path)
    yield opened
    opened.close()


def make_scores(estimates: dict[str, float | None], year: int = 2024) -> pl.DataFrame:
    """A total score per province; ``None`` marks a withheld value."""
    return pl.DataFrame(
        {
            "year": [year] * len(estimates),
            "province": list(estimates),
            "level": ["total"] * len(estimates),
            "code": ["total"] * len(estimates),
            "name": ["Total"] * len(estimates),
            "estimate": list(estimates.values()),
            "withheld": [value is None for value in estimates.values()],
        },
        schema_overrides={"estimate": pl.Float64},
    )


def make_manifest(
    data_hash: str = "data", supersedes: str | None = None, synthetic: bool = False
) -> RunManifest:
    return RunManifest.create(
        kind="microdata",
        spec_hash="spec",
        data_hash=data_hash,
        parameters={"normaliser": "minmax", "level": 0.9},
        source="unit test",
        seed=7,
        supersedes=supersedes,
        synthetic=synthetic,
    )
