"""Replicate weights delivered with the data, as R ``svrepdesign`` takes them.

Surveys often publish their own replicate weights (BRR, Fay, jackknife, bootstrap) instead
of strata and PSUs. :func:`replicate_design_from_columns` wraps such columns in a
:class:`SurveyDesign`, filling in R's default scale and rscales for each replicate type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import get_args

import numpy as np
import polars as pl

from govindex.errors import ColumnNotFound, DesignError, SpecError
from govindex.survey.arrays import FloatArray
from govindex.survey.design import LonelyPSU, SurveyDesign
from govindex.survey.replicates import ReplicateMethod, ReplicateWeights

__all__ = ["replicate_design_from_columns"]

_METHODS: tuple[str, ...] = get_args(ReplicateMethod)


def replicate_design_from_columns(
    frame: pl.DataFrame,
    *,
    weights: str,
    replicate_columns: str | Sequence[str],
    method: ReplicateMethod,
    scale: float | None = None,
    rscales: Sequence[float] | None = None,
    mse: bool = False,
    fay_rho: float | None = None,
    combined_weights: bool = True,
    lonely_psu: LonelyPSU = "fail",
) -> SurveyDesign:
    """A design from replicate weights delivered with the data (R ``svrepdesign``).

    Parameters
    ----------
    frame
        One row per respondent, holding the full-sample and replicate weights.
    weights
        Full-sample weight column.
    replicate_columns
        The replicate-weight columns in replicate order, or a regular expression matching
        their names (R's ``repweights = "prefix"``).
    method
        ``jk1``, ``jkn``, ``brr``, ``fay``, ``bootstrap`` or ``other``.
    scale, rscales
        Variance multipliers. Unset, they take R's defaults: ``brr`` 1/R; ``fay``
        1/(R(1−ρ)²); ``bootstrap`` 1/(R−1); ``jk1`` (R−1)/R for combined weights, else
        1/max(first replicate); ``jkn`` rscales 1/max(each replicate) for uncombined
        weights (combined weights must give ``rscales``); ``other`` 1.
    mse
        Centre the variance at the full-sample estimate.
    fay_rho
        Fay's ρ (required for ``fay``, refused otherwise).
    combined_weights
        The columns are full replicate weights (True) or multipliers of ``weights``.
    lonely_psu
        Recorded on the design (the replicate weights already fix the variance).

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"w": [1.0, 1, 1], "r1": [0.0, 1.5, 1.5], "r2": [1.5, 0.0, 1.5],
    ...                       "r3": [1.5, 1.5, 0.0], "y": [1.0, 2, 3]})
    >>> design = replicate_design_from_columns(frame, weights="w", replicate_columns="^r",
    ...                                        method="jk1", scale=2 / 3)
    >>> design.replicates.count, design.replicates.scale
    (3, 0.6666666666666666)
    """
    if method not in _METHODS:
        msg = f"`method` must be one of {', '.join(map(repr, _METHODS))}; got {method!r}."
        raise SpecError(msg, where="method", found=method, expected=_METHODS)
    names = _replicate_names(frame, replicate_columns)
    supplied = _read_replicates(frame, names)
    base = SurveyDesign.from_frame(frame, weights=weights, lonely_psu=lonely_psu)
    count = supplied.shape[1]
    if method == "fay" and fay_rho is None:
        msg = "method 'fay' needs `fay_rho`, the ρ the replicate weights were built with."
        raise SpecError(msg, where="fay_rho", expected="0 < rho < 1")
    if method != "fay" and fay_rho is not None:
        msg = f"`fay_rho` applies to method 'fay' only; method is {method!r}."
        raise SpecError(msg, where="fay_rho", found=fay_rho, expected="fay")
    if method in ("brr", "fay") and scale is not None:
        msg = f"method {method!r} fixes the scale (R's rule); remove `scale` ({scale})."
        raise SpecError(msg, where="scale", found=scale, expected=None)
    multipliers = None if combined_weights else supplied
    scale_value = _default_scale(method, count, scale, fay_rho, multipliers)
    scales = _default_rscales(method, count, rscales, multipliers)
    full = supplied if combined_weights else supplied * base.weights[:, None]
    built = ReplicateWeights.build(
        method, full, scale=scale_value, rscales=scales, mse=mse, rho=fay_rho
    )
    return base.with_replicates(built)


def _replicate_names(frame: pl.DataFrame, columns: str | Sequence[str]) -> list[str]:
    if isinstance(columns, str):
        pattern = re.compile(columns)
        names = [name for name in frame.columns if pattern.search(name)]
        if not names:
            msg = f"no column name matches the replicate-weight pattern {columns!r}."
            raise ColumnNotFound(
                msg, where="replicate_columns", found=columns, expected=frame.columns
            )
        return names
    names = list(columns)
    for name in names:
        if name not in frame.columns:
            msg = f"replicate-weight column `{name}` is not in the data."
            raise ColumnNotFound(msg, where=name, found=name, expected=frame.columns)
    return names


def _read_replicates(frame: pl.DataFrame, names: list[str]) -> FloatArray:
    if len(names) < 2:
        msg = f"at least 2 replicate-weight columns are needed; got {len(names)} ({', '.join(names)})."
        raise DesignError(msg, where="replicate_columns", found=names, expected=">= 2 columns")
    columns = []
    for name in names:
        series = frame[name]
        if not series.dtype.is_numeric():
            msg = f"replicate-weight column `{name}` must be numeric; it has type {series.dtype}."
            raise DesignError(msg, where=name, found=str(series.dtype), expected="numbers >= 0")
        values = series.cast(pl.Float64).to_numpy()
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            found = "a missing value" if np.isnan(values[row]) else values[row]
            msg = f"replicate-weight column `{name}` has {found} in row {row + 1}; replicate weights must be finite and >= 0."
            raise DesignError(msg, where=name, found=found, expected="a finite number >= 0")
        columns.append(values)
    return np.column_stack(columns)


def _default_scale(
    method: ReplicateMethod,
    count: int,
    scale: float | None,
    rho: float | None,
    multipliers: FloatArray | None,
) -> float:
    """R ``svrepdesign.default``'s scale for each replicate type."""
    if method == "brr":
        return 1.0 / count
    if method == "fay":
        assert rho is not None
        if not 0.0 < rho < 1.0:
            msg = f"`fay_rho` must be strictly between 0 and 1; got {rho}."
            raise SpecError(msg, where="fay_rho", found=rho, expected="0 < rho < 1")
        return 1.0 / (count * (1.0 - rho) ** 2)
    if scale is not None:
        return float(scale)
    if method == "bootstrap":
        return 1.0 / (count - 1)
    if method == "jk1":
        if multipliers is not None:
            return 1.0 / float(multipliers[:, 0].max())
        return (count - 1) / count
    return 1.0


def _default_rscales(
    method: ReplicateMethod,
    count: int,
    rscales: Sequence[float] | None,
    multipliers: FloatArray | None,
) -> FloatArray:
    """R's rscales: as given (one value is recycled), else 1, or 1/max for uncombined JKn."""
    if rscales is not None:
        values = np.asarray(rscales, dtype=np.float64).reshape(-1)
        if values.shape[0] not in (1, count):
            msg = f"`rscales` has {values.shape[0]} values; give 1 or one per replicate ({count})."
            raise SpecError(msg, where="rscales", found=values.shape[0], expected=count)
        return np.broadcast_to(values, (count,)).copy()
    if method == "jkn":
        if multipliers is None:
            msg = "method 'jkn' with combined weights needs `rscales`, (n_h−1)/n_h for each replicate."
            raise SpecError(msg, where="rscales", expected="one value per replicate")
        return np.asarray(1.0 / multipliers.max(axis=0), dtype=np.float64)
    return np.ones(count)
