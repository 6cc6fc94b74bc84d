"""``synthesise_papi``: a whole SYNTHETIC PAPI survey, from frame to answers and weights.

The data are invented. They follow the official sampling design and the spec's codebook,
and are generated so that each province's expected dimension scores equal given targets
(the official 2024 scores by default), which makes them a realistic test bed for the
estimation and index pipeline. They say nothing about real provinces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from govindex.errors import DataValidationError
from govindex.spec import IndexSpec
from govindex.synthetic.answers import MISSING_SHARE, draw_answers
from govindex.synthetic.check import aggregate_indicators
from govindex.synthetic.frame import build_frame
from govindex.synthetic.model import (
    LatentScales,
    build_item_models,
    expected_indicators,
    solve_province_effects,
)
from govindex.synthetic.respondents import draw_respondents, population_margins
from govindex.synthetic.sample import DesignSizes, design_for_year, select_villages
from govindex.synthetic.weights import design_weights, rake_to_margins

__all__ = ["DESIGN_COLUMNS", "SyntheticSurvey", "synthesise_papi"]

DESIGN_COLUMNS: tuple[str, ...] = (
    "respondent_id",
    "province",
    "province_code",
    "size_class",
    "district",
    "commune",
    "village",
    "respondent",
    "district_certainty",
    "commune_certainty",
    "village_certainty",
    "district_probability",
    "commune_probability",
    "village_probability",
    "respondent_probability",
    "selection_probability",
    "districts_in_province",
    "communes_in_district",
    "villages_in_commune",
    "adults_in_village",
    "design_weight",
    "weight",
    "sex",
    "age_group",
    "ethnicity",
    "area",
)
"""The design and respondent columns, in file order; the codebook items follow."""

# Discrepancy allowed between a solved expected dimension score and its target before the
# target is reported as out of the spec's reach.
_REACH_TOLERANCE = 1e-3


@dataclass(frozen=True, eq=False)
class SyntheticSurvey:
    """A synthetic survey: respondent microdata, the population frame, the truth, metadata.

    ``margins`` are the population counts the weights were raked to (adults per province ×
    sex × age group × area). ``truth`` holds the generating expected value of every indicator (in [0, 1]),
    sub-dimension, dimension and total per province, with the target for dimensions and
    totals: what an unbiased estimator should recover, for coverage studies.
    """

    microdata: pl.DataFrame
    frame: pl.DataFrame
    truth: pl.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    margins: pl.DataFrame = field(default_factory=pl.DataFrame)


def synthesise_papi(
    spec: IndexSpec,
    *,
    seed: int,
    targets: pl.DataFrame,
    provinces: pl.DataFrame,
    year: int = 2024,
    sizes: DesignSizes | None = None,
    scales: LatentScales | None = None,
) -> SyntheticSurvey:
    """Generate a SYNTHETIC PAPI survey whose provinces track ``targets``.

    Parameters
    ----------
    spec
        The index spec (codebook, indicators, structure).
    seed
        Random seed; the same seed gives the same survey.
    targets
        Long table ``province``, ``dimension``, ``score`` (as ``published_scores.csv``; a
        ``year`` column, if present, is filtered to ``year``). Dimensions are matched to the
        spec by code, comparability key or English name; ``total`` rows are ignored.
        Provinces without targets get the mean target of each dimension (neutral).
    provinces
        Columns ``province``, ``province_code`` and ``size_class`` (see
        :func:`govindex.synthetic.frame.province_table`).
    year
        Survey year: recorded, and it sets the interview quotas (:func:`design_for_year`).
    sizes, scales
        Override the design sizes or the random-effect scales.

    Returns
    -------
    SyntheticSurvey
        With ``metadata["synthetic"] is True``.

    Examples
    --------
    >>> from govindex.synthetic import province_table
    >>> table = province_table(["Ha Noi", "Ca Mau"], pl.DataFrame({"province": ["Ha Noi"],
    ...     "size_class": ["large"]}))
    >>> from govindex.official import bundled_data_dir
    >>> published = pl.read_csv(bundled_data_dir() / "published_scores.csv")
    >>> made = synthesise_papi(spec, seed=1, targets=published, provinces=table)
    >>> made.metadata["synthetic"], made.microdata.height
    (True, 1380)
    """
    sizes = sizes or design_for_year(year)
    scales = scales or LatentScales()
    provinces = provinces.sort("province_code")
    streams = [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(6)]
    target_matrix, withheld, matched = _target_matrix(spec, targets, provinces, year)

    frame = build_frame(provinces, streams[0])
    villages = select_villages(frame, streams[1], sizes)
    respondents = design_weights(draw_respondents(villages, streams[2]))
    margins = population_margins(frame, streams[3])
    respondents = rake_to_margins(respondents, margins)
    respondents = respondents.with_columns(
        pl.int_range(1, pl.len() + 1).alias("respondent_id"),
        pl.col("adults").alias("adults_in_village"),
    )
    models = build_item_models(spec, streams[4])
    theta = solve_province_effects(spec, models, target_matrix, scales)
    answers = draw_answers(spec, respondents, models, theta, scales, streams[5])
    microdata = pl.concat([respondents.select(DESIGN_COLUMNS), answers], how="horizontal")

    truth = _truth(spec, models, theta, scales, provinces, target_matrix)
    dimension_truth = truth.filter(pl.col("level") == "dimension")
    unreachable = dimension_truth.filter(
        (pl.col("expected") - pl.col("target")).abs() > _REACH_TOLERANCE
    ).select("province", "code", "target", "expected")
    metadata: dict[str, Any] = {
        "synthetic": True,
        "label": "SYNTHETIC govindex data: invented respondents, not real PAPI answers",
        "generator": "govindex.synthetic.synthesise_papi",
        "seed": seed,
        "year": year,
        "spec": f"{spec.index.code} {spec.index.year}",
        "respondents": microdata.height,
        "provinces": provinces.height,
        "districts": int(villages.select("province", "district").n_unique()),
        "communes": int(villages.select("province", "district", "commune").n_unique()),
        "villages": villages.height,
        "withheld_provinces": withheld,
        "neutral_target_provinces": withheld,
        "target_dimensions": matched,
        "unreachable_targets": unreachable.to_dicts(),
        "missing_share": MISSING_SHARE,
        "random_effects": {
            "district": scales.district,
            "village": scales.village,
            "respondent": scales.respondent,
            "shared_within_dimension": scales.shared,
        },
        "design": _design_description(sizes),
    }
    return SyntheticSurvey(
        microdata=microdata, frame=frame, truth=truth, metadata=metadata, margins=margins
    )


def _design_description(sizes: DesignSizes) -> dict[str, Any]:
    return {
        "strata": "province",
        "stages": [
            {
                "unit": "district",
                "column": "district",
                "selection": "capital district with certainty + systematic PPS (population)",
                "sample_size": dict(sizes.districts),
                "probability": "district_probability",
                "population_count": "districts_in_province",
            },
            {
                "unit": "commune",
                "column": "commune",
                "selection": "district-seat commune with certainty + PPS",
                "sample_size": sizes.communes_per_district,
                "probability": "commune_probability",
                "population_count": "communes_in_district",
            },
            {
                "unit": "village",
                "column": "village",
                "selection": "commune-seat village with certainty + PPS",
                "sample_size": sizes.villages_per_commune,
                "probability": "village_probability",
                "population_count": "villages_in_commune",
            },
            {
                "unit": "respondent",
                "selection": "simple random sample of adults 18-70",
                "sample_size": dict(sizes.interviews),
                "probability": "respondent_probability",
                "population_count": "adults_in_village",
            },
        ],
        "codes_restart_within_parent": True,
        "nest": True,
        "design_weight": "1 / selection_probability (product of the stage probabilities)",
        "weight": "design_weight raked per province to sex x age_group and area (urban/rural)",
    }


def _target_matrix(
    spec: IndexSpec, targets: pl.DataFrame, provinces: pl.DataFrame, year: int
) -> tuple[np.ndarray, list[str], dict[str, str]]:
    """Province × dimension targets; provinces without targets get the dimension means."""
    if "year" in targets.columns:
        targets = targets.filter(pl.col("year") == year)
    names = {dimension.code: dimension.code for dimension in spec.dimensions}
    for dimension in spec.dimensions:
        for alias in (
            dimension.comparability_key,
            dimension.comparability_key.replace("-", "_"),
            dimension.name.en,
        ):
            names[alias] = dimension.code
    rows = targets.filter(pl.col("dimension").is_in(list(names)))
    matched = {
        str(label): names[str(label)] for label in rows["dimension"].unique().sort().to_list()
    }
    if sorted(set(matched.values())) != sorted(dimension.code for dimension in spec.dimensions):
        msg = (
            f"targets name dimensions {sorted(matched)}, which do not cover the spec's "
            f"dimensions {[dimension.code for dimension in spec.dimensions]}."
        )
        raise DataValidationError(msg, where="targets", found=sorted(matched))
    lookup = {
        (province, names[label]): float(score)
        for province, label, score in rows.select("province", "dimension", "score").iter_rows()
    }
    codes = [dimension.code for dimension in spec.dimensions]
    matrix = np.array(
        [
            [lookup.get((province, code), np.nan) for code in codes]
            for province in provinces["province"]
        ]
    )
    withheld = [
        str(province)
        for province, row in zip(provinces["province"], matrix, strict=True)
        if np.isnan(row).any()
    ]
    neutral = np.nanmean(matrix, axis=0)
    return np.where(np.isnan(matrix), neutral[None, :], matrix), withheld, matched


def _truth(
    spec: IndexSpec,
    models: Any,
    theta: np.ndarray,
    scales: LatentScales,
    provinces: pl.DataFrame,
    targets: np.ndarray,
) -> pl.DataFrame:
    indicators = expected_indicators(spec, models, theta, scales)
    aggregated = aggregate_indicators(spec, indicators)
    levels = {sub.code: "sub_dimension" for sub in spec.sub_dimensions()}
    levels.update({dimension.code: "dimension" for dimension in spec.dimensions})
    levels["total"] = "total"
    target_by_code = {
        dimension.code: targets[:, index] for index, dimension in enumerate(spec.dimensions)
    }
    target_by_code["total"] = targets.sum(axis=1)
    names = provinces["province"].to_list()
    parts = [("indicator", code, values) for code, values in indicators.items()]
    parts += [(levels[code], code, values) for code, values in aggregated.items()]
    nan = np.full(len(names), np.nan)
    return pl.DataFrame(
        {
            "province": [name for _ in parts for name in names],
            "level": [level for level, _, _ in parts for _ in names],
            "code": [code for _, code, _ in parts for _ in names],
            "expected": np.concatenate([values for _, _, values in parts]),
            "target": np.concatenate([target_by_code.get(code, nan) for _, code, _ in parts]),
        }
    ).with_columns(pl.col("target").fill_nan(None))
