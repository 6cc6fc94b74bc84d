"""The stored diagnoses: the same tables as the per-province producer wrote, by hand too."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from tests.conftest import PAPI_DATA

from govindex.application.diagnosis_tables import DIAGNOSIS_TABLES, diagnosis_tables
from govindex.official import load_published_record

EXPECTED = Path(__file__).parents[1] / "data" / "diagnosis"
CHECKED = ["Ha Noi", "Quang Ninh"]


@pytest.fixture(scope="module")
def record() -> pl.DataFrame:
    """The official record bundled with the package."""
    return load_published_record(PAPI_DATA)


@pytest.fixture(scope="module")
def tables_2024(record: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The diagnosis tables the import stores with the 2024 run."""
    provinces = sorted(record.filter(year=2024)["province"].unique().to_list())
    return diagnosis_tables(record, 2024, provinces)


@pytest.mark.parametrize("name", DIAGNOSIS_TABLES)
def test_2024_tables_equal_the_stored_expectation(
    tables_2024: dict[str, pl.DataFrame], name: str
) -> None:
    produced = tables_2024[name].filter(pl.col("province").is_in(CHECKED))
    expected = pl.read_csv(EXPECTED / f"2024_{name}.csv", schema=produced.schema)
    assert_frame_equal(produced, expected, check_exact=True)


def _published_total(year: int, province: str) -> float:
    with (PAPI_DATA / "published_scores.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["year"], row["province"], row["dimension"]) == (str(year), province, "total"):
                return float(row["score"])
    raise AssertionError((year, province))


def test_2024_by_hand(tables_2024: dict[str, pl.DataFrame]) -> None:
    changes = tables_2024["diagnosis_changes"]
    total = changes.filter(province="Ha Noi", code="total").row(0, named=True)
    change = _published_total(2024, "Ha Noi") - _published_total(2023, "Ha Noi")
    assert total["previous_change"] == pytest.approx(change, abs=1e-6)
    priorities = tables_2024["diagnosis_priorities"].filter(province="Ha Noi")
    # The two dimensions in the lowest group lead the list; the rest only declined.
    assert priorities.filter(tier=2)["code"].to_list() == ["4", "7"]
    assert set(priorities["group"].head(2).to_list()) == {4}
    notes = tables_2024["diagnosis_notes"].filter(province="Quang Ninh").row(0, named=True)
    assert notes["note"].startswith("no comparison possible")
    assert (notes["previous_unavailable"], notes["baseline_unavailable"]) == (True, True)
