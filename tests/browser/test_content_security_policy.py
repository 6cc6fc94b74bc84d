"""Every dashboard page draws its charts under the Content-Security-Policy it is sent with."""

from __future__ import annotations

from typing import Any

import pytest

PAGES = [
    ("/overview?year=2024&lang=en", ("map", "ranking")),
    ("/province/Ha%20Noi?year=2024&lang=vi", ()),
    ("/compare?year=2024", ()),
    ("/runs", ()),
]


@pytest.mark.parametrize(("path", "charts"), PAGES)
def test_pages_render_with_no_policy_violation_14(
    browser: Any, server: str, path: str, charts: tuple[str, ...]
) -> None:
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(message.text))
        page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
        # The browser reports each blocked script, style, fetch or eval as an event.
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', function (event) {"
            "  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);"
            "});"
        )
        answer = page.goto(f"{server}{path}")
        assert answer is not None
        assert "script-src 'self';" in answer.headers["content-security-policy"]
        for name in charts:
            page.wait_for_selector(f"#chart-{name} svg", timeout=30_000)
        # Every chart on the page is drawn (none shows its error text instead).
        page.wait_for_load_state("networkidle")
        holders = page.locator("script[data-chart]").count()
        assert page.locator("[id^='chart-'] svg").count() >= holders
        violations = page.evaluate("window.__violations")
        assert violations == [], violations
        blocked = [text for text in messages if "Content Security Policy" in text]
        assert blocked == [], blocked
        assert not [text for text in messages if text.startswith("page error")], messages
    finally:
        context.close()
