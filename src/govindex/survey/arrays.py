"""Array types and small array helpers shared by the survey modules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

if TYPE_CHECKING:
    from scipy import sparse

_FEW_COLUMNS = 8
"""Up to this many columns, group sums by bincount beat building a sparse indicator."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "encode",
    "frozen",
    "group_sum",
    "indicator",
    "weighted_indicator",
]


def frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return ``array`` marked read-only, so frozen designs stay frozen.

    Examples
    --------
    >>> frozen(np.zeros(2)).flags.writeable
    False
    """
    result = np.array(array, copy=True)
    result.setflags(write=False)
    return result


def encode(series: pl.Series) -> IntArray:
    """Integer codes 0..k-1 for the distinct values of ``series``, in sorted order.

    Examples
    --------
    >>> encode(pl.Series(["b", "a", "b"])).tolist()
    [1, 0, 1]
    """
    values = series.to_numpy()
    if values.dtype == object:
        values = values.astype(str)
    _, codes = np.unique(values, return_inverse=True)
    return np.asarray(codes.reshape(-1), dtype=np.int64)


def indicator(groups: IntArray, n_groups: int) -> sparse.csr_matrix:
    """Sparse (groups × rows) 0/1 matrix: row g selects the rows whose code is g.

    Examples
    --------
    >>> indicator(np.array([0, 1, 0]), 2).toarray().tolist()
    [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    # Imported here: scipy.sparse adds a sizeable share of a small command's start-up.
    from scipy import sparse

    n = groups.shape[0]
    return sparse.csr_matrix(
        (np.ones(n), (groups, np.arange(n))), shape=(n_groups, n), dtype=np.float64
    )


def weighted_indicator(
    groups: IntArray, n_groups: int, weights: FloatArray | None = None
) -> sparse.csr_matrix:
    """Sparse (groups × rows) matrix whose row g holds the weights of the rows coded g.

    Its product with a (rows × columns) block adds, group by group and in row order,
    ``weight × value`` of each row — the same products added in the same order as summing
    a weighted copy of the block, so the sums agree to the bit without that copy. Rows
    of weight 0 are kept as stored zeros. Without ``weights`` every weight is 1 (as
    :func:`indicator`).

    Examples
    --------
    >>> weighted_indicator(np.array([0, 1, 0]), 2, np.array([2.0, 3, 0])).toarray().tolist()
    [[2.0, 0.0, 0.0], [0.0, 3.0, 0.0]]
    >>> block = np.array([[1.5], [2.0], [4.0]])
    >>> (weighted_indicator(np.array([0, 1, 0]), 2, np.array([2.0, 3, 1])) @ block).tolist()
    [[7.0], [6.0]]
    """
    from scipy import sparse

    n = groups.shape[0]
    order = np.argsort(groups, kind="stable")
    bounds = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=n_groups), out=bounds[1:])
    data = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)[order]
    return sparse.csr_matrix((data, order, bounds), shape=(n_groups, n))


def group_sum(values: FloatArray, groups: IntArray, n_groups: int) -> FloatArray:
    """Column sums of ``values`` (rows × columns) within each group.

    Examples
    --------
    >>> group_sum(np.array([[1.0], [2.0], [3.0]]), np.array([0, 1, 0]), 2).tolist()
    [[4.0], [2.0]]
    """
    matrix = np.asarray(values, dtype=np.float64)
    columns = matrix.reshape(matrix.shape[0], -1)
    if columns.shape[1] > _FEW_COLUMNS:
        result = np.asarray(indicator(groups, n_groups) @ columns, dtype=np.float64)
        return result.reshape((n_groups, *matrix.shape[1:]))
    # Few columns (a small estimate): one bincount per column adds the rows in row order
    # within each group, the order of the sparse product, and spares importing scipy.sparse.
    result = np.empty((n_groups, columns.shape[1]), dtype=np.float64)
    for column in range(columns.shape[1]):
        result[:, column] = np.bincount(groups, weights=columns[:, column], minlength=n_groups)
    return result.reshape((n_groups, *matrix.shape[1:]))
