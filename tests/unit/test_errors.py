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
