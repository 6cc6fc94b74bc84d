"""Respondent chunks reduced to per-cell sums, so that memory follows the design.

A cell is the set of respondents sharing a stratum, a PSU and a province. The index needs
only four sums per (cell, indicator) — see :mod:`govindex.survey.cell_totals` — so a file
read in row chunks can be scored chunk by chunk and each chunk folded into those sums; the
chunk is then dropped. What is kept is cells × indicators, whatever the number of rows.

Cells keep the order in which they first appear in the file, which is what numbers the
strata, PSUs and replicates of the respondent-level design.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from govindex.errors import ColumnNotFound
from govindex.index.scoring import indicator_scores
from govindex.ingest import DesignColumns
from govindex.spec import IndexSpec
from govindex.survey.arrays import group_sum, weighted_indicator
from govindex.survey.cell_totals import CellTotals
from govindex.survey.design import SurveyDesign
from govindex.survey.variance import taylor_variance

__all__ = ["AccumulatedCells", "CellAccumulator", "cell_delta_method_variance", "without_cells"]

_SUMS = ("weighted", "present_weight", "squares", "counted", "answered")


@dataclass(frozen=True, eq=False)
class AccumulatedCells:
    """The sums of a whole file, one row of ``frame`` per cell.

    ``frame`` holds the design columns (the weight column carrying the cell's weight sum);
    ``respondents`` counts each cell's rows with a non-zero weight; ``answered`` says, per
    indicator, whether any respondent has a score.
    """

    frame: pl.DataFrame
    totals: CellTotals
    respondents: np.ndarray
    answered: dict[str, bool]
    rows: int


class CellAccumulator:
    """Fold respondent chunks into per-(stratum, PSU, province) sums of indicator scores.

    Examples
    --------
    >>> from govindex.spec import load_spec
    >>> spec = load_spec("specs/papi-2024.yaml")
    >>> accumulator = CellAccumulator(spec, DesignColumns())
    >>> accumulator.rows
    0
    """

    def __init__(self, spec: IndexSpec, design: DesignColumns, codes: Sequence[str] = ()) -> None:
        self.spec = spec
        self.design = design
        self.codes = tuple(codes) or tuple(item.code for item in spec.indicators)
        self.keys = list(
            dict.fromkeys(
                name for name in (design.province, design.strata, design.psu) if name is not None
            )
        )
        self.rows = 0
        self._cells: dict[tuple[object, ...], int] = {}
        self._key_schema = pl.Schema()
        width = len(self.codes)
        # Sums per cell, grown as cells appear: numpy sums in a fixed order, so that the
        # same file in the same chunks gives the same bits (``govindex rerun``).
        self._sums = {name: np.zeros((0, width)) for name in _SUMS}
        self._weights = np.zeros(0)
        self._respondents = np.zeros(0)

    def add(self, chunk: pl.DataFrame) -> None:
        """Score ``chunk`` (consecutive respondents of the file) and fold it into the sums."""
        wanted = [*self.keys, self.design.weights]
        absent = [name for name in wanted if name not in chunk.columns]
        if absent:
            msg = f"the data lack the design column(s) {absent} (columns: {chunk.columns[:12]}...)."
            raise ColumnNotFound(msg, where="design", found=absent, expected=wanted)
        if chunk.height == 0:
            return
        scores = indicator_scores(self.spec, chunk).select(self.codes)
        cell_of_row = self._cell_codes(chunk.select(self.keys))
        count = len(self._cells)
        weights = chunk[self.design.weights].cast(pl.Float64).to_numpy()
        # Row-major: the per-cell sums are sparse products over rows, which want each row's
        # values side by side (polars hands out column-major arrays).
        values = np.ascontiguousarray(scores.to_numpy(), dtype=np.float64)
        present = ~np.isnan(values)
        values[~present] = 0.0
        nonzero = weights != 0
        answered = present.astype(np.float64)
        # The weights ride in the sparse indicators (the same products, added in the same
        # order, as summing weighted copies of the rows), so the chunk needs two
        # rows × indicators blocks besides its values instead of five.
        by_weight = weighted_indicator(cell_of_row, count, weights)
        by_cell = weighted_indicator(cell_of_row, count)
        for name in _SUMS:
            self._sums[name] = _grown(self._sums[name], count)
        self._sums["weighted"] += by_weight @ values
        self._sums["present_weight"] += by_weight @ answered
        self._sums["counted"] += weighted_indicator(cell_of_row, count, nonzero * 1.0) @ answered
        self._sums["answered"] += by_cell @ answered
        # (y·w)·y as before, in the mask's block now that the mask has been summed.
        squares = np.multiply(values, weights[:, None], out=answered)
        squares *= values
        self._sums["squares"] += by_cell @ squares
        self._weights = _grown(self._weights, count)
        self._weights += np.bincount(cell_of_row, weights=weights, minlength=count)
        self._respondents = _grown(self._respondents, count)
        self._respondents += np.bincount(cell_of_row, weights=nonzero, minlength=count)
        self.rows += chunk.height

    def result(self) -> AccumulatedCells:
        """The sums of every chunk added, one row per cell in order of first appearance."""
        if not self._cells:
            msg = "the data have no rows."
            raise ColumnNotFound(msg, where="data", found=0, expected="respondents")
        keys = list(self._cells)
        frame = pl.DataFrame(
            [list(column) for column in zip(*keys, strict=True)],
            schema=self._key_schema,
            orient="col",
        ).with_columns(pl.Series(self.design.weights, self._weights, dtype=pl.Float64))
        totals = CellTotals(
            names=self.codes,
            weighted=self._sums["weighted"],
            present_weight=self._sums["present_weight"],
            squares=self._sums["squares"],
            counted=self._sums["counted"],
            answered=self._sums["answered"],
        )
        answered = self._sums["answered"].sum(axis=0) > 0
        return AccumulatedCells(
            frame=frame,
            totals=totals,
            respondents=self._respondents.copy(),
            answered={code: bool(flag) for code, flag in zip(self.codes, answered, strict=True)},
            rows=self.rows,
        )

    def _cell_codes(self, keys: pl.DataFrame) -> np.ndarray:
        """Each row's cell number; cells new to this chunk are numbered as they appear."""
        if not self._cells:
            self._key_schema = keys.schema
        distinct = keys.unique(maintain_order=True)
        numbers = []
        for key in distinct.iter_rows():
            numbers.append(self._cells.setdefault(key, len(self._cells)))
        lookup = distinct.with_columns(pl.Series("__cell", numbers, dtype=pl.Int64))
        joined = keys.join(
            lookup, on=self.keys, how="left", nulls_equal=True, maintain_order="left"
        )
        return np.asarray(joined["__cell"].to_numpy(), dtype=np.int64)


def without_cells(totals: CellTotals, mask: np.ndarray | None, codes: np.ndarray) -> CellTotals:
    """``totals`` with the cells of excluded (province, indicator) pairs emptied.

    The cell-level twin of setting those respondents' scores to missing.

    Examples
    --------
    >>> totals = CellTotals(("a",), *(np.ones((2, 1)) for _ in range(4)))
    >>> without_cells(totals, np.array([[True], [False]]), np.array([0, 1])).weighted.tolist()
    [[0.0], [1.0]]
    """
    if mask is None:
        return totals
    inside = codes >= 0
    hidden = np.where(inside[:, None], mask[np.where(inside, codes, 0)], False)

    def emptied(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else np.where(hidden, 0.0, values)

    return CellTotals(
        names=totals.names,
        weighted=np.where(hidden, 0.0, totals.weighted),
        present_weight=np.where(hidden, 0.0, totals.present_weight),
        squares=np.where(hidden, 0.0, totals.squares),
        counted=np.where(hidden, 0.0, totals.counted),
        answered=emptied(totals.answered),
    )


def cell_delta_method_variance(
    design: SurveyDesign,
    totals: CellTotals,
    domains: np.ndarray,
    estimates: np.ndarray,
    jacobian: np.ndarray,
    *,
    average_domains: bool = False,
) -> np.ndarray:
    """Taylor (delta-method) variance of aggregates of ratio means, from cell sums.

    The same figures as :func:`govindex.index.uncertainty.delta_method_variance` on the
    respondents: a respondent's influence score for indicator ``k`` is
    ``w·m_k·(y_k − R_k)/X_k``, so a cell's total is ``(Σw·y_k − R_k·Σw·m_k)/X_k`` and an
    aggregate's is the Jacobian's combination of those. ``design`` has one row per cell;
    the scores are cells × aggregates, never respondents × anything.

    Examples
    --------
    >>> import polars as pl
    >>> cells = pl.DataFrame({"psu": [1, 2], "w": [2.0, 2.0]})
    >>> design = SurveyDesign.from_frame(cells, weights="w", psu="psu")
    >>> totals = CellTotals(("a",), np.array([[0.0], [2.0]]), np.array([[2.0], [2.0]]),
    ...                     np.array([[0.0], [2.0]]), np.array([[1.0], [1.0]]))
    >>> cell_delta_method_variance(design, totals, np.zeros(2, np.int64),
    ...                            np.array([[0.5]]), np.array([[[1.0]]])).tolist()
    [[0.25]]
    """
    n_domains = estimates.shape[0]
    inside = domains >= 0
    codes = np.where(inside, domains, 0)
    base = np.where(inside[:, None], totals.present_weight, 0.0)
    denominators = group_sum(base, codes, n_domains)
    with np.errstate(invalid="ignore", divide="ignore"):
        linear = (totals.weighted - estimates[codes] * base) / denominators[codes]
    linear = np.where(np.isfinite(linear) & inside[:, None], linear, 0.0)
    gradient = np.where(np.isfinite(jacobian), jacobian, 0.0)
    scores = np.zeros((linear.shape[0], jacobian.shape[1]))
    for domain in range(n_domains):
        cells = np.flatnonzero(codes == domain)
        scores[cells] = linear[cells] @ gradient[domain].T
    scores = np.where(inside[:, None], scores, 0.0)
    if not average_domains:
        return taylor_variance(design, scores, domains, n_domains)
    counted = np.isfinite(jacobian).all(axis=2)  # domains × aggregates with a value
    count = counted.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        averaged = np.where(counted[codes] & inside[:, None], scores, 0.0) / count
    variance = taylor_variance(design, averaged, np.where(inside, 0, -1), 1)
    return np.asarray(np.where(count > 0, variance, np.nan), dtype=np.float64)


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    """``array`` with zero rows appended up to ``rows`` rows."""
    if array.shape[0] >= rows:
        return array
    extra = np.zeros((rows - array.shape[0], *array.shape[1:]))
    return np.concatenate([array, extra])
