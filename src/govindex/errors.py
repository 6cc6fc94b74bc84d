"""The single exception tree of govindex.

Every error a user can cause is one of these classes. Each carries structured fields
(``where``, ``found``, ``expected``, ``hint``) and knows its CLI exit code and HTTP status;
only the CLI and the API render them::

    GovIndexError                 exit 1 · HTTP 500
    ├─ SpecError                  a spec/codebook/parameter is invalid      · HTTP 422
    ├─ DataValidationError        input data failed checks; ``.issues``     · HTTP 422
    │  └─ ColumnNotFound          a named column is absent                  · HTTP 422
    ├─ DesignError                the sampling design cannot be used        · HTTP 422
    │  └─ LonelyPSUError          a stratum has one PSU under lonely_psu="fail"
    ├─ EstimationError            an estimate cannot be computed            · HTTP 422
    │  └─ CalibrationError        calibration failed or did not converge
    ├─ StorageError               the result store failed                   · HTTP 500
    │  └─ RunNotFound             no such stored run                        · HTTP 404
    ├─ NotFound                   no such province, indicator, year         · HTTP 404
    └─ NotPublishable             suppressed by publication rules           · HTTP 409
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "CalibrationError",
    "ColumnNotFound",
    "DataValidationError",
    "DesignError",
    "EstimationError",
    "GovIndexError",
    "Issue",
    "LonelyPSUError",
    "NotFound",
    "NotPublishable",
    "RunNotFound",
    "ServiceError",
    "SpecError",
    "StorageError",
    "readable",
]


@dataclass(frozen=True)
class Issue:
    """One problem found in an input, located precisely.

    Examples
    --------
    >>> Issue(message="value 7 is out of range", where="data.csv", row=12, column="q1").describe()
    'data.csv, row 12, column `q1`: value 7 is out of range'
    """

    message: str
    where: str | None = None
    row: int | None = None
    column: str | None = None
    found: Any = None
    expected: Any = None

    def describe(self) -> str:
        """Return the issue as one line: location first, then the message."""
        location = [part for part in (self.where,) if part]
        if self.row is not None:
            location.append(f"row {self.row}")
        if self.column is not None:
            location.append(f"column `{self.column}`")
        prefix = ", ".join(location)
        return f"{prefix}: {self.message}" if prefix else self.message

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the issue's fields."""
        return {
            "message": self.message,
            "where": self.where,
            "row": self.row,
            "column": self.column,
            "found": readable(self.found),
            "expected": readable(self.expected),
        }


def readable(value: Any) -> str | None:
    """A ``found`` or ``expected`` value as a person reads it (never a Python repr of a list).

    Lists are joined with commas, mappings as ``key: value``, and a list of mappings (the
    valid items, for example) one item after another with semicolons.

    Examples
    --------
    >>> readable(["2023", "2024"])
    '2023, 2024'
    >>> readable([{"code": "1", "name": "Participation"}, {"code": "2", "name": "Transparency"}])
    'code: 1, name: Participation; code: 2, name: Transparency'
    >>> readable(None) is None
    True
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {readable(item)}" for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        separator = "; " if any(isinstance(item, Mapping) for item in items) else ", "
        return separator.join(str(readable(item)) for item in items)
    return str(value)


class GovIndexError(Exception):
    """Base class of every error govindex raises on purpose.

    Examples
    --------
    >>> error = DesignError("stratum `H` has one PSU", where="strata", found="H")
    >>> (error.exit_code, error.http_status, error.found)
    (1, 422, 'H')
    """

    exit_code: ClassVar[int] = 1
    http_status: ClassVar[int] = 500

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        found: Any = None,
        expected: Any = None,
        hint: str | None = None,
        issues: Sequence[Issue] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.found = found
        self.expected = expected
        self.hint = hint
        self.issues: tuple[Issue, ...] = tuple(issues)

    def to_dict(self) -> dict[str, Any]:
        """Return the structured fields, as the API error envelope carries them."""
        return {
            "type": type(self).__name__,
            "message": self.message,
            "where": self.where,
            "found": readable(self.found),
            "expected": readable(self.expected),
            "hint": self.hint,
            "issues": [issue.to_dict() for issue in self.issues],
        }


class SpecError(GovIndexError):
    """A spec, codebook or parameter value is invalid."""

    http_status = 422


class DataValidationError(GovIndexError):
    """Input data failed validation; ``issues`` lists every problem found."""

    http_status = 422


class ColumnNotFound(DataValidationError):
    """A column named in a design, spec or command is not in the data."""


class DesignError(GovIndexError):
    """The sampling design is malformed or cannot support the requested estimate."""

    http_status = 422


class LonelyPSUError(DesignError):
    """A stratum has a single PSU and the lonely-PSU policy is ``fail``."""


class EstimationError(GovIndexError):
    """An estimate cannot be computed (empty domain, all values missing, ...)."""

    http_status = 422


class CalibrationError(EstimationError):
    """Calibration margins do not fit the data, or the algorithm did not converge."""


class StorageError(GovIndexError):
    """The result store could not be read or written."""

    http_status = 500


class RunNotFound(StorageError):
    """No stored run has the requested id."""

    http_status = 404


class NotFound(GovIndexError):
    """A requested province, indicator, year or page does not exist."""

    http_status = 404


class ServiceError(GovIndexError):
    """A local service (the dashboard server) cannot start, e.g. its port is in use."""

    http_status = 503


class NotPublishable(GovIndexError):
    """The value is suppressed by the publication rules."""

    http_status = 409
