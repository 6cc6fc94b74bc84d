"""Error answers a person can act on: the valid names listed, a guess offered, no Python reprs."""

from __future__ import annotations


def _readable(text: str) -> None:
    for mark in ("[", "]", "{", "}", "'code'", '"code"'):
        assert mark not in text, text


def test_unknown_province_is_404_with_a_guess_and_every_valid_name(client) -> None:
    answer = client.get("/province/Ha%20Noii.json?year=2024")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["where"] == "province"
    assert "did you mean 'Ha Noi'" in error["hint"]
    names = error["expected"].split(", ")
    assert len(names) == 63
    assert {"Ha Noi", "Da Nang", "Can Tho"} <= set(names)
    _readable(error["expected"])
    page = client.get("/province/Ha%20Noii?year=2024&lang=en")
    assert page.status_code == 404
    assert "did you mean" in page.text
    assert "Can Tho" in page.text


def test_unknown_item_code_lists_the_items_in_words(client) -> None:
    answer = client.get("/overview.json?year=2024&level=dimension&code=99")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["expected"]
    _readable(error["expected"])
