"""Spearman's rank correlation against hand computations, and its measurement interval."""

from __future__ import annotations

import numpy as np
import pytest

from govindex.analysis.agreement import average_ranks, rank_agreement, spearman
from govindex.errors import SpecError


def test_spearman_by_hand_with_ties() -> None:
    # x ranks: 1, 2.5, 2.5, 4, 5; y ranks: 2, 1, 3, 5, 4.
    x = [10.0, 20.0, 20.0, 30.0, 40.0]
    y = [5.0, 1.0, 7.0, 9.0, 8.0]
    assert average_ranks(x).tolist() == [1.0, 2.5, 2.5, 4.0, 5.0]
    # Centred ranks: x (−2, −0.5, −0.5, 1, 2), y (−1, −2, 0, 2, 1).
    # Σxy = 2 + 1 + 0 + 2 + 2 = 7; Σx² = 4 + 0.25 + 0.25 + 1 + 4 = 9.5; Σy² = 10.
    assert spearman(x, y) == pytest.approx(7 / np.sqrt(9.5 * 10), rel=1e-12)


def test_without_standard_errors_there_is_no_interval_and_it_says_why() -> None:
    result = rank_agreement([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])
    assert result.rho == pytest.approx(-1.0)
    assert (result.low, result.high, result.draws) == (None, None, 0)
    assert result.method.startswith("no interval")
    with_one = rank_agreement([1, 2, 3, 4, 5], [1, 3, 2, 4, 5], first_se=[1] * 5)
    assert with_one.low is None


def test_the_interval_widens_with_the_standard_errors_and_is_reproducible() -> None:
    generator = np.random.default_rng(3)
    truth = generator.normal(size=40)
    first = truth + generator.normal(scale=0.3, size=40)
    second = truth + generator.normal(scale=0.3, size=40)
    narrow = rank_agreement(first, second, first_se=[0.05] * 40, second_se=[0.05] * 40)
    wide = rank_agreement(first, second, first_se=[1.0] * 40, second_se=[1.0] * 40)
    assert narrow.low is not None
    assert narrow.high is not None
    assert wide.low is not None
    assert wide.high is not None
    assert narrow.low <= narrow.rho <= narrow.high
    assert wide.high - wide.low > 3 * (narrow.high - narrow.low)
    # Measurement noise pulls a correlation towards zero: the wide draws sit below rho.
    assert wide.high < narrow.rho
    again = rank_agreement(first, second, first_se=[1.0] * 40, second_se=[1.0] * 40)
    assert (again.low, again.high) == (wide.low, wide.high)
    assert "parametric bootstrap" in wide.method
    assert "seed" in wide.method


def test_bad_input_is_one_clear_error() -> None:
    with pytest.raises(SpecError, match="equal length"):
        rank_agreement([1, 2, 3], [1, 2])
    with pytest.raises(SpecError, match="between 0 and 1"):
        rank_agreement([1, 2, 3], [1, 2, 3], level=1.5)
