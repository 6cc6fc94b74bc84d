"""Taylor-linearisation variance of many statistics at once.

Statistics are given as influence scores: an (rows × variables) matrix whose row ``i``
counts towards domain ``domains[i]`` only. That keeps the PAPI workload (120 indicators ×
63 provinces) at the cost of one pass over the data instead of one pass per domain. The
arithmetic follows R ``survey::svyrecvar``: PSU totals centred within strata, the
finite-population factor, stage-by-stage recursion when fpc is known for every stage, and
the lonely-PSU rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govindex.errors import DesignError
from govindex.survey.arrays import BoolArray, FloatArray, IntArray, group_sum
from govindex.survey.design import Stage, SurveyDesign

__all__ = ["LinearScores", "taylor_variance"]

# Below this many cells a dense (rows × statistics) block is built for calibrated designs.
_DENSE_BLOCK_CELLS = 4_000_000
# R treats a stratum whose fpc factor is below this as a census: no variance.
_CENSUS_TOLERANCE = 1e-7


@dataclass(frozen=True, eq=False)
class LinearScores:
    """Influence scores of ratios of weighted sums, kept factored for speed.

    The score of row ``i`` for (domain ``d``, variable ``v``) is
    ``(weighted_values[i, v] − estimate[d, v] · weighted_base[i, v]) · scale[d, v]`` for rows
    of ``d``. Unit totals of scores then need only unit totals of the two weighted columns,
    so the rows × variables score matrix is never built on the common path.
    """

    weighted_values: FloatArray
    weighted_base: FloatArray | None
    estimate: FloatArray
    scale: FloatArray

    @classmethod
    def build(
        cls,
        weighted_values: FloatArray,
        weighted_base: FloatArray | None,
        estimate: FloatArray,
        scale: FloatArray,
    ) -> LinearScores:
        """Scores with non-finite coefficients (empty domains) set to contribute nothing."""
        finite = np.isfinite(estimate) & np.isfinite(scale)
        return cls(
            weighted_values=weighted_values,
            weighted_base=weighted_base,
            estimate=np.where(finite, estimate, 0.0),
            scale=np.where(finite, scale, 0.0),
        )

    def cell_totals(
        self, rows: IntArray | None, cell_of_row: IntArray, n_cells: int, cell_domain: IntArray
    ) -> FloatArray:
        """Totals of the scores over cells (unit × domain), from the factored form."""
        values = self.weighted_values if rows is None else self.weighted_values[rows]
        totals = group_sum(values, cell_of_row, n_cells)
        if self.weighted_base is not None:
            base = self.weighted_base if rows is None else self.weighted_base[rows]
            totals = totals - self.estimate[cell_domain] * group_sum(base, cell_of_row, n_cells)
        return np.asarray(totals * self.scale[cell_domain], dtype=np.float64)

    def row_scores(self, domains: IntArray) -> FloatArray:
        """The full rows × variables score matrix (zero outside every domain)."""
        inside = domains >= 0
        codes = np.where(inside, domains, 0)
        scores = self.weighted_values.copy()
        if self.weighted_base is not None:
            scores = scores - self.estimate[codes] * self.weighted_base
        scores = scores * self.scale[codes]
        return np.asarray(np.where(inside[:, None], scores, 0.0), dtype=np.float64)


def taylor_variance(
    design: SurveyDesign,
    scores: FloatArray | LinearScores,
    domains: IntArray,
    n_domains: int,
    active: BoolArray | None = None,
) -> FloatArray:
    """Variance of every (domain, variable) statistic from its influence scores.

    Parameters
    ----------
    design
        The survey design.
    scores
        Influence scores (rows × variables); zero where a row does not contribute.
    domains
        Domain code of each row in ``0..n_domains-1``; ``-1`` for rows in no domain.
    n_domains
        Number of domains.
    active
        Rows × variables mask of rows that are part of each estimate (in the domain and not
        missing). Only the ``average`` lonely-PSU rule needs it, to count strata present.

    Returns
    -------
    numpy.ndarray
        (domains × variables) variances.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 1]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> scores = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    >>> taylor_variance(design, scores, np.zeros(4, np.int64), 1).tolist()
    [[5.333333333333333]]
    """
    if not isinstance(scores, LinearScores):
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim == 1:
            scores = scores[:, None]
    if not design.calibration:
        return _variance_by_cells(design, scores, domains, n_domains, active)
    if isinstance(scores, LinearScores):
        scores = scores.row_scores(domains)
    return _variance_calibrated(design, scores, domains, n_domains)


def _variance_calibrated(
    design: SurveyDesign, scores: FloatArray, domains: IntArray, n_domains: int
) -> FloatArray:
    """Calibration residuals cut across domains, so each domain gets full-length columns."""
    n_rows, n_variables = scores.shape
    result = np.zeros((n_domains, n_variables))
    block = max(1, _DENSE_BLOCK_CELLS // max(1, n_rows * n_variables))
    everywhere = np.zeros(n_rows, np.int64)
    for start in range(0, n_domains, block):
        chosen = np.arange(start, min(n_domains, start + block))
        membership = (domains[:, None] == chosen[None, :]).astype(np.float64)
        dense = (membership[:, :, None] * scores[:, None, :]).reshape(n_rows, -1)
        for step in design.calibration:
            dense = step.residualise(dense)
        variance = _variance_by_cells(design, dense, everywhere, 1, None)
        result[chosen] = variance.reshape(len(chosen), n_variables)
    return result


def _variance_by_cells(
    design: SurveyDesign,
    scores: FloatArray | LinearScores,
    domains: IntArray,
    n_domains: int,
    active: BoolArray | None,
) -> FloatArray:
    inside = domains >= 0
    rows: IntArray | None = None if inside.all() else np.flatnonzero(inside)
    row_domains = domains if rows is None else domains[rows]
    row_active = None if active is None or rows is None else active[rows]
    if rows is None:
        row_active = active
    n_variables = scores.estimate.shape[1] if isinstance(scores, LinearScores) else scores.shape[1]
    stages = design.stages if design.multistage else design.stages[:1]
    result = np.zeros((n_domains, n_variables))
    multiplier = np.ones(stages[0].n_strata)
    for number, stage in enumerate(stages, start=1):
        if number > 1:
            previous = stages[number - 2]
            # Stage-k strata are the stage-(k-1) units; later stages are scaled by the
            # sampling fractions of every stage above them, as R's recursion does.
            parent_stratum = previous.unit_stratum
            multiplier = multiplier[parent_stratum] * previous.sampling_fraction()[parent_stratum]
        result += _stage_variance(
            design, stage, number, multiplier, scores, rows, row_domains, n_domains, row_active
        )
    return result


def _stage_variance(
    design: SurveyDesign,
    stage: Stage,
    number: int,
    multiplier: FloatArray,
    scores: FloatArray | LinearScores,
    rows: IntArray | None,
    row_domains: IntArray,
    n_domains: int,
    row_active: BoolArray | None,
) -> FloatArray:
    units = stage.units if rows is None else stage.units[rows]
    cell_keys, cell_of_row = np.unique(units * n_domains + row_domains, return_inverse=True)
    cell_of_row = cell_of_row.reshape(-1)
    n_cells = cell_keys.shape[0]
    cell_stratum = stage.unit_stratum[cell_keys // n_domains]
    cell_domain = cell_keys % n_domains
    if isinstance(scores, LinearScores):
        cell_totals = scores.cell_totals(rows, cell_of_row, n_cells, cell_domain)
    else:
        cell_totals = group_sum(scores if rows is None else scores[rows], cell_of_row, n_cells)
    group_keys, group_of_cell = np.unique(
        cell_stratum * n_domains + cell_domain, return_inverse=True
    )
    group_of_cell = group_of_cell.reshape(-1)
    n_groups = group_keys.shape[0]
    sum_totals = group_sum(cell_totals, group_of_cell, n_groups)
    sum_squares = group_sum(cell_totals * cell_totals, group_of_cell, n_groups)
    group_stratum = group_keys // n_domains
    group_domain = group_keys % n_domains

    sizes = stage.stratum_sizes[group_stratum].astype(np.float64)
    if stage.unit_fraction is not None:
        if design.pps == "hartley-rao":
            contribution = _hartley_rao_contribution(
                stage,
                cell_keys,
                n_domains,
                cell_totals,
                group_of_cell,
                group_stratum,
                yates_grundy=design.pps_variance == "YG",
            )
            return group_sum(contribution, group_domain, n_domains)
        if design.pps == "overton":
            contribution = _overton_contribution(
                stage,
                cell_keys // n_domains,
                cell_totals,
                group_of_cell,
                group_stratum,
                yates_grundy=design.pps_variance == "YG",
            )
            return group_sum(contribution, group_domain, n_domains)
        contribution = _brewer_contribution(
            stage,
            cell_keys // n_domains,
            cell_totals,
            group_of_cell,
            group_stratum,
            design.lonely_psu,
        )
        if design.lonely_psu == "fail" and (sizes == 1).any():
            msg = (
                f'a stratum has only one PSU at stage {number}; `lonely_psu="fail"` '
                "forbids this (options: 'adjust', 'average', 'certainty', 'remove')."
            )
            raise DesignError(msg, where="lonely_psu", found="fail")
        variance = group_sum(contribution, group_domain, n_domains)
        if design.lonely_psu == "average" and (sizes == 1).any():
            msg = '`lonely_psu="average"` is not available for a PPS design.'
            raise DesignError(msg, where="lonely_psu", found="average")
        return variance
    fpc_factor = 1.0 - stage.sampling_fraction()[group_stratum]
    contribution = np.zeros_like(sum_totals)
    several = sizes > 1
    scale = np.where(several, fpc_factor * sizes / np.maximum(sizes - 1.0, 1.0), 0.0)
    contribution[several] = scale[several, None] * (
        sum_squares[several] - sum_totals[several] ** 2 / sizes[several, None]
    )
    lonely = ~several
    rule = design.lonely_psu
    if lonely.any():
        if rule == "adjust":
            # The lone PSU is centred at the grand mean, i.e. its total is not centred at all.
            contribution[lonely] = fpc_factor[lonely, None] * sum_squares[lonely]
        elif rule == "fail":
            census = fpc_factor[lonely] < _CENSUS_TOLERANCE
            if not census.all():
                msg = (
                    f'a stratum has only one PSU at stage {number}; `lonely_psu="fail"` '
                    "forbids this (options: 'adjust', 'average', 'certainty', 'remove')."
                )
                raise DesignError(msg, where="lonely_psu", found="fail")
    census = fpc_factor < _CENSUS_TOLERANCE
    contribution[census] = 0.0
    contribution *= multiplier[group_stratum][:, None]
    variance = group_sum(contribution, group_domain, n_domains)

    # A certainty unit (n = N) is a stratum that contributes zero variance, not a lonely one:
    # R's onestrat returns 0 for it before the lonely rule is looked at.
    lonely = lonely & ~census
    if rule == "average" and lonely.any():
        if number > 1:
            msg = (
                f'`lonely_psu="average"` cannot be applied at stage {number}: a unit there '
                "has a single sub-unit and no other stratum to average over (use 'adjust', "
                "'remove' or 'certainty')."
            )
            raise DesignError(msg, where="lonely_psu", found="average")
        present = _present(
            (row_domains.shape[0], sum_totals.shape[1]),
            row_active,
            cell_of_row,
            group_of_cell,
            n_groups,
        )
        strata_present = group_sum(present, group_domain, n_domains)
        lonely_present = group_sum(present * lonely[:, None], group_domain, n_domains)
        with np.errstate(divide="ignore", invalid="ignore"):
            variance = variance * strata_present / (strata_present - lonely_present)
    return variance


def _brewer_contribution(
    stage: Stage,
    cell_unit: IntArray,
    cell_totals: FloatArray,
    group_of_cell: IntArray,
    group_stratum: IntArray,
    lonely_psu: str,
) -> FloatArray:
    """R's onestrat with one fpc per PSU: n/(n−1) Σ (1−π_i)(t_i − t̄)² in each stratum.

    The PSUs of a stratum that have no row in a domain count with a zero total and their own
    factor (R keeps them, with zero weight); a stratum whose PSUs all have π = 1 contributes
    nothing.
    """
    assert stage.unit_fraction is not None
    n_groups = group_stratum.shape[0]
    sizes = stage.stratum_sizes.astype(np.float64)
    unit_sizes = sizes[stage.unit_stratum]
    unit_factor = 1.0 - stage.unit_fraction
    unit_scale = np.where(
        unit_sizes > 1, unit_factor * unit_sizes / np.maximum(unit_sizes - 1.0, 1.0), unit_factor
    )
    stratum_scale = np.bincount(stage.unit_stratum, unit_scale, minlength=stage.n_strata)
    stratum_census = np.bincount(
        stage.unit_stratum, unit_factor >= _CENSUS_TOLERANCE, minlength=stage.n_strata
    )
    group_sizes = sizes[group_stratum]
    centre = group_sum(cell_totals, group_of_cell, n_groups) / group_sizes[:, None]
    if lonely_psu == "adjust":
        # R leaves a lone PSU uncentred under "adjust" (it is centred at the grand mean 0).
        centre = np.where((group_sizes == 1)[:, None], 0.0, centre)
    deviations = cell_totals - centre[group_of_cell]
    scale = unit_scale[cell_unit]
    contribution = group_sum(scale[:, None] * deviations * deviations, group_of_cell, n_groups)
    absent_scale = stratum_scale[group_stratum] - np.bincount(group_of_cell, scale, n_groups)
    contribution = contribution + absent_scale[:, None] * centre * centre
    contribution[stratum_census[group_stratum] == 0] = 0.0
    return np.asarray(contribution, dtype=np.float64)


def _overton_contribution(
    stage: Stage,
    cell_unit: IntArray,
    cell_totals: FloatArray,
    group_of_cell: IntArray,
    group_stratum: IntArray,
    *,
    yates_grundy: bool,
) -> FloatArray:
    """The quadratic form t'Ďt of R's ``overton2Dcheck``, without building Ď.

    With q = 1 − π, Ď has q_i on its diagonal and −(q_i + q_j)/(2(n − 1)) between two PSUs
    of a stratum of n, so t'Ďt = (n·Σqt² − Q·T)/(n − 1) with T = Σt and Q = Σqt.
    Yates–Grundy subtracts Σ_j t_j² Σ_i Ď_ij, a column sum of Ď being
    q_j − (Σq − q_j + (n − 1)q_j)/(2(n − 1)).
    """
    assert stage.unit_fraction is not None
    n_groups = group_stratum.shape[0]
    sizes = stage.stratum_sizes.astype(np.float64)[group_stratum][:, None]
    remainder = 1.0 - stage.unit_fraction
    weight = remainder[cell_unit][:, None]
    squares = cell_totals * cell_totals
    total = group_sum(cell_totals, group_of_cell, n_groups)
    weighted = group_sum(weight * cell_totals, group_of_cell, n_groups)
    weighted_squares = group_sum(weight * squares, group_of_cell, n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = (sizes * weighted_squares - weighted * total) / (sizes - 1.0)
    result = np.where(sizes > 1, result, weighted_squares)
    if yates_grundy:
        unit_sizes = stage.stratum_sizes.astype(np.float64)[stage.unit_stratum]
        stratum_remainder = np.bincount(stage.unit_stratum, remainder, stage.n_strata)
        with np.errstate(divide="ignore", invalid="ignore"):
            column = remainder - (
                stratum_remainder[stage.unit_stratum] - remainder + (unit_sizes - 1.0) * remainder
            ) / (2.0 * (unit_sizes - 1.0))
        column = np.where(unit_sizes > 1, column, remainder)
        result = result - group_sum(column[cell_unit][:, None] * squares, group_of_cell, n_groups)
    return np.asarray(result, dtype=np.float64)


def _hartley_rao_contribution(
    stage: Stage,
    cell_keys: IntArray,
    n_domains: int,
    cell_totals: FloatArray,
    group_of_cell: IntArray,
    group_stratum: IntArray,
    *,
    yates_grundy: bool,
) -> FloatArray:
    """The quadratic form t'Ďt of R's ``HRDcheck`` (``pps = HR()``), without building Ď.

    Between two PSUs of a stratum of n, Ď_ij = 1 − (n − π_i − π_j + p̄)/(n − 1) =
    (a_i + a_j)/(n − 1) with a = π − (p̄ + 1)/2 and p̄ the stratum's mean π; q_i = 1 − π_i on
    the diagonal. So Σ_{i≠j} Ď_ij t_i t_j = 2(A·T − Σ a t²)/(n − 1), A = Σ a t, T = Σ t. R also
    sets Ď_ij to 0 where π_i + π_j = 1 exactly (its test ``fbar == 1``); those pairs are
    taken out one by one. Yates–Grundy subtracts Σ_j t_j² Σ_i Ď_ij.
    """
    assert stage.unit_fraction is not None
    n_groups = group_stratum.shape[0]
    probability = stage.unit_fraction
    unit_sizes = stage.stratum_sizes.astype(np.float64)[stage.unit_stratum]
    mean_probability = (
        np.bincount(stage.unit_stratum, probability, stage.n_strata) / stage.stratum_sizes
    )[stage.unit_stratum]
    shift = probability - (mean_probability + 1.0) / 2.0
    cell_unit = cell_keys // n_domains
    sizes = stage.stratum_sizes.astype(np.float64)[group_stratum][:, None]
    remainder = (1.0 - probability)[cell_unit][:, None]
    shifted = shift[cell_unit][:, None]
    squares = cell_totals * cell_totals
    total = group_sum(cell_totals, group_of_cell, n_groups)
    weighted = group_sum(shifted * cell_totals, group_of_cell, n_groups)
    shifted_squares = group_sum(shifted * squares, group_of_cell, n_groups)
    diagonal = group_sum(remainder * squares, group_of_cell, n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        off_diagonal = 2.0 * (weighted * total - shifted_squares) / (sizes - 1.0)
    result = diagonal + np.where(sizes > 1, off_diagonal, 0.0)
    column = 1.0 - probability
    if yates_grundy:
        stratum_shift = np.bincount(stage.unit_stratum, shift, stage.n_strata)[stage.unit_stratum]
        with np.errstate(divide="ignore", invalid="ignore"):
            column = column + np.where(
                unit_sizes > 1,
                ((unit_sizes - 1.0) * shift + stratum_shift - shift) / (unit_sizes - 1.0),
                0.0,
            )
    for first, second in _hartley_rao_exceptions(stage):
        coefficient = (shift[first] + shift[second]) / (unit_sizes[first] - 1.0)
        if yates_grundy:
            column[first] -= coefficient
            column[second] -= coefficient
        for domain in range(n_domains):
            found = np.searchsorted(
                cell_keys, [first * n_domains + domain, second * n_domains + domain]
            )
            if found[0] >= cell_keys.size or found[1] >= cell_keys.size:
                continue
            if cell_keys[found[0]] != first * n_domains + domain:
                continue
            if cell_keys[found[1]] != second * n_domains + domain:
                continue
            group = group_of_cell[found[0]]
            result[group] -= 2.0 * coefficient * cell_totals[found[0]] * cell_totals[found[1]]
    if yates_grundy:
        result = result - group_sum(column[cell_unit][:, None] * squares, group_of_cell, n_groups)
    return np.asarray(result, dtype=np.float64)


def _hartley_rao_exceptions(stage: Stage) -> list[tuple[int, int]]:
    """Pairs of PSUs of one stratum whose π add up to exactly 1 (R zeroes their Ď_ij)."""
    assert stage.unit_fraction is not None
    pairs: list[tuple[int, int]] = []
    for stratum in range(stage.n_strata):
        units = np.flatnonzero(stage.unit_stratum == stratum)
        if units.size < 2:
            continue
        probability = stage.unit_fraction[units]
        exact = np.triu(np.add.outer(probability, probability) == 1.0, k=1)
        pairs.extend(
            (int(units[i]), int(units[j])) for i, j in zip(*np.nonzero(exact), strict=True)
        )
    return pairs


def _present(
    shape: tuple[int, int],
    row_active: BoolArray | None,
    cell_of_row: IntArray,
    group_of_cell: IntArray,
    n_groups: int,
) -> FloatArray:
    if row_active is None:
        row_active = np.ones(shape, dtype=bool)
    counts = group_sum(row_active.astype(np.float64), group_of_cell[cell_of_row], n_groups)
    return (counts > 0).astype(np.float64)
