"""The four PAPI performance groups: their labels and the rule that cuts them.

Pages read the groups a producer stored; only the rule and the labels live here, so that a
page can state the rule it shows without importing any statistics
(:mod:`govindex.analysis.groups` cuts the groups).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from govindex.errors import SpecError

__all__ = ["GROUP_LABELS", "GroupRule", "InclusiveSide", "PercentileMethod"]

PercentileMethod = Literal[
    "linear", "hazen", "weibull", "median_unbiased", "normal_unbiased", "nearest", "lower", "higher"
]
InclusiveSide = Literal["upper", "lower"]

#: Group number → (English, Vietnamese) label, as printed on PAPI maps.
GROUP_LABELS: dict[int, tuple[str, str]] = {
    1: ("best performers", "nhóm đạt điểm cao nhất"),
    2: ("high average", "nhóm đạt điểm trung bình cao"),
    3: ("low average", "nhóm đạt điểm trung bình thấp"),
    4: ("poor performers", "nhóm đạt điểm thấp nhất"),
}

_METHODS: tuple[str, ...] = PercentileMethod.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class GroupRule:
    """How quartile cuts are computed and on which side a score equal to a cut falls.

    Parameters
    ----------
    percentile_method
        NumPy's percentile ``method``; ``"linear"`` is R/NumPy type 7.
    inclusive
        ``"upper"``: groups are ``> P75``, ``(P50, P75]``, ``(P25, P50]``, ``≤ P25``;
        ``"lower"``: ``≥ P75``, ``[P50, P75)``, ``[P25, P50)``, ``< P25``.

    The default (type 7, upper-inclusive) reproduces the published 2024 split of
    15/15/15/16 over 61 provinces; the 63-province years 2017–2020 (16/16/15/16) need
    ``inclusive="lower"``. No single rule reproduces every year (papi-methodology §5.2).

    Examples
    --------
    >>> GroupRule().inclusive
    'upper'
    >>> GroupRule(inclusive="sideways")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: The `inclusive` parameter of GroupRule must be 'upper' or 'lower'. Got 'sideways' instead.
    """

    percentile_method: PercentileMethod = "linear"
    inclusive: InclusiveSide = "upper"

    def __post_init__(self) -> None:
        if self.percentile_method not in _METHODS:
            msg = (
                f"The `percentile_method` parameter of GroupRule must be one of {list(_METHODS)}. "
                f"Got {self.percentile_method!r} instead."
            )
            raise SpecError(msg, found=self.percentile_method, expected=list(_METHODS))
        if self.inclusive not in ("upper", "lower"):
            msg = (
                "The `inclusive` parameter of GroupRule must be 'upper' or 'lower'. "
                f"Got {self.inclusive!r} instead."
            )
            raise SpecError(msg, found=self.inclusive, expected=["upper", "lower"])
