"""Respondent-level indicator scores: every answer mapped to [0, 1] by the spec.

Each indicator reads one or more codebook items (papi-methodology §4.3, step 1):

* ``share``: 1 when the answer is one of the listed values, else 0;
* ``scaled``: ``(x − min) / (max − min)`` over the item's *theoretical* range (or the
  range the spec gives), never the observed one, so a province's score does not depend on
  the other provinces;
* ``mean``: the mean of several items, each scaled (or each a share of listed values).

A ``negative`` indicator becomes ``1 − z``. Declared missing codes, empty cells and
respondents outside the indicator's ``applies_to`` population are missing (NaN): they are
left out of the indicator's denominator, never counted as 0.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from govindex.errors import ColumnNotFound, SpecError
from govindex.spec import Condition, IndexSpec, Indicator, Item

__all__ = ["condition_mask", "indicator_scores"]

FloatArray = np.ndarray
BoolArray = np.ndarray


def indicator_scores(spec: IndexSpec, frame: pl.DataFrame) -> pl.DataFrame:
    """Each respondent's score in [0, 1] on every indicator, one Float64 column per code.

    Parameters
    ----------
    spec
        The index spec (codebook and indicators).
    frame
        Respondent microdata holding every codebook item an indicator or filter reads.

    Returns
    -------
    polars.DataFrame
        One column per indicator, named by its code, in spec order; NaN where the
        indicator does not apply or the answer is missing.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.spec import load_spec
    >>> papi = load_spec(Path("specs/papi-2024.yaml"))
    >>> indicator_scores(papi, microdata).width
    120
    """
    items = spec.codebook.by_id()
    needed = _needed_items(spec)
    absent = [item_id for item_id in needed if item_id not in frame.columns]
    if absent:
        msg = f"the data lack {len(absent)} item column(s) the spec reads, e.g. `{absent[0]}`."
        raise ColumnNotFound(msg, where="data", found=absent[:10], expected="codebook item ids")
    answers: dict[str, FloatArray] = {}
    for item_id in needed:
        values = frame[item_id].cast(pl.Float64, strict=False).fill_null(np.nan).to_numpy()
        missing_codes = [float(code) for code in items[item_id].missing_codes]
        # Declared missing codes (refused, don't know) are recoded to NaN before anything else.
        answers[item_id] = np.where(np.isin(values, missing_codes), np.nan, values)
    size = frame.height
    columns = {
        indicator.code: _score(indicator, items, answers, size) for indicator in spec.indicators
    }
    return pl.DataFrame(columns, schema={code: pl.Float64 for code in columns})


def condition_mask(
    condition: Condition | None, answers: Mapping[str, FloatArray], size: int
) -> BoolArray:
    """Rows a filter selects; a comparison on a missing answer (NaN) is false.

    Examples
    --------
    >>> gate = Condition.model_validate({"item": "q1", "equals": 1})
    >>> condition_mask(gate, {"q1": np.array([1.0, 0.0, np.nan])}, 3).tolist()
    [True, False, False]
    >>> condition_mask(Condition.model_validate({"not": {"item": "q1", "equals": 1}}),
    ...                {"q1": np.array([1.0, 0.0, np.nan])}, 3).tolist()
    [False, True, True]
    """
    if condition is None:
        return np.ones(size, dtype=bool)
    if condition.item is not None:
        values = answers[condition.item]
        compared = np.array([float(value) for value in condition.compared_values])
        known = ~np.isnan(values)
        if condition.operator == "not_in":
            return np.asarray(known & ~np.isin(values, compared), dtype=bool)
        return np.asarray(known & np.isin(values, compared), dtype=bool)
    parts = [condition_mask(child, answers, size) for child in condition.children]
    if condition.operator == "all":
        return np.asarray(np.logical_and.reduce(parts), dtype=bool)
    if condition.operator == "any":
        return np.asarray(np.logical_or.reduce(parts), dtype=bool)
    return np.asarray(~parts[0], dtype=bool)


def _needed_items(spec: IndexSpec) -> tuple[str, ...]:
    needed: dict[str, None] = {}
    for indicator in spec.indicators:
        needed.update(dict.fromkeys(indicator.items))
        if indicator.applies_to is not None:
            needed.update(dict.fromkeys(indicator.applies_to.referenced_items()))
    return tuple(needed)


def _score(
    indicator: Indicator, items: Mapping[str, Item], answers: Mapping[str, FloatArray], size: int
) -> FloatArray:
    scoring = indicator.scoring
    chosen = getattr(scoring, "values", None)
    per_item: list[FloatArray] = []
    for item_id in indicator.items:
        values = answers[item_id]
        if chosen is not None:
            score = np.isin(values, [float(value) for value in chosen]).astype(np.float64)
        else:
            low, high = _range(indicator, items[item_id])
            score = (values - low) / (high - low)
        per_item.append(np.where(np.isnan(values), np.nan, score))
    stacked = np.vstack(per_item)
    present = ~np.isnan(stacked)
    counts = present.sum(axis=0)
    sums = np.where(present, stacked, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    if indicator.direction == "negative":
        mean = 1.0 - mean
    population = condition_mask(indicator.applies_to, answers, size)
    return np.asarray(np.where(population, mean, np.nan), dtype=np.float64)


def _range(indicator: Indicator, item: Item) -> tuple[float, float]:
    """The scaling range: the spec's ``min``/``max`` where given, else the item's own."""
    bounds = item.theoretical_range
    low = getattr(indicator.scoring, "min", None)
    high = getattr(indicator.scoring, "max", None)
    low = bounds.min if low is None and bounds is not None else low
    high = bounds.max if high is None and bounds is not None else high
    if low is None or high is None or not high > low:
        msg = f"indicator {indicator.code} scales item `{item.id}`, which has no usable range."
        raise SpecError(msg, where=f"indicators.{indicator.code}", found=item.id)
    return float(low), float(high)
