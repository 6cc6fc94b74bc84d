"""Replicate weights and the replicate variance formula (R ``svrVar``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np

from govindex.errors import DesignError
from govindex.survey.arrays import BoolArray, FloatArray, IntArray, frozen

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

__all__ = ["ReplicateMethod", "ReplicateWeights", "UnitFactors"]

ReplicateMethod = Literal["jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap", "other"]

# Matches R's tolerance in ``degf.svyrep.design`` (qr(..., tol = 1e-05)).
_RANK_TOLERANCE = 1e-5


@dataclass(frozen=True, eq=False)
class UnitFactors:
    """How replicate weights built from a design arise: full-sample weight × unit factor.

    ``weights[i, r] == base_weights[i] * unit_factors[row_units[i], r]``. Knowing it lets
    replicate estimates be formed from unit totals (units × replicates products) instead of
    respondent-level products, and the rank from the units' factors.
    """

    unit_factors: FloatArray
    row_units: IntArray
    base_weights: FloatArray


@dataclass(frozen=True, eq=False)
class ReplicateWeights:
    """Full replicate weights (rows × replicates) and how to combine them.

    Replicates built from a design keep only their :class:`UnitFactors` (PSUs × replicates
    plus the full-sample weights); the rows × replicates matrix is formed from them only
    when a path needs respondent-level replicate weights (recalibration, quantiles, a
    design whose weights changed after the replicates were built). Supplied replicate
    weights are stored as given.

    The variance of a statistic with full-sample value ``θ`` and replicate values ``θ_r`` is
    ``scale · Σ_r rscales_r · (θ_r − c)²`` where ``c`` is the mean of the replicates, or ``θ``
    itself when ``mse`` is true.

    Examples
    --------
    >>> reps = ReplicateWeights.build("jk1", np.array([[0.0, 2.0], [2.0, 0.0]]), scale=0.5)
    >>> reps.variance(np.array([[1.0], [3.0]]), np.array([2.0])).tolist()
    [1.0]
    """

    method: ReplicateMethod
    stored_weights: FloatArray | None
    scale: float
    rscales: FloatArray
    mse: bool
    rho: float | None = None
    seed: int | None = None
    fixed_degrees_of_freedom: int | None = None
    structure: UnitFactors | None = None
    _rank_cache: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        method: ReplicateMethod,
        weights: FloatArray,
        *,
        scale: float,
        rscales: FloatArray | None = None,
        mse: bool = False,
        rho: float | None = None,
        seed: int | None = None,
        degrees_of_freedom: int | None = None,
        structure: UnitFactors | None = None,
    ) -> ReplicateWeights:
        """Validate and freeze a replicate-weight specification."""
        matrix = np.asarray(weights, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] < 2:
            msg = f"replicate weights must be a rows × replicates matrix with at least 2 replicates; got shape {matrix.shape}."
            raise DesignError(msg, where="replicate weights", found=matrix.shape)
        if not np.isfinite(matrix).all() or (matrix < 0).any():
            msg = "replicate weights must be finite and >= 0."
            raise DesignError(msg, where="replicate weights", expected="finite numbers >= 0")
        count = matrix.shape[1]
        scales = np.ones(count) if rscales is None else np.asarray(rscales, dtype=np.float64)
        if scales.shape != (count,):
            msg = f"`rscales` must have one value per replicate ({count}); got {scales.shape[0]}."
            raise DesignError(msg, where="rscales", found=scales.shape[0], expected=count)
        return cls(
            method=method,
            stored_weights=frozen(matrix),
            scale=float(scale),
            rscales=frozen(scales),
            mse=mse,
            rho=rho,
            seed=seed,
            fixed_degrees_of_freedom=degrees_of_freedom,
            structure=structure,
        )

    @classmethod
    def from_units(
        cls,
        method: ReplicateMethod,
        structure: UnitFactors,
        *,
        scale: float,
        rscales: FloatArray,
        mse: bool = False,
        rho: float | None = None,
        seed: int | None = None,
    ) -> ReplicateWeights:
        """Replicates defined by unit factors, without a rows × replicates matrix.

        Memory is PSUs × replicates, whatever the number of respondents.

        Examples
        --------
        >>> units = UnitFactors(
        ...     unit_factors=np.array([[0.0, 2.0], [2.0, 0.0]]),
        ...     row_units=np.array([0, 0, 1]),
        ...     base_weights=np.array([1.0, 2.0, 1.0]),
        ... )
        >>> reps = ReplicateWeights.from_units("jk1", units, scale=0.5, rscales=np.ones(2))
        >>> reps.count, reps.stored_weights is None
        (2, True)
        >>> reps.weights.tolist()
        [[0.0, 2.0], [0.0, 4.0], [2.0, 0.0]]
        """
        factors = np.asarray(structure.unit_factors, dtype=np.float64)
        if factors.ndim != 2 or factors.shape[1] < 2:
            msg = f"replicate factors must be a units × replicates matrix with at least 2 replicates; got shape {factors.shape}."
            raise DesignError(msg, where="replicate weights", found=factors.shape)
        if not np.isfinite(factors).all() or (factors < 0).any():
            msg = "replicate weights must be finite and >= 0."
            raise DesignError(msg, where="replicate weights", expected="finite numbers >= 0")
        scales = np.asarray(rscales, dtype=np.float64)
        if scales.shape != (factors.shape[1],):
            msg = f"`rscales` must have one value per replicate ({factors.shape[1]}); got {scales.shape[0]}."
            raise DesignError(
                msg, where="rscales", found=scales.shape[0], expected=factors.shape[1]
            )
        return cls(
            method=method,
            stored_weights=None,
            scale=float(scale),
            rscales=frozen(scales),
            mse=mse,
            rho=rho,
            seed=seed,
            structure=structure,
        )

    @property
    def weights(self) -> FloatArray:
        """The rows × replicates weight matrix, formed from the unit factors if not stored.

        Formed on each call and not kept: the paths that read it use it once, and keeping
        it would make memory grow with respondents again.
        """
        if self.stored_weights is not None:
            return self.stored_weights
        assert self.structure is not None
        structure = self.structure
        return frozen(structure.base_weights[:, None] * structure.unit_factors[structure.row_units])

    def rows(self, rows: IntArray) -> FloatArray:
        """Replicate weights of the rows ``rows`` only (len(rows) × replicates).

        Examples
        --------
        >>> reps = ReplicateWeights.build("jk1", np.array([[0.0, 2.0], [2.0, 0.0]]), scale=0.5)
        >>> reps.rows(np.array([1])).tolist()
        [[2.0, 0.0]]
        """
        if self.stored_weights is not None:
            return np.asarray(self.stored_weights[rows], dtype=np.float64)
        assert self.structure is not None
        structure = self.structure
        return np.asarray(
            structure.base_weights[rows, None] * structure.unit_factors[structure.row_units[rows]],
            dtype=np.float64,
        )

    @property
    def count(self) -> int:
        """Number of replicates."""
        if self.stored_weights is None:
            assert self.structure is not None
            return int(self.structure.unit_factors.shape[1])
        return int(self.stored_weights.shape[1])

    def variance(self, replicate_estimates: FloatArray, estimate: FloatArray) -> FloatArray:
        """Variance of each statistic from its replicate values (replicates × ...)."""
        thetas = np.asarray(replicate_estimates, dtype=np.float64)
        shape = (-1,) + (1,) * (thetas.ndim - 1)
        rscales = self.rscales.reshape(shape)
        # R's svrVar discards replicates whose estimate is NA/NaN (na.omit), e.g. a domain
        # whose only PSU a replicate drops; Inf is kept, as in R.
        # One pass to learn that no estimate is NaN (their sum is not NaN; a NaN sum from
        # +Inf and −Inf falls to the full check), instead of a mask of every replicate.
        if not np.isnan(thetas.sum()) or not np.isnan(thetas).any():
            if self.mse:
                centre = np.asarray(estimate, dtype=np.float64)
            elif bool((self.rscales > 0).all()):
                # The same sums as over a copy of every replicate, without the copy.
                centre = thetas.mean(axis=0)
            else:
                centre = thetas[self.rscales > 0].mean(axis=0)
            if thetas.ndim > 1 and thetas[0].size >= _ROW_BY_ROW:
                return _squared_deviations_by_row(thetas, centre, self.rscales, self.scale)
            deviations = thetas - centre
            deviations *= deviations
            deviations *= rscales
            return np.asarray(self.scale * deviations.sum(axis=0), dtype=np.float64)
        usable = ~np.isnan(thetas)
        if self.mse:
            centre = np.asarray(estimate, dtype=np.float64)
        else:
            counted = usable & (rscales > 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                centre = np.where(counted, thetas, 0.0).sum(axis=0) / counted.sum(axis=0)
        deviations = np.where(usable, thetas - centre, 0.0)
        weighted = deviations * deviations * rscales
        variance = self.scale * weighted.sum(axis=0)
        return np.asarray(np.where(usable.any(axis=0), variance, np.nan), dtype=np.float64)

    def subset(self, mask: BoolArray) -> ReplicateWeights:
        """Replicate weights with rows outside ``mask`` set to zero."""
        if self.stored_weights is None:
            assert self.structure is not None
            # Zeroing a row of w_i · f_u(i),r is zeroing w_i: the factored form survives.
            structure = replace(
                self.structure,
                base_weights=frozen(np.where(mask, self.structure.base_weights, 0.0)),
            )
            return replace(self, structure=structure, _rank_cache={})
        return replace(
            self,
            stored_weights=frozen(np.where(mask[:, None], self.stored_weights, 0.0)),
            structure=None,
            _rank_cache={},
        )

    def with_weights(self, weights: FloatArray) -> ReplicateWeights:
        """Same specification with a new weight matrix (e.g. after recalibration)."""
        return replace(
            self,
            stored_weights=frozen(np.asarray(weights, dtype=np.float64)),
            structure=None,
            _rank_cache={},
        )

    def degrees_of_freedom(self, active: BoolArray | None = None) -> int:
        """Rank of the replicate weights (rows in ``active``) minus one, as R ``degf``.

        A design built with a known number (R's ``degf`` argument) keeps it for the whole
        sample; domains always use the rank.
        """
        whole = active is None or bool(active.all())
        if self.fixed_degrees_of_freedom is not None and whole:
            return self.fixed_degrees_of_freedom
        if whole and "whole" in self._rank_cache:
            return self._rank_cache["whole"]
        if self.structure is not None:
            # Rows are full-sample weight × their unit's factors: the rank is the rank of
            # the factors of the units with a contributing row.
            units = self.structure.row_units if whole else self.structure.row_units[active]
            if units.shape[0] == 0:
                return 0
            degrees = _qr_rank(self.structure.unit_factors[np.unique(units)]) - 1
        else:
            matrix = self.weights if active is None or whole else self.weights[active]
            if matrix.shape[0] == 0:
                return 0
            degrees = _qr_rank(_distinct_rows(matrix)) - 1
        if whole:
            # Frozen value, immutable weights: the whole-sample rank never changes.
            self._rank_cache["whole"] = degrees
        return degrees


def _distinct_rows(matrix: FloatArray) -> FloatArray:
    """One row of each set of rows that are positive multiples of each other.

    Rows of one PSU differ only by the respondent's weight, so they span one direction;
    dropping zero rows, rescaling rows and dropping repeats leaves the rank unchanged and
    turns an 18,900-row QR into one the size of the number of PSUs.
    """
    largest = np.abs(matrix).max(axis=1)
    nonzero = np.flatnonzero(largest > 0)
    # Two fixed random projections of the normalised row identify it; rounding absorbs the
    # last-bit noise of w·f / w.
    probes = np.random.default_rng(0).standard_normal((matrix.shape[1], 2))
    keys = np.round((matrix[nonzero] @ probes) / largest[nonzero, None], 9)
    _, first = np.unique(keys, axis=0, return_index=True)
    return np.asarray(matrix[nonzero[np.sort(first)]], dtype=np.float64)


@cache
def _blas_controller() -> ThreadpoolController:
    # Imported here: only the rank check needs it, and estimators import this module.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _qr_rank(matrix: FloatArray) -> int:
    """Rank as R's LINPACK ``qr`` reports it: pivoted columns with norm ratio above tol."""
    from scipy import linalg

    # The matrices are small (units × replicates); BLAS threads only add synchronisation,
    # which on a busy 2-core machine costs hundreds of milliseconds.
    with _blas_controller().limit(limits=1, user_api="blas"):
        _, r_factor, _ = linalg.qr(np.asfortranarray(matrix), mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r_factor))
    if diagonal.size == 0 or diagonal[0] == 0:
        return 0
    return int((diagonal > _RANK_TOLERANCE * diagonal[0]).sum())


_ROW_BY_ROW = 4096
"""From this many statistics per replicate, squared deviations are summed replicate by
replicate: a replicate's row stays in cache, where a replicates × statistics array of them
(11 MB for PAPI's 189 × 63 × 120) is fresh memory to fault in and read three more times."""


def _squared_deviations_by_row(
    thetas: FloatArray, centre: FloatArray, rscales: FloatArray, scale: float
) -> FloatArray:
    """``scale · Σ_r rscale_r · (θ_r − centre)²``, added in replicate order.

    The terms and their order are those of ``(rscales · (θ − centre)²).sum(axis=0)``:
    numpy sums along the first axis one replicate after another, so the bits agree.

    Examples
    --------
    >>> thetas = np.array([[1.0, 2.0], [3.0, 5.0], [2.5, 0.5]])
    >>> rscales = np.array([0.5, 0.5, 2.0])
    >>> centre = thetas.mean(axis=0)
    >>> direct = 1.5 * ((thetas - centre) ** 2 * rscales[:, None]).sum(axis=0)
    >>> bool((_squared_deviations_by_row(thetas, centre, rscales, 1.5) == direct).all())
    True
    """
    total = np.zeros(thetas.shape[1:])
    row = np.empty(thetas.shape[1:])
    for replicate in range(thetas.shape[0]):
        np.subtract(thetas[replicate], centre, out=row)
        row *= row
        row *= rscales[replicate]
        total += row
    return np.asarray(scale * total, dtype=np.float64)
