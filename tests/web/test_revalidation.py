"""Pages, data twins and downloads carry an ETag of the snapshot and the page, with
``Cache-Control: no-cache``; a request that holds the answer gets a bodiless 304."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from govindex.views import Dashboard
from govindex.web import create_app
from govindex.web.revalidation import snapshot_tag

PAGES = [
    "/overview?year=2022",
    "/overview.json?year=2022",
    "/province/Da%20Nang?year=2022&lang=en",
    "/province/Da%20Nang.json?year=2022",
    "/overview.csv?year=2022",
]


@pytest.mark.parametrize("path", PAGES)
def test_answers_carry_an_etag_and_revalidate(dashboard: Dashboard, path: str) -> None:
    # A fresh app: the first answer is built by the routes, the second comes from the cache.
    client = TestClient(create_app(dashboard))
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith(f'"{snapshot_tag(dashboard)}-')
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(path)
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "no-cache"
    assert again.content == first.content

    held = client.get(path, headers={"If-None-Match": etag})
    assert held.status_code == 304
    assert held.content == b""
    assert held.headers["etag"] == etag
    assert held.headers["cache-control"] == "no-cache"
    # The security headers are on the 304 too.
    assert held.headers["x-content-type-options"] == "nosniff"
    assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_304_before_the_answer_was_kept(dashboard: Dashboard) -> None:
    path = "/overview.json?year=2022&lang=en"
    etag = TestClient(create_app(dashboard)).get(path).headers["etag"]
    # Another process (a fresh cache) that never answered the URL still recognises the tag.
    fresh = TestClient(create_app(dashboard))
    held = fresh.get(path, headers={"If-None-Match": etag})
    assert held.status_code == 304
    assert held.content == b""
    assert fresh.head(path, headers={"If-None-Match": etag}).status_code == 304


def test_every_page_has_its_own_tag(client: TestClient) -> None:
    tags = {client.get(path).headers["etag"] for path in PAGES}
    assert len(tags) == len(PAGES)


def test_a_new_snapshot_changes_every_tag(dashboard: Dashboard) -> None:
    path = "/overview.json?year=2022"
    client = TestClient(create_app(dashboard))
    old = client.get(path).headers["etag"]
    snapshot = dashboard.snapshot
    # The same store with one run fewer: another snapshot, even if this page is unchanged.
    fewer = dataclasses.replace(snapshot, manifests=snapshot.manifests[:-1])
    changed = Dashboard(fewer, dashboard.parameters)
    assert snapshot_tag(changed) != snapshot_tag(dashboard)
    client.app.state.service.replace(changed)
    answer = client.get(path, headers={"If-None-Match": old})
    assert answer.status_code == 200
    assert answer.headers["etag"] != old
    assert answer.headers["etag"].startswith(f'"{snapshot_tag(changed)}-')


def test_errors_have_no_etag(client: TestClient) -> None:
    answer = client.get("/province/Atlantis.json")
    assert answer.status_code == 404
    assert "etag" not in answer.headers
