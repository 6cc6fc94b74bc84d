"""The Rao–Wu bootstrap (R ``as.svrepdesign(type="subbootstrap")``) against R survey 4.1.

``replication/subbootstrap_reference.R`` drew the replicates with R's RNG. Python cannot
replay R's random stream, so the test recovers each replicate's PSU counts from R's weights
(weight / (w · n_h/(n_h − 1)), whole numbers) and checks that govindex builds exactly R's
weights, scale and standard errors from those counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from tests.reference.reference_cases import data_set

from govindex.survey import SurveyDesign, mean, replicate_design, total

pytestmark = pytest.mark.reference

FOLDER = Path(__file__).parent / "replication"
DESIGNS = {
    "rstrat_subboot": ("apistrat", {"weights": "pw", "strata": "stype", "fpc": "fpc"}),
    "rclus1_subboot": ("apiclus1", {"weights": "pw", "psu": "dnum", "fpc": "fpc"}),
}


def r_counts(design: SurveyDesign, weights: np.ndarray) -> np.ndarray:
    stage = design.stages[0]
    sizes = stage.stratum_sizes[stage.unit_stratum].astype(float)
    per_row = weights / (design.weights[:, None] * (sizes / (sizes - 1))[stage.units][:, None])
    counts = np.zeros((stage.n_units, weights.shape[1]))
    counts[stage.units] = per_row
    assert np.allclose(counts, np.round(counts), atol=1e-9), "R's factors are not whole counts"
    return np.round(counts)


@pytest.mark.parametrize("design_id", sorted(DESIGNS))
def test_rao_wu_replicates_and_errors_match_r(design_id: str) -> None:
    data_name, arguments = DESIGNS[design_id]
    design = SurveyDesign.from_frame(data_set(data_name), **arguments)
    expected_weights = pl.read_csv(FOLDER / f"subbootstrap_{design_id}.csv").to_numpy()
    meta = pl.read_csv(FOLDER / "subbootstrap_meta.csv").filter(pl.col("design_id") == design_id)
    counts = r_counts(design, expected_weights)
    # Rao–Wu draws n_h − 1 PSUs in every stratum of every replicate.
    stage = design.stages[0]
    drawn = np.zeros((stage.n_strata, counts.shape[1]))
    np.add.at(drawn, stage.unit_stratum, counts)
    np.testing.assert_array_equal(drawn, (stage.stratum_sizes - 1)[:, None] * np.ones_like(drawn))

    replicated = replicate_design(design, "subbootstrap", resample_counts=counts)
    assert replicated.replicates is not None
    np.testing.assert_allclose(replicated.replicates.weights, expected_weights, rtol=1e-12)
    assert replicated.replicates.scale == pytest.approx(meta["scale"][0], rel=1e-12)

    values = pl.read_csv(
        FOLDER / "subbootstrap_values.csv", schema_overrides={"domain": pl.String}
    ).filter(pl.col("design_id") == design_id)
    for row in values.iter_rows(named=True):
        domain = row["domain"] or ""
        by = "stype" if domain else None
        estimator = mean if row["estimator"] == "mean" else total
        ours = estimator(replicated, row["variable"], by=by, na_rm=True).row(
            row["variable"], domain
        )
        assert ours["estimate"] == pytest.approx(row["estimate"], rel=1e-9)
        assert ours["se"] == pytest.approx(row["se"], rel=1e-9)


def test_drawn_rao_wu_replicates_are_seeded_and_draw_one_fewer_psu_per_stratum() -> None:
    design = SurveyDesign.from_frame(data_set("apistrat"), weights="pw", strata="stype", fpc="fpc")
    first = replicate_design(design, "subbootstrap", replicates=30, seed=7)
    again = replicate_design(design, "subbootstrap", replicates=30, seed=7)
    assert first.replicates is not None
    assert again.replicates is not None
    np.testing.assert_array_equal(first.replicates.weights, again.replicates.weights)
    assert first.replicates.seed == 7
    counts = r_counts(design, first.replicates.weights)
    stage = design.stages[0]
    drawn = np.zeros((stage.n_strata, 30))
    np.add.at(drawn, stage.unit_stratum, counts)
    assert (drawn == (stage.stratum_sizes - 1)[:, None]).all()
