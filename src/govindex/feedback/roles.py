"""Staff roles and what each may see: an administrator everything, a province manager its
province's centres, a centre manager its own centre."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from govindex.errors import SpecError

__all__ = ["Role", "StaffUser"]


class Role(StrEnum):
    """The three staff roles."""

    ADMINISTRATOR = "administrator"
    PROVINCE_MANAGER = "province_manager"
    CENTRE_MANAGER = "centre_manager"


@dataclass(frozen=True)
class StaffUser:
    """A signed-in staff member and the units it covers.

    Examples
    --------
    >>> manager = StaffUser("lan", Role.CENTRE_MANAGER, province_code="22", agency_code="H37")
    >>> manager.covers(province_code="22", agency_code="H37"), manager.covers("22", "H38")
    (True, False)
    """

    username: str
    role: Role
    province_code: str | None = None
    agency_code: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.PROVINCE_MANAGER and not self.province_code:
            message = f"province manager `{self.username}` needs a province code"
            raise SpecError(message, where="province_code", expected="a province code")
        if self.role is Role.CENTRE_MANAGER and not (self.agency_code and self.province_code):
            message = f"centre manager `{self.username}` needs a centre (agency) and province code"
            raise SpecError(message, where="agency_code", expected="an agency code")

    def covers(self, province_code: str, agency_code: str) -> bool:
        """Whether this user may see and act on the centre ``agency_code`` of ``province_code``."""
        if self.role is Role.ADMINISTRATOR:
            return True
        if self.role is Role.PROVINCE_MANAGER:
            return province_code == self.province_code
        return agency_code == self.agency_code and province_code == self.province_code

    @property
    def is_administrator(self) -> bool:
        """Whether the user is an administrator."""
        return self.role is Role.ADMINISTRATOR
