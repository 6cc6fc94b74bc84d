"""The application layer called as a library: typed inputs, frozen results, progress steps.

The CLI's behaviour is covered in tests/cli; here the same workflows run without typer, on
a small SYNTHETIC survey (8 provinces), and report their steps to a progress callback.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl
import pytest
from tests.conftest import PAPI_DATA

from govindex.application import (
    DiagnosisRequest,
    compute_run,
    diagnose,
    rerun,
    store_run,
)
from govindex.application import runs as runs_module
from govindex.errors import DataValidationError, SpecError
from govindex.index import IndexParameters
from govindex.spec import load_spec
from govindex.storage import RunStore
from govindex.synthetic import load_size_classes, province_table, synthesise_papi
from govindex.synthetic.output import write_survey

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"
_CHOSEN = ["Ha Noi", "Bac Kan", "Lao Cai", "Ben Tre", "Da Nang", "Quang Tri", "Ca Mau", "Son La"]


class Steps:
    """A progress callback that records what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int | None, int | None]] = []

    def __call__(self, step: str, done: int | None = None, total: int | None = None) -> None:
        self.calls.append((step, done, total))

    @property
    def names(self) -> list[str]:
        return [step for step, _, _ in self.calls]


@pytest.fixture(scope="module")
def survey_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = load_spec(SPEC)
    published = pl.read_csv(PAPI_DATA / "published_scores.csv")
    provinces = province_table(published["province"].unique(), load_size_classes())
    survey = synthesise_papi(spec, seed=11, targets=published, provinces=provinces)
    survey = replace(survey, microdata=survey.microdata.filter(pl.col("province").is_in(_CHOSEN)))
    path = tmp_path_factory.mktemp("survey") / "survey.csv"
    write_survey(survey, path)
    return path


def test_store_run_then_rerun_reproduces_and_reports_each_step(
    survey_file: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    steps = Steps()
    finished = store_run(
        SPEC, survey_file, IndexParameters(), tmp_path / "out", store, progress=steps
    )
    assert finished.manifest.synthetic is True
    assert steps.names[:3] == [
        "reading the spec and data",
        "checking the data against the codebook",
        "computing the index",
    ]
    assert steps.names[-1] == "storing the run"
    assert (tmp_path / "out" / "scores.csv").exists()
    checked = Steps()
    report = rerun(finished.manifest.run_id[:8], store, progress=checked)
    assert report.reproduced, report.differences
    assert report.run_id == finished.manifest.run_id
    opened = RunStore(store)
    try:
        stored_rows = sum(
            opened.read_table(report.run_id, name).height
            for name in opened.run_tables(report.run_id)
        )
    finally:
        opened.close()
    assert report.rows_compared == stored_rows > 0
    assert checked.names[-1] == "comparing every stored number"


def test_an_identical_run_is_found_before_computing_and_its_folder_written(
    survey_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store.duckdb"
    first = store_run(SPEC, survey_file, IndexParameters(), tmp_path / "a", store)
    assert not first.reused

    def no_computing(*arguments: object, **options: object) -> None:
        message = "an identical run was computed again"
        raise AssertionError(message)

    monkeypatch.setattr(runs_module, "compute_run", no_computing)
    again = store_run(SPEC, survey_file, IndexParameters(), tmp_path / "b", store)
    assert again.reused
    assert again.manifest == first.manifest
    opened = RunStore(store)
    try:
        assert [run.run_id for run in opened.list_runs()] == [first.manifest.run_id]
    finally:
        opened.close()
    # The folder written from the store is the folder the computation wrote: the same
    # files, every CSV byte for byte, the same manifest (the store keeps its keys sorted).
    written = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert written == sorted(path.name for path in (tmp_path / "b").iterdir())
    assert {"scores.csv", "national.csv", "manifest.json"} <= set(written)
    for name in written:
        before, after = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        if name.endswith(".json"):
            assert json.loads(after) == json.loads(before)
        else:
            assert after == before, name
    # A changed parameter is a different run, computed as usual.
    monkeypatch.undo()
    other = store_run(SPEC, survey_file, IndexParameters(level=0.9), tmp_path / "c", store)
    assert not other.reused
    assert other.manifest.run_id != first.manifest.run_id


def test_a_changed_data_file_is_refused_on_rerun(survey_file: Path, tmp_path: Path) -> None:
    data = tmp_path / "survey.csv"
    data.write_bytes(survey_file.read_bytes())
    store = tmp_path / "store.duckdb"
    finished = store_run(SPEC, data, IndexParameters(), tmp_path / "out", store)
    data.write_bytes(survey_file.read_bytes() + b"\n")
    with pytest.raises(DataValidationError, match="has changed since run"):
        rerun(finished.manifest.run_id, store)


def test_compute_run_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="no such file"):
        compute_run(SPEC, tmp_path / "absent.csv", IndexParameters())


def test_diagnose_as_a_library_call_gives_the_documented_years_and_steps() -> None:
    steps = Steps()
    outcome = diagnose(DiagnosisRequest("Hà Nội", 2024), progress=steps)
    assert (outcome.diagnosis.previous_year, outcome.diagnosis.baseline_year) == (2023, 2021)
    assert steps.names == ["reading the official record", "diagnosing"]
    document = outcome.document()
    assert document["province"] == outcome.diagnosis.province
    assert outcome.markdown().startswith(f"# PAPI 2024: {outcome.diagnosis.province}")


def test_a_direction_spec_without_a_workbook_is_refused() -> None:
    with pytest.raises(SpecError, match="add `--workbook FILE`"):
        diagnose(DiagnosisRequest("Ha Noi", 2024, spec=SPEC))


def test_a_pending_folder_that_cannot_be_written_stays_pending(
    survey_file: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder's parent should be\n")
    first = store_run(SPEC, survey_file, IndexParameters(), tmp_path / "out", store)
    # As a kill after the commit would leave it, for a folder that cannot be written.
    with duckdb.connect(str(store)) as connection:
        connection.execute(
            "INSERT INTO pending_folders VALUES (?, ?, 'then')",
            [first.manifest.run_id, str(blocker / "out")],
        )
    again = store_run(SPEC, survey_file, IndexParameters(), tmp_path / "again", store)
    assert again.reused
    with RunStore(store, read_only=True) as opened:
        assert opened.pending_folders() == ((first.manifest.run_id, blocker / "out"),)
