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

# The snapshot was retaken after the score model (its renames, added fields and reworded
# diagnoses), secondary suppression (cells hidden so that no suppressed cell can be
# recomputed) and display rounding of XLSX downloads changed answers on purpose; and again
# when the demo store gained the other instruments' runs (the runs page's `instrument_runs`
# table), runs recorded their weight-plausibility thresholds (`parameters.validation`) and
# the profile report numbered its priorities as everywhere else, with their legend. Changes
# allowed since then are listed here.
RENAMED: dict[str, str] = {}
"""Field and column names renamed since the snapshot: old name → new name."""

ADDED: frozenset[str] = frozenset(
    {
        # The runs page lists the runs of an index scored by period (the demo's SYNTHETIC
        # one-stop year): a new `period_runs` table in its JSON twin and its XLSX.
        "period_runs",
    }
)
"""Fields new since the snapshot."""

ADDED_ANSWERS: frozenset[str] = frozenset(
    {
        # The CSV of the runs page's new `period_runs` table (see ADDED).
        "/runs.csv?table=period_runs",
    }
)
"""Answers new since the snapshot (each must answer 200); every other answer is compared."""

# The SIPAS run's id hashes its input file's bytes, and the demo writes that survey as Parquet,
# whose footer names the polars version that wrote it ("created_by"): a newer polars gives
# the same respondents another id. Only that id may differ; every number is compared.
_SIPAS_RUN_ID = (
    ("/runs.json", "/body/tables/instrument_runs/rows[0]/run_id"),
    ("/runs.csv?table=instrument_runs", "/body[1][0]"),
    ("/runs.xlsx", "/body/instrument_runs[1][0]"),
)

CHANGED: dict[str, tuple[str, ...]] = {key: (place,) for key, place in _SIPAS_RUN_ID}
"""Answers allowed to differ on purpose: key → the places allowed to differ."""

REWORDED: dict[str, tuple[tuple[str, str], ...]] = {}
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
    assert not ADDED_ANSWERS & set(before)
    assert sorted(answers) == sorted([*before, *ADDED_ANSWERS])
    assert all(answers[key]["status"] == 200 for key in ADDED_ANSWERS)
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
