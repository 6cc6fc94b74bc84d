"""The one-stop 766 pages in Chromium: the ranking, a unit's monitoring page, the period
selector and the language switch (a store with the official PAPI record and a SYNTHETIC
one-stop run scored by month and by quarter, :mod:`tests.web.onestop_store`)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.conftest import serve
from tests.web.onestop_store import build_onestop_store

from govindex.i18n import translate

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def onestop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store, _ = build_onestop_store(tmp_path_factory.mktemp("onestop-browser"), with_record=True)
    yield from serve(store)


@pytest.fixture
def page(browser: Any, onestop_server: str) -> Iterator[Any]:
    """A fresh browser context that records every request and script error."""
    context = browser.new_context(locale="en-GB")
    requested: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    hosts = {urllib.parse.urlsplit(url).hostname for url in requested}
    context.close()
    assert hosts <= {"127.0.0.1", None}, f"requests left localhost: {sorted(map(str, hosts))}"
    assert not errors, f"script errors: {errors}"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_ranking_to_unit_page(page: Any, onestop_server: str, language: str) -> None:
    page.goto(f"{onestop_server}/overview?instrument=onestop&lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    heading = page.locator("h1")
    assert heading.get_attribute("data-period") == "2025-Q1"
    assert translate("period.kind.quarter", language) in heading.inner_text()
    banner = page.locator(".synthetic-banner").inner_text()
    assert translate("period.synthetic_banner", language).split(" — ")[0] in banner
    rows = page.locator("table[data-period-ranking] tbody tr")
    assert rows.count() == 22
    header = page.locator("table[data-period-ranking] thead").inner_text()
    for code in ("publicity", "progress", "online", "digitisation", "satisfaction"):
        assert translate(f"period.group.{code}", language) in header
    first_rank = rows.first.locator("td[data-rank]").inner_text()
    assert first_rank.startswith("1")

    # Open Quảng Ninh: its monitoring page, same language, same period.
    page.locator('tr[data-unit="Quảng Ninh"] th a').click()
    page.wait_for_load_state()
    unit = page.locator("h1")
    assert unit.get_attribute("data-unit") == "Quảng Ninh"
    assert unit.get_attribute("data-period") == "2025-Q1"
    assert page.locator("html").get_attribute("lang") == language
    tiles = page.locator("[data-kpis] .tile")
    assert tiles.count() >= 8
    on_time = page.locator('[data-kpi="on_time"] [data-counts]').inner_text()
    assert ("of" if language == "en" else "/") in on_time
    assert page.locator("[data-trend] tbody tr").count() == 4
    assert page.locator("[data-channels] tbody tr").count() == 3
    heatmap_header = page.locator("[data-heatmap] thead").inner_text()
    assert "2025-01" in heatmap_header
    assert "2025-03" in heatmap_header


def test_the_period_selector_opens_a_month(page: Any, onestop_server: str) -> None:
    page.goto(f"{onestop_server}/province/Quang Ninh?instrument=onestop&lang=en")
    page.locator(".selectors select").first.select_option(label="2025-02 (month)")
    page.wait_for_url("**period=2025-02**")
    assert page.locator("h1").get_attribute("data-period") == "2025-02"
    current = page.locator("[data-trend] tr.current")
    assert current.get_attribute("data-trend-period") == "2025-02"


def test_the_language_switch_keeps_the_unit_and_period(page: Any, onestop_server: str) -> None:
    page.goto(f"{onestop_server}/province/Quang Ninh?instrument=onestop&period=2025-03&lang=vi")
    assert translate("period.kpis", "vi") in page.locator("[data-kpis] h2").inner_text()
    page.locator('a[hreflang="en"], a[lang="en"]').first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").get_attribute("data-period") == "2025-03"
    assert page.locator("[data-kpis] h2").inner_text() == translate("period.kpis", "en")


@pytest.fixture(scope="module")
def onestop_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`govindex serve` on a store of the one-stop run alone (no PAPI record)."""
    store, _ = build_onestop_store(tmp_path_factory.mktemp("onestop-only-browser"))
    yield from serve(store)


def test_a_store_of_one_stop_runs_alone_opens_on_its_ranking(
    browser: Any, onestop_only_server: str
) -> None:
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{onestop_only_server}/?lang=en")
        assert "instrument=onestop" in page.url
        assert page.locator("h1").get_attribute("data-period") == "2025-Q1"
        assert page.locator("table[data-period-ranking] tbody tr").count() == 22
        page.goto(f"{onestop_only_server}/runs?lang=en")
        assert page.locator("[data-no-papi-run]").count() == 1
        listed = page.locator("table[data-period-runs] tbody tr")
        assert listed.count() == 1
        assert "SYNTHETIC" in listed.inner_text()
        listed.locator("a").click()
        page.wait_for_load_state()
        assert page.locator("h1").get_attribute("data-instrument") == "onestop"
        papi = page.goto(f"{onestop_only_server}/overview?lang=en")
        assert papi is not None
        assert papi.status == 404
        assert "holds no PAPI run" in page.locator("body").inner_text()
    finally:
        context.close()
