"""Means from cell totals: the sufficient statistics of a ratio mean, summed per design cell.

A *cell* is the set of respondents sharing one PSU and one domain. Every figure
:func:`~govindex.survey.estimators.mean` reports for a replicate design — estimate,
replicate estimates, variance, respondents, design effect — is a function of four sums per
(cell, variable): Σw·y, Σw·[y present], Σw·y² and the count of respondents with a non-zero
weight and a value. So a file far larger than memory can be read in row chunks, each chunk
reduced to these sums, and the estimates formed afterwards with memory of cells ×
variables and PSUs × replicates, never respondents × anything.

Taylor linearisation needs no more: a ratio mean's influence score of respondent ``i`` is
``w_i·m_i·(y_i − R)/X``, so its total over a cell is ``(Σw·y − R·Σw·m)/X`` — the same two
sums. R's ``svyrecvar`` only ever reads PSU totals of the scores (centred within strata,
with the fpc factor and the lonely-PSU rules), and those are sums of cell totals.

The design passed here has one row per cell (its weight the cell's weight sum), in the order
the cells first appear in the respondent file, so that strata, PSUs, domains and replicates
are numbered exactly as the respondent-level design numbers them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govindex.errors import EstimationError
from govindex.survey.arrays import FloatArray, IntArray, group_sum, weighted_indicator
from govindex.survey.design import SurveyDesign
from govindex.survey.estimators import EmptyDomainRule, _Linear, _table
from govindex.survey.prepare import Variables, prepare_domains
from govindex.survey.replicates import ReplicateWeights
from govindex.survey.results import DegreesOfFreedomRule, EstimateTable
from govindex.survey.variance import LinearScores, taylor_variance

__all__ = [
    "CellTotals",
    "check_cell_design",
    "mean_from_cell_totals",
    "replicate_linear",
    "replicate_mean_by_cells",
]


@dataclass(frozen=True, eq=False)
class CellTotals:
    """Per-cell sums of analysis variables (cells × variables each).

    ``weighted`` is Σw·y over the cell's respondents with a value, ``present_weight``
    Σw over them, ``squares`` Σw·y² and ``counted`` the number of them with a non-zero
    weight. ``answered``, when given, counts them whatever their weight: the ``average``
    lonely-PSU rule of Taylor variances counts a stratum as present in a domain when any of
    its respondents there has a value (``counted`` stands in for it when absent).
    """

    names: tuple[str, ...]
    weighted: FloatArray
    present_weight: FloatArray
    squares: FloatArray
    counted: FloatArray
    answered: FloatArray | None = None


def check_cell_design(design: SurveyDesign) -> None:
    """Refuse a Taylor design whose variance needs more than first-stage PSU totals.

    Examples
    --------
    >>> import polars as pl
    >>> cells = pl.DataFrame({"h": [1, 1], "psu": [1, 2], "w": [3.0, 1]})
    >>> check_cell_design(SurveyDesign.from_frame(cells, weights="w", strata="h", psu="psu"))
    """
    reason = None
    if design.calibration:
        reason = "a calibrated design's variance needs every respondent's residual"
    elif design.multistage:
        reason = "a multistage variance (fpc at every stage) needs totals of later-stage units"
    elif design.pps is not None:
        reason = "a PPS variance approximation is not computed from cell totals"
    if reason is not None:
        msg = f"Taylor variance from cell totals is not available: {reason}."
        raise EstimationError(
            msg, where="variance", found="taylor", expected="first-stage PSU totals"
        )


def mean_from_cell_totals(
    design: SurveyDesign,
    totals: CellTotals,
    *,
    by: str | None = None,
    level: float = 0.95,
    df_rule: DegreesOfFreedomRule = "design",
    empty_domain: EmptyDomainRule = "missing",
) -> EstimateTable:
    """Weighted means (missing values left out, as ``na_rm=True``) from cell totals.

    ``design`` has one row per cell of ``totals``. A replicate design's replicates must be
    built from the design (unit factors), as JKn and the bootstraps are. A design without
    replicates gets Taylor variances from the cells' totals of the linearised values, with
    the design's fpc and lonely-PSU rule as :func:`~govindex.survey.mean` applies them; its
    cells must not cut through first-stage PSUs' sampling (one PSU per cell).

    Examples
    --------
    >>> import polars as pl
    >>> from govindex.survey import mean, replicate_design
    >>> people = pl.DataFrame({"h": [1, 1, 1, 2, 2, 2], "psu": [1, 1, 2, 3, 4, 4],
    ...                        "w": [1.0, 2, 1, 2, 2, 1], "y": [1.0, 3, 2, 4, 0, 1]})
    >>> rows = replicate_design(SurveyDesign.from_frame(people, weights="w", strata="h",
    ...                                                  psu="psu"), "jkn")
    >>> cells = pl.DataFrame({"h": [1, 1, 2, 2], "psu": [1, 2, 3, 4], "w": [3.0, 1, 2, 3]})
    >>> cell_design = replicate_design(SurveyDesign.from_frame(cells, weights="w", strata="h",
    ...                                                         psu="psu"), "jkn")
    >>> totals = CellTotals(("y",), weighted=np.array([[7.0], [2], [8], [1]]),
    ...                     present_weight=np.array([[3.0], [1], [2], [3]]),
    ...                     squares=np.array([[19.0], [4], [32], [1]]),
    ...                     counted=np.array([[2.0], [1], [1], [2]]))
    >>> from_cells = mean_from_cell_totals(cell_design, totals)
    >>> from_rows = mean(rows, "y", na_rm=True)
    >>> bool(np.allclose(from_cells.se, from_rows.se, rtol=1e-12))
    True
    >>> taylor = SurveyDesign.from_frame(cells, weights="w", strata="h", psu="psu")
    >>> by_rows = mean(SurveyDesign.from_frame(people, weights="w", strata="h", psu="psu"), "y")
    >>> bool(np.allclose(mean_from_cell_totals(taylor, totals).se, by_rows.se, rtol=1e-12))
    True
    """
    replicates = design.replicates
    if replicates is not None and replicates.structure is None:
        msg = (
            "estimation from cell totals needs replicate weights built from the design "
            "(JKn or bootstrap) or Taylor linearisation; supplied replicate weights read "
            "every respondent."
        )
        raise EstimationError(
            msg, where="variance", found=replicates.method, expected="jkn, bootstrap or taylor"
        )
    if replicates is None:
        check_cell_design(design)
    domains = prepare_domains(design, by)
    codes = domains.codes
    n_domains = domains.count
    if replicates is None:
        linear = _taylor_linear(design, totals, codes, n_domains)
    else:
        structure = replicates.structure
        assert structure is not None  # refused above
        linear = replicate_linear(replicates, structure.row_units, codes, n_domains, totals)
    # Cell-level stand-ins for the rows: a cell "has a value" when one of its respondents
    # with a non-zero weight has one, which is what the domain degrees of freedom count.
    variables = Variables(
        names=totals.names,
        values=np.zeros_like(totals.counted),
        present=totals.counted > 0,
        source_columns=totals.names,
    )
    return _table(
        "mean", design, variables, domains, linear, level, df_rule, empty_domain, na_rm=True
    )


def replicate_mean_by_cells(
    design: SurveyDesign,
    values: Variables,
    codes: IntArray,
    n_domains: int,
    block_cells: int = 4_000_000,
) -> _Linear:
    """Ratio means of rows with replicate variances, the rows reduced to cells first.

    The respondent-level twin of :func:`mean_from_cell_totals`: rows are summed into
    (unit, domain) cells once — one sparse product per sum — and every figure is formed
    from the cells, so no pass over the rows is repeated for the domains, the replicates
    and the design effects. ``design`` must have replicates built from the design (unit
    factors) on its own weights; ``values`` hold 0 where a value is missing.

    Examples
    --------
    >>> import polars as pl
    >>> from govindex.survey import mean, replicate_design
    >>> from govindex.survey.prepare import prepare_variables
    >>> people = pl.DataFrame({"h": [1, 1, 1, 2, 2, 2], "psu": [1, 1, 2, 3, 4, 4],
    ...                        "w": [1.0, 2, 1, 2, 2, 1], "y": [1.0, 3, 2, 4, 0, 1]})
    >>> rows = replicate_design(SurveyDesign.from_frame(people, weights="w", strata="h",
    ...                                                  psu="psu"), "jkn")
    >>> linear = replicate_mean_by_cells(rows, prepare_variables(rows, "y", na_rm=True),
    ...                                  np.zeros(6, np.int64), 1)
    >>> bool(np.isclose(linear.variance[0, 0], mean(rows, "y").se[0] ** 2, rtol=1e-12))
    True
    """
    replicates = design.replicates
    assert replicates is not None
    assert replicates.structure is not None
    inside = codes >= 0
    rows = None if bool(inside.all()) else np.flatnonzero(inside)
    keys = replicates.structure.row_units * n_domains + codes
    cell_keys, cell_of_row = np.unique(keys if rows is None else keys[rows], return_inverse=True)
    cell_of_row = cell_of_row.reshape(-1)
    n_cells = cell_keys.shape[0]
    width = values.values.shape[1]
    row_domains = codes if rows is None else codes[rows]
    sums = [np.zeros((n_cells, width)) for _ in range(4)]
    # The domains' own sums, added row by row as the Taylor path adds them: the estimates
    # and design effects are then the same to the bit as Taylor's (and as before), where
    # sums of cell sums would differ in the last bits.
    domain_sums = [np.zeros((n_domains, width)) for _ in range(3)]
    # Blocks of whole rows, not of columns: a run of rows of the row-major variables is
    # contiguous, so nothing is copied, and the sums simply add up across blocks.
    step = max(1, block_cells // max(1, width))
    for start in range(0, cell_of_row.shape[0], step):
        part = slice(start, start + step)
        index = part if rows is None else rows[part]
        row_values = values.values[index]
        present = values.present[index].astype(np.float64)
        weights = design.weights[index]
        # The weights ride in the indicators: a sparse product adds w·y row by row, the
        # same products in the same order as summing a weighted copy of the rows, without
        # the rows × variables copies (and their fresh pages) for w·y, w·[y present] and
        # the count of respondents.
        cell_codes = cell_of_row[part]
        domain_codes = row_domains[part]
        by_cell = weighted_indicator(cell_codes, n_cells, weights)
        by_domain = weighted_indicator(domain_codes, n_domains, weights)
        for total, selected in ((0, row_values), (1, present)):
            sums[total] += by_cell @ selected
            domain_sums[total] += by_domain @ selected
        sums[3] += weighted_indicator(cell_codes, n_cells, (weights != 0) * 1.0) @ present
        # w·y² in the mask's block, whose pages are already in place: (y·w)·y as before.
        squares = np.multiply(row_values, weights[:, None], out=present)
        squares *= row_values
        sums[2] += weighted_indicator(cell_codes, n_cells) @ squares
        domain_sums[2] += weighted_indicator(domain_codes, n_domains) @ squares
    totals = CellTotals(
        names=values.names,
        weighted=sums[0],
        present_weight=sums[1],
        squares=sums[2],
        counted=sums[3],
    )
    numerator, denominator, squares_by_domain = domain_sums
    respondents = _domain_sums(totals, cell_keys % n_domains, n_domains)[2]
    return replicate_linear(
        replicates,
        cell_keys // n_domains,
        cell_keys % n_domains,
        n_domains,
        totals,
        (numerator, denominator, respondents, squares_by_domain),
    )


def replicate_linear(
    replicates: ReplicateWeights,
    cell_units: IntArray,
    codes: IntArray,
    n_domains: int,
    totals: CellTotals,
    by_domain: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = None,
) -> _Linear:
    """Estimates, replicate estimates, variances and design effects of cells' ratio means.

    ``cell_units`` is each cell's unit (a row of the replicates' unit factors), ``codes``
    its domain (−1: none). ``by_domain``, when given, holds the domains' Σw·y, Σw·[y present],
    respondents and Σw·y² summed from the rows; otherwise they are summed from the cells.
    """
    numerator, denominator, respondents, squares = (
        _domain_sums(totals, codes, n_domains) if by_domain is None else by_domain
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = numerator / denominator
    structure = replicates.structure
    assert structure is not None  # checked by the callers
    factors = structure.unit_factors
    n_replicates, width = factors.shape[1], len(totals.names)
    # Replicates × domains × variables, each domain's block written whole (writing it
    # transposed, for the table's variable-major rows, costs more than copying once).
    thetas = np.empty((n_replicates, n_domains, width))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_domains + 1))
    for domain in range(n_domains):
        cells = order[bounds[domain] : bounds[domain + 1]]
        if cells.size == 0:
            thetas[:, domain, :] = np.nan
            continue
        unit_factors = factors[cell_units[cells]].T
        with np.errstate(divide="ignore", invalid="ignore"):
            thetas[:, domain, :] = (unit_factors @ totals.weighted[cells]) / (
                unit_factors @ totals.present_weight[cells]
            )
    variance = replicates.variance(thetas, estimate)
    return _Linear(
        estimate=estimate,
        variance=variance,
        denominator=denominator,
        respondents=respondents,
        deff=_design_effect(estimate, variance, denominator, respondents, squares),
        replicate_estimates=thetas,
    )


def _taylor_linear(
    design: SurveyDesign, totals: CellTotals, codes: IntArray, n_domains: int
) -> _Linear:
    """Estimates and Taylor variances from cell totals of the linearised values."""
    numerator, denominator, respondents, squares = _domain_sums(totals, codes, n_domains)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = numerator / denominator
        scale = 1.0 / denominator
    inside = codes >= 0
    answered = totals.counted if totals.answered is None else totals.answered
    scores = LinearScores.build(totals.weighted, totals.present_weight, estimate, scale)
    active = (answered > 0) & inside[:, None]
    variance = taylor_variance(design, scores, codes, n_domains, active)
    return _Linear(
        estimate=estimate,
        variance=variance,
        denominator=denominator,
        respondents=respondents,
        deff=_design_effect(estimate, variance, denominator, respondents, squares),
        replicate_estimates=None,
    )


def _domain_sums(
    totals: CellTotals, codes: IntArray, n_domains: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Σw·y, Σw·[y present], respondents and Σw·y² per domain (cells in no domain left out)."""
    inside = codes >= 0
    safe_codes = np.where(inside, codes, 0)

    def domain_sum(values: FloatArray) -> FloatArray:
        return group_sum(np.where(inside[:, None], values, 0.0), safe_codes, n_domains)

    return (
        domain_sum(totals.weighted),
        domain_sum(totals.present_weight),
        domain_sum(totals.counted),
        domain_sum(totals.squares),
    )


def _design_effect(
    estimate: FloatArray,
    variance: FloatArray,
    denominator: FloatArray,
    respondents: FloatArray,
    squares: FloatArray,
) -> FloatArray:
    """R's deff=TRUE for a mean: the SRS variance of the linearised values (y − R)/X."""
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = (squares - denominator * estimate * estimate) / (denominator * denominator)
        spread = spread / denominator * respondents / (respondents - 1.0)
        srs = spread * (denominator - respondents) * denominator / respondents
        return np.asarray(variance / srs, dtype=np.float64)
