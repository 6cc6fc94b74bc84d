"""Quảng Ninh 2024: the record publishes no Quảng Ninh scores for 2023 (the previous year)
or 2021 (the term baseline), so the profile must say that no comparison was possible and
which years are missing, never that nothing declined."""

from __future__ import annotations

from typing import Any

import pytest

from govindex.i18n import translate


@pytest.mark.parametrize("language", ["vi", "en"])
def test_quang_ninh_2024_says_no_comparison_was_possible(
    browser: Any, server: str, language: str
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{server}/province/Quang%20Ninh?year=2024&lang={language}")
        section = page.locator("section", has=page.locator("table.priorities, p.no-comparison"))
        text = " ".join(section.first.inner_text().split())
        expected = translate("report.priorities.no_comparison", language).format(years="2023, 2021")
        assert expected in text
        # An empty list reads "none in the lowest group; declines cannot be judged".
        assert translate("profile.no_priorities", language) not in text
        assert translate("report.priorities.none_in_lowest", language) in text
        assert page.locator("p.no-comparison").is_visible()
        # The Method line names no compared year either: nothing was compared.
        method = " ".join(section.first.locator("p.note").last.inner_text().split())
        assert translate("method.no_comparison", language).format(years="2023, 2021") in method
        assert "2021" not in method.replace("2023, 2021", "")
    finally:
        context.close()
