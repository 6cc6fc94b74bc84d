"""The bundled official record (bundled CSVs) and its agreement with the workbook."""

from __future__ import annotations

import polars as pl
import pytest

from govindex.official import RECORD_SCHEMA, OfficialWorkbook

KEYS = ["year", "province", "level", "code"]


def test_record_covers_2011_to_2024_for_63_provinces(published: pl.DataFrame) -> None:
    assert published.schema == pl.Schema(RECORD_SCHEMA)
    totals = published.filter(code="total", statistic="score")
    assert totals.group_by("year").len()["len"].unique().to_list() == [63]
    assert sorted(totals["year"].unique()) == list(range(2011, 2025))
    dimensions = published.filter(level="dimension", statistic="score")
    per_year = dict(dimensions.group_by("year").agg(pl.col("code").n_unique()).iter_rows())
    assert per_year[2017] == 6
    assert per_year[2018] == 8


@pytest.mark.parametrize(
    ("year", "provinces"),
    [
        (2014, {"Bac Giang", "Dong Thap"}),
        (2018, {"Quang Ninh", "Dong Thap"}),
        (2021, {"Bac Giang", "Bac Ninh", "Quang Ninh"}),
        (2022, {"Bac Giang", "Bac Ninh"}),
        (2023, {"Quang Ninh", "Binh Duong"}),
        (2024, {"Vinh Phuc", "Tien Giang"}),
    ],
)
def test_withheld_totals_are_kept_not_dropped(
    published: pl.DataFrame, year: int, provinces: set[str]
) -> None:
    totals = published.filter(year=year, code="total", statistic="score")
    withheld = totals.filter("withheld")
    assert set(withheld["province"]) == provinces
    assert withheld["estimate"].null_count() == withheld.height


def test_partial_publication_2022_keeps_published_dimensions(published: pl.DataFrame) -> None:
    bac_giang = published.filter(
        year=2022, province="Bac Giang", level="dimension", statistic="score"
    )
    shown = sorted(bac_giang.filter(~pl.col("withheld"))["code"])
    assert shown == ["3", "6", "7", "8"]


def test_every_published_value_has_provenance(published: pl.DataFrame) -> None:
    shown = published.filter(~pl.col("withheld"))
    assert (
        shown.select("source_file", "source_url", "source_row", "source_column")
        .null_count()
        .sum_horizontal()
        .item()
        == 0
    )
    row = published.filter(year=2019, province="Ha Noi", code="total", statistic="score").row(
        0, named=True
    )
    assert (row["source_file"], row["sheet"]) == ("published_scores.csv", "2019")
    assert row["source_url"].endswith(".xlsm")
    early = published.filter(year=2011, province="Ha Noi", code="total").row(0, named=True)
    assert early["sheet"] is None
    assert "tunah72" in early["source_url"]


def test_uncertainty_rows(published: pl.DataFrame) -> None:
    hanoi = published.filter(year=2019, province="Ha Noi", code="total")
    by_statistic = dict(zip(hanoi["statistic"], hanoi["estimate"], strict=True))
    assert by_statistic["se"] == pytest.approx(0.25674787163734436)
    assert by_statistic["ci_low"] == pytest.approx(
        by_statistic["score"] - 1.645 * by_statistic["se"], abs=1e-4
    )
    n_2023 = published.filter(year=2023, province="Ha Noi", code="total", statistic="observations")
    assert n_2023["estimate"].to_list() == [1120.0]


def test_csv_and_workbook_agree_on_every_shared_score(
    published: pl.DataFrame, workbook: OfficialWorkbook
) -> None:
    csv_scores = published.filter(statistic="score").filter(pl.col("year").is_in(workbook.years))
    joined = csv_scores.join(
        workbook.values.filter(statistic="score"), on=KEYS, how="left", suffix="_workbook"
    )
    assert joined["withheld_workbook"].null_count() == 0
    assert (joined["withheld"] == joined["withheld_workbook"]).all()
    differences = joined.select(
        (pl.col("estimate") - pl.col("estimate_workbook")).abs().max()
    ).item()
    assert differences == 0.0
