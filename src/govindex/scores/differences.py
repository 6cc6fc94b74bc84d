"""Each province against the national mean: the difference, its SE, and whether it is beyond noise.

A published provincial score says nothing about whether it differs from the rest of the
country until the difference carries its own uncertainty. This producer step works it out
once, when a run is stored, from the run's ScoreTable rows (every page then only reads it).

The national mean is the simple mean of the provincial estimates that are published (as the
instruments quote it). Provinces are separate strata of the survey, so their estimates are
independent and, with ``P`` provinces scored,

    Var(y_p − ȳ) = (1 − 1/P)² Var(y_p) + (1/P²) Σ_{q≠p} Var(y_q).

The interval of the difference uses the level and the degrees of freedom of the province's own
row (Student's t; normal where the row records no df). A difference is **beyond noise** when
its interval excludes 0.
"""

from __future__ import annotations

import polars as pl
from scipy import special

from govindex.scores.noise_rule import BEYOND_NOISE_RULE, DIFFERENCE_COLUMNS

__all__ = ["BEYOND_NOISE_RULE", "DIFFERENCE_COLUMNS", "national_differences"]

_DEFAULT_LEVEL = 0.95


def _quantile(level: float, df: float | None) -> float:
    upper = 0.5 + level / 2.0
    if df is None or df != df or df <= 0:
        return float(special.ndtri(upper))
    return float(special.stdtrit(df, upper))


def national_differences(table: pl.DataFrame) -> pl.DataFrame:
    """Every published provincial row of a run's ScoreTable against its national mean.

    ``table`` has the ScoreTable columns (``period``, ``unit``, ``level``, ``code``,
    ``estimate``, ``se``, ``ci_level``, ``df``, ``status``); rows of one run. Rows not
    published (suppressed, withheld, missing) get no difference and are left out of the mean.

    Examples
    --------
    >>> rows = pl.DataFrame({
    ...     "period": ["2024"] * 3, "unit": ["A", "B", "C"], "level": ["total"] * 3,
    ...     "code": ["total"] * 3, "estimate": [80.0, 83.0, 86.0], "se": [1.0, 1.0, 1.0],
    ...     "ci_level": [0.95] * 3, "df": [None, None, None],
    ...     "status": ["published"] * 3})
    >>> out = national_differences(rows)
    >>> out["national_mean"][0], out["difference"].to_list()
    (83.0, [-3.0, 0.0, 3.0])
    >>> round(out["difference_se"][0], 6)  # sqrt((2/3)^2 + 2/9)
    0.816497
    >>> out["beyond_noise"].to_list()
    [True, False, True]
    """
    published = table.filter((pl.col("status") == "published") & pl.col("estimate").is_not_null())
    rows: list[dict[str, object]] = []
    for (period, level, code), part in published.group_by(
        ["period", "level", "code"], maintain_order=True
    ):
        count = part.height
        mean = float(part["estimate"].mean())  # type: ignore[arg-type]
        variances = [None if se is None else float(se) ** 2 for se in part["se"].to_list()]
        known = all(variance is not None for variance in variances)
        total_variance = sum(v for v in variances if v is not None) if known else None
        national_se = (total_variance**0.5) / count if total_variance is not None else None
        for row, variance in zip(part.iter_rows(named=True), variances, strict=True):
            difference = float(row["estimate"]) - mean
            difference_se = None
            if total_variance is not None and variance is not None:
                share = 1.0 / count
                others = total_variance - variance
                difference_se = ((1.0 - share) ** 2 * variance + share**2 * others) ** 0.5
            level_of_interval = row["ci_level"] if row["ci_level"] is not None else _DEFAULT_LEVEL
            low = high = None
            beyond = None
            if difference_se is not None:
                margin = _quantile(float(level_of_interval), row["df"]) * difference_se
                low, high = difference - margin, difference + margin
                beyond = low > 0.0 or high < 0.0
            rows.append(
                {
                    "period": str(period),
                    "unit": row["unit"],
                    "level": str(level),
                    "code": str(code),
                    "estimate": float(row["estimate"]),
                    "se": None if row["se"] is None else float(row["se"]),
                    "national_mean": mean,
                    "national_se": national_se,
                    "scored": count,
                    "difference": difference,
                    "difference_se": difference_se,
                    "difference_low": low,
                    "difference_high": high,
                    "ci_level": float(level_of_interval),
                    "beyond_noise": beyond,
                }
            )
    return pl.DataFrame(rows, schema=DIFFERENCE_COLUMNS)
