from __future__ import annotations

import pytest

from govindex import errors


@pytest.mark.parametrize(
    ("error_class", "http_status"),
    [
        (errors.SpecError, 422),
        (errors.DataValidationError, 422),
        (errors.ColumnNotFound, 422),
        (errors.DesignError, 422),
        (errors.LonelyPSUError, 422),
        (errors.EstimationError, 422),
        (errors.CalibrationError, 422),
        (errors.StorageError, 500),
        (errors.RunNotFound, 404),
        (errors.NotFound, 404),
        (errors.NotPublishable, 409),
    ],
)
def test_every_error_is_a_govindex_error_with_exit_code_and_status(
    error_class: type[errors.GovIndexError], http_status: int
) -> None:
    error = error_class("something is wrong", where="column", found="x", expected="y")
    assert isinstance(error, errors.GovIndexError)
    assert error.exit_code == 1
    assert error.http_status == http_status
    assert error.to_dict()["type"] == error_class.__name__
    assert error.to_dict()["found"] == "x"


def test_issue_describes_its_location() -> None:
    issue = errors.Issue(message="bad value", where="data.csv", row=3, column="q1")
    assert issue.describe() == "data.csv, row 3, column `q1`: bad value"


def test_envelope_fields_are_readable_not_python_reprs() -> None:
    from govindex.errors import Issue, NotFound

    error = NotFound(
        "no item `9` at the dimension level",
        where="code",
        found="9",
        expected=[{"code": "1", "name": "Participation"}, {"code": "2", "name": "Transparency"}],
        issues=[Issue("bad year", expected=("2023", "2024"), found={"year": 2030})],
    )
    envelope = error.to_dict()
    assert envelope["expected"] == "code: 1, name: Participation; code: 2, name: Transparency"
    assert envelope["issues"][0]["expected"] == "2023, 2024"
    assert envelope["issues"][0]["found"] == "year: 2030"
    for text in (envelope["expected"], envelope["issues"][0]["expected"]):
        assert "[" not in text
        assert "{" not in text
        assert "'" not in text
