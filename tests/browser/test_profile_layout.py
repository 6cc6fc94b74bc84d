"""The Vietnamese profile at 1400 px: names in a real column, the dimension chart using the row."""

from __future__ import annotations

from typing import Any


def test_vietnamese_names_do_not_wrap_word_by_word_and_the_chart_uses_the_width(
    browser: Any, server: str
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(f"{server}/province/Quang%20Ninh?year=2024&lang=vi")
        page.wait_for_selector("#chart-dimensions svg", timeout=30_000)
        cells = page.evaluate(
            """() => Array.from(document.querySelectorAll('table.items tbody th')).map(th => {
                const style = getComputedStyle(th);
                const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
                const text = th.innerText.trim();
                return {text, words: text.split(/\\s+/).length,
                        lines: Math.round((th.clientHeight - parseFloat(style.paddingTop)
                                           - parseFloat(style.paddingBottom)) / line)};
            })"""
        )
        assert len(cells) >= 9
        for cell in cells:
            if cell["words"] >= 4:
                # Word by word would be one line per word; at least three words share a line.
                assert cell["lines"] * 3 <= cell["words"] + 2, cell
        widths = page.evaluate(
            """() => [document.documentElement.scrollWidth,
                      document.querySelector('#chart-dimensions svg').getBoundingClientRect().width]"""
        )
        assert widths[0] <= 1400  # nothing spills sideways
        assert widths[1] >= 800  # the chart is not a narrow strip on a wide page
    finally:
        context.close()
