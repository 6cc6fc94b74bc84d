"""Scores on the 34 provincial units of July 2025, worked out when a PAPI run is stored.

Every item of every year of a run is re-expressed on the units (population-weighted means of
the former provinces, :func:`govindex.analysis.derive_estimates`), ranked and grouped among
the units, with ±z·SE intervals where every former province has an SE. The table is stored
with the run as ``units_2025``; the overview only selects from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from govindex.analysis import GroupRule, derive_estimates, rank_and_group
from govindex.analysis.geography import DERIVATION_METHOD
from govindex.analysis.trends import critical_value
from govindex.scores.papi import run_instrument
from govindex.scores.published_tables import UNIT_COLUMNS
from govindex.scores.registry import instrument

__all__ = [
    "UNITS_CONFIDENCE",
    "UNITS_TABLE",
    "UNIT_COLUMNS",
    "unit_table",
    "unit_tables_of_run",
    "units_interval_note",
    "units_method",
]

UNITS_TABLE = "units_2025"
"""Name of the stored table (one per PAPI run)."""
UNITS_CONFIDENCE = 0.90
"""Level of the derived units' intervals (PAPI's own ±1.645·SE intervals)."""


def units_method(*, supplied_populations: bool = False) -> str:
    """How the units' scores are derived, as the overview states it.

    Examples
    --------
    >>> units_method().endswith("(weights: 2019 census populations of the former provinces)")
    True
    """
    if supplied_populations:
        return DERIVATION_METHOD + " (weights: the populations supplied)"
    return DERIVATION_METHOD + " (weights: 2019 census populations of the former provinces)"


def units_interval_note(confidence: float = UNITS_CONFIDENCE) -> str:
    """The interval rule of the derived units, as the overview states it.

    Examples
    --------
    >>> units_interval_note()[:28]
    'derived units: ±1.645·SE (90'
    """
    return (
        f"derived units: ±{critical_value(confidence):.3f}·SE ({confidence:.0%} normal), "
        "shown only where every former province published an SE"
    )


def unit_table(
    scores: pl.DataFrame,
    *,
    rule: GroupRule | None = None,
    confidence: float = UNITS_CONFIDENCE,
    populations: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every item of every year of a run's province scores on the 34 units (derived).

    ``scores`` are a run's long rows (``year``, ``province``, ``level``, ``code``,
    ``estimate``, ``se``, ``suppressed``, ``withheld``); a suppressed or withheld province
    counts as missing, so its unit is withheld. ``populations`` (``province``,
    ``population`` of the 63 former provinces) weights them; default the 2019 census.

    Examples
    --------
    >>> from govindex.official import bundled_data_dir
    >>> mapping = pl.read_csv(bundled_data_dir() / "province_mapping_2025.csv")
    >>> scores = mapping.select(pl.lit(2024).alias("year"), pl.col("old_province").alias(
    ...     "province"), pl.lit("total").alias("level"), pl.lit("total").alias("code"),
    ...     pl.lit(40.0).alias("estimate"), pl.lit(1.0).alias("se"),
    ...     pl.lit(False).alias("suppressed"), pl.lit(False).alias("withheld"))
    >>> units = unit_table(scores)
    >>> units.height, units["estimate"].unique().to_list()
    (34, [40.0])
    """
    from govindex.official import bundled_data_dir, former_province_populations

    if scores.is_empty():
        return pl.DataFrame(schema=_schema())
    mapping = pl.read_csv(bundled_data_dir() / "province_mapping_2025.csv")
    weights = former_province_populations() if populations is None else populations
    # A microdata run stores no ``withheld`` column (nothing it computes is withheld).
    scores = scores.with_columns(
        pl.lit(value=False).alias(flag)
        for flag in ("suppressed", "withheld")
        if flag not in scores.columns
    )
    hidden = pl.col("suppressed").fill_null(value=False) | pl.col("withheld").fill_null(value=False)
    shown = scores.select(
        pl.col("year").cast(pl.Int32),
        "province",
        "level",
        "code",
        pl.when(hidden).then(None).otherwise(pl.col("estimate")).alias("estimate"),
        pl.when(hidden).then(None).otherwise(pl.col("se")).alias("se"),
    )
    units = derive_estimates(shown, mapping, weights)
    ranked = rank_and_group(units, by=("year", "level", "code"), rule=rule or GroupRule())
    margin = critical_value(confidence) * pl.col("se")
    return ranked.select(
        pl.col("year").cast(pl.Int32),
        pl.col("unit").alias("province"),
        "level",
        "code",
        "estimate",
        "se",
        (pl.col("estimate") - margin).alias("ci_low"),
        (pl.col("estimate") + margin).alias("ci_high"),
        pl.lit(None, pl.Int64).alias("n"),
        pl.col("rank").cast(pl.Int32),
        pl.lit(None, pl.Int32).alias("rank_low"),
        pl.lit(None, pl.Int32).alias("rank_high"),
        pl.col("group").cast(pl.Int32),
        pl.lit(value=False).alias("suppressed"),
        pl.col("estimate").is_null().alias("withheld"),
        pl.lit(value=True).alias("derived"),
        pl.col("former_provinces").list.join(", ").alias("former_provinces"),
        pl.col("missing_provinces").list.join(", ").alias("missing_provinces"),
        pl.lit(units_method(supplied_populations=populations is not None)).alias("method"),
        pl.lit(units_interval_note(confidence)).alias("interval_note"),
    )


def unit_tables_of_run(
    parameters: Mapping[str, Any], scores: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """The 34-unit table a run stores beside its scores, if its instrument has PAPI's pages.

    Examples
    --------
    >>> unit_tables_of_run({"instrument": "sipas"}, pl.DataFrame())
    {}
    """
    if UNITS_TABLE not in instrument(run_instrument(parameters)).derived_tables:
        return {}
    return {UNITS_TABLE: unit_table(scores)}


def _schema() -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = dict.fromkeys(UNIT_COLUMNS, pl.Float64())
    for column in ("province", "level", "code", "former_provinces", "missing_provinces"):
        schema[column] = pl.String()
    for column in ("method", "interval_note"):
        schema[column] = pl.String()
    for column in ("year", "rank", "rank_low", "rank_high", "group"):
        schema[column] = pl.Int32()
    schema["n"] = pl.Int64()
    for column in ("suppressed", "withheld", "derived"):
        schema[column] = pl.Boolean()
    return schema
