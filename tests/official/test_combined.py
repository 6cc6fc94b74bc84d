"""The CSV record completed by the official workbook: no duplicates, CSV values kept."""

from __future__ import annotations

from functools import cache

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from govindex.analysis import diagnose
from govindex.errors import SpecError
from govindex.official import (
    OfficialWorkbook,
    combine_record,
    indicator_directions,
    source_disagreements,
)
from govindex.official.combined import RECORD_KEYS
from govindex.spec import IndexSpec, load_spec
from govindex.spec.bundled import default_spec_path

KEYS = list(RECORD_KEYS)
# Indicator rows of each accepted year sheet: 63 provinces × 114, 122, 118 and 120 rows.
INDICATOR_ROWS = {2018: 7182, 2019: 7686, 2022: 7434, 2023: 7560}
# The spec's negatively worded indicators (specs/papi-2024.yaml, `direction: negative`).
LOWER_IS_BETTER = ["2.2.2", "2.2.3", "4.4.3", "4.4.5", "4.4.6", "6.2.1", "6.2.2", "6.3.6", "6.4.3"]


@cache
def papi_spec() -> IndexSpec:
    return load_spec(default_spec_path(2024))


@pytest.fixture(scope="module")
def combined(published: pl.DataFrame, workbook: OfficialWorkbook) -> pl.DataFrame:
    return combine_record(published, workbook.values)


def test_the_workbook_adds_every_indicator_row_and_nothing_twice(
    combined: pl.DataFrame, published: pl.DataFrame, workbook: OfficialWorkbook
) -> None:
    assert_frame_equal(combined.head(published.height), published)
    added = combined.slice(published.height)
    # The CSVs already hold every sub-dimension of the accepted years, so only indicators come.
    assert set(added["level"]) == {"indicator"}
    counts = dict(added.group_by("year").len().iter_rows())
    assert counts == INDICATOR_ROWS
    assert set(added["source_file"]) == {workbook.path.name}
    assert combined.select(KEYS).is_duplicated().sum() == 0


def test_refused_year_sheets_stay_out(combined: pl.DataFrame, workbook: OfficialWorkbook) -> None:
    assert {item.sheet for item in workbook.refused_sheets} == {"2020", "2021"}
    indicator_years = set(combined.filter(level="indicator")["year"])
    assert indicator_years == {2018, 2019, 2022, 2023}


def test_both_sources_agree_where_they_overlap(
    published: pl.DataFrame, workbook: OfficialWorkbook
) -> None:
    both = published.join(workbook.values, on=KEYS, how="inner", suffix="_workbook")
    assert both.height == 10_836
    published_in_both = both.drop_nulls(["estimate", "estimate_workbook"])
    difference = (published_in_both["estimate"] - published_in_both["estimate_workbook"]).abs()
    assert difference.max() <= 1e-6
    # The only rows where they part: the 2022 sample sizes of the two provinces whose total
    # is withheld; the CSVs leave them out, the workbook prints them. The CSV is kept.
    disagreements = source_disagreements(published, workbook.values)
    assert disagreements.select(
        "province", "statistic", "record_estimate", "workbook_estimate"
    ).rows(named=False) == [
        ("Bac Giang", "observations", None, 192.0),
        ("Bac Ninh", "observations", None, 314.0),
    ]


def test_the_csv_value_is_kept_where_both_publish_one(
    published: pl.DataFrame, workbook: OfficialWorkbook
) -> None:
    key = {"year": 2023, "province": "Ha Noi", "level": "dimension", "code": "7"}
    altered = workbook.values.with_columns(
        pl.when(pl.all_horizontal(pl.col(name) == value for name, value in key.items()))
        .then(pl.col("estimate") + 1)
        .otherwise(pl.col("estimate"))
        .alias("estimate")
    )
    combined = combine_record(published, altered, levels=("dimension", "indicator"))
    kept = combined.filter(**key, statistic="score")
    assert kept.height == 1
    assert kept["estimate"].item() == published.filter(**key, statistic="score")["estimate"].item()
    assert kept["source_file"].item() == "published_scores.csv"


def test_sub_dimensions_come_from_the_workbook_where_the_csvs_lack_them(
    published: pl.DataFrame, workbook: OfficialWorkbook
) -> None:
    lacking = published.filter(~((pl.col("year") == 2023) & (pl.col("level") == "subdimension")))
    combined = combine_record(lacking, workbook.values)
    restored = combined.filter(year=2023, level="subdimension")
    assert restored.height == 28 * 63
    assert set(restored["sheet"]) == {"2023"}
    original = published.filter(year=2023, level="subdimension").select(*KEYS, "estimate")
    assert_frame_equal(
        restored.select(*KEYS, "estimate").sort(KEYS), original.sort(KEYS), check_exact=False
    )


def test_unknown_level_is_refused(published: pl.DataFrame, workbook: OfficialWorkbook) -> None:
    with pytest.raises(SpecError, match="`levels`"):
        combine_record(published, workbook.values, levels=("province",))  # type: ignore[arg-type]


def test_directions_follow_the_spec_by_sub_dimension_and_label(
    workbook: OfficialWorkbook,
) -> None:
    spec = papi_spec()
    for year, indicators in ((2022, 118), (2023, 120)):
        directions = indicator_directions(workbook.values, spec, year=year)
        assert len(directions) == indicators
        lower = sorted(code for code, sign in directions.items() if sign < 0)
        assert lower == LOWER_IS_BETTER
    older = indicator_directions(workbook.values, spec, year=2019)
    # Construction permits (5.2) left PAPI in 2021, so the spec says nothing about them.
    assert not {"5.2.1", "5.2.6"} & set(older)
    # The 2019 sheet lists the land-use information row third in 8.1; the spec second.
    assert older["8.1.3"] == 1
    assert "8.1.2" not in older


def test_diagnose_takes_the_record_with_workbook_rows(
    published: pl.DataFrame, workbook: OfficialWorkbook, combined: pl.DataFrame
) -> None:
    directions = indicator_directions(workbook.values, papi_spec(), year=2023)
    result = diagnose(combined, "Ha Noi", 2023, 2021, directions=directions)
    # Concatenating the whole workbook, duplicates included, changes nothing.
    raw = diagnose(
        pl.concat([published, workbook.values]), "Ha Noi", 2023, 2021, directions=directions
    )
    assert_frame_equal(raw.items, result.items)
    assert_frame_equal(raw.priorities, result.priorities)
    # Totals, dimensions and sub-dimensions are diagnosed as without the workbook.
    alone = diagnose(published, "Ha Noi", 2023, 2021)
    assert_frame_equal(result.items.filter(pl.col("level") != "indicator"), alone.items)

    indicators = result.items.filter(level="indicator")
    assert indicators.height == 120
    assert indicators["rank"].null_count() == 0
    type_1_errors = indicators.filter(code="2.2.2").row(0, named=True)
    # Lower is better: the best value is the national minimum.
    assert type_1_errors["best_estimate"] == pytest.approx(0.177116, abs=1e-6)
    declined = result.priorities.filter(level="indicator")
    assert "2.2.2" in declined["code"].to_list()  # rose, i.e. worsened, since 2022


def test_indicators_without_a_direction_are_not_ranked(combined: pl.DataFrame) -> None:
    result = diagnose(combined, "Ha Noi", 2023, directions={"2.2.2": -1})
    unknown = result.items.filter(level="indicator", code="1.4.4").row(0, named=True)
    assert (unknown["rank"], unknown["group"], unknown["best_estimate"]) == (None, None, None)
    assert unknown["previous_change"] == pytest.approx(-0.347188, abs=1e-6)
    assert "1.4.4" not in result.priorities["code"].to_list()


def test_indicator_rows_are_compared_under_the_same_label(combined: pl.DataFrame) -> None:
    # The 2018 and 2019 sheets have no English labels: positions 5.2.1 and 5.2.2 hold other
    # indicators in each year, on the same scale, and must not be compared.
    before = diagnose(combined, "Ha Noi", 2019).items.filter(level="indicator")
    statuses = dict(before.select("code", "previous_status").iter_rows())
    assert statuses["5.2.1"] == statuses["5.2.2"] == "not_comparable"
    assert statuses["1.1.1"] == "no_se"
    # 2022 → 2023: an English spelling fix ("Communce") is not a new indicator.
    after = diagnose(combined, "Ha Noi", 2023).items.filter(level="indicator")
    assert after.filter(code="1.2.3")["previous_status"].item() == "no_se"
