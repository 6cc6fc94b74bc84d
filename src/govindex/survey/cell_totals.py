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
from govindex.survey.arrays import FloatArray, IntArray, group_sum
from govindex.survey.design import SurveyDesign
from govindex.survey.estimators import EmptyDomainRule, _Linear, _table
from govindex.survey.prepare import Variables, prepare_domains
from govindex.survey.replicates import ReplicateWeights
from govindex.survey.results import DegreesOfFreedomRule, EstimateTable
from govindex.survey.variance import LinearScores, taylor_variance

__all__ = ["CellTotals", "check_cell_design", "mean_from_cell_totals"]


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
    inside = codes >= 0
    safe_codes = np.where(inside, codes, 0)
    n_domains = domains.count

    def domain_sum(values: FloatArray) -> FloatArray:
        return group_sum(np.where(inside[:, None], values, 0.0), safe_codes, n_domains)

    numerator = domain_sum(totals.weighted)
    denominator = domain_sum(totals.present_weight)
    respondents = domain_sum(totals.counted)
    squares = domain_sum(totals.squares)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = numerator / denominator
    thetas: FloatArray | None = None
    if replicates is None:
        answered = totals.counted if totals.answered is None else totals.answered
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = 1.0 / denominator
        scores = LinearScores.build(totals.weighted, totals.present_weight, estimate, scale)
        active = (answered > 0) & inside[:, None]
        variance = taylor_variance(design, scores, codes, n_domains, active)
    else:
        thetas = _replicate_estimates(replicates, totals, codes, n_domains)
        variance = replicates.variance(thetas, estimate)
    # R's deff=TRUE for a mean: the SRS variance of the linearised values (y − R)/X.
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = (squares - denominator * estimate * estimate) / (denominator * denominator)
        spread = spread / denominator * respondents / (respondents - 1.0)
        srs = spread * (denominator - respondents) * denominator / respondents
        deff = variance / srs
    linear = _Linear(
        estimate=estimate,
        variance=variance,
        denominator=denominator,
        respondents=respondents,
        deff=np.asarray(deff, dtype=np.float64),
        replicate_estimates=thetas,
    )
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


def _replicate_estimates(
    replicates: ReplicateWeights, totals: CellTotals, codes: IntArray, n_domains: int
) -> FloatArray:
    """Replicates × domains × variables ratio means from the cells' unit factors."""
    structure = replicates.structure
    assert structure is not None  # checked by the caller
    factors = structure.unit_factors
    cell_units = structure.row_units
    thetas = np.zeros((factors.shape[1], n_domains, len(totals.names)))
    for domain in range(n_domains):
        cells = np.flatnonzero(codes == domain)
        if cells.size == 0:
            thetas[:, domain, :] = np.nan
            continue
        unit_factors = factors[cell_units[cells]].T
        with np.errstate(divide="ignore", invalid="ignore"):
            thetas[:, domain, :] = (unit_factors @ totals.weighted[cells]) / (
                unit_factors @ totals.present_weight[cells]
            )
    return thetas
