"""Synthetic answers respect the codebook and track the official 2024 scores."""

from __future__ import annotations

import numpy as np
import polars as pl

from govindex.spec import IndexSpec
from govindex.synthetic import SyntheticSurvey, province_scores, tracking_correlations
from govindex.synthetic.conditions import applies


def _answers(survey: SyntheticSurvey, spec: IndexSpec) -> dict[str, np.ndarray]:
    return {
        item.id: survey.microdata[item.id].cast(pl.Float64).fill_null(np.nan).to_numpy()
        for item in spec.codebook.items
    }


def test_every_item_is_answered_with_valid_values_or_declared_missing_codes(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    for item in spec.codebook.items:
        column = survey.microdata[item.id].drop_nulls().cast(pl.Float64)
        assert column.len() > 0, item.id
        missing = column.is_in([float(code) for code in item.missing_codes])
        valid = column.filter(~missing)
        if item.type == "numeric":
            assert item.range is not None
            assert valid.min() >= item.range.min
            assert valid.max() <= item.range.max
        else:
            allowed = [float(value) for value in item.valid_values or ()]
            assert valid.cast(pl.Float64).is_in(allowed).all(), item.id
        share = float(missing.mean())  # type: ignore[arg-type]
        if item.missing_codes:
            assert 0.002 < share < 0.06, (item.id, share)
        else:
            assert share == 0.0


def test_skip_logic_blanks_exactly_the_respondents_not_asked(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    answers = _answers(survey, spec)
    missing = {
        item.id: tuple(float(code) for code in item.missing_codes) for item in spec.codebook.items
    }
    filtered = [item for item in spec.codebook.items if item.applies_to is not None]
    assert len(filtered) > 50
    for item in filtered:
        asked = applies(item.applies_to, answers, missing, survey.microdata.height)
        present = ~np.isnan(answers[item.id])
        assert (present == asked).all(), item.id
        assert 0 < asked.sum() < asked.size
    unfiltered = [item for item in spec.codebook.items if item.applies_to is None]
    assert all(survey.microdata[item.id].null_count() == 0 for item in unfiltered)


def test_totals_track_the_official_2024_scores(
    spec: IndexSpec, survey: SyntheticSurvey, published: pl.DataFrame
) -> None:
    codes = {d.comparability_key.replace("-", "_"): d.code for d in spec.dimensions}
    codes["total"] = "total"
    official = published.filter(pl.col("year") == 2024).select(
        "province",
        pl.col("dimension").replace_strict(codes).alias("code"),
        pl.col("score").alias("target"),
    )
    correlations = tracking_correlations(province_scores(spec, survey.microdata), official)
    by_code = dict(correlations.select("code", "correlation").iter_rows())
    assert correlations.filter(pl.col("code") == "total")["provinces"].item() == 61
    assert by_code["total"] >= 0.9
    assert min(by_code.values()) > 0.4


def test_truth_meets_the_targets_and_lists_withheld_provinces(survey: SyntheticSurvey) -> None:
    dimensions = survey.truth.filter(pl.col("level").is_in(["dimension", "total"]))
    assert np.allclose(dimensions["expected"], dimensions["target"], atol=1e-3)
    assert survey.metadata["unreachable_targets"] == []
    assert survey.metadata["withheld_provinces"] == ["Tien Giang", "Vinh Phuc"]
    assert survey.metadata["synthetic"] is True
    indicators = survey.truth.filter(pl.col("level") == "indicator")["expected"]
    assert indicators.min() > 0
    assert indicators.max() < 1


def test_estimates_are_close_to_the_truth(spec: IndexSpec, survey: SyntheticSurvey) -> None:
    computed = province_scores(spec, survey.microdata).filter(pl.col("level") == "total")
    truth = survey.truth.filter(pl.col("level") == "total").select("province", "expected")
    difference = computed.join(truth, on="province").select(pl.col("score") - pl.col("expected"))
    assert abs(difference.to_series().mean()) < 0.3  # type: ignore[arg-type]
