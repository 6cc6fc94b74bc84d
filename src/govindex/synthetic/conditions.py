"""Evaluate the codebook's ``applies_to`` filters on answer columns (numpy arrays).

A comparison on a value that is absent (not asked) or a declared missing code is false:
a respondent who did not say "yes" to the gate question is not asked the follow-up.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from govindex.spec import Condition, IndexSpec

__all__ = ["applies", "dependency_order"]

FloatArray = np.ndarray


def applies(
    condition: Condition | None,
    answers: Mapping[str, FloatArray],
    missing_codes: Mapping[str, tuple[float, ...]],
    size: int,
) -> np.ndarray:
    """Boolean mask of the rows ``condition`` selects (all rows when it is ``None``).

    Examples
    --------
    >>> gate = Condition.model_validate({"item": "q1", "equals": 1})
    >>> applies(gate, {"q1": np.array([1.0, 0.0, -8.0, np.nan])}, {"q1": (-8.0,)}, 4).tolist()
    [True, False, False, False]
    """
    if condition is None:
        return np.ones(size, dtype=bool)
    if condition.item is not None:
        values = answers[condition.item]
        known = ~np.isnan(values) & ~np.isin(values, missing_codes.get(condition.item, ()))
        compared = np.array([float(value) for value in condition.compared_values])
        if condition.operator == "not_in":
            return np.asarray(known & ~np.isin(values, compared), dtype=bool)
        return np.asarray(known & np.isin(values, compared), dtype=bool)
    parts = [applies(child, answers, missing_codes, size) for child in condition.children]
    if condition.operator == "all":
        return np.asarray(np.logical_and.reduce(parts), dtype=bool)
    if condition.operator == "any":
        return np.asarray(np.logical_or.reduce(parts), dtype=bool)
    return np.asarray(~parts[0], dtype=bool)


def dependency_order(spec: IndexSpec) -> tuple[str, ...]:
    """Item ids ordered so that every gate comes before the items it filters.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.spec import load_spec
    >>> order = dependency_order(load_spec(Path("specs/papi-2024.yaml")))
    >>> order.index("village_head_elected") < order.index("voted_winner")
    True
    """
    items = spec.codebook.by_id()
    depth: dict[str, int] = {}

    def level(item_id: str, trail: tuple[str, ...] = ()) -> int:
        if item_id in depth:
            return depth[item_id]
        condition = items[item_id].applies_to
        parents = () if condition is None else condition.referenced_items()
        value = 1 + max(
            (level(parent, (*trail, item_id)) for parent in parents if parent not in trail),
            default=-1,
        )
        depth[item_id] = value
        return value

    position = {item.id: index for index, item in enumerate(spec.codebook.items)}
    return tuple(sorted(items, key=lambda item_id: (level(item_id), position[item_id])))
