"""The Decision 766 satisfaction inputs from the rating export, against hand-computed cases."""

from __future__ import annotations

import datetime

import polars as pl
import pytest

from govindex.errors import SpecError
from govindex.feedback.decision766 import period_of, satisfaction_766_rows
from govindex.feedback.scores import SCORE_COLUMNS
from govindex.scores.table import REASONS, ScoreTable

HANOI = datetime.timezone(datetime.timedelta(hours=7))


def _rating(
    dossier: str | None,
    agency: str,
    day: int,
    dislike: bool,
    *,
    counted: bool = True,
    month: int = 3,
) -> dict[str, object]:
    return {
        "dossier_code": dossier,
        "agency_code": agency,
        "rated_at": datetime.datetime(2026, month, day, 10, tzinfo=HANOI),
        "dissatisfied": dislike,
        "counted": counted,
    }


def _export() -> pl.DataFrame:
    rows = []
    # Agency A, March: 40 dossiers rated, dossiers 0-2 disliked.
    rows += [_rating(f"A-{k:03d}", "A", 1 + k % 28, k < 3) for k in range(40)]
    # Dossier A-010 was first rated a dislike, then rated again (satisfied): only the latest counts.
    rows.append(_rating("A-010", "A", 2, True, counted=False))
    # Two ratings without a dossier code (one a dislike): shown, never in the 766 terms.
    rows += [_rating(None, "A", 5, True), _rating(None, "A", 6, False)]
    # Agency A, April: one dossier, satisfied. Agency B, March: 5 dossiers, 1 disliked.
    rows.append(_rating("A-900", "A", 1, False, month=4))
    rows += [_rating(f"B-{k}", "B", 3, k == 0) for k in range(5)]
    return pl.DataFrame(rows)


def _figures(frame: pl.DataFrame, unit: str, period: str) -> dict[str, dict[str, object]]:
    chosen = frame.filter((pl.col("unit") == unit) & (pl.col("period") == period))
    return {row["code"]: row for row in chosen.iter_rows(named=True)}


def test_the_766_inputs_match_the_hand_computed_case() -> None:
    frame = satisfaction_766_rows(
        _export(),
        {("A", "2026-03"): 160, ("A", "2026-04"): 0},
        edition="feedback-766@1",
        provenance="tests/feedback/test_decision766.py",
    )
    assert frame.columns == list(SCORE_COLUMNS)
    assert set(frame["instrument"]) == {"onestop"}
    assert set(frame["level"]) == {"indicator"}
    _is_a_score_table(frame)
    march = _figures(frame, "A", "2026-03")
    assert march["dossiers_rated"]["estimate"] == 40
    assert march["dossiers_dissatisfied"]["estimate"] == 3  # the superseded dislike is not counted
    share = march["dissatisfied_share"]
    # By hand: p = 3/40 = 0.075; Wilson 95 % (z = 1.959964): (p + z²/2n ± z√(p(1−p)/n + z²/4n²))
    # / (1 + z²/n) = 0.1122391 ± 0.0864031.
    assert share["estimate"] == pytest.approx(0.075, rel=1e-12)
    assert share["ci_low"] == pytest.approx(0.025836025774588, rel=1e-9)
    assert share["ci_high"] == pytest.approx(0.198642335243105, rel=1e-9)
    assert share["se"] == pytest.approx(0.041645828122394, rel=1e-9)
    assert (share["ci_rule"], share["ci_level"], share["n"], share["reason"]) == (
        "wilson",
        0.95,
        40,
        None,
    )
    assert march["coverage"]["estimate"] == pytest.approx(40 / 160)
    assert (march["coverage"]["n"], march["coverage"]["reason"]) == (160, None)
    assert march["dissatisfied_per_completed"]["estimate"] == pytest.approx(3 / 160)
    assert march["ratings_without_dossier"]["estimate"] == 2
    assert march["coverage"]["period_start"] == datetime.date(2026, 3, 1)
    assert march["coverage"]["period_end"] == datetime.date(2026, 3, 31)


def test_few_ratings_show_their_n_and_unknown_denominators_are_missing() -> None:
    frame = satisfaction_766_rows(
        _export(), {("A", "2026-04"): 0}, edition="feedback-766@1", provenance="test"
    )
    hue = _figures(frame, "B", "2026-03")
    share = hue["dissatisfied_share"]
    # By hand: 1 of 5; Wilson 95 % = (0.0362241, 0.6244654). Fewer than 30 rated: published
    # (the ScoreTable gives a published row no reason), its n = 5 says how few.
    assert share["estimate"] == pytest.approx(0.2)
    assert share["ci_low"] == pytest.approx(0.036224108632430, rel=1e-9)
    assert share["ci_high"] == pytest.approx(0.624465370237475, rel=1e-9)
    assert (share["status"], share["reason"], share["n"]) == ("published", None, 5)
    assert (hue["coverage"]["status"], hue["coverage"]["reason"]) == (
        "missing",
        "input_not_in_records",
    )
    assert hue["coverage"]["estimate"] is None
    april = _figures(frame, "A", "2026-04")
    assert april["dossiers_rated"]["estimate"] == 1
    assert (april["coverage"]["status"], april["coverage"]["reason"]) == (
        "missing",
        "no_denominator",
    )
    _is_a_score_table(frame)


def test_quarters_and_bad_input() -> None:
    frame = satisfaction_766_rows(
        _export(), {}, edition="feedback-766@1", provenance="test", grain="quarter"
    )
    quarter = _figures(frame, "A", "2026-Q1")
    assert quarter["dossiers_rated"]["estimate"] == 40
    assert _figures(frame, "A", "2026-Q2")["dossiers_rated"]["estimate"] == 1
    assert period_of(datetime.date(2024, 2, 10)) == (
        "2024-02",
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
    )
    with pytest.raises(SpecError, match="dissatisfied"):
        satisfaction_766_rows(
            _export().drop("dissatisfied"), {}, edition="feedback-766@1", provenance="test"
        )
    with pytest.raises(SpecError, match="week"):
        period_of(datetime.date(2026, 3, 2), "week")


def _is_a_score_table(frame: pl.DataFrame) -> None:
    """The rows pass the ScoreTable's checks: its levels, statuses and reason codes."""
    checked = ScoreTable.from_frame(
        frame.drop("provenance").with_columns(pl.lit("feedback").alias("run_id")),
        where="766 satisfaction rows",
    ).frame
    assert set(checked["reason"].drop_nulls()) <= set(REASONS)
