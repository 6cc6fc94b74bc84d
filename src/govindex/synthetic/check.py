"""A small internal scorer, to check that synthetic data track their targets.

It follows papi-methodology §4.3: each respondent's indicator score in [0, 1] by the item's
theoretical range (negative indicators reversed, missing codes and respondents outside the
indicator's population left out), weighted provincial means, sub-dimensions by their spec
formula, dimensions as sums. It is deliberately minimal (no variance, no suppression); the
index pipeline proper lives elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from govindex.spec import IndexSpec, Indicator, Item, LinearFormula
from govindex.synthetic.conditions import applies

__all__ = [
    "aggregate_indicators",
    "indicator_scores",
    "province_scores",
    "tracking_correlations",
]


def aggregate_indicators(
    spec: IndexSpec, indicators: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Sub-dimension, dimension and total values from indicator scores in [0, 1].

    ``indicators`` maps indicator codes to arrays of the same shape (e.g. one value per
    province); NaN marks a missing indicator, which a rescaled mean skips. The result maps
    sub-dimension and dimension codes, and ``"total"``, to arrays.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.spec import load_spec
    >>> spec = load_spec(Path("specs/papi-2024.yaml"))
    >>> ones = {indicator.code: np.ones(1) for indicator in spec.indicators}
    >>> float(aggregate_indicators(spec, ones)["6"][0])
    10.0
    """
    result: dict[str, np.ndarray] = {}
    total: np.ndarray | float = 0.0
    # Sums (PAPI) divide by 1; means by the sum of the parts' weights (SIPAS).
    total_weights = spec.total_weights()
    total_divisor = 1.0 if spec.total.aggregation == "sum" else sum(total_weights)
    for dimension, total_weight in zip(spec.dimensions, total_weights, strict=True):
        dimension_value: np.ndarray | float = 0.0
        weights = dimension.part_weights()
        divisor = 1.0 if dimension.aggregation == "sum" else sum(weights)
        for sub, weight in zip(dimension.sub_dimensions, weights, strict=True):
            formula = sub.formula
            if isinstance(formula, LinearFormula):
                value = np.asarray(formula.intercept, dtype=np.float64) + sum(
                    term.coefficient * indicators[term.indicator] for term in formula.coefficients
                )
            else:
                weighted = [
                    (member.weight, indicators[member.indicator])
                    for member in sub.indicators
                    if member.weight > 0
                ]
                numerator = sum(np.where(np.isnan(x), 0.0, w * x) for w, x in weighted)
                denominator = sum(np.where(np.isnan(x), 0.0, w) for w, x in weighted)
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = np.asarray(numerator, dtype=np.float64) / denominator
                value = sub.scale.min + sub.scale.span * mean
            result[sub.code] = np.asarray(value, dtype=np.float64)
            dimension_value = dimension_value + weight * result[sub.code]
        result[dimension.code] = np.asarray(dimension_value / divisor, dtype=np.float64)
        total = total + total_weight * result[dimension.code]
    result["total"] = np.asarray(total / total_divisor, dtype=np.float64)
    return result


def indicator_scores(spec: IndexSpec, microdata: pl.DataFrame) -> dict[str, np.ndarray]:
    """Each respondent's score in [0, 1] on every indicator (NaN where it does not apply).

    Examples
    --------
    >>> scores = indicator_scores(spec, survey.microdata)
    >>> float(np.nanmax(scores["1.1.1"]))
    1.0
    """
    items = spec.codebook.by_id()
    answers = {
        item_id: microdata[item_id].cast(pl.Float64).fill_null(np.nan).to_numpy()
        for item_id in items
    }
    missing = {
        item.id: tuple(float(code) for code in item.missing_codes) for item in items.values()
    }
    size = microdata.height
    return {
        indicator.code: _score(indicator, items, answers, missing, size)
        for indicator in spec.indicators
    }


def _score(
    indicator: Indicator,
    items: Mapping[str, Item],
    answers: Mapping[str, np.ndarray],
    missing: Mapping[str, tuple[float, ...]],
    size: int,
) -> np.ndarray:
    scoring = indicator.scoring
    per_item: list[np.ndarray] = []
    for item_id in indicator.items:
        values = answers[item_id]
        valid = ~np.isnan(values) & ~np.isin(values, missing[item_id])
        chosen = getattr(scoring, "values", None)
        if chosen is not None:
            score = np.isin(values, [float(value) for value in chosen]).astype(np.float64)
        else:
            bounds = items[item_id].theoretical_range
            low = getattr(scoring, "min", None)
            high = getattr(scoring, "max", None)
            low = bounds.min if low is None and bounds is not None else low
            high = bounds.max if high is None and bounds is not None else high
            if low is None or high is None:
                msg = f"indicator {indicator.code} scales item `{item_id}`, which has no range."
                raise ValueError(msg)
            score = (values - low) / (high - low)
        per_item.append(np.where(valid, score, np.nan))
    stacked = np.vstack(per_item)
    counts = np.sum(~np.isnan(stacked), axis=0)
    sums = np.nansum(stacked, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    if indicator.direction == "negative":
        mean = 1.0 - mean
    population = applies(indicator.applies_to, answers, missing, size)
    return np.where(population, mean, np.nan)


def province_scores(
    spec: IndexSpec, microdata: pl.DataFrame, *, weight: str = "weight"
) -> pl.DataFrame:
    """Weighted provincial indicator, sub-dimension, dimension and total scores.

    Returns
    -------
    polars.DataFrame
        Long table: ``province``, ``level`` (indicator, sub_dimension, dimension, total),
        ``code`` and ``score`` (indicators in [0, 1], the rest on their published scales).

    Examples
    --------
    >>> scores = province_scores(spec, survey.microdata)
    >>> scores.filter(level="total").height
    3
    """
    scores = indicator_scores(spec, microdata)
    provinces, codes = np.unique(microdata["province"].to_numpy(), return_inverse=True)
    weights = microdata[weight].to_numpy().astype(np.float64)
    indicator_means: dict[str, np.ndarray] = {}
    for code, values in scores.items():
        present = ~np.isnan(values)
        numerator = np.bincount(codes, np.where(present, values * weights, 0.0), provinces.size)
        denominator = np.bincount(codes, np.where(present, weights, 0.0), provinces.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            indicator_means[code] = np.where(denominator > 0, numerator / denominator, np.nan)
    return _long_table(spec, provinces.tolist(), indicator_means)


def _long_table(
    spec: IndexSpec, provinces: list[str], indicator_means: Mapping[str, np.ndarray]
) -> pl.DataFrame:
    aggregated = aggregate_indicators(spec, indicator_means)
    levels = {sub.code: "sub_dimension" for sub in spec.sub_dimensions()}
    levels.update({dimension.code: "dimension" for dimension in spec.dimensions})
    levels["total"] = "total"
    parts = [("indicator", code, values) for code, values in indicator_means.items()]
    parts += [(levels[code], code, values) for code, values in aggregated.items()]
    return pl.DataFrame(
        {
            "province": [province for _ in parts for province in provinces],
            "level": [level for level, _, _ in parts for _ in provinces],
            "code": [code for _, code, _ in parts for _ in provinces],
            "score": np.concatenate([values for _, _, values in parts]),
        }
    )


def tracking_correlations(computed: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Pearson correlation of computed and target scores over provinces, per code.

    Parameters
    ----------
    computed
        From :func:`province_scores` (columns ``province``, ``code``, ``score``).
    targets
        Columns ``province``, ``code`` (dimension codes and ``total``) and ``target``.

    Returns
    -------
    polars.DataFrame
        ``code``, ``provinces`` (compared), ``correlation`` and ``mean_difference``.

    Examples
    --------
    >>> computed = pl.DataFrame({"province": ["a", "b", "c"], "code": "total",
    ...                          "score": [1.0, 2.0, 3.5]})
    >>> targets = computed.rename({"score": "target"})
    >>> tracking_correlations(computed, targets)["correlation"].to_list()
    [1.0]
    """
    joined = computed.join(targets, on=["province", "code"]).drop_nans().drop_nulls()
    return (
        joined.group_by("code")
        .agg(
            pl.len().alias("provinces"),
            pl.corr("score", "target").alias("correlation"),
            (pl.col("score") - pl.col("target")).mean().alias("mean_difference"),
        )
        .sort("code")
    )
