"""Performance groups and change over time, checked against the published CSV values."""

from __future__ import annotations

import math

import polars as pl
import pytest
from tests.analysis.hand import published

from govindex.analysis import (
    GroupRule,
    assign_groups,
    compare_years,
    critical_value,
    rank_and_group,
    term_baseline,
)
from govindex.errors import SpecError


def _group_sizes(record: pl.DataFrame, year: int, rule: GroupRule) -> list[int]:
    totals = record.filter(
        pl.col("year") == year, pl.col("code") == "total", pl.col("statistic") == "score"
    )
    grouped = rank_and_group(totals, rule=rule)
    return [grouped.filter(pl.col("group") == number).height for number in (1, 2, 3, 4)]


def test_2024_groups_reproduce_published_15_15_15_16(record: pl.DataFrame) -> None:
    # papi-methodology §5.2: 61 provinces scored in 2024, published split 15/15/15/16.
    assert _group_sizes(record, 2024, GroupRule()) == [15, 15, 15, 16]


def test_63_province_years_need_the_lower_inclusive_rule(record: pl.DataFrame) -> None:
    # 2019 and 2020: 63 provinces, published 16/16/15/16.
    for year in (2019, 2020):
        assert _group_sizes(record, year, GroupRule(inclusive="lower")) == [16, 16, 15, 16]


def test_assign_groups_keeps_missing_values_missing() -> None:
    assert assign_groups([None, 1.0, 2.0, 3.0, 4.0]) == [None, 4, 3, 2, 1]


def test_group_rule_refuses_unknown_options() -> None:
    with pytest.raises(SpecError, match="percentile_method"):
        GroupRule(percentile_method="guess")  # type: ignore[arg-type]


def test_rank_ties_share_the_best_rank() -> None:
    frame = pl.DataFrame(
        {"year": [1] * 3, "level": ["t"] * 3, "code": ["t"] * 3, "estimate": [2.0, 2.0, 1.0]}
    )
    assert rank_and_group(frame)["rank"].to_list() == [1, 1, 3]


def test_year_on_year_change_matches_the_csv(
    record: pl.DataFrame, published_rows: list[dict[str, str]]
) -> None:
    compared = compare_years(record, year=2021, baseline_year=2020)
    row = compared.filter(province="Ha Noi", code="1").row(0, named=True)
    hand = (
        published(published_rows, 2021, "participation")["Ha Noi"]
        - published(published_rows, 2020, "participation")["Ha Noi"]
    )
    assert row["change"] == pytest.approx(hand, abs=1e-9)
    assert row["status"] == "no_se"
    assert "no standard error" in row["reason"]


def test_comparison_across_the_2021_break_is_refused(record: pl.DataFrame) -> None:
    compared = compare_years(record, year=2021, baseline_year=2020).filter(province="Ha Noi")
    for code in ("5", "total"):
        row = compared.filter(code=code).row(0, named=True)
        assert row["status"] == "not_comparable"
        assert row["change"] is None
        assert row["baseline_estimate"] is None
        assert "2021" in row["reason"]
        assert "5.2" in row["reason"]


def test_comparison_across_the_2018_restructuring_is_refused(record: pl.DataFrame) -> None:
    compared = compare_years(record, year=2024, baseline_year=2016)
    statuses = set(compared["status"].to_list())
    assert statuses == {"not_comparable"}
    reason = compared.filter(province="Ha Noi", code="6")["reason"][0]
    assert "2018" in reason
    assert "8 dimensions" in reason


def test_term_baseline_comparison_within_a_term_is_allowed(record: pl.DataFrame) -> None:
    compared = compare_years(record, year=2024, baseline_year=term_baseline(2024) or 0)
    assert compared.filter(province="Ha Noi", code="total")["status"][0] == "no_se"


def test_z_test_uses_both_published_standard_errors(record: pl.DataFrame, papi_data) -> None:  # type: ignore[no-untyped-def]
    import csv

    with (papi_data / "published_uncertainty.csv").open(encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["province"] == "Ha Noi" and row["measure"] == "total_unweighted"
        ]
    by_year = {int(row["year"]): row for row in rows}
    score_2023, score_2022 = float(by_year[2023]["score"]), float(by_year[2022]["score"])
    se_2023, se_2022 = (
        float(by_year[2023]["standard_error"]),
        float(by_year[2022]["standard_error"]),
    )
    z = (score_2023 - score_2022) / math.sqrt(se_2023**2 + se_2022**2)
    row = (
        compare_years(record, year=2023, baseline_year=2022)
        .filter(province="Ha Noi", code="total")
        .row(0, named=True)
    )
    assert row["z"] == pytest.approx(z, rel=1e-6)
    assert row["status"] == ("significant" if abs(z) >= 1.6448536 else "not_significant")
    assert row["p_value"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-6)


def test_withheld_baseline_is_not_published(record: pl.DataFrame) -> None:
    # Quang Ninh 2023 was withheld (papi-methodology §4.5).
    row = (
        compare_years(record, year=2024, baseline_year=2023)
        .filter(province="Quang Ninh", code="total")
        .row(0, named=True)
    )
    assert (row["status"], row["change"]) == ("not_published", None)
    assert "2023" in row["reason"]


def test_critical_value_is_the_papi_interval_multiplier() -> None:
    assert critical_value(0.90) == pytest.approx(1.6448536, abs=1e-6)
    with pytest.raises(SpecError):
        critical_value(1.5)


def _indicator_rows(labels: dict[int, tuple[str | None, str]]) -> pl.DataFrame:
    years = sorted(labels)
    return pl.DataFrame(
        {
            "year": years,
            "province": ["A"] * len(years),
            "level": ["indicator"] * len(years),
            "code": ["5.3.1"] * len(years),
            "label_en": [labels[year][0] for year in years],
            "label_vi": [labels[year][1] for year in years],
            "statistic": ["score"] * len(years),
            "estimate": [0.5, 0.6],
        },
        schema_overrides={"label_en": pl.String},
    )


@pytest.mark.parametrize(
    ("labels", "comparable"),
    [
        # Sheets with Vietnamese labels only (2018, 2019): a different question is a break...
        (
            {2018: (None, "Tỷ lệ xin cấp phép xây dựng"), 2019: (None, "Tỷ lệ hộ xây mới nhà ở")},
            False,
        ),
        # ...a missing space is not.
        (
            {
                2018: (None, "cho biếtkhông phải đi qua nhiều cửa"),
                2019: (None, "cho biết không phải đi qua nhiều cửa"),
            },
            True,
        ),
        # English labels decide when both years have them; a typo is not a new question.
        (
            {
                2018: ("Voted in Last Communce Election", "x"),
                2019: ("Voted in Last Commune Election", "y"),
            },
            True,
        ),
        ({2018: ("Land titles", "Đất đai"), 2019: ("Building permits", "Đất đai")}, False),
    ],
)
def test_indicator_label_changes_break_comparability(
    labels: dict[int, tuple[str | None, str]], comparable: bool
) -> None:
    row = compare_years(_indicator_rows(labels), year=2019, baseline_year=2018).row(0, named=True)
    assert (row["status"] != "not_comparable") is comparable, row["reason"]
    if not comparable:
        assert row["reason"].startswith("indicator row 5.3.1 is")
