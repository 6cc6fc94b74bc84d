"""Quantiles with Woodruff intervals, as R ``survey`` 4.1 ``svyquantile`` computes them.

The estimate follows R's ``qrule`` (every rule, in :mod:`govindex.survey.quantile_rules`);
the default ``math`` takes the smallest value whose weighted
cumulative share reaches the probability, taking the next value when the share falls
strictly between two of them. The interval is Woodruff's (R ``interval.type="mean"``): the
estimated distribution function at the quantile, ``F(q) = mean(y <= q)``, gets a design-based
(Taylor or replicate) standard error and a t interval, whose ends are mapped back to the data
through the same rule. The reported SE is R's, ``(ci_high - ci_low) / (2 t)``.

Every (variable, domain) cell is sorted once; the distribution-function standard errors for
all cells come from one call to the variance kernel, so many variables × provinces cost
little more than one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from scipy import special

from govindex.errors import EstimationError, SpecError
from govindex.survey.arrays import BoolArray, FloatArray, IntArray, group_sum
from govindex.survey.design import SurveyDesign
from govindex.survey.prepare import Domains, prepare_domains, prepare_variables
from govindex.survey.quantile_rules import QUANTILE_RULES, QuantileRule, rule_quantile
from govindex.survey.results import DegreesOfFreedomRule, EstimateTable
from govindex.survey.variance import taylor_variance

__all__ = ["quantile", "quantile_label"]

EmptyDomainRule = Literal["error", "missing"]
_DF_RULES = ("design", "domain", "normal")
_EMPTY_RULES = ("error", "missing")


def quantile_label(variable: str, probability: float) -> str:
    """Name of a quantile row in an :class:`EstimateTable`: ``variable[probability]``.

    Examples
    --------
    >>> quantile_label("api00", 0.25)
    'api00[0.25]'
    """
    return f"{variable}[{probability:g}]"


def quantile(
    design: SurveyDesign,
    variables: str | Sequence[str],
    probabilities: Sequence[float],
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df_rule: DegreesOfFreedomRule = "domain",
    empty_domain: EmptyDomainRule = "error",
    rule: QuantileRule = "math",
) -> EstimateTable:
    """Weighted quantiles with Woodruff intervals (R ``svyquantile``, survey >= 4.1).

    Reproduces ``svyquantile(~y, design, probabilities, ci=TRUE, qrule=rule)`` with R's
    ``interval.type="mean"``, for linearisation and replicate designs alike, and
    ``svyby(~y, ~by, design, svyquantile, ...)`` for domains.

    Parameters
    ----------
    design
        The survey design.
    variables
        Numeric column(s).
    probabilities
        Probabilities strictly between 0 and 1.
    by
        Domain column; each domain is estimated from its own rows (others get weight 0).
    na_rm
        Estimate each variable from the rows that have a value (R ``na.rm=TRUE``, applied
        per variable); otherwise a missing value is an error.
    level
        Confidence level of the interval.
    df_rule
        Degrees of freedom of the t critical value: ``domain`` (R's default: those of the
        domain design, after dropping missing values), ``design`` (the whole design's) or
        ``normal`` (infinite).
    empty_domain
        ``error`` (default) refuses a domain with no respondents; ``missing`` gives NaN.
    rule
        R's ``qrule``: ``math`` (default), ``school``, ``shahvaish`` or ``hf1``–``hf9``
        (see :mod:`govindex.survey.quantile_rules`); the interval ends are mapped back to
        the data through the same rule, as R does.

    Returns
    -------
    EstimateTable
        One row per (variable, probability, domain); ``variable`` is
        ``quantile_label(variable, probability)``, e.g. ``api00[0.25]``. ``ci_low`` or
        ``ci_high`` (and then ``se``) is NaN where the interval for ``F(q)`` leaves [0, 1],
        as in R. ``deff`` is NaN (R does not compute it for quantiles).

    Examples
    --------
    >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4, 5, 6], "w": [1.0, 1, 1, 1, 1, 1],
    ...                       "y": [3.0, 1, 4, 1, 5, 9]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> table = quantile(design, "y", [0.5])
    >>> table.variable[0], float(table.estimate[0])
    ('y[0.5]', 3.0)
    """
    chosen = _check_arguments(probabilities, level, df_rule, empty_domain)
    if rule not in QUANTILE_RULES:
        msg = f"`rule` must be one of {', '.join(QUANTILE_RULES)}; got {rule!r}."
        raise SpecError(msg, where="rule", found=rule, expected=QUANTILE_RULES)
    names = [variables] if isinstance(variables, str) else list(variables)
    for name in names:
        _check_numeric(design.column(name), name)
    values = prepare_variables(design, names, na_rm=na_rm)
    domains = prepare_domains(design, by)
    n_variables, n_domains = len(values.names), domains.count

    masks = [domains.mask(domain) for domain in range(n_domains)]
    cells = [
        [
            _Cell.build(design.weights, values.values[:, v], values.present[:, v], mask)
            for mask in masks
        ]
        for v in range(n_variables)
    ]
    _check_empty(cells, values.names, domains, empty_domain)
    estimate = np.array(
        [[[cell.quantile(p, rule) for cell in row] for p in chosen] for row in cells]
    )  # variables × probabilities × domains

    indicator, present = _cdf_indicators(values.values, values.present, estimate, domains.codes)
    cdf, variance = _cdf_mean(design, indicator, present, domains.codes, n_domains)
    # (domains × variables·probabilities) → variables × probabilities × domains
    cdf = cdf.T.reshape(n_variables, len(chosen), n_domains)
    cdf_se = np.sqrt(np.maximum(variance, 0.0)).T.reshape(n_variables, len(chosen), n_domains)

    df = _degrees_of_freedom(design, values.present, domains, df_rule)[:, None, :]
    df = np.broadcast_to(df, estimate.shape)
    lower_t, upper_t = _t_quantiles(level, df)
    with np.errstate(invalid="ignore"):
        cdf_low = cdf + cdf_se * lower_t
        cdf_high = cdf + cdf_se * upper_t
    ci_low, ci_high = _woodruff_bounds(cells, cdf_low, cdf_high, rule)
    with np.errstate(invalid="ignore"):
        se = (ci_high - ci_low) / (2.0 * upper_t)

    respondents = np.array([[cell.count for cell in row] for row in cells], dtype=np.float64)
    shape = estimate.shape
    return EstimateTable.from_arrays(
        statistic="quantile",
        variables=[
            quantile_label(name, p)
            for name in values.names
            for p in chosen
            for _ in range(shape[2])
        ],
        domains=[label for _ in range(shape[0] * shape[1]) for label in domains.labels],
        estimate=estimate.reshape(-1),
        se=se.reshape(-1),
        df=df.reshape(-1),
        n=np.broadcast_to(respondents[:, None, :], shape).reshape(-1),
        deff=np.full(estimate.size, np.nan),
        level=level,
        variance_method=design.variance_method,
        df_rule=df_rule,
        lonely_psu=design.lonely_psu,
        interval_kind="woodruff",
        domain_column=domains.column,
        parameters={
            "na_rm": na_rm,
            "probabilities": [float(p) for p in chosen],
            "quantile_rule": rule,
        },
        ci_low=ci_low.reshape(-1),
        ci_high=ci_high.reshape(-1),
    )


# ---------------------------------------------------------------------- the quantile rule
@dataclass(frozen=True, eq=False)
class _Cell:
    """One variable in one domain: its values sorted, with cumulative weights as R sums them."""

    values: FloatArray
    weights: FloatArray
    cumulative: FloatArray
    total: float

    @classmethod
    def build(
        cls, weights: FloatArray, values: FloatArray, present: BoolArray, domain: BoolArray
    ) -> _Cell:
        keep = domain & present & (weights != 0)
        # R holds a design's weights as sampling probabilities and reads them back as 1/prob,
        # which can move a weight by one unit in the last place; the rules compare cumulative
        # weights with p·W exactly, so ties are decided on R's representation.
        kept_weights = 1.0 / (1.0 / weights[keep])
        order = np.argsort(values[keep], kind="stable")  # R's order() is stable too
        # R's cumsum() and sum() accumulate in long double; the comparisons in the rule are
        # exact, so the cumulative weights must be rounded the same way.
        cumulative = np.cumsum(kept_weights[order].astype(np.longdouble)).astype(np.float64)
        total = np.cumsum(kept_weights.astype(np.longdouble))[-1] if keep.any() else 0.0
        return cls(
            values=values[keep][order],
            weights=kept_weights[order],
            cumulative=cumulative,
            total=float(total),
        )

    @property
    def count(self) -> int:
        """Rows with a value and non-zero weight."""
        return int(self.values.shape[0])

    def quantile(self, probability: float, rule: QuantileRule) -> float:
        """R's ``qrule_<rule>``, including its choices at the edges.

        Under ``math`` R takes the last position whose cumulative weight is <= p·W (the
        first position when there is none) and returns that value if the share matches p
        exactly, otherwise the next one. So below the first value's share R returns the
        *second* smallest value; this is reproduced as is.
        """
        if self.total == 0:
            return float("nan")
        return rule_quantile(
            self.values, self.weights, self.cumulative, self.total, probability, rule
        )


# ---------------------------------------------------------------------- the CDF at q
def _cdf_indicators(
    values: FloatArray, present: BoolArray, estimate: FloatArray, codes: IntArray
) -> tuple[FloatArray, BoolArray]:
    """Columns ``y <= q`` for every (variable, probability), each row against its domain's q."""
    n_variables, n_probabilities, _ = estimate.shape
    safe_codes = np.where(codes >= 0, codes, 0)
    columns: list[FloatArray] = []
    masks: list[BoolArray] = []
    for variable in range(n_variables):
        for probability in range(n_probabilities):
            threshold = estimate[variable, probability][safe_codes]
            with np.errstate(invalid="ignore"):
                below = values[:, variable] <= threshold
            columns.append(below.astype(np.float64))
            masks.append(present[:, variable])
    return np.column_stack(columns), np.column_stack(masks)


def _cdf_mean(
    design: SurveyDesign, indicator: FloatArray, present: BoolArray, codes: IntArray, n_domains: int
) -> tuple[FloatArray, FloatArray]:
    """Domain means of the indicators and their variances (R ``svymean(y <= q, domain)``)."""
    in_domain = codes >= 0
    safe_codes = np.where(in_domain, codes, 0)
    weighted = np.where(in_domain, design.weights, 0.0)[:, None] * present
    weight_sums = group_sum(weighted, safe_codes, n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        cdf = group_sum(weighted * indicator, safe_codes, n_domains) / weight_sums
    if design.replicates is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = weighted * (indicator - cdf[safe_codes]) / weight_sums[safe_codes]
        scores = np.nan_to_num(scores, nan=0.0, posinf=0.0, neginf=0.0)
        active = present & in_domain[:, None]
        return cdf, taylor_variance(design, scores, codes, n_domains, active)
    replicates = design.replicates
    thetas = np.empty((replicates.count, n_domains, indicator.shape[1]))
    for domain in range(n_domains):
        rows = np.flatnonzero(codes == domain)
        replicate_weights = replicates.rows(rows).T
        masked = present[rows].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            thetas[:, domain, :] = (replicate_weights @ (indicator[rows] * masked)) / (
                replicate_weights @ masked
            )
    return cdf, replicates.variance(thetas, cdf)


def _woodruff_bounds(
    cells: list[list[_Cell]], cdf_low: FloatArray, cdf_high: FloatArray, rule: QuantileRule
) -> tuple[FloatArray, FloatArray]:
    """Map the interval for F(q) back to the data scale through the quantile rule."""
    ci_low = np.full(cdf_low.shape, np.nan)
    ci_high = np.full(cdf_low.shape, np.nan)
    for index in np.ndindex(cdf_low.shape):
        cell = cells[index[0]][index[2]]
        if cell.total == 0:
            continue
        # R maps only interval ends inside [0, 1]; an end outside stays NaN (and so the SE).
        if not (np.isnan(cdf_low[index]) or cdf_low[index] < 0):
            ci_low[index] = cell.quantile(float(cdf_low[index]), rule)
        if not (np.isnan(cdf_high[index]) or cdf_high[index] > 1):
            ci_high[index] = cell.quantile(float(cdf_high[index]), rule)
    return ci_low, ci_high


# ---------------------------------------------------------------------- degrees of freedom
def _degrees_of_freedom(
    design: SurveyDesign, present: BoolArray, domains: Domains, df_rule: DegreesOfFreedomRule
) -> FloatArray:
    """Variables × domains degrees of freedom under ``df_rule``."""
    shape = (present.shape[1], domains.count)
    if df_rule == "normal":
        return np.full(shape, np.inf)
    if df_rule == "design":
        return np.full(shape, float(design.degrees_of_freedom()))
    # R's svyquantile uses degf() of the design it is given: the domain, minus rows dropped
    # by na.rm. Variables with the same missing rows share the computation.
    result = np.empty(shape)
    cache: dict[tuple[int, bytes], float] = {}
    for variable in range(shape[0]):
        key_mask = np.packbits(present[:, variable]).tobytes()
        for domain in range(shape[1]):
            key = (domain, key_mask)
            if key not in cache:
                mask = domains.mask(domain) & present[:, variable]
                cache[key] = float(design.degrees_of_freedom(mask))
            result[variable, domain] = cache[key]
    return result


def _t_quantiles(level: float, df: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Lower and upper t(df) quantiles (normal where df is infinite, NaN where df <= 0)."""
    tail = (1.0 - level) / 2.0
    usable = np.isfinite(df) & (df > 0)
    safe = np.where(usable, df, 1.0)
    ends = []
    for probability in (tail, 1.0 - tail):
        value = np.where(usable, special.stdtrit(safe, probability), special.ndtri(probability))
        ends.append(np.where(np.isinf(df) | usable, value, np.nan))
    return np.asarray(ends[0], dtype=np.float64), np.asarray(ends[1], dtype=np.float64)


# ---------------------------------------------------------------------- checks
def _check_arguments(
    probabilities: Sequence[float], level: float, df_rule: str, empty_domain: str
) -> list[float]:
    # A bare number is accepted as a one-element list, as R accepts `quantiles=0.5`.
    listed = [probabilities] if isinstance(probabilities, int | float) else list(probabilities)
    chosen = [float(p) for p in listed]
    if not chosen:
        msg = "no probabilities were given; pass e.g. [0.25, 0.5, 0.75]."
        raise SpecError(msg, where="probabilities", expected="values between 0 and 1")
    for probability in chosen:
        if not 0.0 < probability < 1.0:
            msg = f"quantile probabilities must be strictly between 0 and 1; got {probability}."
            raise SpecError(msg, where="probabilities", found=probability, expected="0 < p < 1")
    if not 0.0 < level < 1.0:
        msg = f"`level` must be between 0 and 1 (e.g. 0.95); got {level}."
        raise SpecError(msg, where="level", found=level, expected="0 < level < 1")
    if df_rule not in _DF_RULES:
        msg = f"`df_rule` must be one of 'design', 'domain', 'normal'; got {df_rule!r}."
        raise SpecError(msg, where="df_rule", found=df_rule, expected=_DF_RULES)
    if empty_domain not in _EMPTY_RULES:
        msg = f"`empty_domain` must be 'error' or 'missing'; got {empty_domain!r}."
        raise SpecError(msg, where="empty_domain", found=empty_domain, expected=_EMPTY_RULES)
    return chosen


def _check_numeric(series: pl.Series, name: str) -> None:
    if not (series.dtype.is_numeric() or series.dtype == pl.Boolean):
        msg = f"column `{name}` is {series.dtype}; quantiles need a numeric column."
        raise EstimationError(msg, where=name, found=str(series.dtype), expected="numeric")


def _check_empty(
    cells: list[list[_Cell]], names: tuple[str, ...], domains: Domains, rule: str
) -> None:
    if rule != "error":
        return
    for variable, row in enumerate(cells):
        for domain, cell in enumerate(row):
            if cell.total == 0:
                raise domains.empty_error(
                    domain, names[variable], "no quantile can be estimated there"
                )
