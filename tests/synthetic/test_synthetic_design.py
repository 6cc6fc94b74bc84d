"""The synthetic survey follows the PAPI design (papi-methodology §1.1) and its weights."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from govindex.spec import IndexSpec
from govindex.survey import SurveyDesign, mean
from govindex.synthetic import (
    DesignSizes,
    SyntheticSurvey,
    build_frame,
    design_for_year,
    indicator_scores,
    province_table,
    select_villages,
    systematic_pps,
)
from govindex.synthetic.respondents import draw_respondents


def test_districts_per_province_follow_the_size_class(survey: SyntheticSurvey) -> None:
    counts = survey.microdata.group_by("province", "size_class").agg(
        pl.col("district").n_unique().alias("districts"),
        pl.struct("district", "commune").n_unique().alias("communes"),
        pl.struct("district", "commune", "village").n_unique().alias("villages"),
    )
    expected = {"small": 3, "medium": 6, "large": 6}
    for size_class, districts, communes, villages in counts.select(
        "size_class", "districts", "communes", "villages"
    ).iter_rows():
        assert districts == expected[size_class]
        assert communes == 2 * districts
        assert villages == 4 * districts
    assert counts.height == 63
    assert counts.filter(pl.col("size_class") == "large").height == 2
    assert counts.filter(pl.col("size_class") == "medium").height == 4


def test_certainty_units_are_in_every_parent(survey: SyntheticSurvey) -> None:
    data = survey.microdata
    capital = data.filter(pl.col("district_certainty"))
    assert capital["district"].unique().to_list() == [1]
    assert capital["province"].n_unique() == 63
    assert (capital["district_probability"] == 1.0).all()
    per_district = data.group_by("province", "district").agg(
        pl.col("commune_certainty").sum().gt(0), pl.col("commune").n_unique()
    )
    assert per_district["commune_certainty"].all()
    per_commune = data.group_by("province", "district", "commune").agg(
        pl.col("village_certainty").sum().gt(0)
    )
    assert per_commune["village_certainty"].all()
    pps = data.filter(~pl.col("village_certainty"))
    assert (pps["village_probability"] < 1).all()
    assert (pps["village_probability"] > 0).all()


def test_2024_size_and_quotas(survey: SyntheticSurvey) -> None:
    per_village = survey.microdata.group_by("province", "district", "commune", "village").agg(
        pl.len(), pl.col("size_class").first()
    )
    quotas = design_for_year(2024).interviews
    for size_class, count in per_village.select("size_class", "len").iter_rows():
        assert count == quotas[size_class]
    assert survey.microdata.height == 18_636
    assert survey.metadata["respondents"] == 18_636


def test_official_quotas_are_16_and_24_per_village() -> None:
    table = province_table(
        ["A", "B", "C"], pl.DataFrame({"province": ["A", "B"], "size_class": ["large", "medium"]})
    )
    frame = build_frame(table, np.random.default_rng(5))
    villages = select_villages(frame, np.random.default_rng(6), DesignSizes())
    respondents = draw_respondents(villages, np.random.default_rng(7))
    counts = respondents.group_by("province", "district", "commune", "village").len()
    per_province = counts.group_by("province").agg(pl.col("len").unique())
    assert dict(per_province.iter_rows()) == {"A": [24], "B": [16], "C": [16]}
    assert respondents.height == 24 * 24 + 24 * 16 + 12 * 16


def test_fpc_columns_describe_the_frame(survey: SyntheticSurvey) -> None:
    frame_districts = survey.frame.group_by("province").agg(pl.col("district").max())
    data = survey.microdata.group_by("province").agg(pl.col("districts_in_province").first())
    joined = frame_districts.join(data, on="province")
    assert (joined["district"] == joined["districts_in_province"]).all()
    design = SurveyDesign.from_frame(
        survey.microdata.head(2000),
        weights="weight",
        strata="province",
        psu=["district", "commune", "village"],
        fpc=["districts_in_province", "communes_in_district", "villages_in_commune"],
        nest=True,
    )
    assert len(design.stages) == 3


def test_design_weight_is_the_inverse_probability(survey: SyntheticSurvey) -> None:
    data = survey.microdata
    product = (
        data["district_probability"]
        * data["commune_probability"]
        * data["village_probability"]
        * data["respondent_probability"]
    )
    assert np.allclose(data["design_weight"].to_numpy(), 1.0 / product.to_numpy())
    assert (data["weight"] > 0).all()
    assert (data["design_weight"] > 0).all()


def test_raked_weights_meet_the_margins(survey: SyntheticSurvey) -> None:
    for columns in (["sex", "age_group"], ["area"]):
        population = survey.margins.group_by("province", *columns).agg(pl.col("adults").sum())
        sample = survey.microdata.group_by("province", *columns).agg(pl.col("weight").sum())
        joined = population.join(sample, on=["province", *columns], how="inner")
        complete = joined.group_by("province").agg(pl.len())
        # Provinces whose sample lacks a cell are raked to the province total instead.
        full = complete.filter(pl.col("len") == population.group_by("province").len()["len"].max())
        checked = joined.filter(pl.col("province").is_in(full["province"].to_list()))
        assert checked.height > 0
        assert np.allclose(checked["weight"], checked["adults"], rtol=1e-6)
    totals = survey.margins.group_by("province").agg(pl.col("adults").sum())
    weighted = survey.microdata.group_by("province").agg(pl.col("weight").sum())
    joined = totals.join(weighted, on="province")
    assert np.allclose(joined["weight"], joined["adults"], rtol=1e-6)


def test_systematic_pps_inclusion_probabilities() -> None:
    sizes = np.array([5.0, 10, 15, 20, 50, 100])
    counts = np.zeros(sizes.size)
    rng = np.random.default_rng(11)
    for _ in range(4000):
        chosen, probability = systematic_pps(sizes, 3, rng)
        assert chosen.size == 3
        counts[chosen] += 1
    assert probability.sum() == pytest.approx(3)
    assert probability[-1] == 1.0
    assert np.allclose(counts / 4000, probability, atol=0.03)


def test_design_effects_are_realistic(spec: IndexSpec, survey: SyntheticSurvey) -> None:
    scores = indicator_scores(spec, survey.microdata)
    codes = ["1.1.1", "2.2.1", "4.1.1", "6.3.3", "7.2.1", "8.2.2"]
    columns = {f"i{code.replace('.', '_')}": scores[code] for code in codes}
    frame = survey.microdata.select("province", "district", "weight").with_columns(
        [pl.Series(name, values, nan_to_null=True) for name, values in columns.items()]
    )
    design = SurveyDesign.from_frame(
        frame, weights="weight", strata="province", psu="district", nest=True
    )
    table = mean(design, list(columns), by="province", na_rm=True).to_polars()
    median = table.group_by("variable").agg(pl.col("deff").median())["deff"]
    assert median.min() > 1.2
    assert median.max() < 5.0
