"""Provinces side by side are never drawn in a performance group's colour."""

from __future__ import annotations

import itertools

from govindex.charts import GROUP_COLOURS
from govindex.charts.style import NATIONAL_COLOUR, NOT_RANKED_COLOUR, SERIES_COLOURS


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _distance(first: str, second: str) -> float:
    return sum((a - b) ** 2 for a, b in zip(_rgb(first), _rgb(second), strict=True)) ** 0.5


def test_series_colours_stay_clear_of_the_group_colours() -> None:
    assert len(SERIES_COLOURS) == 8
    for series, group in itertools.product(SERIES_COLOURS, GROUP_COLOURS):
        assert _distance(series, group) > 90, (series, group)


def test_series_colours_are_distinct_from_each_other_and_the_reference_marks() -> None:
    for first, second in itertools.combinations(SERIES_COLOURS, 2):
        assert _distance(first, second) > 60, (first, second)
    for series in SERIES_COLOURS:
        assert _distance(series, NATIONAL_COLOUR) > 60
        assert _distance(series, NOT_RANKED_COLOUR) > 60
