"""The store on both backends: migrations, idempotent writes, revisions, audit, privacy."""

from __future__ import annotations

import datetime
import threading

import pytest
import sqlalchemy as sa
from tests.feedback.conftest import HUE, QUANG_NINH, at
from tests.feedback.forms_fixture import quang_ninh_form

from govindex.errors import NotFound, StorageError
from govindex.feedback.forms import FormDefinition
from govindex.feedback.refusals import NotSignedIn
from govindex.feedback.roles import Role, StaffUser
from govindex.feedback.store import FeedbackStore, open_store
from govindex.feedback.submissions import Channel, Submission
from govindex.feedback.tokens import ServicePoint


def rating(
    submission_id: str,
    overall: int,
    *,
    dossier: str | None = None,
    when: datetime.datetime | None = None,
    agency: str = QUANG_NINH.agency_code,
    comment: str | None = None,
    form: FormDefinition | None = None,
) -> Submission:
    return Submission.build(
        submission_id,
        ServicePoint(agency, "desk-1", "1.001234", dossier),
        Channel.QR,
        form or quang_ninh_form(),
        {"overall": overall, "staff_attitude": 4},
        comment=comment,
        phone_hash=None,
        device="device-a",
        created_at=when or at(2),
    )


def test_migrations_are_idempotent_and_create_every_table(database_url: str) -> None:
    first = open_store(database_url)
    first.close()
    store = open_store(database_url)  # a second run finds the schema at head and does nothing
    names = set(sa.inspect(store.engine).get_table_names())
    with store.engine.connect() as connection:
        version = connection.execute(sa.text("select version_num from alembic_version")).scalar()
    store.close()
    assert {
        "feedback_ratings",
        "feedback_audit_log",
        "feedback_staff_sessions",
        "feedback_throttle_counts",
        "alembic_version",
    } <= names
    assert version == "0002"


def test_a_retried_submission_is_stored_once(store: FeedbackStore) -> None:
    first = store.record(rating("submission-0001", 5), "22")
    again = store.record(rating("submission-0001", 5), "22")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.rating_id == first.rating_id
    assert store.submission_ids() == ["submission-0001"]


def test_a_later_rating_of_a_dossier_is_a_revision_counted_once(store: FeedbackStore) -> None:
    store.record(rating("submission-0001", 2, dossier="H37.26.000123", when=at(2)), "22")
    second = store.record(rating("submission-0002", 5, dossier="H37.26.000123", when=at(3)), "22")
    store.record(rating("submission-0003", 4, when=at(3)), "22")  # no dossier code: its own
    assert second.revision == 2
    counted = store.counted([QUANG_NINH.agency_code], at(0), at(23))
    assert sorted(r.overall for r in counted) == [4, 5]
    rows = store.rating_rows()
    assert [(r["revision"], r["superseded"]) for r in rows] == [(1, True), (2, False), (1, False)]


def test_concurrent_revisions_of_one_dossier_get_distinct_numbers(store: FeedbackStore) -> None:
    def post(index: int) -> None:
        store.record(rating(f"submission-{index:04d}", 3, dossier="H37.26.000777"), "22")

    threads = [threading.Thread(target=post, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = store.rating_rows()
    assert sorted(r["revision"] for r in rows) == list(range(1, 9))
    assert sum(not r["superseded"] for r in rows) == 1


def test_counted_ratings_are_limited_to_the_centres_and_the_window(store: FeedbackStore) -> None:
    store.record(rating("submission-0001", 5, when=at(1)), "22")
    store.record(rating("submission-0002", 1, when=at(5)), "22")
    store.record(rating("submission-0003", 3, when=at(2), agency=HUE.agency_code), "46")
    assert [r.overall for r in store.counted([QUANG_NINH.agency_code], at(0), at(3))] == [5]
    assert len(store.counted([QUANG_NINH.agency_code, HUE.agency_code], at(0), at(23))) == 3


def test_completed_dossiers_are_summed_and_unknown_is_none(store: FeedbackStore) -> None:
    day = datetime.date(2026, 3, 2)
    assert store.completed([QUANG_NINH.agency_code], day, day) is None
    store.put_completed(QUANG_NINH.agency_code, day, 40)
    store.put_completed(QUANG_NINH.agency_code, day, 42)  # replaces, not adds
    store.put_completed(QUANG_NINH.agency_code, day + datetime.timedelta(days=1), 8)
    assert store.completed([QUANG_NINH.agency_code], day, day + datetime.timedelta(days=1)) == 50


def test_the_audit_log_is_append_only_in_the_database(store: FeedbackStore) -> None:
    store.audit("admin", "create_user", "lan", {"role": "centre_manager"})
    entries = store.audit_entries()
    assert [(e["actor"], e["action"]) for e in entries] == [("admin", "create_user")]
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as c:
        c.execute(sa.text("update feedback_audit_log set actor = 'someone else'"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as c:
        c.execute(sa.text("delete from feedback_audit_log"))
    assert len(store.audit_entries()) == 1


def test_staff_passwords_are_argon2_hashes_and_checked(store: FeedbackStore) -> None:
    user = StaffUser("lan", Role.CENTRE_MANAGER, "22", QUANG_NINH.agency_code)
    store.add_user(user, "correct horse battery")
    with store.engine.connect() as connection:
        stored = connection.execute(
            sa.text("select password_hash from feedback_staff_users")
        ).scalar()
    assert str(stored).startswith("$argon2id$")
    assert store.authenticate("lan", "correct horse battery") == user
    with pytest.raises(NotSignedIn, match="wrong password"):
        store.authenticate("lan", "wrong horse battery")
    with pytest.raises(NotSignedIn, match="wrong password"):
        store.authenticate("nobody", "correct horse battery")
    with pytest.raises(StorageError, match="at least 10"):
        store.add_user(StaffUser("short", Role.ADMINISTRATOR), "short")


def test_device_keys_are_kept_hashed(store: FeedbackStore) -> None:
    device_id, key = store.add_device(QUANG_NINH.agency_code, "kiosk at the entrance")
    assert store.device_for_key(key) == (device_id, QUANG_NINH.agency_code)
    with store.engine.connect() as connection:
        assert key not in str(connection.execute(sa.text("select * from feedback_devices")).all())
    with pytest.raises(NotSignedIn):
        store.device_for_key(key + "x")
    with pytest.raises(NotFound, match="no centre"):
        store.add_device("nope", "kiosk")


def test_phone_hashes_are_purged_after_the_retention(store: FeedbackStore) -> None:
    old = rating("submission-0001", 5, when=at(2) - datetime.timedelta(days=40))
    new = rating("submission-0002", 5, when=at(2))
    for submission in (old, new):
        store.record(Submission(**{**submission.__dict__, "phone_hash": "a" * 64}), "22")
    assert store.purge_phones(at(3), retention_days=30) == 1
    assert [r["phone_hash"] for r in store.rating_rows()] == [None, "a" * 64]


def test_an_unknown_url_scheme_is_one_clear_error() -> None:
    with pytest.raises(StorageError, match="unsupported database URL `mysql:"):
        open_store("mysql://localhost/x")


def test_the_rating_export_is_keyed_by_codes_in_vietnam_time(store: FeedbackStore) -> None:
    from govindex.feedback.export import rating_table
    from govindex.feedback.settings import bundled_forms

    store.record(rating("submission-0001", 2, dossier="H37.26.000123", when=at(2)), "22")
    store.record(rating("submission-0002", 5, dossier="H37.26.000123", when=at(3)), "22")
    table = rating_table(store, bundled_forms())
    assert table.select(
        "dossier_code",
        "agency_code",
        "procedure_code",
        "service_point",
        "overall",
        "dissatisfied",
        "revision",
        "counted",
        "channel",
        "form_version",
        "criterion_staff_attitude",
    ).rows() == [
        (
            "H37.26.000123",
            QUANG_NINH.agency_code,
            "1.001234",
            "desk-1",
            2,
            True,
            1,
            False,
            "qr",
            "quang-ninh@1",
            4,
        ),
        (
            "H37.26.000123",
            QUANG_NINH.agency_code,
            "1.001234",
            "desk-1",
            5,
            False,
            2,
            True,
            "qr",
            "quang-ninh@1",
            4,
        ),
    ]
    assert str(table["rated_at"].dtype) == "Datetime(time_unit='us', time_zone='Asia/Ho_Chi_Minh')"
    assert table["rated_at"][0].hour == 9  # 02:00 UTC is 09:00 in Hà Nội


def test_a_taken_user_name_is_refused_clearly(store: FeedbackStore) -> None:
    from govindex.errors import SpecError

    store.add_user(StaffUser("lan", Role.ADMINISTRATOR), "a-long-password")
    with pytest.raises(SpecError, match="`lan` is already taken"):
        store.add_user(StaffUser("lan", Role.ADMINISTRATOR), "another-password")


def test_a_database_failure_while_storing_is_unavailable_not_an_internal_error(
    tmp_path: object,
) -> None:
    from govindex.feedback.refusals import Unavailable

    store = open_store(f"sqlite:///{tmp_path}/gone.db")
    store.put_centre(QUANG_NINH)
    with store.engine.begin() as connection:
        connection.execute(sa.text("drop table feedback_ratings"))
    with pytest.raises(Unavailable, match="try again") as refused:
        store.record(rating("submission-0001", 5), "22")
    assert refused.value.http_status == 503
    store.close()


def test_a_session_ended_in_the_store_stays_ended(store: FeedbackStore) -> None:
    session_id = store.open_session("lan")
    other = store.open_session("lan")
    assert store.session_is_open(session_id, "lan")
    assert not store.session_is_open(session_id, "hue")  # a session names its user
    assert not store.session_is_open("made-up", "lan")
    store.end_session(session_id)
    assert not store.session_is_open(session_id, "lan")
    assert store.session_is_open(other, "lan")  # sign-out ends that session only


def test_throttle_counts_in_the_store_hold_under_concurrent_processes(
    store: FeedbackStore, database_url: str
) -> None:
    """Two stores (two pools, as two server processes have) count one key from eight threads."""
    second = open_store(database_url)
    results: list[bool] = []
    lock = threading.Lock()
    now = 120.5  # inside one window, away from its edges

    def hit(which: FeedbackStore) -> None:
        for _ in range(10):
            allowed, _refused = which.count_throttled("API key", "kiosk-1", now=now, limit=25)
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=hit, args=(s,)) for s in (store, second) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    second.close()
    assert len(results) == 80
    assert results.count(True) == 25
    allowed, refused = store.count_throttled("API key", "kiosk-1", now=now, limit=25)
    assert (allowed, refused) == (False, 56)
    # The next window counts afresh, minus the previous window's weight still inside it.
    assert store.count_throttled("API key", "kiosk-1", now=180.0 + 59.0, limit=25)[0] is True


def test_finished_and_expired_staff_sessions_are_purged(store: FeedbackStore) -> None:
    ended, current = store.open_session("lan"), store.open_session("hue")
    store.end_session(ended)
    stale = store.open_session("minh")
    # A session older than a cookie's lifetime: its cookie is refused, so its row must go too.
    with store.engine.begin() as connection:
        connection.execute(
            sa.text("update feedback_staff_sessions set created_at = :old where username = 'minh'"),
            {"old": datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=9)},
        )
    assert not store.session_is_open(stale, "minh")
    # The sign-in that opened minh's session already cleared lan's ended one.
    assert store.staff_session_count() == 2
    assert store.purge_sessions(datetime.datetime.now(datetime.UTC)) == 1
    assert store.staff_session_count() == 1
    assert store.session_is_open(current, "hue")
    # The table never grows with past sign-ins.
    store.end_session(current)
    store.open_session("lan")
    assert store.staff_session_count() == 1
