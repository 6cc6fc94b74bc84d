"""The index from per-cell sums of row chunks equals the index from the whole file."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from govindex.errors import EstimationError
from govindex.index import IndexBuilder, IndexResult
from govindex.index.cells import CellAccumulator
from govindex.ingest import DesignColumns
from govindex.spec import IndexSpec
from govindex.synthetic import SyntheticSurvey

# Sums are added in another order than the whole-file path adds them.
TOLERANCE = 1e-12
# The design effect divides by an SRS variance formed as Σw·y² − W·ȳ², a difference of
# near-equal sums that magnifies the last-bit differences of the sums about a hundredfold.
DESIGN_EFFECT_TOLERANCE = 1e-10


def chunked(spec: IndexSpec, frame: pl.DataFrame, size: int, **parameters: object) -> IndexResult:
    builder = IndexBuilder(spec, **parameters)
    accumulator = CellAccumulator(spec, builder.parameters.design)
    for start in range(0, frame.height, size):
        accumulator.add(frame.slice(start, size))
    return builder.run_cells(accumulator.result())


def assert_same(left: pl.DataFrame, right: pl.DataFrame) -> None:
    assert left.columns == right.columns
    assert left.height == right.height
    for column in left.columns:
        one, other = left[column], right[column]
        if one.dtype.is_float():
            a, b = one.to_numpy(), other.to_numpy()
            assert np.array_equal(np.isnan(a), np.isnan(b)), column
            scale = np.maximum(np.abs(a), 1.0)
            difference = np.where(np.isnan(a), 0.0, np.abs(a - b) / scale)
            limit = DESIGN_EFFECT_TOLERANCE if column in {"deff", "n_eff"} else TOLERANCE
            assert difference.max(initial=0.0) <= limit, (column, difference.max())
        else:
            assert one.to_list() == other.to_list(), column


def assert_same_result(left: IndexResult, right: IndexResult) -> None:
    assert left.provinces == right.provinces
    assert_same(left.indicators, right.indicators)
    assert_same(left.aggregates, right.aggregates)
    assert_same(left.national, right.national)


def test_jackknife_from_small_chunks_matches_whole_file(
    spec: IndexSpec, survey: SyntheticSurvey, jackknife: IndexResult
) -> None:
    # 997 rows a chunk: chunks cut through PSUs and provinces, and the last one is short.
    assert_same_result(chunked(spec, survey.microdata, 997, variance="jkn"), jackknife)


def test_bootstrap_from_chunks_matches_whole_file(spec: IndexSpec, survey: SyntheticSurvey) -> None:
    frame = survey.microdata
    whole = IndexBuilder(spec, variance="bootstrap", replicates=20, seed=7).run(frame)
    assert_same_result(
        chunked(spec, frame, 4_000, variance="bootstrap", replicates=20, seed=7), whole
    )


def test_shuffled_rows_number_cells_by_first_appearance(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    frame = survey.microdata.sample(fraction=1.0, shuffle=True, seed=3)
    whole = IndexBuilder(spec, variance="jkn", df_rule="domain").run(frame)
    assert_same_result(chunked(spec, frame, 5_000, variance="jkn", df_rule="domain"), whole)


def test_taylor_from_small_chunks_matches_whole_file(
    spec: IndexSpec, survey: SyntheticSurvey, taylor: IndexResult
) -> None:
    # Indicator, aggregate and both national variances come from PSU totals of the
    # linearised values.
    assert_same_result(chunked(spec, survey.microdata, 997, variance="taylor"), taylor)


def test_taylor_from_chunks_empties_excluded_cells_like_rows(
    spec: IndexSpec, survey: SyntheticSurvey
) -> None:
    options: dict[str, object] = {"suppressed_indicators": "exclude", "df_rule": "domain"}
    whole = IndexBuilder(spec, variance="taylor", **options).run(survey.microdata)
    assert whole.indicators["suppressed"].any()  # some cells do leave the aggregates
    assert_same_result(chunked(spec, survey.microdata, 5_000, variance="taylor", **options), whole)


def test_taylor_without_psu_is_refused_by_name(spec: IndexSpec, survey: SyntheticSurvey) -> None:
    design = DesignColumns(psu=None)
    with pytest.raises(EstimationError, match="PSU column"):
        chunked(spec, survey.microdata.head(2_000), 1_000, variance="taylor", design=design)
