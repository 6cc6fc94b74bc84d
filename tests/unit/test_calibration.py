"""Calibration: margins, convergence, error messages, immutability, variance of margins."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from govindex.errors import CalibrationError, SpecError
from govindex.survey import (
    ReplicateWeights,
    SurveyDesign,
    calibrate,
    post_stratify,
    rake,
    total,
    trim_weights,
)
from govindex.survey.regression_calibration import model_matrix

SEX = {"f": 520.0, "m": 480.0}
REGION = {"north": 300.0, "south": 700.0}


@pytest.fixture
def frame() -> pl.DataFrame:
    generator = np.random.default_rng(7)
    rows = 60
    return pl.DataFrame(
        {
            "psu": np.repeat(np.arange(12), 5),
            "w": generator.uniform(10, 25, rows),
            "sex": generator.choice(["f", "m"], rows).tolist(),
            "region": generator.choice(["north", "south"], rows).tolist(),
            "x": generator.normal(50, 10, rows),
            "y": generator.normal(0, 1, rows),
        }
    )


@pytest.fixture
def design(frame: pl.DataFrame) -> SurveyDesign:
    return SurveyDesign.from_frame(frame, weights="w", psu="psu")


def _level_sums(design: SurveyDesign, column: str) -> dict[str, float]:
    labels = design.frame[column].to_numpy()
    return {level: float(design.weights[labels == level].sum()) for level in np.unique(labels)}


def _indicator(design: SurveyDesign, column: str, level: str) -> SurveyDesign:
    frame = design.frame.with_columns((pl.col(column) == level).cast(pl.Float64).alias("hit"))
    return SurveyDesign.from_frame(frame, weights="w", psu="psu")


def test_post_stratify_meets_the_population_counts(design: SurveyDesign) -> None:
    result = post_stratify(design, "sex", SEX)
    assert _level_sums(result, "sex") == pytest.approx(SEX, rel=1e-12)
    assert len(result.calibration) == 1
    assert result.history[-1] == "post_stratify(sex)"


def test_post_stratify_accepts_a_frequency_table(design: SurveyDesign) -> None:
    table = pl.DataFrame({"sex": ["m", "f"], "Freq": [480, 520]})
    np.testing.assert_array_equal(
        post_stratify(design, "sex", table).weights, post_stratify(design, "sex", SEX).weights
    )


def test_calibrated_margin_has_no_variance(frame: pl.DataFrame) -> None:
    base = SurveyDesign.from_frame(
        frame.with_columns((pl.col("sex") == "f").cast(pl.Float64).alias("female")),
        weights="w",
        psu="psu",
    )
    assert float(total(base, "female").se[0]) > 1.0
    for calibrated in (
        post_stratify(base, "sex", SEX),
        rake(base, [("sex", SEX), ("region", REGION)]),
        calibrate(base, ["sex"], {"(Intercept)": 1000.0, "sexm": 480.0}),
    ):
        assert float(total(calibrated, "female").se[0]) == pytest.approx(0.0, abs=1e-6)


def test_inputs_are_never_mutated(design: SurveyDesign) -> None:
    weights = design.weights.copy()
    frame = design.frame.clone()
    population = dict(SEX)
    post_stratify(design, "sex", population)
    rake(design, [("sex", population), ("region", REGION)])
    calibrate(design, ["sex", "x"], {"(Intercept)": 1000.0, "sexm": 480.0, "x": 50_000.0})
    trim_weights(design, lower=12, upper=20)
    np.testing.assert_array_equal(design.weights, weights)
    assert design.frame.equals(frame)
    assert design.calibration == ()
    assert design.history == ()
    assert population == SEX


def test_margin_levels_missing_on_each_side_are_named(design: SurveyDesign) -> None:
    with pytest.raises(
        CalibrationError,
        match=r"`sex`.*data but not in the population: 'm'.*population but not in the data: 'x'",
    ):
        post_stratify(design, "sex", {"f": 520, "x": 480})


def test_zero_count_levels_absent_from_the_data_are_ignored(design: SurveyDesign) -> None:
    result = post_stratify(design, "sex", {**SEX, "other": 0})
    assert _level_sums(result, "sex") == pytest.approx(SEX, rel=1e-12)


def test_population_table_needs_one_count_column(design: SurveyDesign) -> None:
    table = pl.DataFrame({"sex": ["f", "m"], "Freq": [1, 2], "extra": [3, 4]})
    with pytest.raises(CalibrationError, match="one count column"):
        post_stratify(design, "sex", table)


def test_rake_matches_both_margins(design: SurveyDesign) -> None:
    result = rake(design, [("sex", SEX), ("region", REGION)])
    assert _level_sums(result, "sex") == pytest.approx(SEX, rel=1e-9)
    assert _level_sums(result, "region") == pytest.approx(REGION, rel=1e-9)


def test_rake_on_one_margin_is_post_stratification(design: SurveyDesign) -> None:
    np.testing.assert_allclose(
        rake(design, [("sex", SEX)]).weights, post_stratify(design, "sex", SEX).weights
    )


def test_rake_that_does_not_converge_names_the_margins(design: SurveyDesign) -> None:
    with pytest.raises(CalibrationError, match=r"`sex`, `region` did not converge in 1 iterations"):
        rake(design, [("sex", SEX), ("region", REGION)], tolerance=1e-12, max_iterations=1)


def test_rake_refuses_a_mismatched_margin(design: SurveyDesign) -> None:
    with pytest.raises(CalibrationError, match=r"`region`.*'east'"):
        rake(design, [("sex", SEX), ("region", {**REGION, "east": 5.0})])


def test_model_matrix_uses_r_names(design: SurveyDesign) -> None:
    matrix, names = model_matrix(design, ["sex", "region", "x"])
    assert names == ("(Intercept)", "sexm", "regionsouth", "x")
    assert matrix.shape == (60, 4)


def test_calibrate_meets_the_totals(design: SurveyDesign) -> None:
    totals = {"(Intercept)": 1000.0, "sexm": 480.0, "x": 50_000.0}
    for method in ("linear", "raking"):
        result = calibrate(design, ["sex", "x"], totals, method=method)  # type: ignore[arg-type]
        matrix, _ = model_matrix(result, ["sex", "x"])
        np.testing.assert_allclose(matrix.T @ result.weights, list(totals.values()), rtol=1e-7)


def test_bounded_linear_calibration_agrees_with_the_direct_solution(
    design: SurveyDesign,
) -> None:
    totals = {"(Intercept)": 1000.0, "sexm": 480.0}
    direct = calibrate(design, ["sex"], totals)
    iterated = calibrate(design, ["sex"], totals, bounds=(-100.0, 100.0))
    np.testing.assert_allclose(iterated.weights, direct.weights, rtol=1e-9)


def test_calibration_that_cannot_meet_the_bounds_fails(design: SurveyDesign) -> None:
    with pytest.raises(CalibrationError, match="did not converge in 50 iterations"):
        calibrate(design, ["sex"], {"(Intercept)": 1000.0, "sexm": 480.0}, bounds=(0.99, 1.01))


def test_totals_with_wrong_names_list_both_sides(design: SurveyDesign) -> None:
    with pytest.raises(
        CalibrationError, match=r"named \(Intercept\), sexM .* columns are \(Intercept\), sexm"
    ):
        calibrate(design, ["sex"], {"(Intercept)": 1000.0, "sexM": 480.0})


def test_unknown_method_is_a_spec_error(design: SurveyDesign) -> None:
    with pytest.raises(SpecError, match="'logit'"):
        calibrate(design, ["sex"], {"(Intercept)": 1.0, "sexm": 1.0}, method="logit")  # type: ignore[arg-type]


def test_trim_weights_keeps_the_total(design: SurveyDesign) -> None:
    result = trim_weights(design, lower=12, upper=20)
    assert float(result.weights.sum()) == pytest.approx(float(design.weights.sum()), rel=1e-12)
    assert result.calibration == design.calibration
    strict = trim_weights(design, lower=12, upper=20, strict=True)
    assert strict.weights.min() >= 12 - 1e-9
    assert strict.weights.max() <= 20 + 1e-9


def test_trim_weights_without_weights_outside_returns_the_design(design: SurveyDesign) -> None:
    assert trim_weights(design, lower=0, upper=1000) is design


def test_trim_weights_refuses_reversed_bounds(design: SurveyDesign) -> None:
    with pytest.raises(CalibrationError, match="reversed"):
        trim_weights(design, lower=20, upper=12)


def test_replicate_weights_are_recalibrated_one_by_one(design: SurveyDesign) -> None:
    psu = design.frame["psu"].to_numpy()
    matrix = np.column_stack(
        [np.where(psu == unit, 0.0, design.weights * 12 / 11) for unit in range(12)]
    )
    replicated = design.with_replicates(ReplicateWeights.build("jk1", matrix, scale=11 / 12))
    result = rake(replicated, [("sex", SEX), ("region", REGION)])
    assert result.replicates is not None
    labels = design.frame["sex"].to_numpy()
    for column in result.replicates.weights.T:
        assert float(column[labels == "f"].sum()) == pytest.approx(SEX["f"], rel=1e-8)
    assert replicated.replicates is not None
    np.testing.assert_array_equal(replicated.replicates.weights, matrix)
