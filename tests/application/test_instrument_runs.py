"""The runs of the instruments besides PAPI go into the shared run store: a PAR run of
SYNTHETIC self-assessments and a one-stop run of SYNTHETIC dossier records, each with a
checked score table, stored once."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from govindex.application.instrument_runs import (
    OnestopDemoSize,
    store_onestop_run,
    store_synthetic_par,
    write_synthetic_onestop,
)
from govindex.scores import SCORE_TABLE_SCHEMA, ScoreTable, instrument
from govindex.storage import RunStore


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instruments") / "store.duckdb"


def test_a_synthetic_par_run_is_stored_once_with_letters_and_numbers(store: Path) -> None:
    first = store_synthetic_par(store, year=2024, seed=7)
    again = store_synthetic_par(store, year=2024, seed=7)
    assert again.run_id == first.run_id
    with RunStore(store) as run_store:
        assert [m.run_id for m in run_store.list_runs(kind="assessment")] == [first.run_id]
        assert instrument("par").owns_run(first.parameters)
        assert not instrument("papi").owns_run(first.parameters)
        table = ScoreTable.from_frame(run_store.read_table(first.run_id, "score_table")).frame
    totals = table.filter(level="total")
    assert totals.height == 63
    assert totals["synthetic"].all()
    # Groups: A ≥ 90 %, B ≥ 80 %, … — the number is the letter's place, best first.
    letters = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
    for label, number in totals.select("group_label", "group").iter_rows():
        assert letters[label] == number
    assert totals.filter(pl.col("estimate") >= 90)["group_label"].to_list() == ["A"] * (
        totals.filter(pl.col("estimate") >= 90).height
    )
    assert set(table["level"].unique()) == {"total", "area", "criterion", "subcriterion"}


def test_a_onestop_run_keeps_the_index_in_a_score_table(store: Path, tmp_path: Path) -> None:
    size = OnestopDemoSize(months=1, dossiers_per_year=2_400, seed=5)
    records = write_synthetic_onestop(tmp_path / "records", size)
    manifest = store_onestop_run(records, store, ["2025-01"])
    assert store_onestop_run(records, store, ["2025-01"]).run_id == manifest.run_id
    assert (manifest.kind, manifest.synthetic) == ("records", True)
    assert instrument("onestop").owns_run(manifest.parameters)
    with RunStore(store) as run_store:
        table = run_store.read_table(manifest.run_id, "score_table")
        points = run_store.read_table(manifest.run_id, "onestop_points")
        assert run_store.query_scores(run_id=manifest.run_id).height == 0
    assert table.columns == list(SCORE_TABLE_SCHEMA)
    ScoreTable.from_frame(table)
    assert set(table["geography"]) == {"unit34"}
    assert "Quảng Ninh" in set(table["unit"])  # unit 22 of the records, by its name
    # Σ indicators = group, Σ groups = total, for every unit.
    for unit in table["unit"].unique().to_list():
        rows = table.filter(unit=unit)
        total = rows.filter(level="total")["estimate"][0]
        groups = rows.filter(level="group")["estimate"].sum()
        indicators = rows.filter(level="indicator")["estimate"].fill_null(0).sum()
        assert total == pytest.approx(groups, abs=1e-9)
        assert groups == pytest.approx(indicators, abs=1e-9)
    # A number without input keeps its row, null, with the reason code of the score table.
    missing = table.filter(status="missing")
    assert missing.height
    assert missing["estimate"].null_count() == missing.height
    assert set(missing["reason"]) <= {"input_not_in_records", "no_denominator", "not_applicable"}
    bands = table.filter(level="total").select("group", "group_label").unique()
    order = {"good": 1, "fair": 2, "average": 3, "weak": 4}
    assert all(order[label] == number for number, label in bands.iter_rows())
    assert points.height == table.height
