"""The stored diagnoses: the same tables as the per-province producer wrote, by hand too."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from tests.conftest import PAPI_DATA

from govindex.application.diagnosis_tables import DIAGNOSIS_TABLES, diagnosis_tables
from govindex.application.official_record import store_published_record
from govindex.official import load_published_record
from govindex.storage import RunStore

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


def _stored_diagnoses(store: RunStore, year: int) -> dict[str, pl.DataFrame]:
    (run,) = [m for m in store.list_runs(kind="published") if m.parameters["year"] == year]
    return {name: store.read_table(run.run_id, name) for name in DIAGNOSIS_TABLES}


@pytest.mark.parametrize(
    "imports", [[[2024], [2023]], [[2024], [2021], [2023]], [[2023, 2024], [2018, 2021]]]
)
def test_an_earlier_year_imported_later_updates_the_stored_diagnosis(
    record: pl.DataFrame, tmp_path: Path, imports: list[list[int]]
) -> None:
    """2024's stored diagnosis is the same whether the years came one by one or at once."""
    every = sorted({year for years in imports for year in years})
    with RunStore(tmp_path / "at-once.duckdb") as store:
        store_published_record(store, record.filter(pl.col("year").is_in(every)))
        at_once = _stored_diagnoses(store, 2024)
    with RunStore(tmp_path / "one-by-one.duckdb") as store:
        store_published_record(store, record.filter(pl.col("year").is_in(imports[0])))
        first = _stored_diagnoses(store, 2024)
        for years in imports[1:]:
            store_published_record(store, record.filter(pl.col("year").is_in(years)))
        one_by_one = _stored_diagnoses(store, 2024)
        assert store.verify().passed
    for name in DIAGNOSIS_TABLES:
        assert_frame_equal(one_by_one[name], at_once[name], check_exact=True)
    # The years imported later changed what 2024 compares with, so its tables did change.
    assert not first["diagnosis_notes"].equals(one_by_one["diagnosis_notes"])
    note = one_by_one["diagnosis_notes"].filter(province="Ha Noi")["note"][0]
    baseline = " and the term baseline 2021" if 2021 in every else ";"
    assert note.startswith("compared with 2023" + baseline)
