"""Calibration to population totals: linear (GREG) and raking distance (R ``calibrate``).

The weights ``w`` become ``g·w`` so that the weighted totals of the model-matrix columns
equal the population totals. The linear method without bounds solves the normal
equations directly, as R ``regcalibrate``; bounded or raking calibration iterates Newton
steps as R ``grake``. Variance uses the residuals of the influence scores on the weighted
model matrix, as R's ``greg_calibration`` branch of ``svyrecvar``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import polars as pl

from govindex.errors import CalibrationError, SpecError
from govindex.survey.arrays import FloatArray, frozen
from govindex.survey.design import SurveyDesign

__all__ = ["CalibrationMethod", "RegressionCalibration", "calibrate", "model_matrix"]

CalibrationMethod = Literal["linear", "raking"]
_METHODS = ("linear", "raking")
# R grake: MASS::ginv(Tmat, tol = 256 * .Machine$double.eps).
_PSEUDO_INVERSE_TOLERANCE = 256 * np.finfo(np.float64).eps
# R grake rescales the weights when every population/sample ratio exceeds this.
_RESCALE_THRESHOLD = 20.0
# R qr() (LINPACK dqrdc2) drops columns whose remaining norm is below this fraction.
_QR_TOLERANCE = 1e-7

_Distance = Callable[[FloatArray, float, float], FloatArray]


@dataclass(frozen=True, eq=False)
class RegressionCalibration:
    """An orthonormal basis of the weighted model matrix and R's residual weights.

    Examples
    --------
    >>> step = RegressionCalibration(np.full((2, 1), np.sqrt(0.5)), np.ones(2))
    >>> step.residualise(np.array([[1.0], [3.0]])).round(12).tolist()
    [[-1.0], [1.0]]
    """

    basis: FloatArray
    weights: FloatArray

    def residualise(self, scores: FloatArray) -> FloatArray:
        """``qr.resid(qr, scores / w) * w`` with R's ``qr`` and ``w``."""
        weights = self.weights[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.where(weights != 0, scores / weights, 0.0)
        residual = scaled - self.basis @ (self.basis.T @ scaled)
        return np.asarray(residual * weights, dtype=np.float64)


def model_matrix(
    design: SurveyDesign, columns: Sequence[str]
) -> tuple[FloatArray, tuple[str, ...]]:
    """R ``model.matrix`` for ``~ columns``: intercept, treatment dummies, numeric columns.

    Text and categorical columns get one 0/1 column per level except the first, named
    column + level as R does (``stypeH``); levels are sorted, except that an ``Enum`` keeps
    its declared order. Boolean columns give ``columnTRUE``.

    Examples
    --------
    >>> frame = pl.DataFrame({"psu": [1, 2, 3], "w": [1.0, 1, 1], "g": ["a", "b", "c"],
    ...                       "x": [2.0, 4, 6]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> matrix, names = model_matrix(design, ["g", "x"])
    >>> names
    ('(Intercept)', 'gb', 'gc', 'x')
    >>> matrix[1].tolist()
    [1.0, 1.0, 0.0, 4.0]
    """
    parts: list[FloatArray] = [np.ones((design.n_rows, 1))]
    names: list[str] = ["(Intercept)"]
    for column in columns:
        series = design.column(column)
        if series.null_count():
            row = int(series.is_null().arg_true()[0]) + 1
            msg = f"calibration column `{column}` has a missing value in row {row}; calibration needs a value in every row."
            raise CalibrationError(
                msg, where=column, found="missing", expected="a value in every row"
            )
        if series.dtype.is_numeric():
            parts.append(series.cast(pl.Float64).to_numpy().reshape(-1, 1))
            names.append(column)
            continue
        levels = _levels(series)
        labels = series.cast(pl.String).to_numpy()
        for level in levels[1:]:
            parts.append((labels == level).astype(np.float64).reshape(-1, 1))
            names.append(f"{column}{level}")
    return np.hstack(parts), tuple(names)


def calibrate(
    design: SurveyDesign,
    formula_columns: Sequence[str],
    population_totals: Mapping[str, float],
    *,
    method: CalibrationMethod = "linear",
    bounds: tuple[float, float] | None = None,
    max_iterations: int = 50,
    tolerance: float = 1e-7,
) -> SurveyDesign:
    """Calibrate the weights to population totals of a model matrix (R ``calibrate``).

    Parameters
    ----------
    design
        The design to calibrate; it is not changed.
    formula_columns
        Columns of the model ``~ a + b + ...``; an intercept is always included.
    population_totals
        Population total of every model-matrix column, named as R names them
        (``(Intercept)``, ``stypeH``, ``api99``; see :func:`model_matrix`).
    method
        ``linear`` (GREG) or ``raking`` (multiplicative, always positive weights).
    bounds
        ``(lower, upper)`` limits on the ratio of new to old weight, or None.
    max_iterations, tolerance
        Newton iterations allowed, and the largest ``|misfit| / (1 + |total|)`` accepted,
        as R's ``maxit`` and ``epsilon`` (unused by unbounded linear calibration).

    Returns
    -------
    SurveyDesign
        The calibrated design; its replicate weights (if any) are calibrated one by one.

    Raises
    ------
    CalibrationError
        When the totals' names do not match the model matrix, or calibration fails.

    Examples
    --------
    >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 1], "g": ["a", "a", "b", "b"]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> calibrate(design, ["g"], {"(Intercept)": 10, "gb": 6}).weights.tolist()
    [2.0, 2.0, 3.0, 3.0]
    """
    if method not in _METHODS:
        msg = f"`method` must be 'linear' or 'raking'; got {method!r}."
        raise SpecError(msg, where="method", found=method, expected=_METHODS)
    lower, upper = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    matrix, names = model_matrix(design, formula_columns)
    population = _population_vector(names, population_totals)
    weights = np.asarray(design.weights, dtype=np.float64)
    direct = method == "linear" and lower == -np.inf and upper == np.inf

    def solve(column_weights: FloatArray, what: str) -> FloatArray:
        if direct:
            return _linear_g(matrix, column_weights, population, what)
        distance = _raking_distance if method == "raking" else _linear_distance
        return _newton_g(
            matrix, column_weights, population, distance, (lower, upper),
            max_iterations, tolerance, what,
        )  # fmt: skip

    g = solve(weights, "the full sample")
    root_weights = np.sqrt(weights)
    step = RegressionCalibration(
        basis=frozen(_column_basis(matrix * root_weights[:, None])),
        weights=frozen(g * root_weights),
    )
    note = f"calibrate({method}: {', '.join(formula_columns) or '1'})"
    result = design.with_weights(weights * g, step, note)
    if design.replicates is None:
        return result
    replicate_weights = np.asarray(design.replicates.weights, dtype=np.float64)
    recalibrated = np.column_stack(
        [
            replicate_weights[:, index]
            * solve(replicate_weights[:, index], f"replicate {index + 1}")
            for index in range(replicate_weights.shape[1])
        ]
    )
    return replace(result, replicates=design.replicates.with_weights(recalibrated))


# ---------------------------------------------------------------------- internals
def _levels(series: pl.Series) -> list[str]:
    present = set(series.cast(pl.String).unique().to_list())
    if isinstance(series.dtype, pl.Enum):
        return [level for level in series.dtype.categories.to_list() if level in present]
    return sorted(present)


def _population_vector(names: tuple[str, ...], totals: Mapping[str, float]) -> FloatArray:
    if set(totals) != set(names) or len(totals) != len(names):
        msg = (
            f"population totals are named {', '.join(map(str, totals))} but the model matrix "
            f"columns are {', '.join(names)}; give one total per column, with R's names."
        )
        raise CalibrationError(msg, where="population_totals", found=list(totals), expected=names)
    vector = np.array([float(totals[name]) for name in names], dtype=np.float64)
    if not np.isfinite(vector).all():
        bad = names[int(np.flatnonzero(~np.isfinite(vector))[0])]
        msg = f"the population total of `{bad}` is {totals[bad]!r}; totals must be finite."
        raise CalibrationError(msg, where=bad, found=totals[bad], expected="a finite number")
    return vector


def _linear_g(
    matrix: FloatArray, weights: FloatArray, population: FloatArray, what: str
) -> FloatArray:
    """R ``regcalibrate``: g = 1 + X (X'WX)⁻¹ (T − X'w)."""
    weighted = matrix * np.sqrt(weights)[:, None]
    cross = weighted.T @ weighted
    sample_total = matrix.T @ weights
    try:
        coefficients = np.linalg.solve(cross, population - sample_total)
    except np.linalg.LinAlgError:
        msg = f"linear calibration is impossible in {what}: the weighted model matrix is singular (a level or column has no weight)."
        raise CalibrationError(msg, where="formula_columns", expected="a full-rank model") from None
    return np.asarray(1.0 + matrix @ coefficients, dtype=np.float64)


def _linear_distance(u: FloatArray, lower: float, upper: float) -> FloatArray:
    return np.asarray(np.minimum(np.maximum(u + 1.0, lower), upper) - 1.0, dtype=np.float64)


def _linear_derivative(u: FloatArray, lower: float, upper: float) -> FloatArray:
    return ((u < upper - 1.0) & (u > lower - 1.0)).astype(np.float64)


def _raking_distance(u: FloatArray, lower: float, upper: float) -> FloatArray:
    with np.errstate(over="ignore"):
        return np.asarray(np.minimum(np.maximum(np.exp(u), lower), upper) - 1.0, dtype=np.float64)


def _raking_derivative(u: FloatArray, lower: float, upper: float) -> FloatArray:
    with np.errstate(over="ignore"):
        return np.where((u < upper - 1.0) & (u > lower - 1.0), np.exp(u), 0.0)


def _newton_g(
    matrix: FloatArray,
    weights: FloatArray,
    population: FloatArray,
    distance: _Distance,
    bounds: tuple[float, float],
    max_iterations: int,
    tolerance: float,
    what: str,
) -> FloatArray:
    """R ``grake``: Newton steps on the calibration equations, halving non-finite steps."""
    lower, upper = bounds
    derivative = _raking_derivative if distance is _raking_distance else _linear_derivative
    sample_total = matrix.T @ weights
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = population / sample_total
    scale = float(np.mean(scales)) if np.min(scales) > _RESCALE_THRESHOLD else None
    if scale is not None:
        weights = weights * scale
        sample_total = sample_total * scale
    eta = np.zeros(matrix.shape[1])
    xeta = matrix @ eta
    g = 1.0 + distance(xeta, lower, upper)
    slope = derivative(xeta, lower, upper)
    iteration = 1
    while True:
        cross = (matrix * (weights * slope)[:, None]).T @ matrix
        misfit = population - sample_total - matrix.T @ (weights * distance(xeta, lower, upper))
        step = np.linalg.pinv(cross, rcond=_PSEUDO_INVERSE_TOLERANCE) @ misfit
        eta = eta + step
        xeta = matrix @ eta
        g = 1.0 + distance(xeta, lower, upper)
        slope = derivative(xeta, lower, upper)
        while iteration < max_iterations and not (
            np.isfinite(g).all() and np.isfinite(slope).all()
        ):
            iteration += 1
            step = step / 2.0
            eta = eta - step
            xeta = matrix @ eta
            g = 1.0 + distance(xeta, lower, upper)
            slope = derivative(xeta, lower, upper)
        misfit = population - sample_total - matrix.T @ (weights * distance(xeta, lower, upper))
        relative = np.abs(misfit) / (1.0 + np.abs(population))
        if (relative < tolerance).all():
            break
        iteration += 1
        if iteration > max_iterations:
            msg = (
                f"calibration of {what} did not converge in {max_iterations} iterations "
                f"(largest relative misfit {float(np.max(relative)):.3g}, needed below {tolerance:g})."
            )
            raise CalibrationError(
                msg, where=what, found=float(np.max(relative)), expected=tolerance
            )
    return np.asarray(g if scale is None else g * scale, dtype=np.float64)


def _column_basis(weighted_matrix: FloatArray) -> FloatArray:
    """Orthonormal basis of the column space, dropping dependent columns as R ``qr`` does."""
    # Imported here: scipy.linalg adds a tenth of a second to every command's start-up.
    from scipy import linalg

    q_factor, r_factor, _ = linalg.qr(weighted_matrix, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r_factor))
    if diagonal.size == 0 or diagonal[0] == 0:
        return np.zeros((weighted_matrix.shape[0], 0))
    rank = int((diagonal > _QR_TOLERANCE * diagonal[0]).sum())
    return np.asarray(q_factor[:, :rank], dtype=np.float64)
