"""One result shape for every estimator: :class:`EstimateTable`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import polars as pl

from govindex.errors import SpecError
from govindex.survey.arrays import FloatArray, frozen
from govindex.survey.intervals import IntervalKind, interval

__all__ = ["COLUMNS", "DegreesOfFreedomRule", "EstimateTable"]

DegreesOfFreedomRule = Literal["design", "domain", "normal"]

COLUMNS = (
    "variable",
    "domain",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "df",
    "deff",
    "cv",
    "n",
    "n_eff",
)


@dataclass(frozen=True, eq=False)
class EstimateTable:
    """Estimates of one statistic for many variables and domains, with their uncertainty.

    Every estimator returns this shape: one row per (variable, domain) with estimate,
    standard error, interval, degrees of freedom, design effect, coefficient of variation,
    respondents and effective sample size, plus the choices that produced them.

    Examples
    --------
    >>> table = EstimateTable.from_arrays(
    ...     statistic="mean", variables=["y"], domains=[""], estimate=[2.0], se=[0.5],
    ...     df=[10.0], n=[12], deff=[1.0], level=0.95, variance_method="taylor",
    ...     df_rule="design", lonely_psu="fail")
    >>> round(table.to_polars()["ci_high"][0], 4)
    3.1141
    """

    statistic: str
    variable: tuple[str, ...]
    domain: tuple[str, ...]
    estimate: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    df: FloatArray
    deff: FloatArray
    n: FloatArray
    level: float
    interval_kind: IntervalKind
    variance_method: str
    df_rule: DegreesOfFreedomRule
    lonely_psu: str
    domain_column: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    replicate_estimates: FloatArray | None = None
    """Replicates × rows: each row's estimate in every replicate (replicate designs only).

    Kept so that quantities derived from several estimates (index scores, ranks) get their
    uncertainty by recomputing them in every replicate, with the design's own formula
    (``design.replicates.variance``)."""

    @classmethod
    def from_arrays(
        cls,
        *,
        statistic: str,
        variables: list[str],
        domains: list[str],
        estimate: Any,
        se: Any,
        df: Any,
        n: Any,
        deff: Any,
        level: float,
        variance_method: str,
        df_rule: DegreesOfFreedomRule,
        lonely_psu: str,
        interval_kind: IntervalKind = "t",
        domain_column: str | None = None,
        parameters: dict[str, Any] | None = None,
        ci_low: Any = None,
        ci_high: Any = None,
        replicate_estimates: Any = None,
    ) -> EstimateTable:
        """Build a table, computing the intervals from estimate, SE, df and level.

        ``ci_low`` and ``ci_high``, when given, are stored as they are instead: quantile
        (Woodruff) intervals come from the data, not from the SE.
        """
        _check_level(level)
        estimate_array = np.asarray(estimate, dtype=np.float64)
        se_array = np.asarray(se, dtype=np.float64)
        df_array = np.asarray(df, dtype=np.float64)
        low, high = interval(estimate_array, se_array, df_array, level, interval_kind)
        if ci_low is not None:
            low = np.asarray(ci_low, dtype=np.float64)
        if ci_high is not None:
            high = np.asarray(ci_high, dtype=np.float64)
        return cls(
            statistic=statistic,
            variable=tuple(variables),
            domain=tuple(domains),
            estimate=frozen(estimate_array),
            se=frozen(se_array),
            ci_low=frozen(low),
            ci_high=frozen(high),
            df=frozen(df_array),
            deff=frozen(np.asarray(deff, dtype=np.float64)),
            n=frozen(np.asarray(n, dtype=np.float64)),
            level=level,
            interval_kind=interval_kind,
            variance_method=variance_method,
            df_rule=df_rule,
            lonely_psu=lonely_psu,
            domain_column=domain_column,
            parameters=dict(parameters or {}),
            replicate_estimates=None
            if replicate_estimates is None
            else frozen(np.asarray(replicate_estimates, dtype=np.float64)),
        )

    def __len__(self) -> int:
        return len(self.variable)

    @property
    def cv(self) -> FloatArray:
        """Coefficient of variation, se / |estimate|."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.se / np.abs(self.estimate), dtype=np.float64)

    @property
    def n_eff(self) -> FloatArray:
        """Kish effective sample size, n / deff."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.n / self.deff, dtype=np.float64)

    def confint(self, level: float) -> EstimateTable:
        """Return the same estimates with intervals at another level.

        Quantile intervals (Woodruff) depend on the data, not only on the SE, so they are
        recomputed by calling the estimator again.
        """
        _check_level(level)
        if self.interval_kind in ("beta", "likelihood"):
            name = "Korn–Graubard" if self.interval_kind == "beta" else "Profile-likelihood"
            msg = f"{name} intervals must be recomputed with `proportion(..., level=...)`."
            raise SpecError(msg, where="level", found=level)
        if self.interval_kind == "woodruff":
            msg = "quantile intervals must be recomputed with `quantile(..., level=...)`."
            raise SpecError(msg, where="level", found=level)
        low, high = interval(self.estimate, self.se, self.df, level, self.interval_kind)
        return replace(self, ci_low=frozen(low), ci_high=frozen(high), level=level)

    def row(self, variable: str, domain: str = "") -> dict[str, Any]:
        """Return one row as a dict, looked up by variable and domain."""
        for index, (name, label) in enumerate(zip(self.variable, self.domain, strict=True)):
            if name == variable and label == domain:
                return self.to_polars().row(index, named=True)
        msg = f"no estimate for variable `{variable}` in domain `{domain}`."
        raise SpecError(msg, where="variable", found=(variable, domain))

    def to_polars(self) -> pl.DataFrame:
        """The table as a polars DataFrame with the standard columns."""
        return pl.DataFrame(
            {
                "variable": list(self.variable),
                "domain": list(self.domain),
                "estimate": self.estimate,
                "se": self.se,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "df": self.df,
                "deff": self.deff,
                "cv": self.cv,
                "n": self.n.astype(np.int64),
                "n_eff": self.n_eff,
            },
            schema={
                "variable": pl.String,
                "domain": pl.String,
                "estimate": pl.Float64,
                "se": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
                "df": pl.Float64,
                "deff": pl.Float64,
                "cv": pl.Float64,
                "n": pl.Int64,
                "n_eff": pl.Float64,
            },
        )

    def describe(self) -> dict[str, Any]:
        """The choices that produced the table, for manifests and output headers."""
        return {
            "statistic": self.statistic,
            "variance_method": self.variance_method,
            "level": self.level,
            "interval": self.interval_kind,
            "df_rule": self.df_rule,
            "lonely_psu": self.lonely_psu,
            "domain_column": self.domain_column,
            **self.parameters,
        }


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        msg = f"`level` must be between 0 and 1 (e.g. 0.95); got {level}."
        raise SpecError(msg, where="level", found=level, expected="0 < level < 1")
