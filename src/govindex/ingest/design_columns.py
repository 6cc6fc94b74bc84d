"""The columns of a microdata file that carry the respondent and the sample design.

One description serves the codebook check (``govindex validate``) and the index
(``govindex run``): the same columns are checked before the index uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DesignColumns", "LonelyPSURule"]

LonelyPSURule = Literal["fail", "remove", "adjust", "average", "certainty"]
"""What to do with a stratum of one PSU (R's ``survey.lonely.psu``)."""


@dataclass(frozen=True)
class DesignColumns:
    """Which data columns carry the respondent and the sample design (defaults: PAPI's layout).

    PAPI is stratified by province, with districts as first-stage units (codes restart inside
    each province, hence ``nest``) and raked weights in ``weight``. ``strata`` and ``psu`` may
    be ``None`` (an unstratified design, or one stage of units); the checks then look at the
    province column instead.

    Examples
    --------
    >>> DesignColumns(psu="commune").names()
    ('respondent_id', 'province', 'commune', 'weight')
    >>> DesignColumns(strata=None, psu=None).names()
    ('respondent_id', 'province', 'province', 'weight')
    """

    respondent_id: str = "respondent_id"
    province: str = "province"
    weights: str = "weight"
    strata: str | None = "province"
    psu: str | None = "district"
    nest: bool = True
    lonely_psu: LonelyPSURule = "fail"

    def names(self) -> tuple[str, str, str, str]:
        """The four checked column names: id, strata, PSU and weights (the province column
        standing in for an absent stratum or PSU)."""
        return (
            self.respondent_id,
            self.strata or self.province,
            self.psu or self.province,
            self.weights,
        )

    @property
    def checked_strata(self) -> str:
        """The column checked as the stratum (the province where the design has none)."""
        return self.strata or self.province

    @property
    def checked_psu(self) -> str:
        """The column checked as the PSU (the province where the design has none)."""
        return self.psu or self.province
