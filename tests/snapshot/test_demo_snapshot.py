"""Every number the dashboard, API, downloads and reports show for the demo store is shown
after a change of the score model: the answers now are compared with a snapshot taken before
it (tests/data/snapshots/demo-store.json.gz, written by ``python -m tests.snapshot.capture``).

Only the field renames listed in ``RENAMED`` are allowed; any other difference fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.snapshot.capture import capture, differences, read_snapshot

SNAPSHOT = Path(__file__).parents[1] / "data" / "snapshots" / "demo-store.json.gz"

RENAMED: dict[str, str] = {
    # One vocabulary: `estimate`/`se` everywhere (the official record said `value`).
    "previous_value": "previous_estimate",
    "baseline_value": "baseline_estimate",
    "best_value": "best_estimate",
}
"""Field and column names renamed since the snapshot: old name → new name."""

ADDED: frozenset[str] = frozenset(
    {"respondent_id", "comparison_possible", "comparison_unavailable", "group_rule"}
)
"""Fields new since the snapshot: a microdata run's recorded design now names its respondent
id column (one ``DesignColumns`` for the codebook check and the index); a profile says
whether its diagnosis could compare with earlier years, and which years it lacked; a run of
the official record records the group rule its stored groups were cut with."""

CHANGED: dict[str, tuple[str, ...]] = {
    # Quảng Ninh has no published scores in 2023 nor in 2021: the diagnosis now says that no
    # comparison was possible and why, instead of "compared with 2023 and 2021".
    "/province/Quảng Ninh.json?year=2024": ("/body/meta/diagnosis_note",),
    "/province/Quảng Ninh.json?year=2024&lang=en": ("/body/meta/diagnosis_note",),
    # Quảng Ninh 2023 compares with 2022; the note now says the 2021 baseline is lacking.
    "/province/Quang Ninh.json?year=2023": ("/body/meta/diagnosis_note",),
}
"""Answers whose wording was corrected on purpose: key → the places allowed to differ."""

REWORDED: dict[str, tuple[tuple[str, str], ...]] = {
    # The PDF of Quảng Ninh 2024 said its list held the items that declined, then that none
    # fell; it now says that no comparison was possible, and why.
    "report Quảng Ninh --year 2024 --lang en --run None": (
        (
            "Listed: items that declined since the previous year or the term baseline, or that "
            "are in the lowest group (4); most urgent first.",
            "No comparison possible: the province has no published scores in 2023, 2021 "
            "(previous year and term baseline); the items listed are those in the lowest "
            "group (4).",
        ),
        (
            "No dimension fell and none is in the lowest group.",
            "No dimension is in the lowest group; whether any declined cannot be judged "
            "without an earlier published year.",
        ),
    ),
    # A single microdata run compares with no earlier year: the report no longer says that
    # no dimension declined, only that none is in the lowest group.
    "report Quảng Ninh --year 2024 --lang vi --run <synthetic-2024>": (
        (
            "Không có chỉ số nội dung nào giảm điểm hoặc thuộc nhóm thấp nhất.",
            "Không có chỉ số nội dung nào thuộc nhóm thấp nhất; không thể đánh giá chỉ số nào "
            "giảm điểm khi thiếu số liệu được công bố của năm trước.",
        ),
    ),
}
"""Report texts whose sentences were corrected on purpose: key → (old, new) sentences; the
rest of the text, every number included, must be as before."""


def _reworded(key: str, answer: Any) -> Any:
    for old, new in REWORDED.get(key, ()):
        assert old in answer["body"], f"{key}: the snapshot lacks {old!r}"
        answer = {**answer, "body": answer["body"].replace(old, new)}
    return answer


def _allowed(difference: str) -> bool:
    where, _, what = difference.rpartition(": ")
    return what == "new after" and where.rsplit("/", 1)[-1] in ADDED


def renamed(value: Any) -> Any:
    """``value`` (a snapshot answer) with the names in ``RENAMED`` replaced, as keys, as items of
    column lists and as header cells."""
    if isinstance(value, dict):
        return {RENAMED.get(key, key): renamed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [
            RENAMED.get(item, item) if isinstance(item, str) else renamed(item) for item in value
        ]
    return value


@pytest.fixture(scope="module")
def answers(demo_store: Path) -> dict[str, Any]:
    return capture(demo_store)


def test_the_snapshot_is_small_and_covers_every_kind_of_answer() -> None:
    before = read_snapshot(SNAPSHOT)
    assert SNAPSHOT.stat().st_size < 2_000_000
    prefixes = ("/overview.json", "/province/", "/compare.json", "/indicator.json", "/runs.json")
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in before), prefix
    assert sum(".csv?" in key for key in before) >= 10
    assert sum(".xlsx" in key for key in before) >= 5
    assert sum(key.startswith("report ") for key in before) >= 5
    assert all(f"/overview.json?year={year}" in before for year in range(2011, 2025))


def test_every_answer_is_the_same_as_before(answers: dict[str, Any]) -> None:
    before = read_snapshot(SNAPSHOT)
    assert sorted(answers) == sorted(before)
    found = [
        difference
        for key in sorted(before)
        for difference in differences(_reworded(key, renamed(before[key])), answers[key], key)
        if not _allowed(difference)
        and not any(difference.startswith(key + place + ":") for place in CHANGED.get(key, ()))
    ]
    assert not found, f"{len(found)} differences, the first: " + "\n".join(found[:20])


def test_the_comparison_sees_a_changed_number(answers: dict[str, Any]) -> None:
    # The comparison is not vacuous: one score moved by 1e-6 is reported.
    key = "/overview.json?year=2024"
    changed = renamed(read_snapshot(SNAPSHOT)[key])
    rows = changed["body"]["tables"]["ranking"]["rows"]
    number = next(name for name, item in rows[0].items() if isinstance(item, float))
    rows[0][number] += 1e-6
    assert list(differences(changed, answers[key], key))
