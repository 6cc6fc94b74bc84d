"""The scorecard page in a real browser, in Vietnamese and English."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_the_scorecard_page_in_both_languages(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server}/scorecard/Qu%E1%BA%A3ng%20Ninh?lang=vi")
        page.wait_for_selector("table.scorecard tbody tr", timeout=30_000)
        assert page.locator("html").get_attribute("lang") == "vi"
        assert "Bảng điểm tổng hợp" in page.locator("h1").inner_text()
        official = page.locator(
            'tr[data-instrument="papi"][data-year="2024"][data-source="official"] td[data-value]'
        )
        assert official.inner_text() == "47,82"
        assert page.locator(".synthetic-banner").is_visible()
        reported = page.locator(
            'tr[data-instrument="par"][data-year="2023"][data-source="reported"] a'
        )
        assert reported.get_attribute("href").startswith("https://en.baochinhphu.vn/")
        assert page.locator("table.agreement tbody tr").count() >= 3
        page.get_by_role("link", name="English").click()
        page.wait_for_selector("table.scorecard tbody tr", timeout=30_000)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Scorecard of Quang Ninh"
        english = page.locator(
            'tr[data-instrument="papi"][data-year="2024"][data-source="official"] td[data-value]'
        )
        assert english.inner_text() == "47.82"
        assert "Reported by the press/province" in page.locator("table.scorecard").inner_text()
    finally:
        context.close()


def test_the_scorecard_has_the_site_navigation_and_downloads(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        for language, overview, download in (
            ("vi", "Tổng quan", "CSV · bảng điểm tổng hợp"),
            ("en", "Overview", "CSV · scorecard"),
        ):
            page.goto(f"{server}/scorecard/Qu%E1%BA%A3ng%20Ninh?year=2024&lang={language}")
            page.wait_for_selector("table.scorecard tbody tr", timeout=30_000)
            navigation = page.locator("header.site nav a")
            assert navigation.count() == 4
            assert navigation.first.is_visible()
            assert navigation.first.inner_text() == overview
            with page.expect_download() as started:
                page.get_by_role("link", name=download).click()
            saved = started.value
            assert saved.suggested_filename.endswith("-scorecard.csv")
            text = Path(saved.path()).read_text(encoding="utf-8-sig")
            assert text.startswith("province,instrument,year")
            assert "47.82" in text
        page.locator("header.site nav a").first.click()
        page.wait_for_load_state()
        assert "/overview" in page.url
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
