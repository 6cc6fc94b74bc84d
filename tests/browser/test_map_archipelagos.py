"""The overview map in the browser shows Hoàng Sa and Trường Sa, on 63 provinces and 34 units."""

from __future__ import annotations

from typing import Any

import pytest

from govindex.charts.choropleth import ISLAND_COLOUR


@pytest.mark.parametrize(
    ("query", "labels"),
    [
        ("year=2024&lang=vi", ("Quần đảo Hoàng Sa (Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)")),
        (
            "year=2024&geo=34&lang=en",
            ("Hoàng Sa archipelago (Da Nang)", "Trường Sa archipelago (Khanh Hoa)"),
        ),
    ],
)
def test_overview_map_draws_and_names_both_archipelagos(
    browser: Any, server: str, query: str, labels: tuple[str, str]
) -> None:
    context = browser.new_context(locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(f"{server}/overview?{query}")
        page.wait_for_selector("#chart-map svg", timeout=30_000)
        texts = page.locator("#chart-map svg text").all_text_contents()
        for label in labels:
            assert label in texts
        # The islands are drawn: one geoshape per archipelago, in the islands' own colour.
        assert page.locator(f'#chart-map svg path[fill="{ISLAND_COLOUR}"]').count() == 2
    finally:
        context.close()
