"""Design weights and post-stratification of the synthetic sample.

The design weight is the inverse of the product of the four stage probabilities. The final
``weight`` rakes it, within each province, to the population margins sex × age group and
urban/rural area with :func:`govindex.survey.rake`. A province whose sample lacks a margin
cell (e.g. no rural village was drawn in a city), or has fewer than
:data:`MINIMUM_CELL_RESPONDENTS` respondents in one, is raked to that margin's province total
instead, the usual collapsing of empty and sparse cells: raking two margins over a handful of
respondents can otherwise drive some weights to zero (1e-30 and below), which no survey
office would publish and which ``govindex validate`` refuses as implausible.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from govindex.survey import SurveyDesign, rake

__all__ = [
    "AREA_CELL",
    "MINIMUM_CELL_RESPONDENTS",
    "SEX_AGE_CELL",
    "design_weights",
    "rake_to_margins",
]

SEX_AGE_CELL = "_sex_age_cell"
AREA_CELL = "_area_cell"
MINIMUM_CELL_RESPONDENTS = 5
"""Fewer respondents than this in a province's margin cell collapse that margin to the province."""
_STAGE_PROBABILITIES = (
    "district_probability",
    "commune_probability",
    "village_probability",
    "respondent_probability",
)


def design_weights(respondents: pl.DataFrame) -> pl.DataFrame:
    """Add ``selection_probability`` and ``design_weight`` (its inverse).

    Examples
    --------
    >>> rows = pl.DataFrame({"district_probability": [0.5], "commune_probability": [1.0],
    ...     "village_probability": [0.25], "respondent_probability": [0.1]})
    >>> design_weights(rows)["design_weight"].to_list()
    [80.0]
    """
    probability = pl.lit(1.0)
    for column in _STAGE_PROBABILITIES:
        probability = probability * pl.col(column)
    return respondents.with_columns(probability.alias("selection_probability")).with_columns(
        (1.0 / pl.col("selection_probability")).alias("design_weight")
    )


def rake_to_margins(respondents: pl.DataFrame, margins: pl.DataFrame) -> pl.DataFrame:
    """Rake ``design_weight`` to the province sex × age and area margins; add ``weight``.

    Parameters
    ----------
    respondents
        Rows with ``province``, ``district``, ``sex``, ``age_group``, ``area`` and
        ``design_weight``.
    margins
        As from :func:`govindex.synthetic.respondents.population_margins`.

    Returns
    -------
    polars.DataFrame
        ``respondents`` with the raked ``weight`` column.
    """
    sex_age = _cells(respondents, margins, ["sex", "age_group"], SEX_AGE_CELL)
    area = _cells(respondents, margins, ["area"], AREA_CELL)
    labelled = respondents.with_columns(sex_age.labels, area.labels)
    design = SurveyDesign.from_frame(
        labelled, weights="design_weight", strata="province", psu="district", nest=True
    )
    raked = rake(
        design,
        [(SEX_AGE_CELL, sex_age.population), (AREA_CELL, area.population)],
        tolerance=1e-9,
        max_iterations=200,
    )
    return respondents.with_columns(pl.Series("weight", raked.weights))


@dataclass(frozen=True)
class _Cells:
    """Row labels of a margin's cells and the population count of each label."""

    labels: pl.Series
    population: dict[str, float]


def _cells(
    respondents: pl.DataFrame, margins: pl.DataFrame, columns: list[str], name: str
) -> _Cells:
    """Cells province × ``columns``; a province with an empty or sparse cell is collapsed."""
    counts = margins.group_by("province", *columns).agg(pl.col("adults").sum())
    sampled = respondents.group_by("province", *columns).agg(pl.len().alias("_respondents"))
    complete = counts.join(sampled, on=["province", *columns], how="left")
    sparse = pl.col("_respondents").fill_null(0) < MINIMUM_CELL_RESPONDENTS
    collapsed = set(complete.filter(sparse & (pl.col("adults") > 0))["province"])
    key = pl.concat_str(
        [pl.col("province"), *[pl.col(column) for column in columns]], separator="|"
    )
    whole = pl.concat_str([pl.col("province"), pl.lit("all")], separator="|")
    label = pl.when(pl.col("province").is_in(list(collapsed))).then(whole).otherwise(key)
    population = (
        counts.with_columns(label.alias("cell")).group_by("cell").agg(pl.col("adults").sum())
    )
    return _Cells(
        labels=respondents.select(label.alias(name)).to_series(),
        population=dict(population.iter_rows()),
    )
