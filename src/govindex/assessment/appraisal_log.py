"""The append-only appraisal log: every decision of the appraisal council, in order, in a
SQLite file whose rows cannot be changed.

Three guards keep it honest. The class offers no way to change or remove a decision; the
table's triggers refuse ``UPDATE`` and ``DELETE`` from any SQL client; and each row carries a
SHA-256 chain digest over its content and the previous row's digest, checked on every read,
so an edit made by bypassing the triggers is found. Removing the newest rows leaves a valid
chain: a stored PAR run records the log's head digest, which then no longer appears.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from types import TracebackType

from govindex.errors import DataValidationError, StorageError
from govindex.rubric import AppraisalDecision, Rubric

__all__ = ["GENESIS", "AppraisalLog"]

GENESIS = "0" * 64
"""The ``previous`` digest of the first decision."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS appraisals (
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    province    TEXT NOT NULL,
    year        INTEGER NOT NULL,
    code        TEXT NOT NULL,
    new_score   REAL NOT NULL,
    appraiser   TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    previous    TEXT NOT NULL,
    digest      TEXT NOT NULL UNIQUE
);
CREATE TRIGGER IF NOT EXISTS appraisals_no_update BEFORE UPDATE ON appraisals
BEGIN SELECT RAISE(ABORT, 'the appraisal log is append-only: decisions cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS appraisals_no_delete BEFORE DELETE ON appraisals
BEGIN SELECT RAISE(ABORT, 'the appraisal log is append-only: decisions cannot be removed'); END;
"""


def chain_digest(previous: str, decision: AppraisalDecision) -> str:
    """The digest of ``decision`` chained to the ``previous`` one.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> decision = AppraisalDecision("Ha Noi", 2024, "1.4", 2.0, "council",
    ...                              datetime(2025, 3, 1, tzinfo=UTC), "evidence checked")
    >>> len(chain_digest(GENESIS, decision))
    64
    """
    content = json.dumps(
        [
            previous,
            decision.province,
            decision.year,
            decision.code,
            repr(float(decision.new_score)),
            decision.appraiser,
            decision.decided_at.isoformat(),
            decision.reason,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class AppraisalLog:
    """Append decisions and read them back, verified; nothing else.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> with AppraisalLog(":memory:") as log:
    ...     stored = log.append(AppraisalDecision("Ha Noi", 2024, "1.4", 2.0, "council",
    ...                                           datetime(2025, 3, 1, tzinfo=UTC), "checked"))
    ...     [(d.sequence, d.code, d.new_score) for d in log.decisions()]
    [(1, '1.4', 2.0)]
    """

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection = sqlite3.connect(self._path, isolation_level=None)
            self._connection.executescript(_SCHEMA)
        except sqlite3.Error as error:
            msg = f"could not open the appraisal log {self._path} ({error})."
            raise StorageError(msg, where=self._path) from error

    def close(self) -> None:
        """Close the file."""
        self._connection.close()

    def __enter__(self) -> AppraisalLog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def append(
        self, decision: AppraisalDecision, *, rubric: Rubric | None = None
    ) -> AppraisalDecision:
        """Add a decision at the end of the log and return it with its sequence and digest.

        With ``rubric``, the code must name a self-assessed leaf and the score lie within
        its maximum; the appraiser and the reason must never be empty.
        """
        _check(decision, rubric)
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            self._verify()
            row = connection.execute(
                "SELECT digest FROM appraisals ORDER BY sequence DESC LIMIT 1"
            ).fetchone()
            previous = GENESIS if row is None else str(row[0])
            digest = chain_digest(previous, decision)
            cursor = connection.execute(
                "INSERT INTO appraisals (province, year, code, new_score, appraiser, decided_at, reason, previous, digest)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    decision.province,
                    decision.year,
                    decision.code,
                    float(decision.new_score),
                    decision.appraiser,
                    decision.decided_at.isoformat(),
                    decision.reason,
                    previous,
                    digest,
                ],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return AppraisalDecision(
            province=decision.province,
            year=decision.year,
            code=decision.code,
            new_score=float(decision.new_score),
            appraiser=decision.appraiser,
            decided_at=decision.decided_at,
            reason=decision.reason,
            sequence=int(cursor.lastrowid or 0),
            digest=digest,
        )

    def decisions(
        self, *, province: str | None = None, year: int | None = None
    ) -> tuple[AppraisalDecision, ...]:
        """Every decision in log order (optionally of one province and year), after
        verifying the whole chain."""
        return tuple(
            decision
            for decision in self._verify()
            if (province is None or decision.province == province)
            and (year is None or decision.year == year)
        )

    @property
    def head(self) -> str:
        """The digest of the newest decision (``GENESIS`` for an empty log), verified."""
        verified = self._verify()
        return verified[-1].digest if verified else GENESIS

    def _verify(self) -> tuple[AppraisalDecision, ...]:
        rows = self._connection.execute(
            "SELECT sequence, province, year, code, new_score, appraiser, decided_at, reason, previous, digest"
            " FROM appraisals ORDER BY sequence"
        ).fetchall()
        previous = GENESIS
        found: list[AppraisalDecision] = []
        for (
            sequence,
            province,
            year,
            code,
            score,
            appraiser,
            decided_at,
            reason,
            stored_previous,
            digest,
        ) in rows:
            decision = AppraisalDecision(
                province=province,
                year=int(year),
                code=code,
                new_score=float(score),
                appraiser=appraiser,
                decided_at=datetime.fromisoformat(decided_at),
                reason=reason,
                sequence=int(sequence),
                digest=digest,
            )
            if stored_previous != previous or chain_digest(previous, decision) != digest:
                msg = (
                    f"the appraisal log {self._path} was altered at decision #{sequence} "
                    f"({province} {year} `{code}`): its chain digest does not match its content."
                )
                raise StorageError(
                    msg,
                    where=self._path,
                    found=sequence,
                    hint="restore the log from a copy; decisions are never edited",
                )
            previous = digest
            found.append(decision)
        return tuple(found)


def _check(decision: AppraisalDecision, rubric: Rubric | None) -> None:
    where = f"appraisal of {decision.province} {decision.year} `{decision.code}`"
    if not decision.appraiser.strip():
        msg = f"{where}: the appraiser is empty; name who decided."
        raise DataValidationError(msg, where=where, found="appraiser")
    if not decision.reason.strip():
        msg = f"{where}: the reason is empty; every appraisal decision states why."
        raise DataValidationError(msg, where=where, found="reason")
    if decision.decided_at.tzinfo is None:
        msg = f"{where}: the decision time {decision.decided_at.isoformat()} has no time zone."
        raise DataValidationError(msg, where=where, found=decision.decided_at.isoformat())
    if rubric is None:
        return
    leaf = rubric.leaf(decision.code)
    if leaf is None:
        known = [item.code for item in rubric.leaves() if not item.from_survey]
        msg = f"{where}: unknown criterion `{decision.code}`; expected a scored criterion such as {known[:5]}."
        raise DataValidationError(msg, where=where, found=decision.code, expected=known)
    if leaf.from_survey:
        msg = f"{where}: its points come from a survey value, which is not appraised."
        raise DataValidationError(msg, where=where, found=decision.code)
    if not 0 <= decision.new_score <= leaf.max_points:
        msg = f"{where}: new score {decision.new_score:g} is outside 0 to {leaf.max_points:g}."
        raise DataValidationError(
            msg, where=where, found=decision.new_score, expected=leaf.max_points
        )
