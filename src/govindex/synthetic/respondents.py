"""Synthetic respondents in the selected villages, and the province population margins.

SYNTHETIC: demographic shares are plausible inventions. As in real face-to-face surveys the
sample over-represents women and older people; post-stratification (weights.py) corrects it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["AGE_GROUPS", "SEXES", "draw_respondents", "population_margins"]

AGE_GROUPS: tuple[str, ...] = ("18-29", "30-39", "40-49", "50-59", "60-70")
SEXES: tuple[str, ...] = ("male", "female")

# Population shares of the 18–70 population (synthetic, national), and the shares among
# respondents, who are more often at home: older, more often women.
_POPULATION_AGE = np.array([0.25, 0.23, 0.21, 0.17, 0.14])
_SAMPLE_AGE = np.array([0.15, 0.20, 0.23, 0.23, 0.19])
_POPULATION_MALE = 0.495
_SAMPLE_MALE = 0.45
# Concentration of each province's age shares around the national shares.
_AGE_CONCENTRATION = 300.0


def draw_respondents(villages: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """One row per interview: the village's design columns plus sex, age group and ethnicity.

    The stage-4 probability is ``interviews / adults`` (a simple random sample of adults from
    the village register).

    Examples
    --------
    >>> villages = pl.DataFrame({"province": ["A"], "district": [1], "commune": [1],
    ...     "village": [1], "interviews": [3], "adults": [300], "minority_share": [0.1],
    ...     "urban": [True]})
    >>> respondents = draw_respondents(villages, np.random.default_rng(0))
    >>> respondents.height, respondents["respondent_probability"][0]
    (3, 0.01)
    """
    counts = villages["interviews"].to_numpy()
    rows = villages.select(pl.all().repeat_by(pl.col("interviews")).explode())
    n = rows.height
    minority = rng.uniform(size=n) < rows["minority_share"].to_numpy()
    return rows.with_columns(
        pl.Series("respondent", np.concatenate([np.arange(1, c + 1) for c in counts])),
        (pl.col("interviews") / pl.col("adults")).alias("respondent_probability"),
        pl.Series("sex", np.where(rng.uniform(size=n) < _SAMPLE_MALE, *SEXES)),
        pl.Series("age_group", np.asarray(AGE_GROUPS)[rng.choice(5, size=n, p=_SAMPLE_AGE)]),
        pl.Series("ethnicity", np.where(minority, "other", "kinh")),
        pl.when(pl.col("urban")).then(pl.lit("urban")).otherwise(pl.lit("rural")).alias("area"),
    ).drop("minority_share")


def population_margins(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Adults (18–70) per province × sex × age group × area, from the frame populations.

    Sex and age shares vary a little around the national ones; area totals are the frame's
    urban and rural adults. Cells are the product of the sex-age and area shares (SYNTHETIC).

    Returns
    -------
    polars.DataFrame
        Columns ``province``, ``sex``, ``age_group``, ``area`` and ``adults`` (float).

    Examples
    --------
    >>> frame = pl.DataFrame({"province": ["A", "A"], "urban": [True, False], "adults": [60, 40]})
    >>> margins = population_margins(frame, np.random.default_rng(0))
    >>> round(margins["adults"].sum(), 6), margins.height
    (100.0, 20)
    """
    area = (
        frame.group_by("province", "urban")
        .agg(pl.col("adults").sum().cast(pl.Float64))
        .with_columns(
            pl.when(pl.col("urban")).then(pl.lit("urban")).otherwise(pl.lit("rural")).alias("area")
        )
        .drop("urban")
    )
    provinces = sorted(area["province"].unique().to_list())
    parts: list[pl.DataFrame] = []
    for province in provinces:
        age = rng.dirichlet(_AGE_CONCENTRATION * _POPULATION_AGE)
        male = float(np.clip(rng.normal(_POPULATION_MALE, 0.008), 0.46, 0.53))
        sex_share = np.array([male, 1.0 - male])
        parts.append(
            pl.DataFrame(
                {
                    "province": province,
                    "sex": np.repeat(SEXES, len(AGE_GROUPS)),
                    "age_group": np.tile(AGE_GROUPS, len(SEXES)),
                    "share": np.outer(sex_share, age).ravel(),
                }
            )
        )
    return (
        pl.concat(parts)
        .join(area, on="province")
        .with_columns((pl.col("share") * pl.col("adults")).alias("adults"))
        .select("province", "sex", "age_group", "area", "adults")
        .sort("province", "sex", "age_group", "area")
    )
