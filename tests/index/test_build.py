"""The index builder: scoring, suppression, Taylor delta method, national figures, ranks."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from govindex.errors import SpecError
from govindex.index import IndexBuilder, IndexResult, indicator_scores
from govindex.index.uncertainty import delta_method_variance
from govindex.spec import IndexSpec
from govindex.survey import SurveyDesign, mean
from govindex.synthetic import SyntheticSurvey
from govindex.synthetic import indicator_scores as reference_scores


def test_scores_match_the_independent_synthetic_scorer(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    ours = indicator_scores(spec, survey.microdata)
    theirs = reference_scores(spec, survey.microdata)
    for code, values in theirs.items():
        np.testing.assert_array_equal(ours[code].to_numpy(), values)


def test_result_keeps_every_stage_and_its_parameters(jackknife: IndexResult) -> None:
    stages = jackknife.stages()
    assert [len(stages[name]) for name in ("indicators", "subdimensions", "dimensions", "totals")] == [
        120 * 63, 28 * 63, 8 * 63, 63,
    ]  # fmt: skip
    assert jackknife.parameters.to_dict()["variance"] == "jkn"
    totals = jackknife.totals
    assert totals["se"].min() > 0
    assert (totals["ci_low"] < totals["estimate"]).all()
    assert sorted(totals["rank"].to_list()) == list(range(1, 64))
    assert ((totals["rank_low"] <= totals["rank"]) & (totals["rank"] <= totals["rank_high"])).all()


def test_replicate_and_delta_method_errors_agree(
    jackknife: IndexResult, taylor: IndexResult
) -> None:
    ratio = (jackknife.dimensions["se"] / taylor.dimensions["se"]).to_numpy()
    assert 0.8 < np.median(ratio) < 1.25
    np.testing.assert_array_equal(
        jackknife.dimensions["estimate"].to_numpy(), taylor.dimensions["estimate"].to_numpy()
    )


def test_delta_method_equals_linearisation_of_the_combined_column() -> None:
    """With complete data, Σ c_k ȳ_k is the mean of Σ c_k y_k: same Taylor variance."""
    rng = np.random.default_rng(5)
    rows = 400
    frame = pl.DataFrame(
        {
            "h": np.repeat([1, 2], rows // 2),
            "psu": np.repeat(np.arange(20), rows // 20),
            "w": rng.uniform(1, 3, rows),
            "a": rng.uniform(0, 1, rows),
            "b": rng.uniform(0, 1, rows),
        }
    ).with_columns(combined=0.3 + 2.0 * pl.col("a") + 0.5 * pl.col("b"))
    design = SurveyDesign.from_frame(frame, weights="w", strata="h", psu="psu")
    values = frame.select("a", "b").to_numpy()
    domains = (frame["h"].to_numpy() - 1).astype(np.int64)
    estimates = mean(design, ["a", "b"], by="h").estimate.reshape(2, 2).T
    jacobian = np.broadcast_to(np.array([[[2.0, 0.5]]]), (2, 1, 2)).copy()
    variance = delta_method_variance(design, values, domains, estimates, jacobian)
    direct = mean(design, "combined", by="h")
    np.testing.assert_allclose(np.sqrt(variance[:, 0]), direct.se, rtol=1e-10)


def test_national_mean_of_provinces_is_the_simple_mean(jackknife: IndexResult) -> None:
    national = jackknife.national.filter(
        (pl.col("figure") == "mean_of_provinces") & (pl.col("code") == "total")
    )
    assert national["estimate"][0] == pytest.approx(jackknife.totals["estimate"].mean(), abs=1e-12)
    pooled = jackknife.national.filter((pl.col("figure") == "pooled") & (pl.col("code") == "total"))
    assert pooled["se"][0] > 0


def test_papi_intervals_are_estimate_plus_minus_1645_se(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    result = IndexBuilder(spec, variance="taylor", interval="papi90").run(survey.microdata)
    totals = result.totals
    np.testing.assert_allclose(totals["ci_high"] - totals["estimate"], 1.645 * totals["se"])
    assert totals["ci_level"].unique().to_list() == [0.9]


def _thin(survey: SyntheticSurvey, province: str, item: str, keep: int) -> pl.DataFrame:
    """Answers of ``item`` in ``province`` set to a missing code except for ``keep`` rows."""
    data = survey.microdata.with_row_index("_row")
    rows = data.filter(pl.col("province") == province)["_row"].to_list()[keep:]
    return data.with_columns(
        pl.when(pl.col("_row").is_in(rows)).then(-9).otherwise(pl.col(item)).alias(item)
    ).drop("_row")


def test_cells_under_15_respondents_are_suppressed(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    indicator = spec.indicator("1.1.1")
    thinned = _thin(survey, "Ha Noi", indicator.items[0], keep=10)
    result = IndexBuilder(spec, variance="taylor").run(thinned)
    cell = result.indicators.filter((pl.col("province") == "Ha Noi") & (pl.col("code") == "1.1.1"))
    assert cell["n"][0] == 10
    assert cell["suppressed"][0]
    assert "few_respondents" in cell["flags"][0]
    published = result.scores().filter(
        (pl.col("province") == "Ha Noi") & (pl.col("code") == "1.1.1")
    )
    assert published["estimate"][0] is None
    assert published["rank"][0] is None
    assert published["suppressed"][0]
    others = result.scores().filter((pl.col("code") == "1.1.1") & (pl.col("province") != "Ha Noi"))
    assert not others["suppressed"].any()
    # The national mean of provinces would give Ha Noi's value away: it is withheld.
    national = result.national.filter(
        (pl.col("figure") == "mean_of_provinces") & (pl.col("code") == "1.1.1")
    )
    assert national["suppressed"][0]
    assert national["estimate"][0] is None
    sub = result.subdimensions.filter((pl.col("province") == "Ha Noi") & (pl.col("code") == "1.1"))
    assert "uses_suppressed" in sub["flags"][0]
    excluded = IndexBuilder(spec, variance="taylor", suppressed_indicators="exclude").run(thinned)
    sub = excluded.subdimensions.filter(
        (pl.col("province") == "Ha Noi") & (pl.col("code") == "1.1")
    )
    assert sub["estimate"][0] is None  # an exact linear formula is never re-weighted
    assert "incomplete" in sub["flags"][0]


def test_bootstrap_rank_intervals_come_from_the_replicates(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    result = IndexBuilder(spec, variance="bootstrap", replicates=20, seed=4).run(survey.microdata)
    assert result.replicate_aggregates is not None
    assert result.replicate_aggregates.shape[0] == 20
    totals = result.totals
    assert (totals["rank_low"] <= totals["rank_high"]).all()
    again = IndexBuilder(spec, variance="bootstrap", replicates=20, seed=4).run(survey.microdata)
    assert again.aggregates.equals(result.aggregates)


def test_bad_parameters_are_refused(spec: IndexSpec) -> None:
    with pytest.raises(SpecError, match="variance"):
        IndexBuilder(spec, variance="brr")
    with pytest.raises(SpecError, match="replicates"):
        IndexBuilder(spec, variance="jkn", replicates=10)
    with pytest.raises(SpecError, match="weighted total"):
        IndexBuilder(spec, weighted_totals=("nope",))
