"""Each province against the national mean: hand-computed differences, SEs and intervals."""

from __future__ import annotations

import math

import polars as pl
import pytest
from scipy import stats

from govindex.scores.differences import DIFFERENCE_COLUMNS, national_differences


def _rows(**columns: list[object]) -> pl.DataFrame:
    count = len(columns["unit"])
    base: dict[str, list[object]] = {
        "period": ["2024"] * count,
        "level": ["total"] * count,
        "code": ["total"] * count,
        "ci_level": [0.95] * count,
        "df": [4.0] * count,
        "status": ["published"] * count,
    }
    base.update(columns)
    return pl.DataFrame(base)


def test_hand_computed_case_with_a_suppressed_province() -> None:
    table = _rows(
        unit=["A", "B", "C", "D"],
        estimate=[90.0, 80.0, 85.0, None],
        se=[1.0, 2.0, 0.5, None],
        status=["published", "published", "published", "suppressed"],
    )
    out = national_differences(table).sort("unit")
    # D is suppressed: no row, and not in the mean (85 = (90 + 80 + 85) / 3).
    assert out["unit"].to_list() == ["A", "B", "C"]
    assert out["national_mean"].to_list() == [85.0, 85.0, 85.0]
    assert out["national_se"][0] == pytest.approx(math.sqrt(1 + 4 + 0.25) / 3, rel=1e-12)
    # Var(y_A − ȳ) = (2/3)² · 1 + (1/9) · (4 + 0.25)
    expected = math.sqrt((2 / 3) ** 2 * 1.0 + (4.0 + 0.25) / 9)
    assert out["difference"][0] == pytest.approx(5.0)
    assert out["difference_se"][0] == pytest.approx(expected, rel=1e-12)
    t = stats.t.ppf(0.975, 4.0)
    assert out["difference_low"][0] == pytest.approx(5.0 - t * expected, rel=1e-12)
    assert out["difference_high"][0] == pytest.approx(5.0 + t * expected, rel=1e-12)
    # B: −5 with SE √((2/3)²·4 + (1 + 0.25)/9) ≈ 1.384, margin ≈ 3.84: beyond noise too;
    # C equals the mean: within noise.
    se_b = math.sqrt((2 / 3) ** 2 * 4.0 + (1.0 + 0.25) / 9)
    assert out["difference_se"][1] == pytest.approx(se_b, rel=1e-12)
    assert out["beyond_noise"].to_list() == [True, True, False]
    assert 5.0 - t * expected > 0
    assert -5.0 + t * se_b < 0
    assert dict(out.schema) == DIFFERENCE_COLUMNS


def test_normal_quantile_without_df_and_unknown_se_gives_no_verdict() -> None:
    table = _rows(unit=["A", "B"], estimate=[70.0, 60.0], se=[1.0, None], df=[None, None])
    out = national_differences(table)
    # One SE unknown: the national SE and every difference SE are unknown, no verdict.
    assert out["national_se"].to_list() == [None, None]
    assert out["beyond_noise"].to_list() == [None, None]
    normal = _rows(unit=["A", "B"], estimate=[70.0, 60.0], se=[1.0, 1.0], df=[None, None])
    first = national_differences(normal).row(0, named=True)
    margin = stats.norm.ppf(0.975) * first["difference_se"]
    assert first["difference_high"] - first["difference"] == pytest.approx(margin, rel=1e-12)


def test_items_and_periods_are_separate() -> None:
    table = pl.concat(
        [
            _rows(unit=["A", "B"], estimate=[1.0, 3.0], se=[0.1, 0.1]),
            _rows(
                unit=["A", "B"],
                estimate=[10.0, 30.0],
                se=[0.1, 0.1],
                code=["X", "X"],
                level=["dimension", "dimension"],
            ),
        ]
    )
    out = national_differences(table)
    means = dict(zip(out["code"], out["national_mean"], strict=False))
    assert means == {"total": 2.0, "X": 20.0}
