"""The feedback store: SQLAlchemy Core over SQLite (embedded default) or PostgreSQL (psycopg 3).

:func:`open_store` connects and brings the schema up to date with the Alembic migrations
shipped in this package. Writes are idempotent: a rating is keyed by its submission id, so a
client that retries after a lost answer never stores it twice; a later rating for the same
dossier becomes its next revision and the earlier one is kept, marked superseded.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from govindex.errors import NotFound, SpecError, StorageError
from govindex.feedback.refusals import NotSignedIn, Unavailable
from govindex.feedback.roles import Role, StaffUser
from govindex.feedback.schema import (
    audit_log,
    centres,
    completed_dossiers,
    devices,
    ratings,
    staff_sessions,
    staff_users,
    throttle_counts,
    throttle_reports,
)
from govindex.feedback.sessions import SESSION_SECONDS
from govindex.feedback.statistics import CountedRating
from govindex.feedback.submissions import Submission

__all__ = ["Centre", "FeedbackStore", "StoredRating", "open_store"]

_RETRIES = 8


@dataclass(frozen=True)
class Centre:
    """A one-stop centre (or any agency with desks), keyed by its agency code."""

    agency_code: str
    province_code: str
    name_vi: str
    name_en: str
    address: str
    form_key: str


@dataclass(frozen=True)
class StoredRating:
    """The answer to storing a rating: its id, its revision and whether it was already there."""

    rating_id: int
    revision: int
    duplicate: bool


def _utc(value: datetime.datetime) -> datetime.datetime:
    # SQLite hands times back without a zone; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _digest(secret_text: str) -> str:
    return hashlib.sha256(secret_text.encode()).hexdigest()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True
        )

        @event.listens_for(engine, "connect")
        def _configure(connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, start transactions, so BEGIN IMMEDIATE takes
            # the write lock up front (no deadlock between two readers upgrading to writers).
            connection.isolation_level = None
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql"):
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    message = f"unsupported database URL `{url.split(':', 1)[0]}:…`"
    raise StorageError(message, where="database", expected="sqlite:///FILE or postgresql://…")


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration shipped with the package.

    Examples
    --------
    >>> engine = sa.create_engine("sqlite://")
    >>> migrate(engine)
    >>> "feedback_staff_sessions" in sa.inspect(engine).get_table_names()
    True
    """
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("govindex.feedback").joinpath("migrations"))
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(
    url: str, *, upgrade: bool = True, password_hasher: PasswordHasher | None = None
) -> FeedbackStore:
    """Connect to the store at ``url`` and (by default) run its migrations.

    ``password_hasher`` sets the argon2 cost (argon2-cffi's RFC 9106 low-memory profile
    by default).

    Examples
    --------
    >>> store = open_store("sqlite://")
    >>> store.centres()
    ()
    """
    engine = _engine(url)
    try:
        if upgrade:
            migrate(engine)
    except sa.exc.OperationalError as error:
        message = f"cannot open the feedback store: {error.orig}"
        raise StorageError(message, where=url.split("@")[-1]) from None
    return FeedbackStore(engine, password_hasher or PasswordHasher())


class FeedbackStore:
    """Reads and writes of the feedback service (one engine, thread-safe pool).

    Examples
    --------
    >>> store = open_store("sqlite://", password_hasher=PasswordHasher(time_cost=1,
    ...                                                                memory_cost=1024))
    >>> store.put_centre(Centre("H37", "22", "Trung tâm", "Centre", "Hạ Long", "default@1"))
    >>> [centre.agency_code for centre in store.centres()], store.backend
    (['H37'], 'sqlite')
    >>> store.put_completed("H37", datetime.date(2026, 3, 2), 12)
    >>> store.completed(["H37"], datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    12
    >>> store.add_user(StaffUser("lan", Role.CENTRE_MANAGER, "22", "H37"), "a-long-password")
    >>> store.authenticate("lan", "a-long-password").role.value
    'centre_manager'
    >>> device, key = store.add_device("H37", "kiosk at desk 1")
    >>> store.device_for_key(key) == (device, "H37")
    True
    >>> store.audit("lan", "sign_in", "lan", {})
    >>> [entry["action"] for entry in store.audit_entries()]
    ['sign_in']
    """

    def __init__(self, engine: Engine, password_hasher: PasswordHasher) -> None:
        self.engine = engine
        self.hasher = password_hasher

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return str(self.engine.dialect.name)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    # -- centres --------------------------------------------------------------------------

    def put_centre(self, centre: Centre) -> None:
        """Add a centre, or replace its names, address and form."""
        values = centre.__dict__
        with self._write() as connection:
            existing = connection.execute(
                sa.select(centres.c.agency_code).where(centres.c.agency_code == centre.agency_code)
            ).first()
            if existing:
                connection.execute(
                    centres.update().where(centres.c.agency_code == centre.agency_code), values
                )
            else:
                connection.execute(centres.insert(), values)

    def centres(self) -> tuple[Centre, ...]:
        """Every centre, by agency code."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(centres).order_by(centres.c.agency_code))
            return tuple(Centre(**row._mapping) for row in rows)

    def centre(self, agency_code: str) -> Centre:
        """One centre; :class:`NotFound` names the code when there is none."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(centres).where(centres.c.agency_code == agency_code)
            ).first()
        if row is None:
            message = f"no centre with agency code `{agency_code}`"
            raise NotFound(message, where="agency_code", found=agency_code)
        return Centre(**row._mapping)

    # -- ratings --------------------------------------------------------------------------

    def record(self, submission: Submission, province_code: str) -> StoredRating:
        """Store a rating once (idempotent on its submission id), as its dossier's next revision."""
        for attempt in range(_RETRIES):
            try:
                with self._write() as connection:
                    return self._record(connection, submission, province_code, attempt > 0)
            except sa.exc.IntegrityError:
                # Another writer stored the same submission or took the same revision
                # number between our read and our insert: read again and retry.
                time.sleep(0.005 * (attempt + 1))
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
                # The transaction did not commit: the client may (and should) post again.
                message = "the rating could not be stored just now; please try again"
                raise Unavailable(
                    message, where="database", found=type(error.orig).__name__
                ) from None
        message = f"could not store rating `{submission.submission_id}` after {_RETRIES} attempts"
        raise StorageError(message, where="feedback_ratings")

    @staticmethod
    def _record(
        connection: Connection, submission: Submission, province_code: str, retry: bool
    ) -> StoredRating:
        point = submission.point
        # A first try without a dossier code goes straight to the insert: the unique
        # submission id catches a repeat, and the retry then finds and reports it.
        if retry or point.dossier_code is not None:
            existing = connection.execute(
                sa.select(ratings.c.id, ratings.c.revision).where(
                    ratings.c.submission_id == submission.submission_id
                )
            ).first()
            if existing is not None:
                return StoredRating(int(existing.id), int(existing.revision), duplicate=True)
        revision = 1
        if point.dossier_code is not None:
            same_dossier = (ratings.c.agency_code == point.agency_code) & (
                ratings.c.dossier_code == point.dossier_code
            )
            latest = connection.execute(
                sa.select(sa.func.max(ratings.c.revision)).where(same_dossier)
            ).scalar()
            if latest is not None:
                revision = int(latest) + 1
                connection.execute(
                    ratings.update()
                    .where(same_dossier & ~ratings.c.superseded)
                    .values(superseded=True)
                )
        rating_id = connection.execute(
            ratings.insert().values(
                submission_id=submission.submission_id,
                province_code=province_code,
                agency_code=point.agency_code,
                desk=point.desk,
                procedure_code=point.procedure_code,
                dossier_code=point.dossier_code,
                revision=revision,
                superseded=False,
                channel=submission.channel.value,
                form_key=submission.form_key,
                overall=submission.overall,
                criteria=json.dumps(dict(submission.levels), sort_keys=True),
                comment=submission.comment,
                flagged=submission.flagged,
                followed_up=False,
                phone_hash=submission.phone_hash,
                device=submission.device,
                created_at=submission.created_at,
            )
        ).inserted_primary_key
        assert rating_id is not None
        return StoredRating(int(rating_id[0]), revision, duplicate=False)

    def counted(
        self, agency_codes: Sequence[str], since: datetime.datetime, until: datetime.datetime
    ) -> tuple[CountedRating, ...]:
        """The counted ratings (latest revision per dossier) of the centres in ``[since, until)``."""
        query = sa.select(ratings.c.overall, ratings.c.criteria, ratings.c.flagged).where(
            ratings.c.agency_code.in_(list(agency_codes)),
            ~ratings.c.superseded,
            ratings.c.created_at >= since,
            ratings.c.created_at < until,
        )
        with self.engine.connect() as connection:
            return tuple(
                CountedRating(int(row.overall), json.loads(row.criteria), bool(row.flagged))
                for row in connection.execute(query)
            )

    def recent_comments(self, agency_code: str, limit: int = 20) -> tuple[dict[str, Any], ...]:
        """The newest counted ratings with a comment, flagged ones first."""
        query = (
            sa.select(
                ratings.c.id,
                ratings.c.created_at,
                ratings.c.desk,
                ratings.c.procedure_code,
                ratings.c.dossier_code,
                ratings.c.overall,
                ratings.c.comment,
                ratings.c.flagged,
                ratings.c.followed_up,
            )
            .where(
                ratings.c.agency_code == agency_code,
                ~ratings.c.superseded,
                ratings.c.comment.is_not(None),
            )
            .order_by(ratings.c.flagged.desc(), ratings.c.created_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return tuple(
                {**row._mapping, "created_at": _utc(row.created_at)}
                for row in connection.execute(query)
            )

    def rating_agency(self, rating_id: int) -> str:
        """The agency code of a rating; :class:`NotFound` if there is no such rating."""
        with self.engine.connect() as connection:
            agency = connection.execute(
                sa.select(ratings.c.agency_code).where(ratings.c.id == rating_id)
            ).scalar()
        if agency is None:
            message = f"no rating with id {rating_id}"
            raise NotFound(message, where="rating_id", found=rating_id)
        return str(agency)

    def mark_followed_up(self, rating_id: int) -> str:
        """Mark a flagged comment as followed up; the rating's agency code."""
        with self._write() as connection:
            agency = connection.execute(
                sa.select(ratings.c.agency_code).where(ratings.c.id == rating_id)
            ).scalar()
            if agency is None:
                message = f"no rating with id {rating_id}"
                raise NotFound(message, where="rating_id", found=rating_id)
            connection.execute(
                ratings.update().where(ratings.c.id == rating_id).values(followed_up=True)
            )
            return str(agency)

    def rating_rows(self, agency_codes: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Every stored rating (revisions included), oldest first, as plain rows."""
        query = sa.select(ratings).order_by(ratings.c.id)
        if agency_codes is not None:
            query = query.where(ratings.c.agency_code.in_(list(agency_codes)))
        with self.engine.connect() as connection:
            return [
                {**row._mapping, "created_at": _utc(row.created_at)}
                for row in connection.execute(query)
            ]

    def submission_ids(self) -> list[str]:
        """Every stored submission id (the durability checks compare them)."""
        with self.engine.connect() as connection:
            return [
                str(value)
                for value in connection.execute(sa.select(ratings.c.submission_id)).scalars()
            ]

    def purge_phones(
        self, now: datetime.datetime, retention_days: int, form_key: str | None = None
    ) -> int:
        """Erase phone hashes older than the retention period (of one form's ratings, if
        ``form_key`` is given); how many were erased."""
        cutoff = now - datetime.timedelta(days=retention_days)
        condition = ratings.c.phone_hash.is_not(None) & (ratings.c.created_at < cutoff)
        if form_key is not None:
            condition = condition & (ratings.c.form_key == form_key)
        with self._write() as connection:
            result = connection.execute(ratings.update().where(condition).values(phone_hash=None))
            return int(result.rowcount)

    # -- completed dossiers ---------------------------------------------------------------

    def put_completed(self, agency_code: str, day: datetime.date, completed: int) -> None:
        """Record how many dossiers ``agency_code`` completed on ``day`` (replacing the count)."""
        key = (completed_dossiers.c.agency_code == agency_code) & (completed_dossiers.c.day == day)
        with self._write() as connection:
            connection.execute(completed_dossiers.delete().where(key))
            connection.execute(
                completed_dossiers.insert().values(
                    agency_code=agency_code, day=day, completed=completed
                )
            )

    def completed(
        self, agency_codes: Sequence[str], first: datetime.date, last: datetime.date
    ) -> int | None:
        """Dossiers completed on days ``first..last``; ``None`` when no day's count is known."""
        query = sa.select(sa.func.sum(completed_dossiers.c.completed)).where(
            completed_dossiers.c.agency_code.in_(list(agency_codes)),
            completed_dossiers.c.day >= first,
            completed_dossiers.c.day <= last,
        )
        with self.engine.connect() as connection:
            total = connection.execute(query).scalar()
        return None if total is None else int(total)

    # -- staff, devices, audit ------------------------------------------------------------

    def add_user(self, user: StaffUser, password: str) -> None:
        """Add a staff member with an argon2 hash of ``password``."""
        if len(password) < 10:
            message = "a staff password needs at least 10 characters"
            raise StorageError(message, where="password", expected="≥ 10 characters")
        if self.user(user.username) is not None:
            message = f"the user name `{user.username}` is already taken"
            raise SpecError(message, where="username", found=user.username)
        with self._write() as connection:
            connection.execute(
                staff_users.insert().values(
                    username=user.username,
                    password_hash=self.hasher.hash(password),
                    role=user.role.value,
                    province_code=user.province_code,
                    agency_code=user.agency_code,
                    created_at=_now(),
                )
            )

    def authenticate(self, username: str, password: str) -> StaffUser:
        """The user whose password this is; :class:`NotSignedIn` otherwise (same message either way)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(staff_users).where(staff_users.c.username == username)
            ).first()
        refused = NotSignedIn("unknown user name or wrong password", where="sign-in")
        if row is None:
            self.hasher.hash(password)  # the same work as a real check: no timing hint
            raise refused
        try:
            self.hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise refused from None
        return self._user(row)

    def user(self, username: str) -> StaffUser | None:
        """The staff member ``username``, if any."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(staff_users).where(staff_users.c.username == username)
            ).first()
        return None if row is None else self._user(row)

    @staticmethod
    def _user(row: Any) -> StaffUser:
        return StaffUser(row.username, Role(row.role), row.province_code, row.agency_code)

    def open_session(self, username: str) -> str:
        """Open a staff session for ``username``; its id (kept only as a digest).

        Examples
        --------
        >>> store = open_store("sqlite://")
        >>> session_id = store.open_session("lan")
        >>> store.session_is_open(session_id, "lan"), store.session_is_open(session_id, "hue")
        (True, False)
        >>> store.end_session(session_id)
        >>> store.session_is_open(session_id, "lan")
        False
        """
        session_id = secrets.token_urlsafe(24)
        now = _now()
        with self._write() as connection:
            # Each sign-in clears the sessions no cookie can use any more, so the table holds
            # at most the sessions of the last few hours.
            connection.execute(staff_sessions.delete().where(_finished_sessions(now)))
            connection.execute(
                staff_sessions.insert().values(
                    id_hash=_digest(session_id), username=username, created_at=now
                )
            )
        return session_id

    def purge_sessions(self, now: datetime.datetime) -> int:
        """Remove staff sessions that were ended or are older than a session's lifetime; how
        many were removed (their cookies are refused either way).

        Examples
        --------
        >>> store = open_store("sqlite://")
        >>> ended, kept = store.open_session("lan"), store.open_session("hue")
        >>> store.end_session(ended)
        >>> store.purge_sessions(datetime.datetime.now(datetime.UTC))
        1
        >>> store.session_is_open(kept, "hue")
        True
        """
        with self._write() as connection:
            result = connection.execute(staff_sessions.delete().where(_finished_sessions(now)))
            return int(result.rowcount)

    def staff_session_count(self) -> int:
        """How many staff sessions the store keeps (open or not yet purged)."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(sa.select(sa.func.count()).select_from(staff_sessions)).scalar()
                or 0
            )

    def session_is_open(self, session_id: str, username: str) -> bool:
        """Whether ``session_id`` was opened for ``username`` and not yet ended."""
        query = sa.select(staff_sessions.c.username).where(
            staff_sessions.c.id_hash == _digest(session_id),
            staff_sessions.c.ended_at.is_(None),
            staff_sessions.c.created_at >= _now() - datetime.timedelta(seconds=SESSION_SECONDS),
        )
        with self.engine.connect() as connection:
            owner = connection.execute(query).scalar()
        return owner is not None and owner == username

    def end_session(self, session_id: str) -> None:
        """End a session (sign-out): a copy of its cookie is refused from now on."""
        with self._write() as connection:
            connection.execute(
                staff_sessions.update()
                .where(staff_sessions.c.id_hash == _digest(session_id))
                .values(ended_at=_now())
            )

    def count_throttled(
        self, kind: str, key: str, *, now: float, limit: int, window: float = 60.0
    ) -> tuple[bool, int]:
        """Count one event for ``key`` in the store; whether it is within ``limit`` per
        ``window`` seconds, and how many ``key`` has had refused in this window.

        Every server process shares these counts. The window slides approximately: the
        previous fixed window's count is weighted by the share of it still inside the
        sliding window. The row lock taken by the upsert serialises concurrent events of one
        key, so two processes cannot both take the last place.

        Examples
        --------
        >>> store = open_store("sqlite://")
        >>> [store.count_throttled("device", "d1", now=t, limit=2)[0] for t in (0, 1, 2)]
        [True, True, False]
        >>> store.count_throttled("device", "d1", now=130, limit=2)
        (True, 0)
        """
        index = int(now // window)
        weight = 1.0 - (now - index * window) / window
        row_key = (kind, key[:160], index)
        insert = (postgresql.insert if self.backend == "postgresql" else sqlite.insert)(
            throttle_counts
        ).values(kind=row_key[0], key=row_key[1], window=index, allowed=1, refused=0)
        upsert = insert.on_conflict_do_update(
            index_elements=["kind", "key", "window"],
            set_={"allowed": throttle_counts.c.allowed + 1},
        ).returning(throttle_counts.c.allowed, throttle_counts.c.refused)
        this_row = (
            (throttle_counts.c.kind == row_key[0])
            & (throttle_counts.c.key == row_key[1])
            & (throttle_counts.c.window == index)
        )
        with self._write() as connection:
            allowed, refused = connection.execute(upsert).one()
            previous = connection.execute(
                sa.select(throttle_counts.c.allowed).where(
                    (throttle_counts.c.kind == row_key[0])
                    & (throttle_counts.c.key == row_key[1])
                    & (throttle_counts.c.window == index - 1)
                )
            ).scalar()
            if secrets.randbelow(1000) == 0:
                # Past windows are of no further use: forget them now and then.
                connection.execute(
                    throttle_counts.delete().where(throttle_counts.c.window < index - 1)
                )
            if (previous or 0) * weight + allowed <= limit:
                return True, int(refused)
            connection.execute(
                throttle_counts.update()
                .where(this_row)
                .values(
                    allowed=throttle_counts.c.allowed - 1, refused=throttle_counts.c.refused + 1
                )
            )
            return False, int(refused) + 1

    def add_device(self, agency_code: str, label: str) -> tuple[str, str]:
        """Register a kiosk or one-stop system; its id and API key (shown once, kept hashed)."""
        self.centre(agency_code)
        device_id = "dev-" + secrets.token_hex(6)
        key = "gfk_" + secrets.token_urlsafe(32)
        with self._write() as connection:
            connection.execute(
                devices.insert().values(
                    device_id=device_id,
                    key_hash=hashlib.sha256(key.encode()).hexdigest(),
                    agency_code=agency_code,
                    label=label,
                    created_at=_now(),
                )
            )
        return device_id, key

    def device_for_key(self, key: str) -> tuple[str, str]:
        """The device id and agency code of an API key; :class:`NotSignedIn` if unknown."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(devices.c.device_id, devices.c.agency_code).where(
                    devices.c.key_hash == digest
                )
            ).first()
        if row is None:
            message = "unknown API key"
            raise NotSignedIn(
                message, where="X-API-Key", hint="ask an administrator for a device key"
            )
        return str(row.device_id), str(row.agency_code)

    def audit(self, actor: str, action: str, target: str, detail: dict[str, Any]) -> None:
        """Append one entry to the audit log (the database refuses changes to past entries)."""
        with self._write() as connection:
            connection.execute(
                audit_log.insert().values(
                    at=_now(),
                    actor=actor,
                    action=action,
                    target=target,
                    detail=json.dumps(detail, sort_keys=True, ensure_ascii=False),
                )
            )

    def audit_entries(self, limit: int = 200) -> list[dict[str, Any]]:
        """The newest audit entries first."""
        query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            return [{**row._mapping, "at": _utc(row.at)} for row in connection.execute(query)]

    def report_throttle(self, kind: str, key: str, agency_code: str | None, refused: int) -> None:
        """Record that ``refused`` ratings from ``key`` were turned away."""
        with self._write() as connection:
            connection.execute(
                throttle_reports.insert().values(
                    at=_now(), kind=kind, key=key, agency_code=agency_code, refused=refused
                )
            )

    def throttled_since(self, agency_code: str, since: datetime.datetime) -> int:
        """How many ratings were turned away at a centre since ``since``."""
        query = sa.select(sa.func.coalesce(sa.func.sum(throttle_reports.c.refused), 0)).where(
            throttle_reports.c.agency_code == agency_code, throttle_reports.c.at >= since
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)


def _finished_sessions(now: datetime.datetime) -> sa.ColumnElement[bool]:
    """Sessions no cookie can use: ended, or older than a session cookie's lifetime."""
    cutoff = now - datetime.timedelta(seconds=SESSION_SECONDS)
    return staff_sessions.c.ended_at.is_not(None) | (staff_sessions.c.created_at < cutoff)
