"""Coverage study (slow): do dimension intervals cover the generating truth at 95%?

200 full-size SYNTHETIC PAPI 2024 surveys (63 provinces, ~18,600 respondents each, new
seed each time) are scored with JKn variance and the default ``domain`` degrees of
freedom; the truth is each province's generating expected dimension score
(``SyntheticSurvey.truth``). 200 × 504 province-dimension intervals; the Monte Carlo
standard error of a 95% coverage rate is about 0.2 points (less, ignoring correlation).
Measured: see the report in the test output (``-s``). About 6 minutes.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from govindex.index import IndexBuilder
from govindex.spec import IndexSpec
from govindex.synthetic import synthesise_papi

SURVEYS = 200


@pytest.mark.slow
def test_dimension_intervals_cover_the_truth_at_their_nominal_rate(
    spec: IndexSpec, published: pl.DataFrame, provinces: pl.DataFrame
) -> None:
    builder = IndexBuilder(spec, variance="jkn", rank_draws=10)
    covered = []
    for number in range(SURVEYS):
        survey = synthesise_papi(spec, seed=9000 + number, targets=published, provinces=provinces)
        result = builder.run(survey.microdata)
        truth = survey.truth.filter(pl.col("level") == "dimension").select(
            "province", "code", "expected"
        )
        joined = result.dimensions.join(truth, on=["province", "code"])
        covered.append(
            (
                (joined["ci_low"] <= joined["expected"]) & (joined["expected"] <= joined["ci_high"])
            ).to_numpy()
        )
    rate = float(np.mean(covered))
    by_survey = np.mean(covered, axis=1)
    print(f"\ncoverage of 95% dimension intervals over {SURVEYS} surveys: {rate:.4f} "
          f"(survey-to-survey sd {by_survey.std():.4f})")  # fmt: skip
    assert 0.92 <= rate <= 0.98
