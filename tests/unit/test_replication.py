"""Replicate designs: construction rules, refusals and user-supplied replicate weights."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from govindex.errors import ColumnNotFound, DesignError, LonelyPSUError, SpecError
from govindex.survey import (
    LonelyPSU,
    ReplicateWeights,
    SurveyDesign,
    mean,
    replicate_design,
    replicate_design_from_columns,
)


def stratified(
    psus_per_stratum: tuple[int, ...] = (2, 2, 2),
    *,
    fpc: bool = False,
    lonely_psu: LonelyPSU = "fail",
) -> SurveyDesign:
    rows: dict[str, list[object]] = {"h": [], "psu": [], "w": [], "y": [], "N": []}
    for stratum, count in enumerate(psus_per_stratum):
        for psu in range(count):
            for member in range(2):
                rows["h"].append(f"h{stratum}")
                rows["psu"].append(psu)
                rows["w"].append(1.0 + stratum + psu / 10)
                rows["y"].append(float(stratum * 3 + psu * 2 + member))
                rows["N"].append(count * 5)
    return SurveyDesign.from_frame(
        pl.DataFrame(rows),
        weights="w",
        strata="h",
        psu="psu",
        nest=True,
        fpc="N" if fpc else None,
        lonely_psu=lonely_psu,
    )


def clustered(*, fpc: int | None = None) -> SurveyDesign:
    frame = pl.DataFrame(
        {"psu": [3, 3, 1, 2, 2, 4], "w": [2.0, 2, 1, 3, 3, 1], "y": [1.0, 2, 3, 4, 5, 6]}
    )
    if fpc is not None:
        frame = frame.with_columns(pl.lit(fpc).alias("N"))
    return SurveyDesign.from_frame(frame, weights="w", psu="psu", fpc="N" if fpc else None)


# ---------------------------------------------------------------------- jackknife
def test_jk1_drops_psus_in_order_of_first_appearance_and_folds_the_fpc_into_the_scale() -> None:
    design = replicate_design(clustered(fpc=8), "jk1")
    assert design.replicates is not None
    factors = design.replicates.weights / design.weights[:, None]
    # PSU 3 appears first, so replicate 1 drops it (rows 0 and 1).
    assert factors[:, 0].tolist() == [0.0, 0.0, 4 / 3, 4 / 3, 4 / 3, 4 / 3]
    assert design.replicates.scale == pytest.approx((8 - 4) / 8 * 3 / 4)
    assert design.variance_method == "jk1"


def test_jkn_gives_each_stratum_its_own_rscale() -> None:
    design = replicate_design(stratified((2, 3), fpc=True), "jkn")
    assert design.replicates is not None
    expected = [(10 - 2) / 10 * 1 / 2] * 2 + [(15 - 3) / 15 * 2 / 3] * 3
    np.testing.assert_allclose(design.replicates.rscales, expected)
    assert design.replicates.scale == 1.0


@pytest.mark.parametrize(
    ("rule", "count", "scale"),
    [("remove", 4, 1.0), ("average", 4, 5 / 4), ("certainty", 4, 1.0), ("adjust", 5, 1.0)],
)
def test_jkn_treats_a_lonely_psu_as_r_does(rule: LonelyPSU, count: int, scale: float) -> None:
    design = replicate_design(stratified((2, 1, 2), lonely_psu=rule), "jkn")
    assert design.replicates is not None
    assert design.replicates.count == count
    assert design.replicates.scale == pytest.approx(scale)


def test_jkn_refuses_a_lonely_psu_under_fail() -> None:
    # from_frame already refuses it; the replicate builder must refuse it on its own too.
    lonely = replace(stratified((2, 1, 2), lonely_psu="remove"), lonely_psu="fail")
    with pytest.raises(LonelyPSUError, match="stratum `h1` has only one PSU"):
        replicate_design(lonely, "jkn")


def test_jackknife_refuses_a_census() -> None:
    with pytest.raises(DesignError, match="every first-stage PSU is in the sample"):
        replicate_design(clustered(fpc=4), "jk1")


def test_method_must_suit_the_stratification() -> None:
    with pytest.raises(DesignError, match="JK1 cannot be used on a design stratified by `h`"):
        replicate_design(stratified(), "jk1")
    with pytest.raises(DesignError, match="'brr' needs a stratified design"):
        replicate_design(clustered(), "brr")


# ---------------------------------------------------------------------- BRR and Fay
def test_brr_half_samples_are_balanced_and_scaled_by_the_number_of_replicates() -> None:
    design = replicate_design(stratified(), "brr")
    assert design.replicates is not None
    factors = design.replicates.weights / design.weights[:, None]
    assert design.replicates.count == 4
    assert set(np.unique(factors)) == {0.0, 2.0}
    assert design.replicates.scale == pytest.approx(1 / 4)


def test_fay_uses_two_minus_rho_and_rho() -> None:
    design = replicate_design(stratified(), "fay", fay_rho=0.5)
    assert design.replicates is not None
    factors = design.replicates.weights / design.weights[:, None]
    assert set(np.unique(factors)) == {0.5, 1.5}
    assert design.replicates.scale == pytest.approx(1 / (4 * 0.25))
    assert design.replicates.rho == 0.5


def test_brr_names_the_first_stratum_without_two_psus() -> None:
    with pytest.raises(DesignError, match=r"stratum `h1` has 3 PSU\(s\)"):
        replicate_design(stratified((2, 3, 2)), "brr")


def test_fay_rho_must_lie_strictly_between_zero_and_one() -> None:
    with pytest.raises(SpecError, match=r"`fay_rho` must be strictly between 0 and 1; got 1\.2"):
        replicate_design(stratified(), "fay", fay_rho=1.2)


# ---------------------------------------------------------------------- bootstrap
def test_bootstrap_needs_a_seed_and_records_it() -> None:
    with pytest.raises(SpecError, match="needs `seed`"):
        replicate_design(stratified(), "bootstrap")
    first = replicate_design(stratified(), "bootstrap", seed=7, replicates=20)
    again = replicate_design(stratified(), "bootstrap", seed=7, replicates=20)
    other = replicate_design(stratified(), "bootstrap", seed=8, replicates=20)
    assert first.replicates is not None
    assert again.replicates is not None
    assert other.replicates is not None
    assert first.replicates.seed == 7
    np.testing.assert_array_equal(first.replicates.weights, again.replicates.weights)
    assert not np.array_equal(first.replicates.weights, other.replicates.weights)


def test_bootstrap_draws_each_stratum_size_psus() -> None:
    design = stratified((3, 4))
    boot = replicate_design(design, "bootstrap", seed=1, replicates=30)
    assert boot.replicates is not None
    stage = design.stages[0]
    counts = np.zeros((stage.n_units, 30))
    counts[stage.units] = boot.replicates.weights / design.weights[:, None]
    per_stratum = np.vstack([counts[stage.unit_stratum == s].sum(axis=0) for s in range(2)])
    assert per_stratum[0].tolist() == [3.0] * 30
    assert per_stratum[1].tolist() == [4.0] * 30
    harmonic = 1 / np.mean([1 / 3, 1 / 4])
    assert boot.replicates.scale == pytest.approx(harmonic / ((harmonic - 1) * 29))


def test_bootstrap_with_fpc_draws_without_replacement_from_the_pseudo_population() -> None:
    design = stratified((2, 2), fpc=True)  # N = 10 for 2 PSUs: 5 copies of each
    boot = replicate_design(design, "bootstrap", seed=3, replicates=200)
    assert boot.replicates is not None
    counts = boot.replicates.weights / design.weights[:, None]
    assert counts.max() <= 2.0


def test_bootstrap_from_given_counts_is_deterministic() -> None:
    design = stratified()
    counts = np.array([[2, 0], [0, 2], [1, 1], [1, 1], [2, 1], [0, 1]])
    boot = replicate_design(design, "bootstrap", resample_counts=counts)
    assert boot.replicates is not None
    assert boot.replicates.seed is None
    expected = design.weights[:, None] * counts[design.stages[0].units]
    np.testing.assert_array_equal(boot.replicates.weights, expected)


@pytest.mark.parametrize(
    ("counts", "message"),
    [(np.ones((5, 2)), "one row per first-stage PSU"), (np.full((6, 2), 0.5), "whole numbers")],
)
def test_bootstrap_counts_are_checked(counts: np.ndarray, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        replicate_design(stratified(), "bootstrap", resample_counts=counts)


def test_bootstrap_options_are_refused_for_other_methods() -> None:
    with pytest.raises(SpecError, match="apply to the bootstrap only"):
        replicate_design(stratified(), "jkn", replicates=10)


def test_a_replicate_design_is_not_replicated_again() -> None:
    with pytest.raises(DesignError, match="already has jkn replicate weights"):
        replicate_design(replicate_design(stratified(), "jkn"), "jkn")


def test_unknown_method_is_refused() -> None:
    with pytest.raises(SpecError, match="`method` must be one of"):
        replicate_design(stratified(), "jk2")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- user-supplied
def supplied() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "w": [2.0, 2.0, 4.0],
            "rep_1": [0.0, 3.0, 6.0],
            "rep_2": [3.0, 0.0, 6.0],
            "rep_3": [3.0, 3.0, 0.0],
            "y": [1.0, 2.0, 4.0],
        }
    )


@pytest.mark.parametrize(
    ("method", "options", "scale"),
    [
        ("brr", {}, 1 / 3),
        ("fay", {"fay_rho": 0.5}, 1 / (3 * 0.25)),
        ("bootstrap", {}, 1 / 2),
        ("jk1", {}, 2 / 3),
        ("other", {}, 1.0),
        ("other", {"scale": 0.25}, 0.25),
    ],
)
def test_default_scales_follow_r_svrepdesign(
    method: str, options: dict[str, float], scale: float
) -> None:
    design = replicate_design_from_columns(
        supplied(),
        weights="w",
        replicate_columns="^rep_",
        method=method,
        **options,  # type: ignore[arg-type]
    )
    assert design.replicates is not None
    assert design.replicates.scale == pytest.approx(scale)


def test_uncombined_weights_are_multipliers_and_set_jackknife_scales_from_their_maxima() -> None:
    multipliers = supplied().with_columns(pl.col("^rep_.*$") / pl.col("w"))
    jk1 = replicate_design_from_columns(
        multipliers,
        weights="w",
        replicate_columns=["rep_1", "rep_2", "rep_3"],
        method="jk1",
        combined_weights=False,
    )
    jkn = replicate_design_from_columns(
        multipliers, weights="w", replicate_columns="^rep_", method="jkn", combined_weights=False
    )
    assert jk1.replicates is not None
    assert jkn.replicates is not None
    np.testing.assert_allclose(jk1.replicates.weights, supplied().select("^rep_.*$").to_numpy())
    assert jk1.replicates.scale == pytest.approx(1 / 1.5)
    np.testing.assert_allclose(jkn.replicates.rscales, [1 / 1.5] * 3)


def test_rscales_recycle_a_single_value_and_reject_a_wrong_length() -> None:
    design = replicate_design_from_columns(
        supplied(),
        weights="w",
        replicate_columns="^rep_",
        method="other",
        scale=1.0,
        rscales=[0.5],
    )
    assert design.replicates is not None
    assert design.replicates.rscales.tolist() == [0.5, 0.5, 0.5]
    with pytest.raises(SpecError, match="`rscales` has 2 values"):
        replicate_design_from_columns(
            supplied(), weights="w", replicate_columns="^rep_", method="other", rscales=[1, 1]
        )


@pytest.mark.parametrize(
    ("method", "options", "message"),
    [
        ("jkn", {}, "needs `rscales`"),
        ("fay", {}, "needs `fay_rho`"),
        ("jk1", {"fay_rho": 0.3}, "applies to method 'fay' only"),
        ("brr", {"scale": 0.5}, "fixes the scale"),
    ],
)
def test_inconsistent_specifications_are_refused(
    method: str, options: dict[str, float], message: str
) -> None:
    with pytest.raises(SpecError, match=message):
        replicate_design_from_columns(
            supplied(),
            weights="w",
            replicate_columns="^rep_",
            method=method,
            **options,  # type: ignore[arg-type]
        )


def test_replicate_columns_are_validated_by_name_and_row() -> None:
    with pytest.raises(ColumnNotFound, match="`rep_9` is not in the data"):
        replicate_design_from_columns(
            supplied(), weights="w", replicate_columns=["rep_1", "rep_9"], method="jk1"
        )
    with pytest.raises(ColumnNotFound, match="no column name matches"):
        replicate_design_from_columns(
            supplied(), weights="w", replicate_columns="^bw", method="jk1"
        )
    negative = supplied().with_columns(pl.Series("rep_2", [3.0, -1.0, 6.0]))
    with pytest.raises(DesignError, match=r"`rep_2` has -1\.0 in row 2"):
        replicate_design_from_columns(
            negative, weights="w", replicate_columns="^rep_", method="jk1"
        )
    missing = supplied().with_columns(pl.Series("rep_3", [3.0, None, 0.0]))
    with pytest.raises(DesignError, match="`rep_3` has a missing value in row 2"):
        replicate_design_from_columns(missing, weights="w", replicate_columns="^rep_", method="jk1")
    text = supplied().with_columns(pl.col("rep_1").cast(pl.String))
    with pytest.raises(DesignError, match="`rep_1` must be numeric"):
        replicate_design_from_columns(text, weights="w", replicate_columns="^rep_", method="jk1")


def test_user_replicates_reproduce_the_built_jackknife() -> None:
    built = replicate_design(clustered(), "jk1")
    assert built.replicates is not None
    frame = clustered().frame.with_columns(
        pl.Series(f"r{index}", column) for index, column in enumerate(built.replicates.weights.T)
    )
    user = replicate_design_from_columns(
        frame, weights="w", replicate_columns="^r[0-9]", method="jk1", scale=built.replicates.scale
    )
    assert mean(user, "y").se[0] == pytest.approx(mean(built, "y").se[0], rel=1e-12)


# ---------------------------------------------------------------------- variance
def test_replicates_without_an_estimate_are_discarded_as_r_does() -> None:
    reps = ReplicateWeights.build("jk1", np.ones((2, 3)), scale=1.0)
    thetas = np.array([[1.0], [np.nan], [3.0]])
    assert reps.variance(thetas, np.array([2.0])).tolist() == [2.0]
    assert np.isnan(reps.variance(np.full((3, 1), np.nan), np.array([2.0]))[0])
