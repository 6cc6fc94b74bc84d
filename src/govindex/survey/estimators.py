"""Design-based estimators: mean, total, ratio and proportion, for many variables × domains.

Each returns an :class:`EstimateTable`. Domains keep the whole design (rows outside a domain
count with zero weight, never dropped), missing values are handled as R's ``na.rm=TRUE``
per variable, and variance comes from the design: Taylor linearisation or its replicate
weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from scipy import special

from govindex.errors import EstimationError, SpecError
from govindex.survey.arrays import BoolArray, FloatArray, IntArray, group_sum
from govindex.survey.design import SurveyDesign
from govindex.survey.intervals import (
    PROPORTION_METHODS,
    IntervalKind,
    ProportionMethod,
    critical_value,
    proportion_interval,
)
from govindex.survey.prepare import Domains, Variables, prepare_domains, prepare_variables
from govindex.survey.replicates import UnitFactors
from govindex.survey.results import DegreesOfFreedomRule, EstimateTable
from govindex.survey.variance import LinearScores, taylor_variance

__all__ = ["EmptyDomainRule", "mean", "proportion", "ratio", "total"]

EmptyDomainRule = Literal["error", "missing"]
_DF_RULES = ("design", "domain", "normal")
# Which rows of a domain its df counts: those with a value (means, totals, ratios) or all of
# them (proportions, as R's svyciprop takes ``degf`` of the design before dropping NAs).
DegreesOfFreedomRows = Literal["answered", "domain"]
_DF_ROWS = get_args(DegreesOfFreedomRows)


# Variables are estimated in blocks of at most this many (rows × variables) cells: about
# 32 MB per working array, so memory follows the block, not the number of indicators.
_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True, eq=False)
class _Linear:
    """Sums behind a ratio of weighted totals, per (domain, variable)."""

    estimate: FloatArray  # domains × variables
    variance: FloatArray
    denominator: FloatArray  # weight (or denominator) sums; 0 for an empty cell
    respondents: FloatArray  # rows with non-zero weight and a value
    deff: FloatArray
    replicate_estimates: FloatArray | None = None  # replicates × domains × variables


def mean(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df_rule: DegreesOfFreedomRule = "design",
    empty_domain: EmptyDomainRule = "error",
) -> EstimateTable:
    """Weighted means with design-based standard errors (R ``svymean`` / ``svyby``).

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"h": [1, 1, 2, 2], "psu": [1, 2, 3, 4], "w": [1.0, 1, 2, 2],
    ...                       "y": [1.0, 3, 2, 4]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", strata="h", psu="psu")
    >>> table = mean(design, "y")
    >>> round(float(table.estimate[0]), 6), round(float(table.se[0]), 6)
    (2.666667, 0.745356)
    """
    values, domains = _inputs(design, variables, by, na_rm)
    linear = _linear(design, values, domains, values.present, na_rm=na_rm)
    return _table("mean", design, values, domains, linear, level, df_rule, empty_domain, na_rm)


def total(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df_rule: DegreesOfFreedomRule = "design",
    empty_domain: EmptyDomainRule = "error",
) -> EstimateTable:
    """Weighted population totals (R ``svytotal``).

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3], "w": [10.0, 10, 10], "y": [1.0, 0, 1]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> float(total(design, "y").estimate[0])
    20.0
    """
    values, domains = _inputs(design, variables, by, na_rm)
    linear = _linear(design, values, domains, None, na_rm=na_rm)
    return _table("total", design, values, domains, linear, level, df_rule, empty_domain, na_rm)


def proportion(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df_rule: DegreesOfFreedomRule = "domain",
    empty_domain: EmptyDomainRule = "error",
    method: ProportionMethod = "logit",
    df_rows: DegreesOfFreedomRows = "domain",
) -> EstimateTable:
    """Proportions of 0/1 variables with R ``svyciprop`` intervals (default ``logit``).

    Text columns give one proportion per level. The default ``df_rule="domain"`` is R's:
    ``svyciprop`` uses the degrees of freedom of the (domain) design, counting its PSUs
    whether or not their rows have a value (``df = degf(design)`` is taken before
    ``na.rm`` drops anything). ``df_rows="answered"`` counts only rows with a value, as R
    does when the design is first subset to them (``subset(design, !is.na(y))``); the
    choice is recorded in the table's parameters. ``method`` is
    ``svyciprop``'s: ``logit`` (on a replicate design, the replicate variance of logit(p),
    as R's svyglm), ``xlogit`` (delta-method logit), ``mean``, ``asin``, ``beta``
    (Korn–Graubard, for small cells and shares near 0 or 1) or ``likelihood`` (R's profile
    of the quasibinomial deviance; linearisation designs only, as R gives no interval on
    replicate designs).

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 1], "y": [1, 0, 1, 1]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> float(proportion(design, "y").estimate[0])
    0.75
    """
    if method not in PROPORTION_METHODS:
        msg = f"`method` must be one of {', '.join(PROPORTION_METHODS)}; got {method!r}."
        raise SpecError(msg, where="method", found=method, expected=PROPORTION_METHODS)
    if df_rows not in _DF_ROWS:
        msg = f"`df_rows` must be one of {', '.join(_DF_ROWS)}; got {df_rows!r}."
        raise SpecError(msg, where="df_rows", found=df_rows, expected=_DF_ROWS)
    if method == "likelihood" and design.replicates is not None:
        msg = (
            "the likelihood interval needs a linearisation design: R survey's "
            "svyciprop(method = 'likelihood') gives no interval on replicate designs."
        )
        raise SpecError(msg, where="method", found=method, expected="a design without replicates")
    values, domains = _inputs(design, variables, by, na_rm)
    outside = (values.values != 0) & (values.values != 1) & values.present
    if outside.any():
        row, column = (int(index) for index in np.argwhere(outside)[0])
        msg = (
            f"variable `{values.names[column]}` must be 0/1 for a proportion; row {row + 1} "
            f"holds {values.values[row, column]:g}."
        )
        raise EstimationError(
            msg, where=values.names[column], found=values.values[row, column], expected="0 or 1"
        )
    linear = _linear(design, values, domains, values.present, na_rm=na_rm)
    return _table(
        "proportion",
        design,
        values,
        domains,
        linear,
        level,
        df_rule,
        empty_domain,
        na_rm,
        interval_kind=method,
        logit_variance=_logit_replicate_variance(design, linear) if method == "logit" else None,
        domain_rows=_domain_rows(design, domains) if method == "beta" else None,
        likelihood=method == "likelihood",
        df_rows=df_rows,
    )


def _likelihood_bounds(
    design: SurveyDesign, values: Variables, domains: Domains, df: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """Profile-likelihood bounds per (domain, variable), as R svyby(svyciprop, "likelihood").

    R fits the glm on the domain design as svyby forms it, less rows without a value, with
    weights of mean 1 over the domain design's rows. A calibrated design's domain keeps
    every row (R's ``[.survey.design2`` only sets the others' weights to zero), so there
    the model has every row with a value and the mean runs over every row. The
    coefficient's SE is the design variance of the glm's influence scores, computed on the
    whole design with the other rows at zero (as for every domain).
    """
    # Imported here: only this interval needs it, and a mean's start-up pays for each module.
    from govindex.survey.likelihood_interval import (
        fit_intercept,
        likelihood_dispersion,
        likelihood_interval,
    )

    shape = (domains.count, len(values.names))
    low = np.full(shape, np.nan)
    high = np.full(shape, np.nan)
    keeps_rows = bool(design.calibration) and domains.column is not None
    for domain_index in range(domains.count):
        member = (
            np.ones(design.n_rows, dtype=bool)
            if domains.column is None
            else domains.mask(domain_index)
        )
        used = member[:, None] & values.present
        in_model = values.present if keeps_rows else used
        weights = np.where(member, design.weights, 0.0)
        # svyglm rescales the weights over the domain design's rows, missing values included.
        mean_weight = (
            float(np.mean(weights))
            if keeps_rows
            else float(np.mean(design.weights[member]))
            if member.any()
            else float("nan")
        )
        scores = np.zeros((design.n_rows, len(values.names)))
        fits = []
        for variable_index in range(len(values.names)):
            rows = in_model[:, variable_index]
            fit = fit_intercept(weights[rows], values.values[rows, variable_index], mean_weight)
            fits.append(fit)
            if fit is not None:
                scores[rows, variable_index] = fit.scores(values.values[rows, variable_index])
        codes = np.where(member, 0, -1).astype(np.int64)
        variance = taylor_variance(design, scores, codes, 1, used)[0]
        for variable_index, fit in enumerate(fits):
            rows = in_model[:, variable_index]
            dispersion = (
                likelihood_dispersion(
                    weights[rows],
                    values.values[rows, variable_index],
                    fit.fitted,
                    mean_weight,
                )
                if fit is not None
                else np.nan
            )
            low[domain_index, variable_index], high[domain_index, variable_index] = (
                likelihood_interval(
                    fit,
                    float(np.sqrt(max(variance[variable_index], 0.0))),
                    dispersion,
                    float(df[domain_index, variable_index]),
                    level,
                )
            )
    return low, high


def _domain_rows(design: SurveyDesign, domains: Domains) -> FloatArray:
    """Rows of each domain design (R's ``nrow(subset(design, ...))``), for Korn–Graubard."""
    if domains.column is None:
        return np.array([[float(design.n_rows)]])
    return np.array([[float(domains.mask(d).sum())] for d in range(domains.count)])


def _logit_replicate_variance(design: SurveyDesign, linear: _Linear) -> FloatArray | None:
    """Replicate variance of logit(p), as R's svyciprop gets it from svyglm on replicates.

    Under linearisation the logit interval uses the delta method (se/(p(1−p))); on a
    replicate design R refits the logistic model in every replicate, i.e. takes the
    replicate variance of logit(p_r) directly.
    """
    if design.replicates is None or linear.replicate_estimates is None:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        logits = special.logit(linear.replicate_estimates)
        return design.replicates.variance(logits, special.logit(linear.estimate))


def ratio(
    design: SurveyDesign,
    numerator: str | Sequence[str],
    denominator: str,
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
    df_rule: DegreesOfFreedomRule = "design",
    empty_domain: EmptyDomainRule = "error",
) -> EstimateTable:
    """Ratios of totals, ``total(numerator) / total(denominator)`` (R ``svyratio``).

    Rows missing either variable are left out of that ratio when ``na_rm`` is true.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3], "w": [1.0, 1, 1], "y": [1.0, 2, 3], "x": [2.0, 2, 2]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> float(ratio(design, "y", "x").estimate[0])
    1.0
    """
    values, domains = _inputs(design, numerator, by, na_rm)
    below = prepare_variables(design, [denominator], na_rm=na_rm)
    if below.values.shape[1] != 1:
        msg = f"the ratio denominator `{denominator}` must be a numeric column."
        raise EstimationError(msg, where=denominator, expected="a numeric column")
    present = values.present & below.present
    paired = Variables(
        names=tuple(f"{name}/{denominator}" for name in values.names),
        values=np.where(present, values.values, 0.0),
        present=present,
        source_columns=values.source_columns,
    )
    base = np.where(present, below.values, 0.0)
    linear = _linear(design, paired, domains, base, na_rm=na_rm)
    return _table("ratio", design, paired, domains, linear, level, df_rule, empty_domain, na_rm)


# ---------------------------------------------------------------------- internals
def _inputs(
    design: SurveyDesign, variables: str | Sequence[str], by: str | None, na_rm: bool
) -> tuple[Variables, Domains]:
    return prepare_variables(design, variables, na_rm=na_rm), prepare_domains(design, by)


def _linear(
    design: SurveyDesign,
    values: Variables,
    domains: Domains,
    base: FloatArray | BoolArray | None,
    *,
    na_rm: bool,
    block_cells: int | None = None,
) -> _Linear:
    """:func:`_linear_block` over blocks of variables of at most ``block_cells`` cells.

    Every statistic is a function of its own variable's column, so blocks are independent;
    bounding them keeps the working arrays (weighted values, their squares, unit totals'
    inputs) to a few blocks' worth instead of several full rows × variables copies.
    """
    n_rows, n_variables = values.values.shape
    cells = _BLOCK_CELLS if block_cells is None else block_cells
    if base is values.present and _replicates_from_units(design):
        # A mean on a design whose replicates are unit factors: every figure comes from
        # (unit, domain) cell totals, so the rows are read once for all of them.
        from govindex.survey.cell_totals import replicate_mean_by_cells

        return replicate_mean_by_cells(design, values, domains.codes, domains.count, cells)
    width = max(1, cells // max(1, n_rows))
    if width >= n_variables:
        return _linear_block(design, values, domains, base, na_rm=na_rm)
    parts: list[_Linear] = []
    for start in range(0, n_variables, width):
        chosen = slice(start, min(n_variables, start + width))
        present = values.present[:, chosen]
        block = Variables(
            names=values.names[chosen],
            values=values.values[:, chosen],
            present=present,
            source_columns=values.source_columns,
        )
        if base is None:
            block_base: FloatArray | BoolArray | None = None
        elif base is values.present:
            block_base = present  # keeps the "base is present" shortcut of means
        else:
            block_base = base[:, chosen]
        parts.append(_linear_block(design, block, domains, block_base, na_rm=na_rm))
    replicates = [part.replicate_estimates for part in parts]
    return _Linear(
        estimate=np.concatenate([part.estimate for part in parts], axis=1),
        variance=np.concatenate([part.variance for part in parts], axis=1),
        denominator=np.concatenate([part.denominator for part in parts], axis=1),
        respondents=np.concatenate([part.respondents for part in parts], axis=1),
        deff=np.concatenate([part.deff for part in parts], axis=1),
        replicate_estimates=None
        if any(thetas is None for thetas in replicates)
        else np.concatenate(replicates, axis=2),  # type: ignore[arg-type]
    )


def _linear_block(
    design: SurveyDesign,
    values: Variables,
    domains: Domains,
    base: FloatArray | BoolArray | None,
    *,
    na_rm: bool,
) -> _Linear:
    """Estimate and variance of Σw·y / Σw·base per domain (a total when ``base`` is None).

    For a mean, ``base`` is the 0/1 mask of rows with a value. Works from weighted sums and
    their unit totals (see :class:`LinearScores`), so the hot path makes a handful of passes
    over the (rows × variables) data whatever the number of domains.
    """
    codes = domains.codes
    in_domain = codes >= 0
    everywhere = bool(in_domain.all())
    safe_codes = codes if everywhere else np.where(in_domain, codes, 0)
    n_domains = domains.count
    weights = design.weights if everywhere else np.where(in_domain, design.weights, 0.0)
    complete = bool(values.present.all())
    weighted_values = values.values * weights[:, None]
    numerator = group_sum(weighted_values, safe_codes, n_domains)
    if complete:
        counts = group_sum((weights != 0).astype(np.float64)[:, None], safe_codes, n_domains)
        respondents = np.repeat(counts, values.values.shape[1], axis=1)
        weight_sums = np.repeat(
            group_sum(weights[:, None], safe_codes, n_domains), values.values.shape[1], axis=1
        )
    else:
        counted = (weights != 0)[:, None] & values.present
        respondents = group_sum(counted.astype(np.float64), safe_codes, n_domains)
        weight_sums = group_sum(weights[:, None] * values.present, safe_codes, n_domains)
    weighted_base: FloatArray | None
    if base is None:
        estimate = numerator
        denominator = weight_sums
        weighted_base = None
        scale = np.ones_like(numerator)
    else:
        if complete and base is values.present:
            weighted_base = weights[:, None]
            denominator = weight_sums
        else:
            weighted_base = base * weights[:, None]
            denominator = group_sum(weighted_base, safe_codes, n_domains)
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate = numerator / denominator
            scale = 1.0 / denominator
    active = None if complete and everywhere else values.present & in_domain[:, None]
    thetas: FloatArray | None = None
    if design.replicates is None:
        scores = LinearScores.build(weighted_values, weighted_base, estimate, scale)
        variance = taylor_variance(design, scores, codes, n_domains, active)
    else:
        thetas = _replicate_estimates(design, values, codes, n_domains, base)
        variance = design.replicates.variance(thetas, estimate)
    deff = _design_effect(
        values,
        weights,
        weighted_values,
        safe_codes,
        n_domains,
        estimate,
        variance,
        base,
        denominator,
        weight_sums,
        respondents,
    )
    return _Linear(
        estimate=estimate,
        variance=variance,
        denominator=weight_sums if base is None else denominator,
        respondents=respondents,
        deff=deff,
        replicate_estimates=thetas,
    )


def _replicates_from_units(design: SurveyDesign) -> bool:
    """Whether the replicates are unit factors on the design's own weights (JKn, bootstraps)."""
    replicates = design.replicates
    if replicates is None or replicates.structure is None:
        return False
    base_weights = replicates.structure.base_weights
    return base_weights is design.weights or bool(np.array_equal(base_weights, design.weights))


def _replicate_estimates(
    design: SurveyDesign,
    values: Variables,
    codes: IntArray,
    n_domains: int,
    base: FloatArray | BoolArray | None,
) -> FloatArray:
    """Replicate estimates domain by domain, (replicates × rows_d) @ (rows_d × variables).

    Only replicates whose weights differ from the full-sample weights on a domain's rows are
    multiplied out; the others reproduce the full-sample estimate of that domain. For
    stratified jackknives with province domains that is 3 of 189 replicates per province.
    """
    replicates = design.replicates
    assert replicates is not None
    full = design.weights
    structure = replicates.structure
    if structure is not None and _replicates_from_units(design):
        return _replicate_estimates_from_units(structure, full, values, codes, n_domains, base)
    n_variables = values.values.shape[1]
    thetas = np.empty((replicates.count, n_domains, n_variables))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_domains + 1))
    ones_base = base is values.present and bool(values.present.all())
    for domain in range(n_domains):
        rows = order[bounds[domain] : bounds[domain + 1]]
        block = replicates.rows(rows)
        domain_values = values.values[rows]
        changed = np.flatnonzero((block != full[rows, None]).any(axis=0))
        unchanged = np.setdiff1d(np.arange(replicates.count), changed, assume_unique=True)
        if unchanged.size:
            thetas[unchanged, domain, :] = _domain_estimate(
                full[rows][None, :], domain_values, base, rows, ones_base
            )[0]
        if changed.size:
            thetas[changed, domain, :] = _domain_estimate(
                block[:, changed].T, domain_values, base, rows, ones_base
            )
    return thetas


def _replicate_estimates_from_units(
    structure: UnitFactors,
    weights: FloatArray,
    values: Variables,
    codes: IntArray,
    n_domains: int,
    base: FloatArray | BoolArray | None,
) -> FloatArray:
    """Replicate estimates from (unit, domain) totals: Σ_i w_i f_u(i),r y_i = Σ_u f_u,r T_u.

    The cost is units × replicates × variables instead of respondents × replicates ×
    variables, and no respondent-level replicate weights are touched.
    """
    inside = codes >= 0
    rows = np.flatnonzero(inside)
    cell_keys, cell_of_row = np.unique(
        structure.row_units[rows] * n_domains + codes[rows], return_inverse=True
    )
    cell_of_row = cell_of_row.reshape(-1)
    n_cells = cell_keys.shape[0]
    weighted = values.values[rows] * weights[rows, None]
    numerator_totals = group_sum(weighted, cell_of_row, n_cells)
    ones_base = base is values.present and bool(values.present.all())
    if base is None:
        base_totals = None
    elif ones_base:
        base_totals = group_sum(weights[rows, None], cell_of_row, n_cells)
    else:
        base_totals = group_sum(base[rows] * weights[rows, None], cell_of_row, n_cells)
    cell_unit = cell_keys // n_domains
    cell_domain = cell_keys % n_domains
    factors = structure.unit_factors
    thetas = np.zeros((factors.shape[1], n_domains, values.values.shape[1]))
    order = np.argsort(cell_domain, kind="stable")
    bounds = np.searchsorted(cell_domain[order], np.arange(n_domains + 1))
    for domain in range(n_domains):
        cells = order[bounds[domain] : bounds[domain + 1]]
        if cells.size == 0:
            thetas[:, domain, :] = np.nan if base is not None else 0.0
            continue
        unit_factors = factors[cell_unit[cells]].T
        numerator = unit_factors @ numerator_totals[cells]
        if base_totals is None:
            thetas[:, domain, :] = numerator
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            thetas[:, domain, :] = numerator / (unit_factors @ base_totals[cells])
    return thetas


def _domain_estimate(
    weights: FloatArray,
    domain_values: FloatArray,
    base: FloatArray | BoolArray | None,
    rows: IntArray,
    ones_base: bool,
) -> FloatArray:
    """Σw·y (or Σw·y / Σw·base) for each row of ``weights`` (weight sets × rows_d)."""
    numerator = weights @ domain_values
    if base is None:
        return np.asarray(numerator, dtype=np.float64)
    below = weights.sum(axis=1)[:, None] if ones_base else weights @ base[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(numerator / below, dtype=np.float64)


def _design_effect(
    values: Variables,
    weights: FloatArray,
    weighted_values: FloatArray,
    codes: IntArray,
    n_domains: int,
    estimate: FloatArray,
    variance: FloatArray,
    base: FloatArray | BoolArray | None,
    denominator: FloatArray,
    weight_sums: FloatArray,
    respondents: FloatArray,
) -> FloatArray:
    """Design effect against simple random sampling without replacement (R ``deff=TRUE``).

    Totals compare with N²·s²(N−n)/(Nn); ratios, and means as the ratio of y to its 0/1
    mask, with the same formula applied to their linearised values (y − R·x)/X, as R does.
    The sums of squares come from weighted sums, not from a rows × variables residual matrix.
    """
    squares = group_sum(weighted_values * values.values, codes, n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        if base is None:
            centre = estimate / weight_sums
            spread = squares - weight_sums * centre * centre
        elif base is values.present:
            spread = (squares - weight_sums * estimate * estimate) / (denominator * denominator)
        else:
            weighted_base = base * weights[:, None]
            cross = group_sum(weighted_base * values.values, codes, n_domains)
            base_squares = group_sum(weighted_base * base, codes, n_domains)
            spread = (squares - 2 * estimate * cross + estimate * estimate * base_squares) / (
                denominator * denominator
            )
        population = weight_sums
        observed = respondents
        spread = spread / population * observed / (observed - 1.0)
        srs = spread * (population - observed) * population / observed
        result = variance / srs
    return np.asarray(result, dtype=np.float64)


def _table(
    statistic: str,
    design: SurveyDesign,
    values: Variables,
    domains: Domains,
    linear: _Linear,
    level: float,
    df_rule: DegreesOfFreedomRule,
    empty_domain: EmptyDomainRule,
    na_rm: bool,
    *,
    interval_kind: IntervalKind = "t",
    logit_variance: FloatArray | None = None,
    domain_rows: FloatArray | None = None,
    likelihood: bool = False,
    df_rows: DegreesOfFreedomRows = "answered",
) -> EstimateTable:
    names = values.names
    if df_rule not in _DF_RULES:
        msg = f"`df_rule` must be one of 'design', 'domain', 'normal'; got {df_rule!r}."
        raise SpecError(msg, where="df_rule", found=df_rule, expected=_DF_RULES)
    empty = linear.denominator == 0
    if empty.any() and empty_domain == "error":
        domain_index, variable_index = (int(index) for index in np.argwhere(empty)[0])
        raise domains.empty_error(
            domain_index, names[variable_index], "nothing can be estimated there"
        )
    estimate = np.where(empty, np.nan, linear.estimate)
    se = np.where(empty, np.nan, np.sqrt(np.maximum(linear.variance, 0.0)))
    if design.pps_variance == "HT" and design.pps in ("overton", "hartley-rao"):
        # The Horvitz–Thompson form can be negative, and then there is no SE (NaN, as R),
        # not a zero one.
        se = np.where(linear.variance < 0, np.nan, se)
    df = _degrees_of_freedom(design, domains, values, df_rule, df_rows)
    n_domains = domains.count
    variables = [name for name in names for _ in range(n_domains)]
    labels = [label for _ in names for label in domains.labels]
    return EstimateTable.from_arrays(
        statistic=statistic,
        variables=variables,
        domains=labels,
        estimate=_flat(estimate),
        se=_flat(se),
        df=_flat(df),
        n=_flat(linear.respondents),
        deff=_flat(np.where(empty, np.nan, linear.deff)),
        level=level,
        variance_method=design.variance_method,
        df_rule=df_rule,
        lonely_psu=design.lonely_psu,
        interval_kind=interval_kind,
        domain_column=domains.column,
        parameters={"na_rm": na_rm}
        | (
            {"proportion_method": interval_kind, "df_rows": df_rows}
            if statistic == "proportion"
            else {}
        ),
        replicate_estimates=None
        if linear.replicate_estimates is None
        else linear.replicate_estimates.transpose(0, 2, 1).reshape(
            linear.replicate_estimates.shape[0], -1
        ),
        **_logit_bounds(estimate, df, level, logit_variance),
        **_beta_bounds(estimate, se, df, level, domain_rows),
        **(
            dict(
                zip(
                    ("ci_low", "ci_high"),
                    map(_flat, _likelihood_bounds(design, values, domains, df, level)),
                    strict=True,
                )
            )
            if likelihood
            else {}
        ),
    )


def _beta_bounds(
    estimate: FloatArray,
    se: FloatArray,
    df: FloatArray,
    level: float,
    domain_rows: FloatArray | None,
) -> dict[str, FloatArray]:
    """Korn–Graubard bounds, which need each domain's row count besides estimate and SE."""
    if domain_rows is None:
        return {}
    rows = np.broadcast_to(domain_rows, estimate.shape)
    low, high = proportion_interval(estimate, se, df, level, "beta", rows=rows)
    return {"ci_low": _flat(low), "ci_high": _flat(high)}


def _logit_bounds(
    estimate: FloatArray, df: FloatArray, level: float, logit_variance: FloatArray | None
) -> dict[str, FloatArray]:
    """Explicit logit-interval bounds when the logit-scale variance is known directly."""
    if logit_variance is None:
        return {}
    critical = critical_value(level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = special.logit(estimate)
        half_width = critical * np.sqrt(logit_variance)
        return {
            "ci_low": _flat(special.expit(centre - half_width)),
            "ci_high": _flat(special.expit(centre + half_width)),
        }


def _flat(array: FloatArray) -> FloatArray:
    """Domains × variables → one row per (variable, domain), variable-major."""
    return np.asarray(np.asarray(array).T.reshape(-1), dtype=np.float64)


def _degrees_of_freedom(
    design: SurveyDesign,
    domains: Domains,
    values: Variables,
    df_rule: DegreesOfFreedomRule,
    df_rows: DegreesOfFreedomRows = "answered",
) -> FloatArray:
    """Degrees of freedom per (domain, variable).

    ``design``: the whole design's df. ``domain``: the df of the domain design, as R's
    ``degf(subset(...))`` — restricted to the rows that contribute (non-zero weight, value
    present) when ``df_rows`` is ``answered``, or to every row of the domain with a non-zero
    weight, value or not, when it is ``domain`` (R ``svyciprop``'s ``df = degf(design)``).
    ``normal``: infinite.
    """
    shape = (domains.count, values.values.shape[1])
    if df_rule == "normal":
        return np.full(shape, np.inf)
    every_row = df_rows == "domain" or values.present.all()
    if df_rule == "design" or (domains.column is None and every_row):
        return np.full(shape, float(design.degrees_of_freedom()))
    result = np.empty(shape)
    if every_row:
        per_domain = [design.degrees_of_freedom(domains.mask(d)) for d in range(domains.count)]
        result[:] = np.asarray(per_domain, dtype=np.float64)[:, None]
        return result
    for column in range(shape[1]):
        present = values.present[:, column]
        for domain in range(domains.count):
            result[domain, column] = design.degrees_of_freedom(domains.mask(domain) & present)
    return result
