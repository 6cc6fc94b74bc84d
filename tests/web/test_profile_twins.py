"""A plain profile JSON request is answered without routing, exactly as its route answers it."""

from __future__ import annotations

import warnings

import pytest
from starlette.types import Receive, Scope, Send

from govindex.views import Dashboard
from govindex.web import create_app
from govindex.web.addresses import PageAddress
from govindex.web.app import PageService
from govindex.web.profile_twins import ProfileTwins, plain_profile_address

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

PLAIN = (
    "/province/Ha%20Noi.json?year=2024",
    "/province/H%C3%A0%20N%E1%BB%99i.json?lang=en&year=2023",
    "/province/da-nang.json",
    "/province/Quang%20Ninh.json?lang=vi",
)
# The route reads each as the plain request it varies, or refuses it; either way the
# unrouted path leaves it to the route.
DECLINED = (
    "year=02024",
    "year=2024&year=2023",
    "year=",
    "lang=fr",
    "run=ABCD",
    "instrument=papi",
    "year=2024&geo=63",
)


def _unrouted(path: str) -> str:
    """The same request with a parameter no route reads: it goes through the route."""
    return f"{path}{'&' if '?' in path else '?'}unread=1"


def test_plain_addresses_are_what_the_route_reads() -> None:
    assert plain_profile_address("/province/Da Nang.json", "") == PageAddress(
        "profile", province="Da Nang"
    )
    assert plain_profile_address("/province/x.json", "year=2024&run=abcd&lang=en") == (
        PageAddress("profile", "en", year=2024, run="abcd", province="x")
    )
    for query in DECLINED:
        assert plain_profile_address("/province/Da Nang.json", query) is None, query
    assert plain_profile_address("/province/" + "x" * 64 + ".json", "") is not None
    assert plain_profile_address("/province/" + "x" * 65 + ".json", "") is None
    assert plain_profile_address("/province/Da Nang", "") is None
    assert plain_profile_address("/province/a/b.json", "") is None


def test_plain_requests_never_reach_the_router(dashboard: Dashboard, synthetic_run: str) -> None:
    service = PageService(dashboard)
    routed: list[str] = []

    async def router(scope: Scope, receive: Receive, send: Send) -> None:
        routed.append(scope["path"])
        raise AssertionError(scope["path"])

    twins = ProfileTwins(router, answer=lambda r, a: service.answer(r, a, "json", None))
    client = TestClient(twins)
    for path in (*PLAIN, f"/province/Ha%20Noi.json?run={synthetic_run[:8]}"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.json()["view"] == "profile"
    assert routed == []
    with pytest.raises(AssertionError):
        client.get("/province/Ha%20Noi.json?year=2024&geo=63")
    assert routed == ["/province/Ha Noi.json"]


def test_an_unrouted_answer_is_the_routed_answer(dashboard: Dashboard, synthetic_run: str) -> None:
    client = TestClient(create_app(dashboard))
    for path in (
        *PLAIN,
        f"/province/Ha%20Noi.json?run={synthetic_run[:8]}",
        "/province/Atlantis.json?year=2024",
        "/province/Ha%20Noi.json?year=1999",
        f"/province/Ha%20Noi.json?run={'0' * 12}",
    ):
        unrouted, routed = client.get(path), client.get(_unrouted(path))
        assert unrouted.status_code == routed.status_code, path
        assert unrouted.content == routed.content, path
        assert unrouted.headers == routed.headers, path


def test_an_unrouted_answer_is_kept_and_revalidated(dashboard: Dashboard) -> None:
    path = PLAIN[0]
    first_app, second_app = create_app(dashboard), create_app(dashboard)
    first = TestClient(first_app).get(path)
    assert TestClient(first_app).get(path).content == first.content
    assert len(first_app.state.service.cache) == 1
    # A client holding the answer from another server process gets a 304 on a first request.
    again = TestClient(second_app).get(path, headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]
    head = TestClient(create_app(dashboard)).head(path)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == first.headers["content-length"]
