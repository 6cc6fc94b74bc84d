"""Scores on the 34 provincial units of July 2025, derived from the 63 former provinces.

PAPI still publishes its 2024 results for the 63 former provinces (papi-methodology §8). A
unit's derived score is the population-weighted mean of its former provinces' scores, with
the SE propagated as if the provincial samples were independent, √Σ wᵢ² seᵢ². Every row is
labelled ``derived`` with a method note; it is not an official PAPI figure.

Weights. ``province_mapping_2025.csv`` carries only ``new_unit_population`` (one figure per
*new* unit), which cannot split a unit among its former provinces, so the former provinces'
populations are a parameter (e.g. the 2019 census by province); :func:`population_check`
compares their sums with the mapping's unit populations.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from govindex.analysis.scores import score_table
from govindex.errors import DataValidationError, SpecError

__all__ = [
    "DERIVATION_METHOD",
    "IncompletePolicy",
    "derive_estimates",
    "derive_units",
    "population_check",
]

IncompletePolicy = Literal["withhold", "renormalise"]
DERIVATION_METHOD = (
    "derived, not published by PAPI: population-weighted mean of the former provinces' "
    "published scores; SE = sqrt(sum of w^2 se^2), assuming independent provincial samples"
)


def _unit_weights(mapping: pl.DataFrame, populations: pl.DataFrame) -> pl.DataFrame:
    for name, frame, columns in (
        ("mapping", mapping, ("old_province", "new_province")),
        ("populations", populations, ("province", "population")),
    ):
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            msg = f"`{name}` lacks the column(s) {missing}."
            raise DataValidationError(msg, found=list(frame.columns), expected=list(columns))
    joined = mapping.select("old_province", "new_province").join(
        populations.select("province", pl.col("population").cast(pl.Float64)),
        left_on="old_province",
        right_on="province",
        how="left",
    )
    absent = joined.filter(pl.col("population").is_null() | (pl.col("population") <= 0))
    if absent.height:
        names = sorted(absent["old_province"].to_list())
        msg = f"no positive population for the former province(s) {names}; every former province needs one."
        raise DataValidationError(msg, found=names)
    return joined.with_columns(
        (pl.col("population") / pl.col("population").sum().over("new_province")).alias("weight")
    )


def population_check(mapping: pl.DataFrame, populations: pl.DataFrame) -> pl.DataFrame:
    """Compare each unit's summed former populations with ``new_unit_population``.

    Returns one row per unit: ``summed_population``, ``new_unit_population`` and their
    ``ratio`` (the two usually come from different years, so ratios near 1, not equal to 1,
    are expected).

    Examples
    --------
    >>> mapping = pl.DataFrame({"old_province": ["A", "B"], "new_province": ["U", "U"],
    ...                         "new_unit_population": [300, 300]})
    >>> population_check(mapping, pl.DataFrame({"province": ["A", "B"], "population": [100, 150]}))["ratio"].to_list()
    [0.8333333333333334]
    """
    weights = _unit_weights(mapping, populations)
    units = mapping.group_by("new_province").agg(
        pl.col("new_unit_population").first().cast(pl.Float64)
    )
    return (
        weights.group_by("new_province")
        .agg(pl.col("population").sum().alias("summed_population"))
        .join(units, on="new_province", how="left")
        .with_columns((pl.col("summed_population") / pl.col("new_unit_population")).alias("ratio"))
        .rename({"new_province": "unit"})
        .sort("unit")
    )


def derive_units(
    record: pl.DataFrame,
    mapping: pl.DataFrame,
    populations: pl.DataFrame,
    *,
    incomplete: IncompletePolicy = "withhold",
) -> pl.DataFrame:
    """Re-express every year's scores on the 2025 units.

    Parameters
    ----------
    record
        The official record (long layout) or its :func:`~govindex.analysis.scores.score_table`.
    mapping
        ``old_province`` → ``new_province`` (``province_mapping_2025.csv``).
    populations
        ``province``, ``population`` of every former province: the weights.
    incomplete
        A unit with a withheld former province is always flagged (``incomplete``, with
        ``missing_provinces``). ``"withhold"`` leaves its value null; ``"renormalise"``
        averages the published former provinces with their weights rescaled to sum to 1.

    Returns
    -------
    polars.DataFrame
        One row per year, unit, level and code: ``estimate``, ``se`` (null unless
        every included province has one), ``former_provinces``, ``weights``,
        ``missing_provinces``, ``incomplete``, ``derived`` (always true) and ``method``.

    Examples
    --------
    >>> record = pl.DataFrame({"year": [2024] * 2, "province": ["A", "B"], "level": ["total"] * 2,
    ...     "code": ["total"] * 2, "statistic": ["score"] * 2, "estimate": [40.0, 44.0]})
    >>> mapping = pl.DataFrame({"old_province": ["A", "B"], "new_province": ["U", "U"]})
    >>> populations = pl.DataFrame({"province": ["A", "B"], "population": [1, 3]})
    >>> derive_units(record, mapping, populations)["estimate"].to_list()
    [43.0]
    """
    if incomplete not in ("withhold", "renormalise"):
        msg = (
            "The `incomplete` parameter of derive_units must be 'withhold' or 'renormalise'. "
            f"Got {incomplete!r} instead."
        )
        raise SpecError(msg, found=incomplete, expected=["withhold", "renormalise"])
    weights = _unit_weights(mapping, populations)
    scores = score_table(record) if "statistic" in record.columns else record
    keys = ["year", "level", "code"]
    items = scores.select(*keys, "dimension", "label_en", "label_vi").unique(
        subset=keys, keep="first"
    )
    # Every item of a year is expected for every former province: a province absent from
    # the table counts as missing, never as silently dropped.
    grid = items.join(weights, how="cross").join(
        scores.select(*keys, "province", "estimate", "se"),
        left_on=[*keys, "old_province"],
        right_on=[*keys, "province"],
        how="left",
    )
    published = pl.col("estimate").is_not_null()
    share = pl.when(published).then(pl.col("weight"))
    renormalised = share / share.sum().over([*keys, "new_province"])
    grid = grid.with_columns(renormalised.alias("used_weight"))
    summary = grid.group_by([*keys, "new_province"], maintain_order=True).agg(
        pl.col("dimension", "label_en", "label_vi").first(),
        (pl.col("used_weight") * pl.col("estimate")).sum().alias("estimate"),
        (pl.col("used_weight") ** 2 * pl.col("se") ** 2).sum().sqrt().alias("_se"),
        (published & pl.col("se").is_null()).any().alias("_se_missing"),
        pl.col("old_province").sort().alias("former_provinces"),
        pl.col("weight").sort_by("old_province").alias("weights"),
        pl.col("old_province").filter(~published).sort().alias("missing_provinces"),
        published.any().alias("_any"),
    )
    is_incomplete = pl.col("missing_provinces").list.len() > 0
    keep = pl.col("_any") & (~is_incomplete if incomplete == "withhold" else pl.lit(value=True))
    return (
        summary.with_columns(
            is_incomplete.alias("incomplete"),
            pl.when(keep).then(pl.col("estimate")).alias("estimate"),
            pl.when(keep & ~pl.col("_se_missing")).then(pl.col("_se")).alias("se"),
            pl.lit(value=True).alias("derived"),
            pl.lit(DERIVATION_METHOD).alias("method"),
        )
        .rename({"new_province": "unit"})
        .select(
            "year",
            "unit",
            "level",
            "code",
            "dimension",
            "label_en",
            "label_vi",
            "estimate",
            "se",
            "former_provinces",
            "weights",
            "missing_provinces",
            "incomplete",
            "derived",
            "method",
        )
        .sort(["year", "unit", "level", "code"])
    )


def derive_estimates(
    rows: pl.DataFrame,
    mapping: pl.DataFrame,
    populations: pl.DataFrame,
    *,
    incomplete: IncompletePolicy = "withhold",
) -> pl.DataFrame:
    """:func:`derive_units` for score rows (``year``, ``province``, ``level``, ``code``,
    ``estimate``, ``se``), as runs and views hold them.

    Examples
    --------
    >>> rows = pl.DataFrame({"year": [2024] * 2, "province": ["A", "B"], "level": ["total"] * 2,
    ...     "code": ["total"] * 2, "estimate": [40.0, 44.0], "se": [None, None]})
    >>> mapping = pl.DataFrame({"old_province": ["A", "B"], "new_province": ["U", "U"]})
    >>> populations = pl.DataFrame({"province": ["A", "B"], "population": [1, 3]})
    >>> derive_estimates(rows, mapping, populations)["estimate"].to_list()
    [43.0]
    """
    record = rows.select(
        "year",
        "province",
        "level",
        "code",
        pl.lit(None, pl.String).alias("dimension"),
        pl.lit(None, pl.String).alias("label_en"),
        pl.lit(None, pl.String).alias("label_vi"),
        pl.col("estimate").cast(pl.Float64).alias("estimate"),
        pl.col("se").cast(pl.Float64).alias("se"),
    )
    return derive_units(record, mapping, populations, incomplete=incomplete)
