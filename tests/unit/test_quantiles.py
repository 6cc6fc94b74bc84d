"""Unit tests of `govindex.survey.quantile`: arguments, edge cases, purity."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from govindex.errors import ColumnNotFound, EstimationError, SpecError
from govindex.survey import SurveyDesign, quantile
from govindex.survey.quantiles import quantile_label


@pytest.fixture
def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "psu": [1, 2, 3, 4, 5, 6, 7, 8],
            "w": [1.0, 2.0, 1.0, 3.0, 1.0, 2.0, 1.0, 1.0],
            "g": ["a", "a", "a", "a", "b", "b", "b", "b"],
            "y": [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0],
            "constant": [7.0] * 8,
            "gappy": [1.0, None, 3.0, 4.0, None, 6.0, 7.0, 8.0],
            "text": ["x", "y", "x", "y", "x", "y", "x", "y"],
        }
    )


@pytest.fixture
def design(frame: pl.DataFrame) -> SurveyDesign:
    return SurveyDesign.from_frame(frame, weights="w", psu="psu")


@pytest.mark.parametrize("probability", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_probability_outside_zero_one_is_a_spec_error(
    design: SurveyDesign, probability: float
) -> None:
    with pytest.raises(SpecError, match="strictly between 0 and 1"):
        quantile(design, "y", [0.5, probability])


def test_no_probabilities_is_a_spec_error(design: SurveyDesign) -> None:
    with pytest.raises(SpecError, match="no probabilities"):
        quantile(design, "y", [])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"level": 1.0}, "`level`"),
        ({"df_rule": "welch"}, "`df_rule`"),
        ({"empty_domain": "drop"}, "`empty_domain`"),
    ],
)
def test_invalid_options_are_spec_errors(
    design: SurveyDesign, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(SpecError, match=message):
        quantile(design, "y", [0.5], **arguments)  # type: ignore[arg-type]


def test_all_missing_variable_is_an_estimation_error(frame: pl.DataFrame) -> None:
    empty = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("nothing"))
    design = SurveyDesign.from_frame(empty, weights="w", psu="psu")
    with pytest.raises(EstimationError, match="`nothing` has no non-missing values"):
        quantile(design, "nothing", [0.5], na_rm=True)


def test_missing_values_without_na_rm_are_an_estimation_error(design: SurveyDesign) -> None:
    with pytest.raises(EstimationError, match="na_rm"):
        quantile(design, "gappy", [0.5])


def test_text_column_is_an_estimation_error(design: SurveyDesign) -> None:
    with pytest.raises(EstimationError, match="numeric"):
        quantile(design, "text", [0.5])


def test_unknown_column_is_column_not_found(design: SurveyDesign) -> None:
    with pytest.raises(ColumnNotFound):
        quantile(design, "absent", [0.5])


def test_constant_variable_has_zero_width_interval(design: SurveyDesign) -> None:
    table = quantile(design, "constant", [0.1, 0.5, 0.9])
    np.testing.assert_array_equal(table.estimate, [7.0, 7.0, 7.0])
    np.testing.assert_array_equal(table.se, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(table.ci_low, [7.0, 7.0, 7.0])
    np.testing.assert_array_equal(table.ci_high, [7.0, 7.0, 7.0])


def test_rule_matches_r_including_its_edges() -> None:
    """R: d <- data.frame(y=c(1,2,3,4,10,7), w=1, id=1:6)
    svyquantile(~y, svydesign(id=~id, weights=~w, data=d), c(0.1, 0.5, 0.6), ci=TRUE)
    gives 2 (NaN, 10), 3 (NaN, NaN), 4 (2, NaN) and every SE NaN.
    """
    frame = pl.DataFrame({"y": [1.0, 2, 3, 4, 10, 7], "w": [1.0] * 6, "id": list(range(1, 7))})
    design = SurveyDesign.from_frame(frame, weights="w", psu="id")
    table = quantile(design, "y", [0.1, 0.5, 0.6])
    np.testing.assert_array_equal(table.estimate, [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(table.ci_low, [np.nan, np.nan, 2.0])
    np.testing.assert_array_equal(table.ci_high, [10.0, np.nan, np.nan])
    assert np.isnan(table.se).all()


def test_inputs_are_unchanged(frame: pl.DataFrame, design: SurveyDesign) -> None:
    before_frame = frame.clone()
    before_weights = design.weights.copy()
    quantile(design, ["y", "gappy"], [0.25, 0.75], by="g", na_rm=True)
    assert frame.equals(before_frame)
    assert design.frame.equals(before_frame)
    np.testing.assert_array_equal(design.weights, before_weights)


def test_rows_are_variable_then_probability_then_domain(design: SurveyDesign) -> None:
    table = quantile(design, ["y", "constant"], [0.25, 0.75], by="g")
    assert table.variable == (
        "y[0.25]",
        "y[0.25]",
        "y[0.75]",
        "y[0.75]",
        "constant[0.25]",
        "constant[0.25]",
        "constant[0.75]",
        "constant[0.75]",
    )
    assert table.domain == ("a", "b") * 4
    assert table.interval_kind == "woodruff"
    assert table.describe()["probabilities"] == [0.25, 0.75]
    np.testing.assert_array_equal(table.n, [4.0] * 8)


def test_domain_quantile_equals_quantile_of_the_domain_rows(design: SurveyDesign) -> None:
    by_domain = quantile(design, "y", [0.5], by="g")
    # a: 1, 1, 3, 4 with weights 2, 3, 1, 1 (total 7): cumulative 2 <= 3.5 < 5, so the next: 1.
    assert by_domain.row("y[0.5]", "a")["estimate"] == 1.0
    # b: 2, 5, 6, 9 with weights 1, 1, 1, 2 (total 5): cumulative 2 <= 2.5 < 3, so the next: 6.
    assert by_domain.row("y[0.5]", "b")["estimate"] == 6.0


def test_degrees_of_freedom_rules(design: SurveyDesign) -> None:
    domain = quantile(design, "gappy", [0.5], by="g", na_rm=True)
    whole = quantile(design, "gappy", [0.5], by="g", na_rm=True, df_rule="design")
    normal = quantile(design, "gappy", [0.5], by="g", na_rm=True, df_rule="normal")
    # Each domain has 4 PSUs, one of them missing `gappy`: 3 - 1 = 2.
    np.testing.assert_array_equal(domain.df, [2.0, 2.0])
    np.testing.assert_array_equal(whole.df, [7.0, 7.0])
    assert np.isinf(normal.df).all()


def test_empty_domain_errors_or_gives_missing(frame: pl.DataFrame) -> None:
    holes = frame.with_columns(
        pl.when(pl.col("g") == "b").then(None).otherwise(pl.col("y")).alias("y_in_a")
    )
    design = SurveyDesign.from_frame(holes, weights="w", psu="psu")
    with pytest.raises(EstimationError, match="`g`=`b` has no respondents"):
        quantile(design, "y_in_a", [0.5], by="g", na_rm=True)
    table = quantile(design, "y_in_a", [0.5], by="g", na_rm=True, empty_domain="missing")
    assert np.isnan(table.row("y_in_a[0.5]", "b")["estimate"])
    assert table.row("y_in_a[0.5]", "a")["estimate"] == 1.0


def test_quantile_intervals_cannot_be_rescaled(design: SurveyDesign) -> None:
    with pytest.raises(SpecError, match="recomputed"):
        quantile(design, "y", [0.5]).confint(0.9)


def test_label() -> None:
    assert quantile_label("api00", 0.5) == "api00[0.5]"
