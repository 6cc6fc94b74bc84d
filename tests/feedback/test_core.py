"""The pure core: forms, tokens, anti-abuse rules and statistics, against hand-computed cases."""

from __future__ import annotations

import doctest
import importlib

import polars as pl
import pytest
from tests.feedback.forms_fixture import default_form, quang_ninh_form

from govindex.errors import SpecError
from govindex.feedback.forms import parse_form
from govindex.feedback.refusals import RatingRefused, Throttled, TokenRefused
from govindex.feedback.roles import Role, StaffUser
from govindex.feedback.rules import AntiAbusePolicy, SlidingWindowThrottle, check_human
from govindex.feedback.statistics import CountedRating, summarise, wilson_interval
from govindex.feedback.tokens import (
    ServicePoint,
    read_form_stamp,
    sign_form_stamp,
    sign_token,
    verify_token,
)

MODULES = [
    "forms",
    "tokens",
    "rules",
    "statistics",
    "submissions",
    "roles",
    "refusals",
    "settings",
    "store",
    "export",
    "scores",
    "decision766",
    "sessions",
    "service",
    "app",
    "figures",
    "cards",
    "local_servers",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"govindex.feedback.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_bundled_forms_are_vietnamese_first_with_the_five_levels() -> None:
    form = quang_ninh_form()
    assert form.province == "22"
    assert form.scale[0].vi == "Rất hài lòng"
    assert sorted(level.level for level in form.scale) == [1, 2, 3, 4, 5]
    assert [c.code for c in default_form().criteria][:4] == [
        "overall",
        "convenience",
        "timeliness",
        "staff_attitude",
    ]


def test_a_bad_form_names_the_field() -> None:
    text = """
id: bad
version: 1
title: {vi: a, en: b}
scale: [{level: 1, vi: a, en: b}]
satisfied_levels: [1]
dissatisfied_levels: [2]
criteria: [{code: overall, required: true, vi: a, en: b}]
comment: {vi: a, en: b}
"""
    with pytest.raises(
        SpecError, match=r"bad.yaml: the form definition is invalid .*levels 1 to 5"
    ):
        parse_form(text, "bad.yaml")


def test_answers_are_checked_against_the_form() -> None:
    form = quang_ninh_form()
    assert form.check_answers({"overall": "4", "publicity": 1}) == {"overall": 4, "publicity": 1}
    with pytest.raises(SpecError, match="`overall` must be answered"):
        form.check_answers({"publicity": "3"})
    with pytest.raises(SpecError, match="level must be 1 to 5; got '6'"):
        form.check_answers({"overall": "6"})
    with pytest.raises(SpecError, match="unknown criterion `speed`"):
        form.check_answers({"overall": "5", "speed": "5"})


POINT = ServicePoint("000.00.22.H37", "desk-2", "1.001234", "H37.26.000001")


def test_a_token_round_trips_and_any_change_is_refused() -> None:
    token = sign_token(POINT, expires_at=2_000, secret=b"secret")
    assert verify_token(token, secret=b"secret", now=1_999) == POINT
    with pytest.raises(TokenRefused, match="expired"):
        verify_token(token, secret=b"secret", now=2_000)
    with pytest.raises(TokenRefused, match="not genuine"):
        verify_token(token, secret=b"another secret", now=0)
    signature = token.partition(".")[2]
    forged = sign_token(
        ServicePoint("000.00.46.H57", "desk-2", "1.001234"), expires_at=9_999, secret=b"guess"
    )
    with pytest.raises(TokenRefused, match="not genuine"):
        verify_token(forged.partition(".")[0] + "." + signature, secret=b"secret", now=0)
    with pytest.raises(TokenRefused, match="damaged"):
        verify_token("no-dot-here", secret=b"secret", now=0)


def test_a_form_stamp_is_bound_to_its_token_and_submission() -> None:
    stamp = sign_form_stamp("tok", "submission-1", 100.5, secret=b"k")
    assert read_form_stamp(stamp, "tok", "submission-1", secret=b"k") == 100.5
    with pytest.raises(TokenRefused):
        read_form_stamp(stamp, "tok", "submission-2", secret=b"k")
    with pytest.raises(TokenRefused):
        read_form_stamp("1.x", "tok", "submission-1", secret=b"k")


def test_honeypot_and_minimum_time() -> None:
    policy = AntiAbusePolicy(min_seconds=3.0, max_form_age_seconds=60.0)
    check_human(honeypot="", issued_at=10.0, now=13.0, policy=policy)
    with pytest.raises(RatingRefused, match="hidden field"):
        check_human(honeypot="http://spam", issued_at=10.0, now=30.0, policy=policy)
    with pytest.raises(RatingRefused, match=r"0\.5 s after"):
        check_human(honeypot="", issued_at=10.0, now=10.5, policy=policy)
    with pytest.raises(RatingRefused, match="open too long"):
        check_human(honeypot="", issued_at=10.0, now=71.0, policy=policy)


def test_the_throttle_lets_through_the_limit_per_minute_and_counts_the_rest() -> None:
    throttle = SlidingWindowThrottle(limit=10, window=60.0)
    allowed = sum(throttle.allow("device", now=i * 0.06) for i in range(1000))
    assert allowed == 10
    assert throttle.refused == {"device": 990}
    assert throttle.allow("other device", now=1.0)
    with pytest.raises(Throttled, match="at most 10 in 60 s"):
        throttle.check("device", now=59.0, what="device")
    assert throttle.allow("device", now=120.0)


def test_wilson_interval_matches_hand_computation() -> None:
    # p = 0.8, n = 10, z = 1.959964: centre = (0.8 + z²/20) / (1 + z²/10) = 0.716754,
    # half = z / (1 + z²/10) * sqrt(0.016 + z²/400) = 0.226552.
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.490162, abs=1e-6)
    assert high == pytest.approx(0.943318, abs=1e-6)
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == pytest.approx(1.0)
    with pytest.raises(SpecError):
        wilson_interval(3, 0)


def test_summary_carries_coverage_distribution_criteria_and_the_small_n_flag() -> None:
    ratings = [CountedRating(5, {"staff_attitude": 5}, False)] * 24 + [
        CountedRating(2, {"staff_attitude": 1}, True)
    ] * 6
    summary = summarise(
        ratings,
        satisfied_levels=[4, 5],
        dissatisfied_levels=[1, 2],
        completed=60,
        criteria=["staff_attitude", "publicity"],
    )
    assert summary.n == 30
    assert dict(summary.distribution) == {1: 0, 2: 6, 3: 0, 4: 0, 5: 24}
    assert summary.satisfied.estimate == pytest.approx(0.8)
    assert summary.satisfied.flag is None  # 30 ratings: not flagged
    assert summary.dissatisfied.estimate == pytest.approx(0.2)
    assert summary.coverage == pytest.approx(0.5)
    assert summary.criteria["staff_attitude"].estimate == pytest.approx(0.8)
    assert summary.criteria["publicity"].flag == "no_ratings"
    assert summary.flagged_comments == 6
    few = summarise(ratings[:29], satisfied_levels=[4, 5], dissatisfied_levels=[1, 2])
    assert few.satisfied.flag == "small_n"
    assert (few.coverage, few.coverage_status) == (None, "missing:completed_unknown")


def test_roles_cover_only_their_units() -> None:
    admin = StaffUser("root", Role.ADMINISTRATOR)
    province = StaffUser("qn", Role.PROVINCE_MANAGER, province_code="22")
    centre = StaffUser("lan", Role.CENTRE_MANAGER, province_code="22", agency_code="H37")
    assert admin.covers("46", "H57")
    assert province.covers("22", "H38")
    assert not province.covers("46", "H57")
    assert centre.covers("22", "H37")
    assert not centre.covers("22", "H38")
    with pytest.raises(SpecError, match="needs a province code"):
        StaffUser("x", Role.PROVINCE_MANAGER)


def test_figures_become_score_vocabulary_rows_with_status_and_reason() -> None:
    import datetime

    from govindex.feedback.scores import SCORE_COLUMNS, ScoreContext, score_rows

    ratings = [CountedRating(5, {"staff_attitude": 4})] * 40 + [CountedRating(1, {})] * 10
    summary = summarise(
        ratings,
        satisfied_levels=[4, 5],
        dissatisfied_levels=[1, 2],
        completed=100,
        criteria=["staff_attitude"],
    )
    context = ScoreContext(
        "000.00.22.H37",
        "2026-03",
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
        "quang-ninh@1",
        "feedback store run",
    )
    rows = {row["code"]: row for row in score_rows(summary, context).to_dicts()}
    assert tuple(score_rows(summary, context).columns) == SCORE_COLUMNS
    satisfied = rows["satisfied_share"]
    assert satisfied["estimate"] == pytest.approx(0.8)
    assert (satisfied["ci_low"], satisfied["ci_high"]) == pytest.approx(wilson_interval(40, 50))
    assert satisfied["se"] == pytest.approx((0.8 * 0.2 / 50) ** 0.5)
    assert (satisfied["status"], satisfied["reason"], satisfied["n"]) == ("published", None, 50)
    assert rows["coverage"]["estimate"] == pytest.approx(0.5)
    assert rows["criterion.staff_attitude"]["reason"] is None
    assert rows["criterion.staff_attitude"]["n"] == 40
    assert {row["instrument"] for row in rows.values()} == {"onestop"}
    assert {row["level"] for row in rows.values()} == {"indicator"}


def test_score_rows_use_the_score_table_vocabulary() -> None:
    import datetime

    from govindex.feedback.scores import ScoreContext, score_rows
    from govindex.scores.table import ScoreTable

    # Three ratings (under 30), one criterion nobody answered, no count of completed dossiers.
    summary = summarise(
        [CountedRating(5, {})] * 3,
        satisfied_levels=[4, 5],
        dissatisfied_levels=[1, 2],
        criteria=["publicity"],
    )
    context = ScoreContext(
        "000.00.22.H37",
        "2026-03",
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
        "quang-ninh@1",
        "feedback store run",
    )
    frame = score_rows(summary, context)
    checked = ScoreTable.from_frame(
        frame.drop("provenance").with_columns(pl.lit("feedback").alias("run_id"))
    ).frame
    rows = {row["code"]: row for row in checked.to_dicts()}
    assert (rows["satisfied_share"]["status"], rows["satisfied_share"]["reason"]) == (
        "published",
        None,
    )
    assert rows["satisfied_share"]["n"] == 3
    assert (rows["criterion.publicity"]["status"], rows["criterion.publicity"]["reason"]) == (
        "missing",
        "no_respondents",
    )
    assert (rows["coverage"]["status"], rows["coverage"]["reason"]) == (
        "missing",
        "input_not_in_records",
    )
    none_completed = summarise(
        [CountedRating(5, {})], satisfied_levels=[4, 5], dissatisfied_levels=[1, 2], completed=0
    )
    coverage = score_rows(none_completed, context).filter(pl.col("code") == "coverage")
    assert coverage.select("status", "reason").row(0) == ("missing", "no_denominator")
