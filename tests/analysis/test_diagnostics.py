"""Province diagnoses against hand computations from ``published_scores.csv``."""

from __future__ import annotations

import polars as pl
import pytest
from tests.analysis.hand import mean, published, rank_of

from govindex.analysis import diagnose
from govindex.errors import NotFound

DIMENSIONS = {
    "1": "participation",
    "2": "transparency",
    "3": "vertical_accountability",
    "4": "control_of_corruption",
    "5": "public_admin_procedures",
    "6": "public_service_delivery",
    "7": "environmental_governance",
    "8": "e_governance",
}


def _check_against_hand(
    items: pl.DataFrame, rows: list[dict[str, str]], province: str, year: int
) -> None:
    for code, name in {"total": "total", **DIMENSIONS}.items():
        scores = published(rows, year, name)
        row = items.filter(code=code).row(0, named=True)
        assert row["estimate"] == pytest.approx(scores[province], abs=1e-9), code
        assert row["rank"] == rank_of(scores, province), code
        assert row["ranked"] == len(scores)
        assert row["national_mean"] == pytest.approx(mean(scores), abs=1e-9), code
        assert row["gap_to_mean"] == pytest.approx(scores[province] - mean(scores), abs=1e-9)
        assert row["best_estimate"] == pytest.approx(max(scores.values()), abs=1e-9)
        assert row["gap_to_best"] == pytest.approx(
            scores[province] - max(scores.values()), abs=1e-9
        )


def test_ha_noi_2021_against_2020(
    record: pl.DataFrame, published_rows: list[dict[str, str]]
) -> None:
    diagnosis = diagnose(record, "Hà Nội", 2021)
    assert (diagnosis.province, diagnosis.previous_year) == ("Ha Noi", 2020)
    items = diagnosis.items
    _check_against_hand(items, published_rows, "Ha Noi", 2021)
    # Hand: 2021 total 44.45, 9th of 60 (sovhtt.hanoi.gov.vn); the press's "39 places higher".
    assert items.filter(code="total")["rank"][0] == 9
    for code, name in DIMENSIONS.items():
        row = items.filter(code=code).row(0, named=True)
        if code == "5":  # the 2021 restructuring of dimension 5
            assert (row["previous_status"], row["previous_change"]) == ("not_comparable", None)
            continue
        hand = (
            published(published_rows, 2021, name)["Ha Noi"]
            - published(published_rows, 2020, name)["Ha Noi"]
        )
        assert row["previous_change"] == pytest.approx(hand, abs=1e-9), code
        assert row["previous_status"] == "no_se"  # no SE is published for 2020 or 2021
    assert items.filter(code="total")["previous_status"][0] == "not_comparable"
    # Priorities: dimensions that fell since 2020 or sit in group 4.
    falls = {
        code
        for code, name in DIMENSIONS.items()
        if code != "5"
        and published(published_rows, 2021, name)["Ha Noi"]
        < published(published_rows, 2020, name)["Ha Noi"]
    }
    lowest = set(items.filter(pl.col("group") == 4)["code"].to_list())
    assert set(diagnosis.priorities["code"].to_list()) == falls | lowest
    # Lowest-group items come before untested declines.
    tiers = diagnosis.priorities["tier"].to_list()
    assert tiers == sorted(tiers)


def test_quang_ninh_2024_against_2023(
    record: pl.DataFrame, published_rows: list[dict[str, str]]
) -> None:
    diagnosis = diagnose(record, "Quảng Ninh", 2024, baseline=2021)
    items = diagnosis.items
    _check_against_hand(items, published_rows, "Quang Ninh", 2024)
    # papi-methodology §6.2: ranks 2, 6, 23, 2, 15, 1, 8, 4 of 61; total 1st.
    ranks = [items.filter(code=code)["rank"][0] for code in DIMENSIONS]
    assert ranks == [2, 6, 23, 2, 15, 1, 8, 4]
    assert items.filter(code="total")["group"][0] == 1
    # Seven of eight dimensions in the top group (the press's "7 of 8").
    assert items.filter(level="dimension", group=1).height == 7
    # Quang Ninh's 2023 and 2021 scores were withheld: no change can be given.
    assert set(items["previous_status"].to_list()) == {"not_published"}
    assert set(items["baseline_status"].to_list()) == {"not_published"}
    assert diagnosis.priorities.height == 0


def test_unknown_province_is_not_found(record: pl.DataFrame) -> None:
    with pytest.raises(NotFound, match="Atlantis"):
        diagnose(record, "Atlantis", 2024)


def test_indicators_without_direction_are_not_ranked() -> None:
    record = pl.DataFrame(
        {
            "year": [2023] * 2 + [2022] * 2,
            "province": ["A", "B"] * 2,
            "level": ["indicator"] * 4,
            "code": ["2.2.2"] * 4,
            "label_en": ["Type 1 Errors on Poverty List"] * 4,
            "statistic": ["score"] * 4,
            "estimate": [0.3, 0.2, 0.1, 0.2],
        }
    )
    unknown = diagnose(record, "A", 2023)
    assert unknown.items["rank"][0] is None
    assert unknown.priorities.height == 0
    known = diagnose(record, "A", 2023, directions={"2.2.2": -1})
    assert known.items.select("rank", "group").row(0) == (2, 4)
    assert known.priorities["code"].to_list() == ["2.2.2"]
