"""Shared fixtures: paths resolved from this file, never from the working directory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from govindex.official import bundled_data_dir

TESTS = Path(__file__).parent
REFERENCE = TESTS / "reference" / "survey"
# The official PAPI record: the CSVs bundled with the package and, in tests/data/papi, the
# official workbook (see tests/data/papi/README.md). Nothing is read from outside the repository.
PAPI_DATA = bundled_data_dir()


def require_program(program: str, installed_by: str) -> None:
    """Fail (never skip) when a program the suite checks against is missing: a skipped
    comparison with R or Spark would pass silently. ``bash scripts/test`` installs them."""
    if shutil.which(program) is None:
        pytest.fail(
            f"`{program}` is not installed; run `bash scripts/test`, which installs {installed_by}",
            pytrace=False,
        )


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


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# One Chromium for the whole session, shared by the dashboard's and the feedback service's
# browser tests: Playwright's sync API keeps its event loop on the main thread, so a second
# `sync_playwright()` in the same session would be refused.
@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium with its background network traffic switched off."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is not installed ({CHROMIUM}); run `bash scripts/test`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-default-apps",
                "--disable-domain-reliability",
                "--metrics-recording-only",
            ],
        )
        yield browser
        browser.close()
