"""Calibration of design weights: post-stratification, raking and trimming.

Each calibration returns a new design whose weights meet the population margins and which
records a :class:`CalibrationStep`, so that Taylor standard errors are computed from the
calibration residuals (as R ``survey`` does) and replicate designs are recalibrated in
every replicate. Linear and raking calibration to totals (R ``calibrate``) live in
:mod:`govindex.survey.regression_calibration`; the level matching they share with this
module lives in :mod:`govindex.survey.margins`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from govindex.errors import CalibrationError
from govindex.survey.arrays import FloatArray, IntArray, frozen, group_sum
from govindex.survey.design import SurveyDesign
from govindex.survey.margins import Margin, Population, match_margin

__all__ = [
    "CalibrationStep",
    "PostStratification",
    "Raking",
    "post_stratify",
    "rake",
    "trim_weights",
]

# R's svyrecvar removes raking margins by a fixed number of backfitting sweeps.
_RAKING_SWEEPS = 10
# Strict trimming repeats until no weight is outside; this guards against a cycle.
_MAX_TRIM_ROUNDS = 1000


class CalibrationStep(Protocol):
    """What a calibration leaves on a design for variance estimation."""

    def residualise(self, scores: FloatArray) -> FloatArray:
        """Replace (rows × statistics) influence scores by their calibration residuals."""
        ...


@dataclass(frozen=True, eq=False)
class PostStratification:
    """Post-strata and the weights before and after, as R stores on ``postStrata``.

    Examples
    --------
    >>> step = PostStratification(np.array([0, 0, 1]), 2, np.ones(3), np.ones(3))
    >>> step.residualise(np.array([[1.0], [3.0], [5.0]])).tolist()
    [[-1.0], [1.0], [0.0]]
    """

    groups: IntArray
    n_groups: int
    weights: FloatArray
    old_weights: FloatArray

    def residualise(self, scores: FloatArray) -> FloatArray:
        """Subtract each post-stratum's old-weighted mean of score/weight (R ``svyrecvar``)."""
        new = np.array(self.weights, dtype=np.float64)
        old = self.old_weights
        # R replaces a weight that is zero before and after by 1 to avoid 0/0.
        new[(new == 0) & (old == 0)] = 1.0
        ratio = scores * (old / new)[:, None]
        sums = group_sum(ratio, self.groups, self.n_groups)
        old_sums = group_sum(old[:, None], self.groups, self.n_groups)
        means = sums / old_sums
        return np.asarray(scores - means[self.groups] * new[:, None], dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Raking:
    """The margins of a raking, each with the weights after its last adjustment.

    Examples
    --------
    >>> step = Raking(((np.array([0, 0, 1, 1]), 2, np.ones(4)),))
    >>> step.residualise(np.array([[1.0], [3.0], [5.0], [5.0]])).tolist()
    [[-1.0], [1.0], [0.0], [0.0]]
    """

    margins: tuple[tuple[IntArray, int, FloatArray], ...]

    def residualise(self, scores: FloatArray) -> FloatArray:
        """Backfit the scores on every margin, 10 sweeps, as R ``svyrecvar`` does."""
        result = np.array(scores, dtype=np.float64)
        for _ in range(_RAKING_SWEEPS):
            for groups, n_groups, weights in self.margins:
                scaled = result / weights[:, None]
                counts = np.bincount(groups, minlength=n_groups).astype(np.float64)
                means = group_sum(scaled, groups, n_groups) / counts[:, None]
                result = result - weights[:, None] * means[groups]
        return result


def post_stratify(
    design: SurveyDesign, by: str, population: Population, *, partial: bool = False
) -> SurveyDesign:
    """Scale the weights within each post-stratum to its population count (R ``postStratify``).

    Parameters
    ----------
    design
        The design to calibrate; it is not changed.
    by
        Post-stratum column.
    population
        Population count of each level: a mapping ``{level: count}`` or a data frame with
        the column ``by`` and one count column (R's ``Freq``).
    partial
        Ignore population levels that no sampled row has (R ``partial=TRUE``); otherwise
        they are an error, since their population count cannot be reached.

    Returns
    -------
    SurveyDesign
        A new design whose weights sum to the population count in every post-stratum; its
        replicate weights (if any) are post-stratified replicate by replicate.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 3], "g": ["a", "a", "b", "b"]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> post_stratify(design, "g", {"a": 10, "b": 8}).weights.tolist()
    [5.0, 5.0, 2.0, 6.0]
    """
    margin = match_margin(design, by, population, partial=partial)
    weights = _scale_to_margin(design.weights[:, None], margin, by, "the full sample")[:, 0]
    step = PostStratification(
        groups=margin.groups,
        n_groups=margin.n_groups,
        weights=frozen(weights),
        old_weights=design.weights,
    )
    note = f"post_stratify({by}, partial)" if partial else f"post_stratify({by})"
    result = design.with_weights(weights, step, note)
    if design.replicates is None:
        return result
    matrix = _scale_to_margin(design.replicates.weights, margin, by, "replicate")
    return replace(result, replicates=design.replicates.with_weights(matrix))


def rake(
    design: SurveyDesign,
    margins: Sequence[tuple[str, Population]],
    *,
    tolerance: float = 1e-10,
    max_iterations: int = 100,
) -> SurveyDesign:
    """Iterative proportional fitting to several margins (R ``rake``).

    Each iteration post-stratifies to every margin in turn. Iteration stops, as in R, when
    no cell of the weighted cross-table of all margin columns changed by ``epsilon`` or
    more, where ``epsilon`` is ``tolerance`` times the total weight when ``tolerance < 1``
    and ``tolerance`` itself otherwise. R's default ``control`` is ``tolerance=1,
    max_iterations=10``.

    Parameters
    ----------
    design
        The design to calibrate; it is not changed.
    margins
        ``(column, population)`` pairs; each population as in :func:`post_stratify`.
    tolerance
        Convergence threshold, as R's ``control$epsilon``.
    max_iterations
        Most iterations (R's ``control$maxit``).

    Returns
    -------
    SurveyDesign
        The raked design; its replicate weights (if any) are raked alongside.

    Raises
    ------
    CalibrationError
        When a margin's levels do not match the data, or raking does not converge.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 1],
    ...                       "a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> raked = rake(design, [("a", {"x": 3, "y": 5}), ("b", {"u": 4, "v": 4})])
    >>> [round(value, 6) for value in raked.weights.tolist()]
    [1.5, 1.5, 2.5, 2.5]
    """
    if not margins:
        msg = "`margins` is empty; give at least one (column, population) pair."
        raise CalibrationError(msg, where="margins", expected="one or more margins")
    matched = [(column, match_margin(design, column, population)) for column, population in margins]
    joint = _joint_cells(matched)
    weights = np.array(design.weights, dtype=np.float64)
    replicate_matrix = None if design.replicates is None else design.replicates.weights
    total_weight = float(weights.sum())
    epsilon = tolerance * total_weight if tolerance < 1 else tolerance
    old_table = np.bincount(joint, weights=weights)
    raked: list[tuple[IntArray, int, FloatArray]] = []
    iterations = 0
    delta = np.inf
    while iterations < max_iterations:
        raked = []
        for column, margin in matched:
            weights = _scale_to_margin(weights[:, None], margin, column, "the full sample")[:, 0]
            raked.append((margin.groups, margin.n_groups, frozen(weights)))
            if replicate_matrix is not None:
                replicate_matrix = _scale_to_margin(replicate_matrix, margin, column, "replicate")
        new_table = np.bincount(joint, weights=weights)
        delta = float(np.max(np.abs(old_table - new_table)))
        if delta < epsilon:
            break
        old_table = new_table
        iterations += 1
    else:
        names = ", ".join(f"`{column}`" for column, _ in matched)
        msg = (
            f"raking to margins {names} did not converge in {max_iterations} iterations "
            f"(last change {delta:.3g}, needed below {epsilon:.3g})."
        )
        raise CalibrationError(msg, where=matched[-1][0], found=delta, expected=epsilon)
    note = f"rake({', '.join(column for column, _ in matched)})"
    result = design.with_weights(weights, Raking(tuple(raked)), note)
    if design.replicates is None or replicate_matrix is None:
        return result
    return replace(result, replicates=design.replicates.with_weights(replicate_matrix))


def trim_weights(
    design: SurveyDesign, lower: float = -np.inf, upper: float = np.inf, *, strict: bool = False
) -> SurveyDesign:
    """Clip weights to ``[lower, upper]`` and share the trimmed amount out (R ``trimWeights``).

    The weight cut from (or added to) the rows outside the bounds is spread equally over
    the rows inside them, so the total weight is unchanged. With ``strict`` the trimming is
    repeated until no weight is outside the bounds. As in R, trimming adds no calibration
    step: variance uses the calibration steps already on the design with the new weights.
    Replicate weights are trimmed replicate by replicate in the same way (R 4.1-1's
    ``trimWeights.svyrep.design`` leaves the full-sample weights unchanged, a known slip
    this function does not copy).

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 2, 3, 10]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> trim_weights(design, upper=6).weights.tolist()
    [2.333333333333333, 3.333333333333333, 4.333333333333333, 6.0]
    """
    if lower > upper:
        msg = f"trimming bounds are reversed: lower {lower:g} is above upper {upper:g}."
        raise CalibrationError(msg, where="lower", found=lower, expected=f"<= {upper:g}")
    weights = np.asarray(design.weights, dtype=np.float64)
    outside = (weights < lower) | (weights > upper)
    if not outside.any():
        return design
    trimmed = _trim_columns(weights[:, None], lower, upper, strict)[:, 0]
    result = design.with_weights(trimmed, None, f"trim_weights({lower:g}, {upper:g})")
    if design.replicates is None:
        return result
    matrix = _trim_columns(design.replicates.weights, lower, upper, strict)
    return replace(result, replicates=design.replicates.with_weights(matrix))


# ---------------------------------------------------------------------- internals
def _scale_to_margin(matrix: FloatArray, margin: Margin, column: str, what: str) -> FloatArray:
    """Scale each column of ``matrix`` so its post-stratum sums equal the population counts."""
    sums = group_sum(matrix, margin.groups, margin.n_groups)
    needed = margin.totals[:, None]
    empty = (sums == 0) & (needed > 0)
    if empty.any():
        level_index, column_index = (int(index) for index in np.argwhere(empty)[0])
        where = what if what == "the full sample" else f"replicate {column_index + 1}"
        msg = (
            f"margin `{column}` level {margin.levels[level_index]!r} has zero total weight in "
            f"{where} but a population count of {margin.totals[level_index]:g}."
        )
        raise CalibrationError(msg, where=column, found=0.0, expected="a positive weight sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(sums == 0, 0.0, needed / sums)
    return np.asarray(matrix * factor[margin.groups], dtype=np.float64)


def _joint_cells(matched: list[tuple[str, Margin]]) -> IntArray:
    """One code per combination of margin levels, for R's convergence cross-table."""
    stacked = np.stack([margin.groups for _, margin in matched])
    _, codes = np.unique(stacked, axis=1, return_inverse=True)
    return np.asarray(codes.reshape(-1), dtype=np.int64)


def _trim_columns(matrix: FloatArray, lower: float, upper: float, strict: bool) -> FloatArray:
    result = np.array(matrix, dtype=np.float64)
    for index in range(result.shape[1]):
        values = result[:, index]
        for _ in range(_MAX_TRIM_ROUNDS):
            outside = (values < lower) | (values > upper)
            if not outside.any():
                break
            inside = int((~outside).sum())
            if inside == 0:
                msg = (
                    f"every weight is outside the trimming bounds [{lower:g}, {upper:g}]; "
                    "nothing is left to absorb the trimmed weight."
                )
                raise CalibrationError(msg, where="weights", expected=f"[{lower:g}, {upper:g}]")
            clipped = np.clip(values, lower, upper)
            trimmings = float((values - clipped).sum())
            clipped[~outside] += trimmings / inside
            values = clipped
            if not strict:
                break
        else:
            msg = (
                f"strict trimming to [{lower:g}, {upper:g}] still leaves weights outside the "
                f"bounds after {_MAX_TRIM_ROUNDS} rounds."
            )
            raise CalibrationError(msg, where="weights", expected=f"[{lower:g}, {upper:g}]")
        result[:, index] = values
    return result
