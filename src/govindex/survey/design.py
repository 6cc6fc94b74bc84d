"""The survey design: how a sample was drawn, bound to the data it describes.

One frozen object for every estimator, as R ``survey`` has: weights, strata, any number of
sampling stages with optional finite-population corrections, the lonely-PSU policy, any
calibration applied, and optional replicate weights. Estimators never mutate it; subsetting,
calibration and replication return new designs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import polars as pl

from govindex.errors import ColumnNotFound, DesignError, LonelyPSUError
from govindex.survey.arrays import FloatArray, IntArray, encode, frozen

if TYPE_CHECKING:
    from govindex.survey.calibration import CalibrationStep
    from govindex.survey.replicates import ReplicateWeights

__all__ = ["LonelyPSU", "PPSApproximation", "PPSVariance", "Stage", "SurveyDesign"]

LonelyPSU = Literal["fail", "remove", "adjust", "average", "certainty"]
LONELY_PSU_RULES: tuple[str, ...] = get_args(LonelyPSU)
PPSApproximation = Literal["brewer", "overton", "hartley-rao"]
PPS_APPROXIMATIONS: tuple[str, ...] = get_args(PPSApproximation)
PPSVariance = Literal["HT", "YG"]
PPS_VARIANCES: tuple[str, ...] = get_args(PPSVariance)


@dataclass(frozen=True, eq=False)
class Stage:
    """One sampling stage: which stratum each unit was drawn from, and how many.

    ``units`` and ``strata`` are per-row integer codes. Units are unique across the whole
    sample (a stage-2 unit is nested in its stage-1 unit). At stage 1 the strata are the
    design strata; at later stages each parent unit is a stratum, as in R ``svydesign``.
    """

    units: IntArray
    strata: IntArray
    unit_stratum: IntArray
    stratum_sizes: IntArray
    stratum_population: FloatArray | None
    stratum_parent: IntArray | None
    unit_fraction: FloatArray | None = None
    """Inclusion probability of each unit (PPS without replacement, Brewer's approximation)."""

    @property
    def n_units(self) -> int:
        """Number of distinct sampled units at this stage."""
        return int(self.unit_stratum.shape[0])

    @property
    def n_strata(self) -> int:
        """Number of strata at this stage."""
        return int(self.stratum_sizes.shape[0])

    def sampling_fraction(self) -> FloatArray:
        """Per-stratum sampling fraction n/N (0 where no population size is known)."""
        if self.stratum_population is None:
            return np.zeros(self.n_strata)
        return np.where(
            np.isinf(self.stratum_population), 0.0, self.stratum_sizes / self.stratum_population
        )


@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A complex sample design bound to its data.

    Build it with :meth:`SurveyDesign.from_frame`. The object is immutable; derived designs
    (domains, calibrated or replicate designs) are new objects.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"h": [1, 1, 2, 2], "psu": [1, 2, 3, 4], "w": [2.0, 2, 3, 3],
    ...                       "y": [1.0, 0, 1, 1]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", strata="h", psu="psu")
    >>> design.degrees_of_freedom()
    2
    """

    frame: pl.DataFrame
    weights: FloatArray
    stages: tuple[Stage, ...]
    lonely_psu: LonelyPSU
    ultimate_cluster: bool
    weights_column: str | None
    strata_column: str | None
    cluster_columns: tuple[str, ...]
    fpc_columns: tuple[str, ...]
    nest: bool
    calibration: tuple[CalibrationStep, ...] = ()
    replicates: ReplicateWeights | None = None
    history: tuple[str, ...] = field(default=())
    pps: PPSApproximation | None = None
    pps_variance: PPSVariance = "HT"

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(
        cls,
        frame: pl.DataFrame,
        *,
        weights: str | None = None,
        strata: str | None = None,
        psu: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        nest: bool = False,
        lonely_psu: LonelyPSU = "fail",
        ultimate_cluster: bool = False,
        pps: PPSApproximation | None = None,
        pps_variance: PPSVariance = "HT",
    ) -> SurveyDesign:
        """Describe how ``frame`` was sampled.

        Parameters
        ----------
        frame
            One row per respondent.
        weights
            Sampling-weight column. When absent, weights are derived from ``fpc`` given for
            every stage (as R does); a design with neither is refused rather than silently
            treated as unweighted.
        strata
            First-stage stratum column, or None for an unstratified design.
        psu
            Cluster columns, one per stage (PSU, SSU, ...). None means element sampling.
        fpc
            Finite-population corrections, one per stage given, each either as population
            size (all values >= 1) or as sampling fraction (all values <= 1).
        nest
            PSU codes restart inside strata (make them unique by combining with the stratum).
        lonely_psu
            What to do with a stratum that has a single unit: ``fail`` (refuse), ``remove`` or
            ``certainty`` (no variance contribution), ``adjust`` (centre at the grand mean),
            ``average`` (scale up the other strata's contribution), with R's meanings.
        ultimate_cluster
            Use only the first-stage variance even when fpc is given for every stage.
        pps
            The PSUs were drawn with probability proportional to size without replacement,
            and ``fpc`` gives each PSU's inclusion probability (constant within a PSU, not
            within a stratum); weights default to 1/π. Only single-stage designs. ``brewer``:
            Brewer's approximation, n/(n−1) Σ (1−π_i)(t_i − t̄)² per stratum, as R
            ``svydesign(pps="brewer")``. ``overton``: Overton's approximation of the joint
            inclusion probabilities, π_ij ≈ π_iπ_j(n − (π_i+π_j)/2)/(n − 1), used in the
            Horvitz–Thompson or Yates–Grundy form, as R ``svydesign(pps="overton")``.
            ``hartley-rao``: Hartley and Rao's approximation, π_ij ≈ π_iπ_j(n − 1)/(n − π_i −
            π_j + p̄), p̄ the stratum's mean π, as R ``svydesign(pps=HR())``.
        pps_variance
            ``HT`` (Horvitz–Thompson, default) or ``YG`` (Yates–Grundy), for ``overton`` and
            ``hartley-rao``; ``brewer`` has only ``HT`` (as R).

        Examples
        --------
        >>> import polars as pl
        >>> frame = pl.DataFrame({"psu": [1, 1, 2, 2, 3], "w": [1.0, 1, 2, 2, 2], "y": [1, 2, 3, 4, 5]})
        >>> SurveyDesign.from_frame(frame, weights="w", psu="psu").stages[0].n_units
        3
        """
        if lonely_psu not in LONELY_PSU_RULES:
            msg = (
                f"`lonely_psu` must be one of {', '.join(repr(r) for r in LONELY_PSU_RULES)}; "
                f"got {lonely_psu!r}."
            )
            raise DesignError(msg, where="lonely_psu", found=lonely_psu, expected=LONELY_PSU_RULES)
        cluster_columns = _as_tuple(psu)
        fpc_columns = _as_tuple(fpc)
        named = [weights, strata, *cluster_columns, *fpc_columns]
        for column in named:
            if column is not None and column not in frame.columns:
                msg = f"column `{column}` is not in the data (columns: {', '.join(frame.columns)})."
                raise ColumnNotFound(msg, where=column, found=column, expected=frame.columns)
        n_rows = frame.height
        if n_rows == 0:
            msg = "the data has no rows."
            raise DesignError(msg, where="data")
        stage_count = max(1, len(cluster_columns))
        if len(fpc_columns) > stage_count:
            msg = (
                f"`fpc` names {len(fpc_columns)} columns but the design has {stage_count} "
                "stage(s); give at most one fpc column per stage."
            )
            raise DesignError(msg, where="fpc", found=fpc_columns)
        for column in (strata, *cluster_columns, *fpc_columns):
            if column is not None and frame[column].null_count():
                row = int(frame[column].is_null().arg_true()[0]) + 1
                msg = f"column `{column}` has a missing value in row {row}; design columns must be complete."
                raise DesignError(
                    msg, where=column, found="missing", expected="a value in every row"
                )

        strata_codes = encode(frame[strata]) if strata is not None else np.zeros(n_rows, np.int64)
        unit_codes = _stage_unit_codes(frame, cluster_columns, strata_codes, nest, n_rows)
        if strata is not None and not nest:
            _check_nested(
                frame,
                cluster_columns[0] if cluster_columns else None,
                strata,
                unit_codes[0],
                strata_codes,
            )
        if len(np.unique(unit_codes[0])) == 1 and not (nest and strata is not None):
            msg = "the design has only one primary sampling unit; no variance can be estimated."
            raise DesignError(msg, where=cluster_columns[0] if cluster_columns else "rows")

        if pps is not None:
            if pps_variance not in PPS_VARIANCES or (pps == "brewer" and pps_variance != "HT"):
                allowed = ("HT",) if pps == "brewer" else PPS_VARIANCES
                msg = (
                    f"`pps_variance` must be one of {', '.join(allowed)} for pps={pps!r}; "
                    f"got {pps_variance!r}."
                )
                raise DesignError(msg, where="pps_variance", found=pps_variance, expected=allowed)
            stages = _pps_stages(frame, unit_codes, strata_codes, fpc_columns, pps)
            fpc_weights = 1.0 / stages[0].unit_fraction[stages[0].units]  # type: ignore[index]
        else:
            stages = _build_stages(frame, unit_codes, strata_codes, fpc_columns)

        if weights is not None:
            weight_values = _read_weights(frame, weights)
        elif pps is not None:
            weight_values = fpc_weights
        elif fpc_columns and len(fpc_columns) == stage_count:
            weight_values = np.ones(n_rows)
            for stage in stages:
                assert stage.stratum_population is not None  # every stage has an fpc here
                per_row = stage.stratum_population[stage.strata] / stage.stratum_sizes[stage.strata]
                weight_values = weight_values * per_row
        else:
            msg = (
                "the design has no `weights` and no `fpc` for every stage, so it would be "
                "analysed as unweighted; name the weight column (use a column of 1s for an "
                "equal-probability sample)."
            )
            raise DesignError(
                msg, where="weights", expected="a weight column or fpc for every stage"
            )

        design = cls(
            frame=frame,
            weights=frozen(weight_values),
            stages=stages,
            lonely_psu=lonely_psu,
            ultimate_cluster=ultimate_cluster,
            weights_column=weights,
            strata_column=strata,
            cluster_columns=cluster_columns,
            fpc_columns=fpc_columns,
            nest=nest,
            pps=pps,
            pps_variance=pps_variance,
        )
        if lonely_psu == "fail":
            design._check_lonely()
        return design

    # ------------------------------------------------------------------ queries
    @property
    def n_rows(self) -> int:
        """Number of rows (respondents), including rows outside any domain."""
        return self.frame.height

    @property
    def multistage(self) -> bool:
        """Whether variance is computed stage by stage (fpc given for every stage, as R)."""
        return (
            not self.ultimate_cluster
            and len(self.stages) > 1
            and len(self.fpc_columns) == len(self.stages)
        )

    @property
    def variance_method(self) -> str:
        """Name of the variance method used by estimators on this design."""
        if self.replicates is not None:
            return self.replicates.method
        return "taylor"

    def degrees_of_freedom(self, mask: np.ndarray | None = None) -> int:
        """Design degrees of freedom, optionally for the rows in ``mask`` (a domain).

        For linearisation: number of PSUs minus number of strata among rows with non-zero
        weight, as R ``degf``. For replicate designs: rank of the replicate weights minus one.

        Examples
        --------
        >>> import polars as pl
        >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 1]})
        >>> SurveyDesign.from_frame(frame, weights="w", psu="psu").degrees_of_freedom()
        3
        """
        active = self.weights != 0
        if mask is not None:
            active = active & mask
        if self.replicates is not None:
            return self.replicates.degrees_of_freedom(active)
        stage = self.stages[0]
        n_psu = len(np.unique(stage.units[active]))
        n_strata = len(np.unique(stage.strata[active]))
        return n_psu - n_strata

    def column(self, name: str) -> pl.Series:
        """Return a data column, with a clear error when it is absent."""
        if name not in self.frame.columns:
            msg = f"column `{name}` is not in the data (columns: {', '.join(self.frame.columns)})."
            raise ColumnNotFound(msg, where=name, found=name, expected=self.frame.columns)
        return self.frame[name]

    # ------------------------------------------------------------------ derived designs
    def with_weights(
        self, weights: FloatArray, step: CalibrationStep | None = None, note: str = ""
    ) -> SurveyDesign:
        """Return a copy with new weights, recording the calibration step that made them."""
        calibration = self.calibration if step is None else (*self.calibration, step)
        history = self.history if not note else (*self.history, note)
        return replace(self, weights=frozen(weights), calibration=calibration, history=history)

    def with_replicates(self, replicates: ReplicateWeights) -> SurveyDesign:
        """Return a replicate-weight version of this design."""
        return replace(self, replicates=replicates, history=(*self.history, replicates.method))

    def subset(self, mask: np.ndarray) -> SurveyDesign:
        """Domain design: weights outside ``mask`` set to zero, every PSU kept (R ``subset``).

        Examples
        --------
        >>> import polars as pl
        >>> frame = pl.DataFrame({"psu": [1, 2, 3, 4], "w": [1.0, 1, 1, 1], "g": [0, 0, 1, 1]})
        >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
        >>> design.subset(frame["g"].to_numpy() == 1).weights.tolist()
        [0.0, 0.0, 1.0, 1.0]
        """
        keep = np.asarray(mask, dtype=bool)
        weights = np.where(keep, self.weights, 0.0)
        replicates = self.replicates.subset(keep) if self.replicates is not None else None
        return replace(self, weights=frozen(weights), replicates=replicates)

    def _check_lonely(self) -> None:
        for number, stage in enumerate(self.stages, start=1):
            if number > 1 and not self.multistage:
                break
            lonely = np.flatnonzero(stage.stratum_sizes == 1)
            if stage.stratum_population is not None and lonely.size:
                # A census stratum (n = N) contributes no variance, lonely or not (as R).
                lonely = lonely[stage.stratum_population[lonely] > 1]
            if lonely.size:
                label = self._stratum_label(number, int(lonely[0]))
                msg = (
                    f'stratum {label} has only one PSU at stage {number}; `lonely_psu="fail"` '
                    "forbids this (options: 'adjust', 'average', 'certainty', 'remove')."
                )
                raise LonelyPSUError(
                    msg,
                    where=self.strata_column or "strata",
                    found=label,
                    expected="at least 2 PSUs",
                )

    def _stratum_label(self, stage_number: int, stratum_code: int) -> str:
        stage = self.stages[stage_number - 1]
        row = int(np.flatnonzero(stage.strata == stratum_code)[0])
        if stage_number == 1 and self.strata_column is not None:
            return f"`{self.frame[self.strata_column][row]}`"
        if stage_number > 1:
            parent = self.cluster_columns[stage_number - 2]
            return f"within {parent} `{self.frame[parent][row]}`"
        return "(the whole sample)"


def _pps_stages(
    frame: pl.DataFrame,
    unit_codes: list[IntArray],
    strata_codes: IntArray,
    fpc_columns: tuple[str, ...],
    pps: str,
) -> tuple[Stage, ...]:
    """The single stage of a PPS design, with each PSU's inclusion probability."""
    if pps not in PPS_APPROXIMATIONS:
        msg = f"`pps` must be one of {', '.join(PPS_APPROXIMATIONS)}; got {pps!r}."
        raise DesignError(msg, where="pps", found=pps, expected=PPS_APPROXIMATIONS)
    if len(unit_codes) != 1 or len(fpc_columns) != 1:
        msg = (
            f"a PPS design (pps={pps!r}) needs one sampling stage and one fpc column giving "
            "each PSU's inclusion probability."
        )
        raise DesignError(msg, where="fpc", found=fpc_columns, expected="one fpc column")
    column = fpc_columns[0]
    series = frame[column]
    if not series.dtype.is_numeric():
        msg = f"fpc column `{column}` must be numeric (inclusion probabilities)."
        raise DesignError(msg, where=column, found=str(series.dtype), expected="numbers")
    values = series.cast(pl.Float64).to_numpy()
    outside = ~((values > 0) & (values <= 1))
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        msg = (
            f"fpc column `{column}` has {values[row]} in row {row + 1}; with pps={pps!r} it "
            "must be the PSU's inclusion probability, in (0, 1]."
        )
        raise DesignError(msg, where=column, found=values[row], expected="a number in (0, 1]")
    (stage,) = _build_stages(frame, unit_codes, strata_codes, ())
    fraction = np.full(stage.n_units, np.nan)
    fraction[stage.units[::-1]] = values[::-1]
    varies = values != fraction[stage.units]
    if varies.any():
        row = int(np.flatnonzero(varies)[0])
        msg = (
            f"fpc column `{column}` varies within a PSU (row {row + 1} has {values[row]}, "
            f"another row of its PSU {fraction[stage.units[row]]})."
        )
        raise DesignError(msg, where=column, found=values[row], expected="one value per PSU")
    return (replace(stage, unit_fraction=frozen(fraction)),)


def _as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(value)


def _read_weights(frame: pl.DataFrame, column: str) -> FloatArray:
    series = frame[column]
    if not series.dtype.is_numeric():
        bad = series.cast(pl.Float64, strict=False).is_null() & series.is_not_null()
        row = int(bad.arg_true()[0]) + 1 if bad.any() else 1
        msg = f"weight column `{column}` must be numeric; row {row} holds {series[row - 1]!r}."
        raise DesignError(msg, where=column, found=series[row - 1], expected="a number >= 0")
    values = series.cast(pl.Float64).to_numpy()
    invalid = ~np.isfinite(values) | (values < 0)
    if invalid.any():
        row = int(np.flatnonzero(invalid)[0])
        found = "missing" if np.isnan(values[row]) else values[row]
        msg = f"weight column `{column}` has {found} in row {row + 1}; weights must be finite and >= 0."
        raise DesignError(msg, where=column, found=found, expected="a finite number >= 0")
    return np.asarray(values, dtype=np.float64)


def _stage_unit_codes(
    frame: pl.DataFrame,
    cluster_columns: tuple[str, ...],
    strata_codes: IntArray,
    nest: bool,
    n_rows: int,
) -> list[IntArray]:
    if not cluster_columns:
        return [np.arange(n_rows, dtype=np.int64)]
    codes: list[IntArray] = []
    parent = strata_codes if nest else np.zeros(n_rows, np.int64)
    for column in cluster_columns:
        own = encode(frame[column])
        combined = parent * (int(own.max()) + 1) + own
        _, unit = np.unique(combined, return_inverse=True)
        unit = unit.astype(np.int64)
        codes.append(unit)
        parent = unit
    return codes


def _check_nested(
    frame: pl.DataFrame,
    psu_column: str | None,
    strata_column: str,
    units: IntArray,
    strata: IntArray,
) -> None:
    if psu_column is None:
        return
    order = np.lexsort((strata, units))
    units_sorted, strata_sorted = units[order], strata[order]
    changes = (units_sorted[1:] == units_sorted[:-1]) & (strata_sorted[1:] != strata_sorted[:-1])
    if changes.any():
        row = int(order[int(np.flatnonzero(changes)[0]) + 1])
        code = frame[psu_column][row]
        msg = (
            f"PSU `{code}` in column `{psu_column}` appears in more than one stratum of "
            f"`{strata_column}`; if PSU codes restart within strata, set `nest=True` (--nest)."
        )
        raise DesignError(msg, where=psu_column, found=code, expected="each PSU in one stratum")


def _build_stages(
    frame: pl.DataFrame,
    unit_codes: list[IntArray],
    strata_codes: IntArray,
    fpc_columns: tuple[str, ...],
) -> tuple[Stage, ...]:
    stages: list[Stage] = []
    parent_units: IntArray | None = None
    for index, units in enumerate(unit_codes):
        if index == 0:
            strata = strata_codes
            _, strata = np.unique(strata, return_inverse=True)
            strata = strata.astype(np.int64)
        else:
            assert parent_units is not None
            strata = parent_units
        n_units = int(units.max()) + 1
        unit_stratum = np.zeros(n_units, np.int64)
        unit_stratum[units] = strata
        n_strata = int(strata.max()) + 1
        sizes = np.bincount(unit_stratum, minlength=n_strata).astype(np.int64)
        population = None
        if index < len(fpc_columns):
            population = _stratum_population(frame, fpc_columns[index], strata, sizes, index + 1)
        stratum_parent = None
        if index > 0 and parent_units is not None:
            stratum_parent = stages[-1].unit_stratum.copy()
        stages.append(
            Stage(
                units=frozen(units),
                strata=frozen(strata),
                unit_stratum=frozen(unit_stratum),
                stratum_sizes=frozen(sizes),
                stratum_population=None if population is None else frozen(population),
                stratum_parent=None if stratum_parent is None else frozen(stratum_parent),
            )
        )
        parent_units = units
    return tuple(stages)


def _stratum_population(
    frame: pl.DataFrame, column: str, strata: IntArray, sizes: IntArray, stage_number: int
) -> FloatArray:
    series = frame[column]
    if not series.dtype.is_numeric():
        msg = f"fpc column `{column}` must be numeric (population size or sampling fraction)."
        raise DesignError(msg, where=column, found=str(series.dtype), expected="numbers")
    values = series.cast(pl.Float64).to_numpy()
    if (values <= 0).any():
        row = int(np.flatnonzero(values <= 0)[0])
        msg = f"fpc column `{column}` has {values[row]} in row {row + 1}; fpc must be positive."
        raise DesignError(msg, where=column, found=values[row], expected="a positive number")
    as_size = bool((values > 1).any())
    if as_size and (values < 1).any():
        row = int(np.flatnonzero(values < 1)[0])
        msg = (
            f"fpc column `{column}` mixes population sizes (> 1) and sampling fractions (< 1); "
            f"row {row + 1} has {values[row]}. Give all values >= 1 or all <= 1."
        )
        raise DesignError(msg, where=column, found=values[row], expected="all >= 1 or all <= 1")
    n_strata = sizes.shape[0]
    first = np.full(n_strata, np.nan)
    first[strata[::-1]] = values[::-1]
    varies = values != first[strata]
    if varies.any():
        row = int(np.flatnonzero(varies)[0])
        msg = (
            f"fpc column `{column}` varies within a stratum at stage {stage_number} "
            f"(row {row + 1} has {values[row]}, another row of its stratum {first[strata[row]]})."
        )
        raise DesignError(msg, where=column, found=values[row], expected="one value per stratum")
    population = first if as_size else sizes / first
    if (population < sizes - 1e-9).any():
        stratum = int(np.flatnonzero(population < sizes - 1e-9)[0])
        row = int(np.flatnonzero(strata == stratum)[0])
        msg = (
            f"fpc column `{column}` implies a population of {population[stratum]:g} at stage "
            f"{stage_number} (row {row + 1}) but {sizes[stratum]} units were sampled there."
        )
        raise DesignError(
            msg, where=column, found=population[stratum], expected=f">= {sizes[stratum]}"
        )
    return np.asarray(population, dtype=np.float64)
