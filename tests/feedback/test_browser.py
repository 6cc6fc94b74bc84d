"""In Debian's headless Chromium at 360 × 740: scan → rate → thank you with JavaScript off and
on; a forged code refused; a manager who sees only its centre and a new rating appear live."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from tests.feedback.conftest import HUE, QUANG_NINH, QUANG_NINH_2, SECRET

from govindex.feedback.local_servers import Cluster, ServerProcess
from govindex.feedback.roles import Role, StaffUser
from govindex.feedback.store import FeedbackStore, open_store
from govindex.feedback.tokens import ServicePoint, sign_token

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture(scope="module")
def served(postgres: Cluster) -> Iterator[tuple[ServerProcess, FeedbackStore]]:
    url = postgres.create_database("feedback_browser")
    store = open_store(url, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024))
    for centre in (QUANG_NINH, QUANG_NINH_2, HUE):
        store.put_centre(centre)
    store.add_user(
        StaffUser("lan", Role.CENTRE_MANAGER, "22", QUANG_NINH.agency_code), "centre-password-1"
    )
    server = ServerProcess(url, ("--min-seconds", "1"), SECRET.decode())
    server.start()
    try:
        yield server, store
    finally:
        server.stop()
        store.close()


def token(dossier: str | None = None) -> str:
    point = ServicePoint(QUANG_NINH.agency_code, "desk-3", "1.001234", dossier)
    return sign_token(point, expires_at=int(time.time()) + 3600, secret=SECRET)


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_scan_rate_thank_you_on_a_phone(
    browser: Any, served: tuple[ServerProcess, FeedbackStore], javascript: bool
) -> None:
    server, store = served
    dossier = f"H37.26.{'js' if javascript else 'nojs'}"
    context = browser.new_context(java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    try:
        answer = page.goto(f"{server.base}/r/{token(dossier)}")
        assert answer is not None
        assert answer.status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
        assert page.locator("h1").inner_text().startswith("Đánh giá sự hài lòng")
        page.locator("#criterion-overall label.level-4").click()
        page.locator("#criterion-staff_attitude label.level-5").click()
        page.fill("textarea[name=comment]", "Cán bộ nhiệt tình")
        page.wait_for_timeout(1100)  # a person takes at least the minimum time
        page.locator("button[type=submit]").click()
        page.wait_for_selector("#thanks", timeout=10_000)
        assert "Cảm ơn" in page.locator("#thanks").inner_text()
    finally:
        context.close()
    rows = [r for r in store.rating_rows() if r["dossier_code"] == dossier]
    assert [(r["overall"], r["comment"], r["channel"]) for r in rows] == [
        (4, "Cán bộ nhiệt tình", "qr")
    ]


def test_a_forged_code_is_refused_with_a_clear_page(
    browser: Any, served: tuple[ServerProcess, FeedbackStore]
) -> None:
    server, _store = served
    genuine = token()
    forged = genuine.rsplit(".", 1)[0] + "." + "A" * 43
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        answer = page.goto(f"{server.base}/r/{forged}")
        assert answer is not None
        assert answer.status == 403
        assert "Mã QR không hợp lệ" in page.locator("#refused").inner_text()
        assert "not genuine" in page.content()
    finally:
        context.close()


def _post_rating(base: str, key: str, submission_id: str) -> None:
    body = json.dumps(
        {
            "submission_id": submission_id,
            "desk": "desk-1",
            "procedure_code": "1.1",
            "answers": {"overall": 5},
        }
    ).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/ratings",
        data=body,
        method="POST",
        headers={"X-API-Key": key, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201


def test_a_manager_sees_only_its_centre_and_a_new_rating_live(
    browser: Any, served: tuple[ServerProcess, FeedbackStore]
) -> None:
    server, store = served
    _device, key = store.add_device(QUANG_NINH.agency_code, "kiosk")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{server.base}/staff/sign-in")
        page.fill("input[name=username]", "lan")
        page.fill("input[name=password]", "centre-password-1")
        page.locator("button[type=submit]").click()
        page.wait_for_selector("#centres")
        centres = page.locator("#centres").inner_text()
        assert QUANG_NINH.name_vi in centres
        assert QUANG_NINH_2.name_vi not in centres
        assert HUE.name_vi not in centres
        other = page.goto(f"{server.base}/staff/centres/{HUE.agency_code}")
        assert other is not None
        assert other.status == 403
        page.goto(f"{server.base}/staff/centres/{QUANG_NINH.agency_code}")
        count = page.locator('.window[data-window="hour"] [data-field="n"]')
        before = int(count.inner_text())
        page.wait_for_timeout(1500)  # the event stream is open and has sent its first figures
        _post_rating(server.base, key, f"live-{time.time_ns()}")
        posted = time.monotonic()
        page.wait_for_function(
            "n => Number(document.querySelector("
            '\'.window[data-window="hour"] [data-field="n"]\').textContent) === n',
            arg=before + 1,
            timeout=2_000,
        )
        assert time.monotonic() - posted < 2.0
    finally:
        context.close()


def test_the_api_docs_render_offline_in_the_browser(
    browser: Any, served: tuple[ServerProcess, FeedbackStore]
) -> None:
    server, _store = served
    context = browser.new_context()
    outside: list[str] = []

    def only_loopback(route: Any) -> None:
        if route.request.url.startswith(server.base) or route.request.url.startswith("data:"):
            route.continue_()
        else:  # the page must not need the network beyond this server
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    try:
        answer = page.goto(f"{server.base}/docs")
        assert answer is not None
        assert answer.status == 200
        page.wait_for_selector('.opblock-summary-path[data-path="/api/v1/ratings"]', timeout=15_000)
        assert "govindex citizen feedback" in page.locator(".info .title").inner_text()
    finally:
        context.close()
    assert outside == []
