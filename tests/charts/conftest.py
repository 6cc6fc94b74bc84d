"""Fixtures for the chart tests: the dashboard of a demo store (official record + SYNTHETIC run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govindex.views import Dashboard, View


@pytest.fixture(scope="session")
def dashboard(demo_store: Path) -> Dashboard:
    """Every view of the session's demo store (read-only)."""
    return Dashboard.open(demo_store)


@pytest.fixture(scope="session")
def synthetic_run(dashboard: Dashboard) -> str:
    """The id of the demo store's SYNTHETIC microdata run."""
    runs = dashboard.snapshot.datasets.filter("synthetic")["run_id"].unique().to_list()
    assert len(runs) == 1
    return str(runs[0])


@pytest.fixture(scope="session")
def views(dashboard: Dashboard, synthetic_run: str) -> dict[str, View]:
    """One view of every kind with charts, published and SYNTHETIC."""
    return {
        "overview-2024": dashboard.overview(year=2024),
        "overview-2013-dimension": dashboard.overview(year=2013, level="dimension", code="4"),
        "overview-synthetic": dashboard.overview(run_id=synthetic_run),
        "profile-2024": dashboard.profile("Hà Nội", year=2024),
        "profile-synthetic": dashboard.profile("Lào Cai", run_id=synthetic_run),
        "compare-2024": dashboard.compare(["Ha Noi", "Da Nang", "Hue"], year=2024),
        "compare-synthetic": dashboard.compare(["Ha Noi", "Can Tho"], run_id=synthetic_run),
        "indicator-published": dashboard.explore_item(level="dimension", code="4"),
        "indicator-synthetic": dashboard.explore_item(
            level="total", code="total", run_id=synthetic_run
        ),
    }
