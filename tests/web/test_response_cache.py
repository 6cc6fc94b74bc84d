"""Answers are kept by URL and sent again unchanged; the cache stays within its bounds."""

from __future__ import annotations

import time

from govindex.web.response_cache import CachedAnswer, ResponseCache


def test_a_repeated_request_gets_the_same_bytes_quickly(client) -> None:
    path = "/province/Da%20Nang.json?year=2022"
    first = client.get(path)
    started = time.perf_counter()
    again = [client.get(path) for _ in range(20)]
    per_request = (time.perf_counter() - started) / 20
    assert all(answer.content == first.content for answer in again)
    assert again[0].headers["content-disposition"] == first.headers["content-disposition"]
    assert per_request < 0.05


def test_the_cache_is_bounded_by_entries_and_bytes() -> None:
    cache = ResponseCache(max_entries=3, max_bytes=10)
    for key in "abcd":
        cache.put(key, CachedAnswer(b"12", "text/plain"))
    assert len(cache) == 3
    assert cache.get("a") is None
    cache.put("e", CachedAnswer(b"123456789", "text/plain"))
    assert cache.get("e") is not None
    assert len(cache) == 1
    cache.put("huge", CachedAnswer(b"x" * 11, "text/plain"))
    assert cache.get("huge") is None


def test_errors_are_not_kept(client) -> None:
    cache = client.app.state.service.cache
    before = len(cache)
    client.get("/province/Atlantis.json")
    assert len(cache) == before
