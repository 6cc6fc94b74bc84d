"""The service in process, on both backends: rating pages, refusals, throttling, staff access,
CSRF, the API, security headers."""

from __future__ import annotations

import re
import time

import pytest
from tests.feedback.conftest import HUE, QUANG_NINH, SECRET, TestClient, sign_in

from govindex.feedback.store import FeedbackStore, open_store
from govindex.feedback.tokens import ServicePoint, sign_token

STAFF_PAGES = [
    ("get", "/staff"),
    ("get", f"/staff/centres/{QUANG_NINH.agency_code}"),
    ("get", f"/staff/centres/{QUANG_NINH.agency_code}/figures.json"),
    ("get", f"/staff/centres/{QUANG_NINH.agency_code}/live"),
    ("get", f"/staff/centres/{QUANG_NINH.agency_code}/cards.pdf"),
    ("get", "/staff/audit"),
]


def token_for(
    agency: str = QUANG_NINH.agency_code, dossier: str | None = None, expires_in: float = 3600
) -> str:
    point = ServicePoint(agency, "desk-1", "1.001234", dossier)
    return sign_token(point, expires_at=int(time.time() + expires_in), secret=SECRET)


def open_form(client: TestClient, token: str) -> dict[str, str]:
    page = client.get(f"/r/{token}")
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'name="(submission_id|stamp)" value="([^"]+)"', page.text))
    return {**fields, "website": ""}


def test_scan_rate_thank_you(client: TestClient, store: FeedbackStore) -> None:
    token = token_for(dossier="H37.26.000123")
    page = client.get(f"/r/{token}")
    assert "Mức độ hài lòng chung" in page.text
    assert page.text.index("Rất hài lòng") < page.text.index("Very satisfied")
    fields = open_form(client, token)
    answer = client.post(
        f"/r/{token}",
        data={
            **fields,
            "overall": "2",
            "staff_attitude": "1",
            "comment": "Chờ quá lâu",
            "phone": "0912345678",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/thanks?lang=vi"
    assert "Cảm ơn" in client.get("/thanks").text
    [row] = store.rating_rows()
    assert (row["overall"], row["dossier_code"], row["flagged"], row["channel"]) == (
        2,
        "H37.26.000123",
        True,
        "qr",
    )
    assert row["phone_hash"] is not None
    assert "0912345678" not in str(row)
    # The same form posted again (a double tap, a retry) is stored once.
    again = client.post(f"/r/{token}", data={**fields, "overall": "2"}, follow_redirects=False)
    assert again.status_code == 303
    assert len(store.rating_rows()) == 1


def test_forged_expired_and_unknown_codes_are_refused_with_a_page(client: TestClient) -> None:
    token = token_for()
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    answer = client.get(f"/r/{forged}")
    assert answer.status_code == 403
    assert "Mã QR không hợp lệ" in answer.text
    assert "not genuine" in answer.text
    expired = client.get(f"/r/{token_for(expires_in=-1)}")
    assert expired.status_code == 403
    assert "expired" in expired.text
    unknown = client.get(f"/r/{token_for(agency='000.00.99.X')}")
    assert unknown.status_code == 404


def test_honeypot_stamp_and_missing_answers_are_refused(
    client: TestClient, store: FeedbackStore
) -> None:
    token = token_for()
    fields = open_form(client, token)
    assert (
        client.post(f"/r/{token}", data={**fields, "overall": "5", "website": "x"}).status_code
        == 422
    )
    assert (
        client.post(f"/r/{token}", data={**fields, "stamp": "1.abc", "overall": "5"}).status_code
        == 403
    )
    missing = client.post(f"/r/{token}", data={**fields})
    assert missing.status_code == 422
    assert "`overall` must be answered" in missing.text
    assert store.rating_rows() == []


def test_one_device_is_throttled_and_reported(client: TestClient, store: FeedbackStore) -> None:
    token = token_for()
    statuses = []
    for _ in range(40):
        fields = open_form(client, token)
        answer = client.post(f"/r/{token}", data={**fields, "overall": "5"}, follow_redirects=False)
        statuses.append(answer.status_code)
    assert statuses.count(303) == 10
    assert statuses.count(429) == 30
    assert len(store.rating_rows()) == 10
    assert store.throttled_since(QUANG_NINH.agency_code, store.rating_rows()[0]["created_at"]) >= 1


def test_security_headers_on_pages_errors_and_api(client: TestClient) -> None:
    for path in (f"/r/{token_for()}", "/r/forged.x", "/api/v1/satisfaction", "/staff/sign-in"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"


def test_every_staff_route_refuses_anonymous_users(client: TestClient) -> None:
    for method, path in STAFF_PAGES:
        answer = client.request(method, path, follow_redirects=False)
        assert answer.status_code == 401, path
    for path in ("/staff/users", "/staff/devices", "/staff/ratings/1/followed-up"):
        assert client.post(path, data={"csrf": "x"}).status_code in (401, 422), path


def test_staff_of_another_province_are_refused(client: TestClient) -> None:
    sign_in(client, "hue", "hue-password-01")
    home = client.get("/staff")
    assert HUE.agency_code in home.text
    assert QUANG_NINH.agency_code not in home.text
    for _method, path in STAFF_PAGES[1:5]:
        assert client.get(path).status_code == 403, path
    assert client.get("/staff/audit").status_code == 403


def test_a_centre_manager_sees_only_its_centre_and_a_province_manager_its_province(
    client: TestClient,
) -> None:
    sign_in(client, "lan", "centre-password-1")
    home = client.get("/staff").text
    assert QUANG_NINH.agency_code in home
    assert "000.00.22.H38" not in home
    assert client.get("/staff/centres/000.00.22.H38").status_code == 403
    client.cookies.clear()
    sign_in(client, "qn", "province-password-1")
    home = client.get("/staff").text
    assert "000.00.22.H38" in home
    assert HUE.agency_code not in home


def test_posts_without_the_csrf_token_are_refused(client: TestClient, store: FeedbackStore) -> None:
    page = client.get("/staff/sign-in")
    assert page.status_code == 200
    refused = client.post(
        "/staff/sign-in", data={"username": "admin", "password": "admin-password-1"}
    )
    assert refused.status_code == 403
    csrf = sign_in(client, "admin", "admin-password-1")
    new_user = {"username": "new", "password": "new-password-1", "role": "administrator"}
    assert client.post("/staff/users", data=new_user).status_code == 403
    assert client.post("/staff/users", data={**new_user, "csrf": "wrong"}).status_code == 403
    assert store.user("new") is None
    assert (
        client.post(
            "/staff/users", data={**new_user, "csrf": csrf}, follow_redirects=False
        ).status_code
        == 303
    )
    assert store.user("new") is not None
    actions = [entry["action"] for entry in store.audit_entries()]
    assert actions[:2] == ["add_user", "sign_in"]


def test_the_live_figures_and_the_cards(client: TestClient, store: FeedbackStore) -> None:
    token = token_for()
    for level in ("5", "4", "1"):
        fields = open_form(client, token)
        client.post(f"/r/{token}", data={**fields, "overall": level, "comment": "ok"})
    sign_in(client, "lan", "centre-password-1")
    figures = client.get(f"/staff/centres/{QUANG_NINH.agency_code}/figures.json").json()
    hour = figures["hour"]
    assert hour["n"] == 3
    assert hour["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1}
    assert hour["satisfied"]["estimate"] == 2 / 3
    assert hour["satisfied"]["flag"] == "small_n"
    assert hour["coverage"] is None
    assert hour["flagged_comments"] == 1
    page = client.get(f"/staff/centres/{QUANG_NINH.agency_code}").text
    assert "dưới 30 lượt" in page
    cards = client.get(f"/staff/centres/{QUANG_NINH.agency_code}/cards.pdf?desks=d1,d2")
    assert cards.status_code == 200
    assert cards.content.startswith(b"%PDF")
    import pypdfium2

    document = pypdfium2.PdfDocument(cards.content)
    assert len(document) == 2
    width, height = document[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (105, 148)  # A6 in mm
    assert store.audit_entries()[0]["action"] == "print_cards"


def test_the_api_stores_ratings_idempotently_with_a_device_key(
    client: TestClient, store: FeedbackStore
) -> None:
    _device, key = store.add_device(QUANG_NINH.agency_code, "kiosk")
    body = {
        "submission_id": "kiosk-000001",
        "desk": "desk-2",
        "procedure_code": "1.001234",
        "dossier_code": "H37.26.9",
        "answers": {"overall": 4, "publicity": 5},
    }
    assert client.post("/api/v1/ratings", json=body).status_code == 401
    first = client.post("/api/v1/ratings", json=body, headers={"X-API-Key": key})
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/ratings", json=body, headers={"X-API-Key": key})
    assert again.json()["duplicate"] is True
    revised = client.post(
        "/api/v1/ratings",
        json={**body, "submission_id": "kiosk-000002"},
        headers={"X-API-Key": key},
    )
    assert revised.json()["revision"] == 2
    bad = client.post(
        "/api/v1/ratings", json={**body, "answers": {"publicity": 5}}, headers={"X-API-Key": key}
    )
    assert bad.status_code == 422
    assert bad.json()["ok"] is False
    assert bad.json()["error"]["type"] == "SpecError"
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))
    put = client.put(
        f"/api/v1/completed-dossiers/{day}", json={"completed": 4}, headers={"X-API-Key": key}
    )
    assert put.status_code == 200
    figures = client.get("/api/v1/satisfaction", headers={"X-API-Key": key}).json()
    assert figures["n"] == 1  # the revision replaced the first rating of the dossier
    assert figures["coverage"] == 0.25
    assert figures["satisfied"]["ci_rule"] == "wilson"
    assert figures["satisfied"]["flag"] == "small_n"


def test_a_thousand_ratings_from_one_device_in_a_minute_are_throttled_and_reported(
    store: FeedbackStore, database_url: str
) -> None:
    from tests.feedback.conftest import make_settings

    from govindex.feedback.app import create_app
    from govindex.feedback.rules import AntiAbusePolicy

    policy = AntiAbusePolicy(per_api_key_per_minute=100)
    app = create_app(make_settings(database_url, policy=policy), store)
    _device, key = store.add_device(QUANG_NINH.agency_code, "kiosk")
    started = time.monotonic()
    statuses = []
    with TestClient(app, base_url="http://127.0.0.1") as kiosk:
        for index in range(1000):
            body = {
                "submission_id": f"burst-{index:06d}",
                "desk": "desk-1",
                "procedure_code": "1.001234",
                "answers": {"overall": 5},
            }
            answer = kiosk.post("/api/v1/ratings", json=body, headers={"X-API-Key": key})
            statuses.append(answer.status_code)
        throttled = kiosk.post("/api/v1/ratings", json=body, headers={"X-API-Key": key})
    assert time.monotonic() - started < 60  # the burst really came within one minute
    assert statuses.count(201) == 100
    assert statuses.count(429) == 900
    assert throttled.json()["error"]["type"] == "Throttled"
    assert len(store.rating_rows()) == 100
    since = store.rating_rows()[0]["created_at"]
    assert store.throttled_since(QUANG_NINH.agency_code, since) >= 900  # reported to the centre


def test_a_script_that_drops_its_cookie_is_throttled_by_address(client: TestClient) -> None:
    token = token_for()
    statuses = []
    for _ in range(15):
        fields = open_form(client, token)
        client.cookies.clear()
        answer = client.post(f"/r/{token}", data={**fields, "overall": "5"}, follow_redirects=False)
        statuses.append(answer.status_code)
    assert statuses.count(303) == 10
    assert statuses.count(429) == 5


def test_staff_posts_for_another_provinces_units_are_refused(
    client: TestClient, store: FeedbackStore
) -> None:
    token = token_for()
    fields = open_form(client, token)
    client.post(f"/r/{token}", data={**fields, "overall": "1", "comment": "chậm"})
    [row] = store.rating_rows()
    csrf = sign_in(client, "hue", "hue-password-01")
    device = client.post(
        "/staff/devices", data={"agency_code": QUANG_NINH.agency_code, "label": "x", "csrf": csrf}
    )
    assert device.status_code == 403
    follow = client.post(f"/staff/ratings/{row['id']}/followed-up", data={"csrf": csrf})
    assert follow.status_code == 403
    assert store.rating_rows()[0]["followed_up"] is False
    users = client.post(
        "/staff/users",
        data={
            "username": "x1",
            "password": "long-password-1",
            "role": "administrator",
            "csrf": csrf,
        },
    )
    assert users.status_code == 403
    assert [e["action"] for e in store.audit_entries()] == ["sign_in"]


def test_a_copied_session_cookie_is_refused_after_sign_out(
    client: TestClient, store: FeedbackStore
) -> None:
    csrf = sign_in(client, "lan", "centre-password-1")
    copied = client.cookies.get("feedback_session")
    assert copied
    assert client.get("/staff").status_code == 200
    signed_out = client.post("/staff/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert signed_out.status_code == 303
    # Someone who copied the cookie before sign-out puts it back: the store has ended it.
    client.cookies.clear()
    client.cookies.set("feedback_session", copied)
    refused = client.get("/staff")
    assert refused.status_code == 401
    assert "signed out" in refused.text
    assert client.post("/staff/sign-out", data={"csrf": csrf}).status_code == 401
    # Signing in again opens a new session; the old cookie stays dead.
    client.cookies.clear()
    sign_in(client, "lan", "centre-password-1")
    assert client.get("/staff").status_code == 200
    client.cookies.clear()
    client.cookies.set("feedback_session", copied)
    assert client.get("/staff").status_code == 401


@pytest.mark.parametrize("shared", [True, False])
def test_throttle_counts_are_shared_by_server_processes(
    store: FeedbackStore, database_url: str, shared: bool
) -> None:
    """Two apps, each with its own connection pool, stand for two ``serve`` worker processes."""
    from tests.feedback.conftest import make_settings

    from govindex.feedback.app import create_app
    from govindex.feedback.rules import AntiAbusePolicy

    policy = AntiAbusePolicy(min_seconds=0.0, per_api_key_per_minute=10)
    settings = make_settings(database_url, policy=policy, shared_throttle=shared)
    _device, key = store.add_device(QUANG_NINH.agency_code, "kiosk")
    second_store = open_store(database_url)
    statuses = []
    try:
        with (
            TestClient(create_app(settings, store), base_url="http://127.0.0.1") as first,
            TestClient(create_app(settings, second_store), base_url="http://127.0.0.1") as second,
        ):
            for index in range(30):
                body = {
                    "submission_id": f"shared-{index:03d}",
                    "desk": "desk-1",
                    "procedure_code": "1.001234",
                    "answers": {"overall": 4},
                }
                worker = first if index % 2 else second
                answer = worker.post("/api/v1/ratings", json=body, headers={"X-API-Key": key})
                statuses.append(answer.status_code)
    finally:
        second_store.close()
    # Shared: one limit of 10 for both processes; each process alone would let 10 through.
    assert statuses.count(201) == (10 if shared else 20)
    assert statuses.count(429) == (20 if shared else 10)
    assert len(store.rating_rows()) == statuses.count(201)


def test_docs_are_served_from_the_projects_vendored_swagger_ui(client: TestClient) -> None:
    from govindex.feedback.app import swagger_folder

    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "/docs/assets/swagger-ui.css" in page.text
    assert "/openapi.json" in page.text
    assert not re.search(r"(src|href)=\"https?://", page.text)  # nothing from a CDN
    assert "script-src 'self' 'unsafe-inline'" in page.headers["content-security-policy"]
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        asset = client.get(f"/docs/assets/{name}")
        assert asset.status_code == 200
        assert asset.content == (swagger_folder() / name).read_bytes()
    assert (
        client.get("/docs/assets/swagger-ui-bundle.js")
        .headers["content-type"]
        .startswith("text/javascript")
    )
    # The vendor folder is the dashboard's: its other files are not published here.
    for name in ("vega.min.js", "..%2Fcss%2Fdashboard.css", "VERSIONS.txt"):
        assert client.get(f"/docs/assets/{name}").status_code == 404, name
