"""Every test case of the 766 reference (§7.3), with expected values computed by hand.

Each dossier is received in March 2025 unless said otherwise; P = 2025-03 (1–31 March).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from govindex.onestop.records import from_local_seconds, to_local_seconds
from govindex.onestop.working_calendar import CalendarPolicy, WorkingCalendar

from .builders import CALENDAR, at, dossier, facts, row, scores

MARCH = "2025-03"


def test_1_finished_early_on_the_due_day_and_late() -> None:
    found = facts(
        [
            dossier(
                "early", "2025-03-03 08:00", "2025-03-10 17:00", 9, processed_at="2025-03-09 10:00"
            ),
            dossier(
                "due-day",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                9,
                processed_at="2025-03-10 16:59",
            ),
            dossier(
                "next-day",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                9,
                processed_at="2025-03-11 08:00",
            ),
        ],
        [MARCH],
    )
    assert (found["early", MARCH]["early"], found["early", MARCH]["on_time"]) == (True, True)
    assert (found["due-day", MARCH]["early"], found["due-day", MARCH]["on_time"]) == (False, True)
    assert (found["next-day", MARCH]["on_time"], found["next-day", MARCH]["late"]) == (False, True)


def test_2_returned_only_ends_at_return_and_processed_wins_over_returned() -> None:
    found = facts(
        [
            dossier(
                "returned-late",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                10,
                returned_at="2025-03-12 09:00",
            ),
            dossier(
                "both",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                10,
                processed_at="2025-03-10 09:00",
                returned_at="2025-03-14 09:00",
            ),
        ],
        [MARCH],
    )
    assert found["returned-late", MARCH]["on_time"] is False
    assert found["both", MARCH]["on_time"] is True


def test_3_pending_within_due_and_overdue_with_snapshots_of_two_periods() -> None:
    records = [
        dossier("within", "2025-03-20 08:00", "2025-04-04 17:00", 4),
        dossier("overdue", "2025-03-03 08:00", "2025-03-25 17:00", 4),
        dossier(
            "carried", "2025-03-24 08:00", "2025-03-31 17:00", 9, processed_at="2025-04-02 10:00"
        ),
    ]
    found = facts(records, [MARCH, "2025-04"])
    assert found["within", MARCH]["on_time"] is True
    assert found["overdue", MARCH]["overdue_pending"] is True
    assert found["overdue", MARCH]["days_overdue"] == 6  # 25 → 31 March
    # Pending within its due date at the end of March: on time in March, late in April.
    assert found["carried", MARCH]["on_time"] is True
    assert found["carried", MARCH]["finished"] is False
    assert found["carried", "2025-04"]["on_time"] is False
    assert found["carried", "2025-04"]["finished"] is True


def test_4_one_unanswered_supplement_stops_the_clock_at_the_request() -> None:
    found = facts(
        [
            dossier(
                "asked-in-time",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                5,
                supplement_count=1,
                supplement_requested_at="2025-03-07 10:00",
            ),
            dossier(
                "asked-late",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                5,
                supplement_count=1,
                supplement_requested_at="2025-03-11 10:00",
            ),
        ],
        [MARCH],
    )
    assert found["asked-in-time", MARCH]["on_time"] is True
    assert found["asked-late", MARCH]["on_time"] is False


def test_5_two_supplement_requests_make_the_dossier_overdue() -> None:
    found = facts(
        [
            dossier(
                "twice",
                "2025-03-03 08:00",
                "2025-03-28 17:00",
                9,
                processed_at="2025-03-10 10:00",
                supplement_count=2,
                supplement_requested_at="2025-03-04 10:00",
                supplement_returned_at="2025-03-05 10:00",
                supplement_second_requested_at="2025-03-06 10:00",
            ),
        ],
        [MARCH],
    )
    assert found["twice", MARCH]["on_time"] is False


def test_6_an_answered_supplement_pause_is_subtracted() -> None:
    records = [
        # Requested 5 March, returned 12 March (7 days); finished 13 March, 3 days after the due 10 March.
        dossier(
            "paused",
            "2025-03-03 08:00",
            "2025-03-10 17:00",
            9,
            processed_at="2025-03-13 10:00",
            supplement_count=1,
            supplement_requested_at="2025-03-05 10:00",
            supplement_returned_at="2025-03-12 10:00",
        ),
        # Same, but a 2-day pause does not cover 3 days late.
        dossier(
            "short-pause",
            "2025-03-03 08:00",
            "2025-03-10 17:00",
            9,
            processed_at="2025-03-13 10:00",
            supplement_count=1,
            supplement_requested_at="2025-03-05 10:00",
            supplement_returned_at="2025-03-07 10:00",
        ),
    ]
    found = facts(records, [MARCH])
    assert found["paused", MARCH]["on_time"] is True
    assert found["short-pause", MARCH]["on_time"] is False
    # Processing days: 4–7 and 10–13 March are 8 working days; the pause (5, 12] March holds
    # 6, 7, 10, 11, 12 (5 working days) → 3; the short pause (5, 7] holds 6, 7 → 6.
    assert found["paused", MARCH]["processing_working_days"] == 3.0
    assert found["short-pause", MARCH]["processing_working_days"] == 6.0
    from govindex.onestop.periods import parse_period
    from govindex.onestop.profile import shipped_profile
    from govindex.onestop_engines.scorecard import score_records

    from .builders import engine_for

    card = score_records(
        engine_for(records), shipped_profile().resolve(), [parse_period(MARCH)], ("province",)
    )
    assert card.kpis is not None
    average = card.kpis.filter((pl.col("code") == "processing_days") & (pl.col("unit") == "22"))
    assert average["estimate"].item() == pytest.approx((3.0 + 6.0) / 2)


def test_7_withdrawals() -> None:
    found = facts(
        [
            dossier(
                "before-due",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                7,
                withdrawn_at="2025-03-05 10:00",
            ),
            dossier(
                "after-due",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                7,
                withdrawn_at="2025-03-12 10:00",
            ),
            dossier("before-reception", None, None, 7, submitted_at="2025-03-03 08:00"),
        ],
        [MARCH],
    )
    assert found["before-due", MARCH]["on_time"] is True
    assert found["after-due", MARCH]["on_time"] is False
    assert ("before-reception", MARCH) not in found


def test_8_not_received_and_new_registrations_are_excluded() -> None:
    found = facts(
        [
            dossier("not-received", "2025-03-03 08:00", "2025-03-10 17:00", 3),
            dossier("registered", "2025-03-03 08:00", "2025-03-10 17:00", 1),
            dossier("kept", "2025-03-03 08:00", "2025-03-10 17:00", 4),
        ],
        [MARCH],
    )
    assert set(found) == {("kept", MARCH)}


def test_9_stopped_and_rejected_finish_at_that_moment() -> None:
    found = facts(
        [
            dossier(
                "stopped", "2025-03-03 08:00", "2025-03-10 17:00", 8, stopped_at="2025-03-06 10:00"
            ),
            dossier(
                "rejected-late",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                8,
                rejected_at="2025-03-14 10:00",
            ),
        ],
        [MARCH],
    )
    assert (found["stopped", MARCH]["finished"], found["stopped", MARCH]["on_time"]) == (True, True)
    assert (
        found["rejected-late", MARCH]["finished"],
        found["rejected-late", MARCH]["on_time"],
    ) == (True, False)


def test_10_missing_due_date_is_computed_over_tet_2025() -> None:
    assert CALENDAR.due_at(dt.datetime(2025, 1, 24, 10), 5, "working_day") == dt.datetime(
        2025, 2, 7, 17, 0
    )
    found = facts(
        [
            dossier("on-7-feb", "2025-01-24 10:00", None, 9, processed_at="2025-02-07 16:00"),
            dossier("on-10-feb", "2025-01-24 10:00", None, 9, processed_at="2025-02-10 09:00"),
        ],
        ["2025-02"],
    )
    assert found["on-7-feb", "2025-02"]["on_time"] is True
    assert found["on-7-feb", "2025-02"]["due_computed"] is True
    assert found["on-10-feb", "2025-02"]["on_time"] is False


def test_11_make_up_saturday_and_the_april_may_holidays_2025() -> None:
    # 25/4 Fri (1), Sat 26/4 is a make-up working day (2), Mon 28/4 (3).
    assert CALENDAR.due_at(dt.datetime(2025, 4, 24, 9), 3, "working_day") == dt.datetime(
        2025, 4, 28, 17
    )
    # 30/4, 1/5 and 2/5 (swapped) are off, 3–4/5 weekend: Tue 29/4 + 2 → Tue 6/5.
    assert CALENDAR.due_at(dt.datetime(2025, 4, 29, 9), 2, "working_day") == dt.datetime(
        2025, 5, 6, 17
    )


def test_12_national_day_and_the_cultural_day_policy() -> None:
    # 1/9 and 2/9/2025 are off: Fri 29/8 + 1 working day → Wed 3/9.
    assert CALENDAR.due_at(dt.datetime(2025, 8, 29, 9), 1, "working_day") == dt.datetime(
        2025, 9, 3, 17
    )
    # 24/11/2026 counts as a working day unless the cultural-day policy is switched on.
    received = dt.datetime(2026, 11, 23, 9)
    assert CALENDAR.due_at(received, 1, "working_day") == dt.datetime(2026, 11, 24, 17)
    with_day = WorkingCalendar.for_years([2026], policy=CalendarPolicy(cultural_day=True))
    assert with_day.due_at(received, 1, "working_day") == dt.datetime(2026, 11, 25, 17)


def test_13_hour_limits_and_after_hours_submission() -> None:
    # 15:30 Friday 7/3/2025: 1.5 h that day, 6.5 h on Monday (4 h morning, 2.5 h afternoon).
    assert CALENDAR.due_at(dt.datetime(2025, 3, 7, 15, 30), 8, "hour") == dt.datetime(
        2025, 3, 10, 15, 30
    )
    # Submitted online at 19:00: counting starts at Monday's opening, 8 h ends at closing.
    assert CALENDAR.due_at(dt.datetime(2025, 3, 7, 19, 0), 8, "hour") == dt.datetime(
        2025, 3, 10, 17, 0
    )
    clock = WorkingCalendar.for_years([2025], policy=CalendarPolicy(hours_are_working=False))
    assert clock.due_at(dt.datetime(2025, 3, 7, 15, 30), 8, "hour") == dt.datetime(
        2025, 3, 7, 23, 30
    )


def test_14_apology_with_a_new_appointment_stays_late_and_is_flagged() -> None:
    found = facts(
        [
            dossier(
                "apology",
                "2025-03-03 08:00",
                "2025-03-20 17:00",
                9,
                processed_at="2025-03-18 10:00",
                due_at_original="2025-03-10 17:00",
                apology_issued=True,
            ),
        ],
        [MARCH],
    )
    assert found["apology", MARCH]["on_time"] is False
    assert found["apology", MARCH]["due_rewritten"] is True


def test_15_missing_channel_is_direct_and_strict_online_needs_an_e_result() -> None:
    records = [
        dossier("null-channel", "2025-03-03 08:00", "2025-03-10 17:00", 4, channel=None),
        dossier("online-no-e-result", "2025-03-03 08:00", "2025-03-10 17:00", 4, channel=2),
        dossier(
            "online-e-result",
            "2025-03-03 08:00",
            "2025-03-10 17:00",
            4,
            channel=2,
            has_e_result=True,
        ),
        dossier(
            "online-hours",
            "2025-03-03 08:00",
            "2025-03-10 17:00",
            4,
            channel=2,
            procedure_code="H8",
        ),
    ]
    found = facts(records, [MARCH])
    assert found["null-channel", MARCH]["direct"] is True
    strict = row(scores(records, MARCH), "3.3")
    loose = row(scores(records, MARCH, {"online_submission": "loose"}), "3.3")
    # strict: e-result (P5 needs a paper result) or H8 (no paper result) = 2 of 4; loose: 3 of 4.
    assert (strict["numerator"], strict["denominator"], strict["ratio"]) == (2, 4, 0.5)
    assert strict["estimate"] == pytest.approx(6.0)  # min(6, 6 · 0.5 / 0.5)
    assert loose["numerator"] == 3
    assert "online_submission=loose" in loose["edition"]


def test_16_zero_fees_leave_the_payment_denominator_and_local_gateways_count() -> None:
    records = [
        dossier(
            "zero-fee", "2025-03-03 08:00", "2025-03-10 17:00", 4, fee_total=0.0, has_fee_lines=True
        ),
        dossier(
            "gateway", "2025-03-03 08:00", "2025-03-10 17:00", 4, fee_total=50000.0, paid_online=2
        ),
        dossier(
            "cash", "2025-03-03 08:00", "2025-03-10 17:00", 4, fee_total=50000.0, paid_online=0
        ),
    ]
    payment = row(scores(records, MARCH), "3.6")
    assert (payment["numerator"], payment["denominator"]) == (1, 2)
    assert payment["estimate"] == pytest.approx(3.0)


def test_17_a_component_from_the_citizen_repository_counts_twice() -> None:
    records = [
        dossier(
            "repository", "2025-03-03 08:00", "2025-03-10 17:00", 4, from_citizen_repository=True
        ),
        dossier("plain", "2025-03-03 08:00", "2025-03-10 17:00", 4),
    ]
    result = scores(records, MARCH)
    assert (row(result, "4.4")["numerator"], row(result, "4.4")["denominator"]) == (1, 2)
    assert (row(result, "4.5b")["numerator"], row(result, "4.5b")["denominator"]) == (1, 2)
    assert row(result, "4.4")["estimate"] == pytest.approx(2.0)


def test_18_no_denominator_is_null_and_petition_policies_differ() -> None:
    records = [dossier("one", "2025-03-03 08:00", "2025-03-10 17:00", 4)]
    result = scores(records, MARCH)
    payment = row(result, "3.6")  # no fee-bearing dossier with a fee
    assert payment["ratio"] is None
    assert payment["estimate"] is None
    assert payment["status"] == "missing"
    assert payment["reason"].startswith("no_denominator")
    assert row(result, "5.2")["estimate"] == 6.0  # API: full points without petitions
    assert row(result, "5.2")["status"] == "published"
    strict = scores(records, MARCH, {"petitions_without_denominator": "zero"})
    assert row(strict, "5.2")["estimate"] == 0.0


@pytest.mark.parametrize("award", ["exclude", "full"])
def test_19_indicators_not_applicable_at_a_commune(award: str) -> None:
    # One commune dossier and one department dossier, both finished early and not synced.
    records = [
        dossier(
            "commune",
            "2025-03-03 08:00",
            "2025-03-10 17:00",
            9,
            processed_at="2025-03-07 10:00",
            agency_id="C1",
        ),
        dossier(
            "department", "2025-03-03 08:00", "2025-03-10 17:00", 9, processed_at="2025-03-07 10:00"
        ),
    ]
    result = scores(records, MARCH, {"not_applicable_award": award}, ("agency",))
    assert result["edition"].n_unique() == 1
    assert f"not_applicable_award={award}" in result["edition"][0]
    exempt = {"1.1": 6.0, "1.2": 4.0, "1.3": 2.0, "4.6": 2.0}
    for code, maximum in exempt.items():
        commune = row(result, code, "C1")
        assert commune["geography"] == "commune"
        assert commune["reason"] == f"not_applicable_at_commune;award={award}"
        assert commune["ratio"] is None
        if award == "full":
            assert (commune["estimate"], commune["status"]) == (maximum, "published")
        else:
            assert (commune["estimate"], commune["status"]) == (None, "missing")
        # A department's indicators are computed or missing, never exempt.
        department = row(result, code, "A1")
        assert department["estimate"] is None
        assert department["reason"] in ("input_not_in_records", "no_denominator;on_empty=null")
    # Publicity: 1.4 is 0 of 1 synced (0 points) in both; the exempt 12 points are awarded or not.
    publicity = row(result, "publicity", "C1")
    assert publicity["estimate"] == (12.0 if award == "full" else 0.0)
    assert publicity["ratio"] == pytest.approx((18.0 if award == "full" else 6.0) / 18.0)
    assert row(result, "publicity", "A1")["estimate"] == 0.0
    assert row(result, "publicity", "A1")["ratio"] == pytest.approx(6.0 / 18.0)
    # The commune's total differs from the department's (same dossier) by the awarded 14 points.
    difference = row(result, "total", "C1")["estimate"] - row(result, "total", "A1")["estimate"]
    assert difference == pytest.approx(14.0 if award == "full" else 0.0, abs=1e-12)


def test_19_an_unknown_award_is_refused() -> None:
    from govindex.errors import SpecError
    from govindex.onestop.profile import shipped_profile

    with pytest.raises(SpecError, match="not_applicable_award"):
        shipped_profile().resolve({"not_applicable_award": "half"})


def test_20_period_boundaries_in_viet_nam_time() -> None:
    last_minute = to_local_seconds(dt.datetime(2025, 1, 31, 16, 59, tzinfo=dt.UTC))
    next_minute = to_local_seconds(dt.datetime(2025, 1, 31, 17, 0, tzinfo=dt.UTC))
    assert from_local_seconds(last_minute) == dt.datetime(2025, 1, 31, 23, 59)
    records = [
        dossier("jan", "2025-01-31 23:59", "2025-02-10 17:00", 4),
        dossier("feb", "2025-02-01 00:00", "2025-02-10 17:00", 4),
    ]
    assert at("2025-02-01 00:00") == next_minute
    found = facts(records, ["2025-01", "2025-02", "2025-Q1", "2025"])
    assert found["jan", "2025-01"]["received_in_period"] is True
    assert ("feb", "2025-01") not in found
    assert found["jan", "2025-02"]["received_in_period"] is False  # carried over
    received = {
        period: sum(1 for (code, p), f in found.items() if p == period and f["received_in_period"])
        for period in ("2025-01", "2025-02", "2025-Q1", "2025")
    }
    assert received["2025-01"] + received["2025-02"] == received["2025-Q1"] == received["2025"] == 2


def test_22_legacy_district_dossiers_can_be_credited_to_the_successor() -> None:
    from govindex.onestop.periods import parse_period
    from govindex.onestop.profile import shipped_profile
    from govindex.onestop_engines.scorecard import score_records

    from .builders import engine_for

    records = [dossier("district", "2025-03-03 08:00", "2025-03-10 17:00", 4, agency_id="D1")]
    profile = shipped_profile().resolve()
    kept = score_records(engine_for(records), profile, [parse_period(MARCH)], ("agency",)).scores
    remapped = score_records(
        engine_for(records),
        profile,
        [parse_period(MARCH)],
        ("agency",),
        remap_legacy_districts=True,
    ).scores
    assert set(kept["unit"]) == {"D1"}
    assert set(remapped["unit"]) == {"C1"}


@pytest.mark.parametrize(
    ("option", "ratio", "points"),
    [("sum_of_rates", 0.980, 6.0), ("union", 0.981, 6.0)],
)
def test_23_satisfaction_sum_of_rates_and_union(option: str, ratio: float, points: float) -> None:
    # 1,000 dossiers: 12 late, 5 with a petition, 3 with a dislike (one of them also late).
    records = []
    for number in range(1000):
        late = number < 12
        records.append(
            dossier(
                f"d{number}",
                "2025-03-03 08:00",
                "2025-03-10 17:00",
                9,
                processed_at="2025-03-12 08:00" if late else "2025-03-07 08:00",
            )
        )
    petitions = [
        {
            "petition_id": f"p{n}",
            "agency_id": "A1",
            "province_code": "22",
            "dossier_code": f"d{100 + n}",
            "received_at": at("2025-03-08 08:00"),
            "due_at": at("2025-04-10 17:00"),
        }
        for n in range(5)
    ]
    disliked = ["d0", "d200", "d201"]
    ratings = [
        {
            "rating_id": f"r{n}",
            "dossier_code": code,
            "agency_id": "A1",
            "province_code": "22",
            "rated_at": at("2025-03-09 08:00"),
            "level": 1,
        }
        for n, code in enumerate(disliked)
    ]
    result = scores(
        records,
        MARCH,
        {"satisfaction_766": option},
        ("province",),
        petitions=petitions,
        ratings=ratings,
    )
    satisfaction = row(result, "5.4")
    assert satisfaction["denominator"] == 1000
    assert satisfaction["ratio"] == pytest.approx(ratio, abs=1e-12)
    assert satisfaction["estimate"] == pytest.approx(points)
    # The petitions were handled on time (pending within due at the end of March).
    assert row(result, "5.2")["ratio"] == 1.0


def _publication(
    code: str, procedure: str, decided: str, effective: str, public: str | None, **fields: Any
) -> dict[str, Any]:
    return {
        "publication_id": code,
        "province_code": "22",
        "agency_id": "A1",
        "procedure_code": procedure,
        "decided_at": at(decided),
        "legal_basis_effective_at": at(effective),
        "publicised_at": at(public),
        "components_published": 7,
        **fields,
    }


PUBLICATIONS = [
    # P5: on time (3 March = 10 March − 5 working days; public 10 March = 3 March + 5), then
    # late (20 March > 25 March − 5 = 18 March) but public on time (21 ≤ 27 March): 6 contents.
    _publication("u1", "P5", "2025-03-03 09:00", "2025-03-10 00:00", "2025-03-10 15:00"),
    _publication(
        "u2",
        "P5",
        "2025-03-20 09:00",
        "2025-03-25 00:00",
        "2025-03-21 09:00",
        components_published=6,
    ),
    # H8: decided 24 March for 28 April; not yet public on 31 March, its deadline (24 + 5
    # working days = 31 March) not passed: on time in March's snapshot.
    _publication("u3", "H8", "2025-03-24 09:00", "2025-04-28 00:00", "2025-04-03 09:00"),
    # Q1: effective 1 May; 5 working days back over 30 April and the make-up Saturday 26 April
    # is 24 April, so 17 March is on time; never made public (due 24 March): late for 1.2.
    _publication("u4", "Q1", "2025-03-17 09:00", "2025-05-01 00:00", None),
    # R1: published in January, public with all 7 contents; S1: abolished in February.
    _publication("u5", "R1", "2025-01-10 09:00", "2025-01-20 00:00", "2025-01-13 09:00"),
    _publication(
        "u6", "S1", "2025-02-05 09:00", "2025-02-20 00:00", "2025-02-06 09:00", action="abolish"
    ),
]


def test_publication_deadlines_use_working_days() -> None:
    from govindex.onestop.deadlines import complete_publications

    from .builders import frame

    done = complete_publications(frame("publications", PUBLICATIONS), CALENDAR)
    epoch = dt.date(1970, 1, 1)
    by_day = {
        row["publication_id"]: (
            epoch + dt.timedelta(days=row["publish_by_day"]),
            epoch + dt.timedelta(days=row["publicise_by_day"]),
        )
        for row in done.to_dicts()
    }
    assert by_day["u1"] == (dt.date(2025, 3, 3), dt.date(2025, 3, 10))
    assert by_day["u2"] == (dt.date(2025, 3, 18), dt.date(2025, 3, 27))
    assert by_day["u3"][1] == dt.date(2025, 3, 31)
    assert by_day["u4"] == (dt.date(2025, 4, 24), dt.date(2025, 3, 24))


def test_indicators_1_1_to_1_3_from_procedure_publications() -> None:
    records = [
        dossier(
            "synced",
            "2025-03-03 08:00",
            "2025-03-10 17:00",
            9,
            processed_at="2025-03-07 10:00",
            synced_to_portal_at="2025-03-03 09:00",
        )
    ]
    result = scores(records, MARCH, None, ("province", "agency"), publications=PUBLICATIONS)
    # 1.1: P5 (one late decision makes the procedure late), H8 and Q1 on time → 2 of 3.
    published = row(result, "1.1")
    assert (published["numerator"], published["denominator"]) == (2, 3)
    assert published["estimate"] == pytest.approx(6 * 2 / 3)
    # 1.2: P5 and H8 (pending within its deadline) on time, Q1 never public → 2 of 3.
    public = row(result, "1.2")
    assert (public["numerator"], public["denominator"]) == (2, 3)
    assert public["estimate"] == pytest.approx(4 * 2 / 3)
    # 1.3 on 31 March: public procedures P5 (latest decision shows 6 contents) and R1 (7);
    # H8 and Q1 not yet public, S1 abolished → 1 of 2.
    content = row(result, "1.3")
    assert (content["numerator"], content["denominator"]) == (1, 2)
    assert content["estimate"] == pytest.approx(1.0)
    assert row(result, "1.4")["estimate"] == pytest.approx(6.0)
    assert row(result, "publicity")["estimate"] == pytest.approx(4.0 + 8 / 3 + 1.0 + 6.0)
    # The department in charge has the same numbers.
    assert row(result, "1.1", "A1")["ratio"] == pytest.approx(2 / 3)
    # The first quarter: R1 and S1 were decided on time too → 4 of 5.
    quarter = scores(records, "2025-Q1", None, ("province",), publications=PUBLICATIONS)
    assert (row(quarter, "1.1")["numerator"], row(quarter, "1.1")["denominator"]) == (4, 5)
