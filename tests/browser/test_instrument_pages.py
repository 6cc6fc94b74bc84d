"""SIPAS in a real browser: the overview, profile and compare pages in both languages, and
the instrument switch between PAPI and SIPAS (a store with the official PAPI record and a
small SYNTHETIC SIPAS run, :mod:`tests.web.sipas_store`)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from tests.browser.conftest import serve
from tests.web.sipas_store import build_sipas_store

from govindex.i18n import translate

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def sipas_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`govindex serve` on a store with the PAPI record and one SYNTHETIC SIPAS run."""
    path = tmp_path_factory.mktemp("sipas-browser") / "store.duckdb"
    build_sipas_store(path)
    yield from serve(path)


@pytest.fixture
def page(browser: Any, sipas_server: str) -> Iterator[Any]:
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
def test_sipas_overview_to_profile(page: Any, sipas_server: str, language: str) -> None:
    page.goto(f"{sipas_server}/overview?instrument=sipas&lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text().startswith("SIPAS 2024")
    assert "SYNTHETIC" in page.locator(".synthetic-banner").inner_text()
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() == 63
    assert rows.first.locator("td").first.inner_text().strip() == "1"
    summary = page.locator("section.summary").inner_text()
    assert ("scale 0–100" if language == "en" else "thang 0–100") in summary
    assert translate("instrument.no_groups", language) in summary
    header = page.locator("table.ranking thead").inner_text()
    assert translate("instrument.difference", language) in header
    assert page.locator("table[data-reported]").count() == 1

    # Open the best province: its SIPAS profile, same language, same run.
    link = rows.first.locator("th a")
    name = link.inner_text().strip()
    link.click()
    page.wait_for_url("**/province/**")
    assert "instrument=sipas" in page.url
    assert name in page.locator("h1").inner_text()
    assert (
        translate("instrument.noise_rule", language)
        in page.locator("[data-noise-rule]").inner_text()
    )
    items = page.locator("table.items tbody tr")
    assert items.count() >= 3  # overall, two components, elements and items
    assert page.locator("table.items thead").inner_text().count("SE") >= 2


@pytest.mark.parametrize("language", ["vi", "en"])
def test_sipas_profile_beyond_noise(page: Any, sipas_server: str, language: str) -> None:
    page.goto(f"{sipas_server}/province/Ha%20Noi?instrument=sipas&lang={language}")
    heading = page.locator("h1").inner_text()
    assert ("Hà Nội" if language == "vi" else "Ha Noi") in heading
    flagged = page.locator("table.items tbody tr[data-beyond]").count()
    marked = page.locator("table.items [data-beyond-noise]").count()
    assert flagged == marked
    count = page.locator("[data-noise-count]").inner_text()
    assert str(marked) in count or marked == 0
    # The press value sits in its own table, labelled and linked to its source.
    reported = page.locator("table[data-reported]")
    assert translate("instrument.reported_caption", language) in reported.inner_text()
    assert reported.locator('a[rel="external noopener"]').count() >= 1


@pytest.mark.parametrize("language", ["vi", "en"])
def test_sipas_compare_levels(page: Any, sipas_server: str, language: str) -> None:
    page.goto(f"{sipas_server}/compare?instrument=sipas&lang={language}")
    expected = "Provinces compared" if language == "en" else "So sánh các tỉnh"
    assert expected in page.locator("h1").inner_text()
    assert page.locator("table[data-compare-item='PAS']").count() == 1
    # Switch to the elements: the level selector keeps the instrument.
    select = page.locator("select[data-navigate]").first
    label = "element" if language == "en" else "yếu tố"
    select.select_option(label=label)
    page.wait_for_url("**level=subdimension**")
    assert "instrument=sipas" in page.url
    assert page.locator("table[data-compare-item='PAS.1']").count() == 1


def test_instrument_switch(page: Any, sipas_server: str) -> None:
    page.goto(f"{sipas_server}/overview?year=2024&lang=en")
    switch = page.locator("[data-instrument-switch]")
    assert switch.locator("[aria-current]").inner_text() == "PAPI"
    switch.locator("a[data-instrument='sipas']").click()
    page.wait_for_url("**instrument=sipas**")
    assert page.locator("h1").inner_text().startswith("SIPAS 2024")
    assert page.locator("html").get_attribute("lang") == "en"
    switch = page.locator("[data-instrument-switch]")
    assert switch.locator("[aria-current]").inner_text() == "SIPAS"
    # Navigation on a SIPAS page stays on SIPAS.
    page.locator("header nav a", has_text=translate("nav.compare", "en")).click()
    page.wait_for_url("**/compare**")
    assert "instrument=sipas" in page.url
    page.locator("[data-instrument-switch] a[data-instrument='papi']").click()
    page.wait_for_url("**/overview**")
    assert "instrument" not in page.url
    assert page.locator("table.ranking tbody tr").count() == 63
