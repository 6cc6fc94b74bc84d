"""Replicate-weight designs: jackknife, BRR, Fay and bootstrap, as R ``as.svrepdesign``.

:func:`replicate_design` turns a linearisation design into a replicate design, forming
replicates on the first-stage PSUs exactly as R ``survey`` 4.1 does (same replicate order,
same sign pattern, the first-stage fpc folded into the scales), so replicate weights can be
compared with R's column by column. :func:`replicate_design_from_columns` wraps replicate
weights delivered with the data (R ``svrepdesign``).
"""

from __future__ import annotations

import numpy as np

from govindex.errors import DesignError, LonelyPSUError, SpecError
from govindex.survey.arrays import FloatArray, IntArray, frozen
from govindex.survey.design import Stage, SurveyDesign
from govindex.survey.hadamard import hadamard
from govindex.survey.replicates import ReplicateMethod, ReplicateWeights, UnitFactors
from govindex.survey.supplied_replicates import replicate_design_from_columns

__all__ = ["replicate_design", "replicate_design_from_columns"]

_BUILT_METHODS = ("jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap")
_DEFAULT_BOOTSTRAP_REPLICATES = 50  # R ``bootweights(replicates = 50)``


def replicate_design(
    design: SurveyDesign,
    method: ReplicateMethod,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    mse: bool = False,
    fay_rho: float = 0.3,
    resample_counts: IntArray | None = None,
) -> SurveyDesign:
    """Replicate version of ``design`` (R ``as.svrepdesign``).

    Parameters
    ----------
    design
        A linearisation design; replicates are formed on its first-stage PSUs and strata.
    method
        ``jk1`` (unstratified jackknife, scale (n−1)/n·(1−f)), ``jkn`` (stratified
        jackknife, rscales (n_h−1)/n_h·(1−f_h), lonely PSUs handled by the design's
        ``lonely_psu`` as R ``jknweights``), ``brr`` and ``fay`` (exactly 2 PSUs per stratum,
        R's Hadamard matrix, no fpc), or ``bootstrap`` (R ``bootweights``: each stratum's
        n_h PSUs resampled n_h times with replacement, or without replacement from a
        pseudo-population of N_h when the design has an fpc; replicate weight = weight ×
        count, scale h/((h−1)(R−1)) with h the harmonic mean of PSUs per stratum), or
        ``subbootstrap`` (Rao–Wu, R ``subbootweights``: n_h − 1 PSUs drawn with replacement
        in each stratum, weight × count · n_h/(n_h − 1), scale 1/(R − 1)).
    replicates
        Number of bootstrap replicates (default 50, as R).
    seed
        Seed for ``numpy.random.default_rng``; required for a drawn bootstrap.
    mse
        Centre the replicate variance at the full-sample estimate instead of the mean of
        the replicates.
    fay_rho
        Fay's ρ: replicate factors are 2 − ρ and ρ (``fay`` only).
    resample_counts
        Bootstrap only: how often each first-stage PSU (rows, in the order of the design's
        PSU codes ``design.stages[0].units``) is drawn in each replicate (columns). Given,
        the construction is deterministic and no seed is needed.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"psu": [1, 2, 3], "w": [1.0, 1, 1], "y": [1.0, 2, 3]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> jackknife = replicate_design(design, "jk1")
    >>> jackknife.replicates.weights.tolist()
    [[0.0, 1.5, 1.5], [1.5, 0.0, 1.5], [1.5, 1.5, 0.0]]
    """
    if method not in _BUILT_METHODS:
        msg = f"`method` must be one of {', '.join(map(repr, _BUILT_METHODS))}; got {method!r}."
        raise SpecError(msg, where="method", found=method, expected=_BUILT_METHODS)
    if design.pps is not None:
        msg = (
            f"replicates of a PPS design (pps={design.pps!r}) are not built here: its "
            "inclusion probabilities vary by PSU; use the linearisation design."
        )
        raise DesignError(msg, where="pps", found=design.pps)
    if design.replicates is not None:
        msg = f"the design already has {design.replicates.method} replicate weights."
        raise DesignError(msg, where="design", found=design.replicates.method)
    bootstraps = ("bootstrap", "subbootstrap")
    if method not in bootstraps and (replicates is not None or resample_counts is not None):
        msg = (
            f"`replicates` and `resample_counts` apply to the bootstrap only; method is {method!r}."
        )
        raise SpecError(msg, where="replicates", found=method, expected="bootstrap")
    stratified = design.strata_column is not None
    if method == "jk1" and stratified:
        msg = f"JK1 cannot be used on a design stratified by `{design.strata_column}`; use 'jkn'."
        raise DesignError(msg, where="method", found=method, expected="jkn")
    if method in ("jkn", "brr", "fay") and not stratified:
        msg = f"{method!r} needs a stratified design; use 'jk1' or 'bootstrap' for this one."
        raise DesignError(msg, where="method", found=method, expected=("jk1", "bootstrap"))
    stage = design.stages[0]
    rho = None
    if method == "jk1":
        factors, scale, rscales = _jackknife_unstratified(design, stage)
    elif method == "jkn":
        factors, scale, rscales = _jackknife_stratified(design, stage)
    elif method in ("brr", "fay"):
        rho = _check_rho(fay_rho) if method == "fay" else 0.0
        factors, scale, rscales = _balanced(design, stage, rho)
    elif method == "bootstrap":
        counts = _resample_counts(stage, replicates, seed, resample_counts)
        factors, scale, rscales = _bootstrap(stage, counts)
    else:
        counts = _resample_counts(stage, replicates, seed, resample_counts, rao_wu=True)
        factors, scale, rscales = _rao_wu(stage, counts)
    # Kept factored (PSUs × replicates): the rows × replicates matrix is formed only by the
    # few paths that need respondent-level replicate weights.
    built = ReplicateWeights.from_units(
        method,
        UnitFactors(
            unit_factors=frozen(factors), row_units=stage.units, base_weights=design.weights
        ),
        scale=scale,
        rscales=rscales,
        mse=mse,
        rho=rho,
        seed=seed if method in bootstraps and resample_counts is None else None,
    )
    return design.with_replicates(built)


# ---------------------------------------------------------------------- jackknife
def _jackknife_unstratified(
    design: SurveyDesign, stage: Stage
) -> tuple[FloatArray, float, FloatArray]:
    """R ``jk1weights``: replicate r drops the r-th PSU in order of first appearance."""
    count = stage.n_units
    correction = _correction(stage, 0)
    if correction == 0:
        msg = "every first-stage PSU is in the sample (fpc equals the number of PSUs); no replicate can vary."
        raise DesignError(msg, where=_fpc_name(design), found=count, expected="fpc > sample size")
    order = _first_appearance(stage.units, count)
    factors = np.full((count, count), count / (count - 1))
    factors[order, np.arange(count)] = 0.0
    scale = correction * (count - 1) / count
    return factors, scale, np.ones(count)


def _jackknife_stratified(
    design: SurveyDesign, stage: Stage
) -> tuple[FloatArray, float, FloatArray]:
    """R ``jknweights``: one replicate per PSU, strata in order of first appearance."""
    unit_order = _first_appearance(stage.units, stage.n_units)
    strata_order = _first_appearance(stage.strata, stage.n_strata)
    columns: list[FloatArray] = []
    rscales: list[float] = []
    for stratum in strata_order:
        units = unit_order[stage.unit_stratum[unit_order] == stratum]
        size = units.shape[0]
        correction = _correction(stage, int(stratum))
        if correction == 0:
            continue  # a census stratum: R drops its replicates (survey.drop.replicates)
        if size == 1:
            column = _lonely_column(design, stage, int(stratum))
            if column is not None:
                columns.append(column)
                rscales.append((stage.n_strata - 1) / stage.n_strata)
            continue
        for dropped in units:
            column = np.ones(stage.n_units)
            column[units] = size / (size - 1)
            column[dropped] = 0.0
            columns.append(column)
            rscales.append(correction * (size - 1) / size)
    if not columns:
        msg = (
            "every stratum was sampled exhaustively (or removed as lonely); no replicate can vary."
        )
        raise DesignError(msg, where=_fpc_name(design), expected="a stratum with fpc > sample size")
    scale = 1.0
    if design.lonely_psu == "average" and len(columns) < stage.n_units:
        scale = stage.n_units / len(columns)  # R scales by PSUs / replicates kept
    return np.column_stack(columns), scale, np.array(rscales)


def _lonely_column(design: SurveyDesign, stage: Stage, stratum: int) -> FloatArray | None:
    """The replicate R builds for a single-PSU stratum: none, or ``adjust``'s one column."""
    rule = design.lonely_psu
    if rule == "fail":
        label = _stratum_label(design, stage, stratum)
        msg = f'stratum {label} has only one PSU; `lonely_psu="fail"` forbids a jackknife replicate for it.'
        raise LonelyPSUError(
            msg, where=design.strata_column, found=label, expected="at least 2 PSUs"
        )
    if rule != "adjust":
        return None
    count = stage.n_strata
    return np.where(stage.unit_stratum == stratum, 0.0, count / (count - 1))


# ---------------------------------------------------------------------- BRR / Fay
def _balanced(
    design: SurveyDesign, stage: Stage, rho: float
) -> tuple[FloatArray, float, FloatArray]:
    """R ``brrweights``: half-samples from rows 2.. of ``hadamard(n strata)``.

    Strata are taken in the order of their labels as text (R sorts ``as.character``), and
    within a stratum the PSU seen first in the data is the first of the pair.
    """
    unit_order = _first_appearance(stage.units, stage.n_units)
    for stratum in _first_appearance(stage.strata, stage.n_strata):
        size = int(stage.stratum_sizes[stratum])
        if size != 2:
            label = _stratum_label(design, stage, int(stratum))
            msg = f"stratum {label} has {size} PSU(s); BRR and Fay need exactly 2 PSUs in every stratum."
            raise DesignError(msg, where=design.strata_column, found=size, expected=2)
    labels = [_r_text(_stratum_label_value(design, stage, s)) for s in range(stage.n_strata)]
    sorted_strata = sorted(range(stage.n_strata), key=lambda s: labels[s])
    signs = hadamard(stage.n_strata)
    factors = np.empty((stage.n_units, signs.shape[1]))
    for position, stratum in enumerate(sorted_strata, start=1):
        first, second = unit_order[stage.unit_stratum[unit_order] == stratum]
        chosen = signs[position] == 1
        factors[first] = np.where(chosen, 2.0 - rho, rho)
        factors[second] = np.where(chosen, rho, 2.0 - rho)
    count = signs.shape[1]
    return factors, 1.0 / (count * (1.0 - rho) ** 2), np.ones(count)


def _check_rho(rho: float) -> float:
    if not 0.0 < rho < 1.0:
        msg = f"`fay_rho` must be strictly between 0 and 1; got {rho}."
        raise SpecError(msg, where="fay_rho", found=rho, expected="0 < rho < 1")
    return float(rho)


# ---------------------------------------------------------------------- bootstrap
def _resample_counts(
    stage: Stage,
    replicates: int | None,
    seed: int | None,
    given: IntArray | None,
    *,
    rao_wu: bool = False,
) -> FloatArray:
    if given is not None:
        counts = np.asarray(given, dtype=np.float64)
        if counts.ndim != 2 or counts.shape[0] != stage.n_units:
            msg = f"`resample_counts` must have one row per first-stage PSU ({stage.n_units}); got shape {counts.shape}."
            raise SpecError(
                msg, where="resample_counts", found=counts.shape, expected=stage.n_units
            )
        if replicates is not None and replicates != counts.shape[1]:
            msg = (
                f"`replicates` is {replicates} but `resample_counts` has {counts.shape[1]} columns."
            )
            raise SpecError(msg, where="replicates", found=replicates, expected=counts.shape[1])
        if not np.isfinite(counts).all() or (counts < 0).any() or (counts % 1 != 0).any():
            msg = "`resample_counts` must hold whole numbers >= 0 (times each PSU is drawn)."
            raise SpecError(msg, where="resample_counts", expected="integers >= 0")
        return counts
    if seed is None:
        msg = "a drawn bootstrap needs `seed` so that its replicates can be reproduced."
        raise SpecError(msg, where="seed", expected="an integer seed")
    count = _DEFAULT_BOOTSTRAP_REPLICATES if replicates is None else replicates
    if count < 2:
        msg = f"`replicates` must be at least 2; got {count}."
        raise SpecError(msg, where="replicates", found=count, expected=">= 2")
    generator = np.random.default_rng(seed)
    if rao_wu:
        return _draw_rao_wu_counts(stage, count, generator)
    return _draw_counts(stage, count, generator)


def _draw_counts(stage: Stage, count: int, generator: np.random.Generator) -> FloatArray:
    """R ``bootstratum``: n_h draws with replacement, or from N_h copies without."""
    counts = np.zeros((stage.n_units, count))
    population = stage.stratum_population
    for stratum in range(stage.n_strata):
        units = np.flatnonzero(stage.unit_stratum == stratum)
        size = units.shape[0]
        if population is None or not np.isfinite(population[stratum]):
            draws = generator.multinomial(size, np.full(size, 1.0 / size), size=count)
        else:
            # R samples n_h from rep(shuffled PSUs, length = N_h): floor(N_h/n_h) copies
            # of each PSU, one more for the first N_h mod n_h of the shuffled order.
            total = int(population[stratum])
            copies = np.full(size, total // size, dtype=np.int64)
            copies[generator.permutation(size)[: total % size]] += 1
            draws = generator.multivariate_hypergeometric(copies, size, size=count)
        counts[units] = draws.T
    return counts


def _draw_rao_wu_counts(stage: Stage, count: int, generator: np.random.Generator) -> FloatArray:
    """Rao–Wu: n_h − 1 draws with replacement from each stratum's n_h PSUs."""
    counts = np.zeros((stage.n_units, count))
    for stratum in range(stage.n_strata):
        units = np.flatnonzero(stage.unit_stratum == stratum)
        size = units.shape[0]
        draws = generator.multinomial(size - 1, np.full(size, 1.0 / size), size=count)
        counts[units] = draws.T
    return counts


def _rao_wu(stage: Stage, counts: FloatArray) -> tuple[FloatArray, float, FloatArray]:
    """R ``subbootweights``: factor count · n_h/(n_h − 1); scale 1/(R − 1)."""
    sizes = stage.stratum_sizes[stage.unit_stratum].astype(np.float64)
    if (sizes < 2).any():
        stratum = int(stage.unit_stratum[int(np.flatnonzero(sizes < 2)[0])])
        msg = (
            f"the Rao–Wu bootstrap needs at least 2 PSUs per stratum; stratum {stratum + 1} has 1."
        )
        raise DesignError(msg, where="strata", found=1, expected="at least 2 PSUs per stratum")
    replicates = counts.shape[1]
    factors = counts * (sizes / (sizes - 1.0))[:, None]
    return factors, 1.0 / (replicates - 1), np.ones(replicates)


def _bootstrap(stage: Stage, counts: FloatArray) -> tuple[FloatArray, float, FloatArray]:
    harmonic = 1.0 / float(np.mean(1.0 / stage.stratum_sizes))
    if harmonic <= 1.0:
        msg = "every stratum has a single PSU; the bootstrap cannot estimate a variance."
        raise DesignError(msg, where="strata", found=1, expected="at least 2 PSUs in a stratum")
    replicates = counts.shape[1]
    scale = harmonic / ((harmonic - 1.0) * (replicates - 1))
    return counts, scale, np.ones(replicates)


# ---------------------------------------------------------------------- helpers
def _first_appearance(codes: IntArray, count: int) -> IntArray:
    """Codes 0..count−1 in the order they first appear in the rows (R ``unique``)."""
    first = np.full(count, codes.shape[0], dtype=np.int64)
    np.minimum.at(first, codes, np.arange(codes.shape[0], dtype=np.int64))
    return np.asarray(np.argsort(first, kind="stable"), dtype=np.int64)


def _correction(stage: Stage, stratum: int) -> float:
    """First-stage (N_h − n_h)/N_h, or 1 without an fpc, as R ``jk1weights``."""
    if stage.stratum_population is None:
        return 1.0
    population = float(stage.stratum_population[stratum])
    if not np.isfinite(population):
        return 1.0
    return (population - float(stage.stratum_sizes[stratum])) / population


def _fpc_name(design: SurveyDesign) -> str:
    return design.fpc_columns[0] if design.fpc_columns else "fpc"


def _stratum_label_value(design: SurveyDesign, stage: Stage, stratum: int) -> object:
    if design.strata_column is None:
        return ""
    row = int(np.flatnonzero(stage.strata == stratum)[0])
    return design.frame[design.strata_column][row]


def _stratum_label(design: SurveyDesign, stage: Stage, stratum: int) -> str:
    return f"`{_r_text(_stratum_label_value(design, stage, stratum))}`"


def _r_text(value: object) -> str:
    """A label as R ``as.character`` writes it (whole-number doubles without ``.0``)."""
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)
