"""What a stored ``national_differences`` table holds and the rule it marks differences by.

Kept apart from :mod:`govindex.scores.differences` (which computes the table) so that pages
can state the rule and read the table without importing any statistics.
"""

from __future__ import annotations

import polars as pl

__all__ = ["BEYOND_NOISE_RULE", "DIFFERENCE_COLUMNS"]

BEYOND_NOISE_RULE = (
    "difference from the simple mean of the published provincial scores; SE assuming "
    "independent provinces (separate survey strata); t interval at the row's level and df; "
    "beyond noise when the interval excludes 0"
)

DIFFERENCE_COLUMNS: dict[str, pl.DataType] = {
    "period": pl.String(),
    "unit": pl.String(),
    "level": pl.String(),
    "code": pl.String(),
    "estimate": pl.Float64(),
    "se": pl.Float64(),
    "national_mean": pl.Float64(),
    "national_se": pl.Float64(),
    "scored": pl.Int64(),
    "difference": pl.Float64(),
    "difference_se": pl.Float64(),
    "difference_low": pl.Float64(),
    "difference_high": pl.Float64(),
    "ci_level": pl.Float64(),
    "beyond_noise": pl.Boolean(),
}
"""The columns of the stored ``national_differences`` table."""
