"""The appraisal log cannot be rewritten: no API for it, triggers refuse SQL changes, and the
hash chain finds an edit made around the triggers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govindex.assessment import AppraisalLog
from govindex.assessment.appraisal_log import GENESIS
from govindex.errors import DataValidationError, StorageError
from govindex.rubric import AppraisalDecision, Rubric

WHEN = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _decision(code: str = "1.4", score: float = 2.0, reason: str = "checked") -> AppraisalDecision:
    return AppraisalDecision("Ha Noi", 2024, code, score, "council", WHEN, reason)


def _filled(path: Path) -> None:
    with AppraisalLog(path) as log:
        log.append(_decision("1.4", 2.0))
        log.append(_decision("1.2", 3.0))


def test_the_api_only_appends_and_reads() -> None:
    public = {name for name in dir(AppraisalLog) if not name.startswith("_")}
    assert public == {"append", "decisions", "head", "close"}


def test_sequence_chain_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    _filled(path)
    with AppraisalLog(path) as log:
        decisions = log.decisions()
        assert [(d.sequence, d.code, d.new_score) for d in decisions] == [
            (1, "1.4", 2.0),
            (2, "1.2", 3.0),
        ]
        assert log.head == decisions[-1].digest != GENESIS
        assert decisions[0].decided_at == WHEN


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE appraisals SET new_score = 3 WHERE sequence = 1",
        "DELETE FROM appraisals WHERE sequence = 2",
        "DELETE FROM appraisals",
    ],
)
def test_sql_clients_cannot_change_it(tmp_path: Path, statement: str) -> None:
    path = tmp_path / "log.sqlite"
    _filled(path)
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute(statement)
    connection.close()
    with AppraisalLog(path) as log:
        assert len(log.decisions()) == 2


def test_an_edit_around_the_triggers_is_found(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    _filled(path)
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER appraisals_no_update")
    connection.execute("UPDATE appraisals SET new_score = 3 WHERE sequence = 1")
    connection.commit()
    connection.close()
    with AppraisalLog(path) as log, pytest.raises(StorageError, match="altered at decision #1"):
        log.decisions()
    with AppraisalLog(path) as log, pytest.raises(StorageError, match="altered"):
        log.append(_decision("1.3", 1.0))  # nothing is appended to a broken chain


def test_decisions_are_checked_against_the_rubric(small_rubric: Rubric) -> None:
    with AppraisalLog(":memory:") as log:
        with pytest.raises(DataValidationError, match=r"unknown criterion `9\.9`"):
            log.append(_decision("9.9"), rubric=small_rubric)
        with pytest.raises(DataValidationError, match="outside 0 to 3"):
            log.append(_decision("1.4", 3.5), rubric=small_rubric)
        with pytest.raises(DataValidationError, match="survey value"):
            log.append(_decision("2.1", 1.0), rubric=small_rubric)
        with pytest.raises(DataValidationError, match="reason is empty"):
            log.append(_decision(reason=" "), rubric=small_rubric)
        assert log.decisions() == ()
