"""Taylor variances from per-cell sums equal those from the respondents.

Each case draws respondents, reduces them to (domain, stratum, PSU) cells by hand and
compares :func:`mean_from_cell_totals` on the cell design with :func:`mean` on the
respondent design: every lonely-PSU rule, fpc as population size (with a certainty
stratum), missing values, zero weights and rows in no domain.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from govindex.errors import EstimationError
from govindex.survey import SurveyDesign, mean
from govindex.survey.cell_totals import CellTotals, mean_from_cell_totals
from govindex.survey.design import LonelyPSU

TOLERANCE = 1e-12
KEYS = ["region", "stratum", "psu"]


def respondents(seed: int, *, missing: float = 0.2, zero_weights: bool = True) -> pl.DataFrame:
    """Six strata: stratum 5 has one PSU (lonely), stratum 6 one PSU taken with certainty."""
    rng = np.random.default_rng(seed)
    strata = [1, 2, 3, 4, 5, 6]
    psus_per_stratum = {1: 3, 2: 2, 3: 4, 4: 2, 5: 1, 6: 1}
    rows: list[dict[str, object]] = []
    psu = 0
    for stratum in strata:
        for _ in range(psus_per_stratum[stratum]):
            psu += 1
            for _ in range(int(rng.integers(3, 9))):
                rows.append(
                    {
                        "stratum": stratum,
                        "psu": psu,
                        "region": ["north", "south", None][int(rng.integers(0, 3))],
                        "w": float(rng.uniform(0.5, 4.0)),
                        "y": float(rng.normal(3.0, 1.0)),
                        "z": float(rng.uniform(0.0, 1.0)),
                    }
                )
    frame = pl.DataFrame(rows)
    y = frame["y"].to_numpy().copy()
    y[rng.uniform(size=y.size) < missing] = np.nan
    w = frame["w"].to_numpy().copy()
    if zero_weights:
        w[rng.uniform(size=w.size) < 0.05] = 0.0
    population = {1: 30.0, 2: 8.0, 3: 50.0, 4: 2.0, 5: 7.0, 6: 1.0}
    return frame.with_columns(
        pl.Series("y", y).fill_nan(None),
        pl.Series("w", w),
        pl.col("stratum").replace_strict(population).alias("population"),
    )


def cells_of(frame: pl.DataFrame, names: list[str]) -> tuple[pl.DataFrame, CellTotals]:
    """The four sums per (region, stratum, PSU) cell, cells in order of first appearance."""
    present = [pl.col(name).is_not_null() for name in names]
    sums = frame.group_by(KEYS, maintain_order=True).agg(
        pl.col("w").sum(),
        pl.col("population").first(),
        *[(pl.col(n).fill_null(0) * pl.col("w")).sum().alias(f"{n}:weighted") for n in names],
        *[
            (p * pl.col("w")).sum().alias(f"{n}:present")
            for n, p in zip(names, present, strict=True)
        ],
        *[(pl.col(n).fill_null(0) ** 2 * pl.col("w")).sum().alias(f"{n}:squares") for n in names],
        *[
            (p & (pl.col("w") != 0)).sum().alias(f"{n}:counted")
            for n, p in zip(names, present, strict=True)
        ],
        *[p.sum().alias(f"{n}:answered") for n, p in zip(names, present, strict=True)],
    )

    def block(kind: str) -> np.ndarray:
        columns = [f"{name}:{kind}" for name in names]
        return sums.select(columns).cast(pl.Float64).to_numpy()

    totals = CellTotals(
        tuple(names),
        weighted=block("weighted"),
        present_weight=block("present"),
        squares=block("squares"),
        counted=block("counted"),
        answered=block("answered"),
    )
    return sums.select([*KEYS, "w", "population"]), totals


def assert_equal_tables(left: pl.DataFrame, right: pl.DataFrame) -> None:
    for column in ("estimate", "se", "n", "df"):
        a, b = left[column].to_numpy(), right[column].to_numpy()
        assert np.array_equal(np.isnan(a), np.isnan(b)), column
        scale = np.maximum(np.abs(np.nan_to_num(a)), 1.0)
        assert np.nanmax(np.abs(a - b) / scale, initial=0.0) <= TOLERANCE, column


@pytest.mark.parametrize("rule", ["adjust", "average", "certainty", "remove"])
@pytest.mark.parametrize("fpc", [None, "population"])
@pytest.mark.parametrize("by", [None, "region"])
def test_taylor_from_cells_equals_taylor_from_respondents(
    rule: LonelyPSU, fpc: str | None, by: str | None
) -> None:
    frame = respondents(seed=11)
    design_options = {"weights": "w", "strata": "stratum", "psu": "psu", "fpc": fpc}
    rows = SurveyDesign.from_frame(frame, **design_options, lonely_psu=rule)  # type: ignore[arg-type]
    cell_frame, totals = cells_of(frame, ["y", "z"])
    cells = SurveyDesign.from_frame(cell_frame, **design_options, lonely_psu=rule)  # type: ignore[arg-type]
    expected = mean(rows, ["y", "z"], by=by, na_rm=True, df_rule="domain").to_polars()
    table = mean_from_cell_totals(cells, totals, by=by, df_rule="domain")
    found = table.to_polars()
    assert found["variable"].to_list() == expected["variable"].to_list()
    assert found["domain"].to_list() == expected["domain"].to_list()
    assert_equal_tables(found, expected)
    assert table.variance_method == "taylor"
    assert np.isfinite(found["se"].to_numpy()).any()


def test_average_rule_counts_strata_with_a_value_whatever_the_weight() -> None:
    # Every value of stratum 4 in the south has a zero weight: it still counts as present
    # there for the average rule, as the respondent path counts it.
    frame = respondents(seed=5, missing=0.0, zero_weights=False)
    hidden = (pl.col("stratum") == 4) & (pl.col("region") == "south")
    frame = frame.with_columns(pl.when(hidden).then(0.0).otherwise(pl.col("w")).alias("w"))
    options = {"weights": "w", "strata": "stratum", "psu": "psu", "lonely_psu": "average"}
    rows = SurveyDesign.from_frame(frame, **options)  # type: ignore[arg-type]
    cell_frame, totals = cells_of(frame, ["y"])
    cells = SurveyDesign.from_frame(cell_frame, **options)  # type: ignore[arg-type]
    expected = mean(rows, "y", by="region", na_rm=True).to_polars()
    assert_equal_tables(mean_from_cell_totals(cells, totals, by="region").to_polars(), expected)


def test_a_design_beyond_first_stage_totals_is_refused() -> None:
    frame = respondents(seed=2)
    cell_frame, totals = cells_of(frame, ["y"])
    cells = SurveyDesign.from_frame(
        cell_frame.with_columns(pl.lit(0.5).alias("probability")),
        weights="w",
        strata="stratum",
        psu="psu",
        fpc="probability",
        lonely_psu="adjust",
        pps="brewer",
    )
    with pytest.raises(EstimationError, match="PPS"):
        mean_from_cell_totals(cells, totals)
