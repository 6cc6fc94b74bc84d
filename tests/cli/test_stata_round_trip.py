"""A SYNTHETIC survey written as Stata ``.dta`` runs to the same scores as its CSV.

Regression test: 41 of the 151 codebook item ids are longer than Stata's 32 characters, so
the ``.dta`` that ``synth`` wrote could not be ``run``. Names are now shortened uniquely,
the full id kept as the variable label, and the reader restores it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pyreadstat
import pytest
from tests.cli.conftest import Invoke
from tests.conftest import PAPI_DATA

from govindex.ingest import read_table
from govindex.spec import load_spec
from govindex.synthetic import load_size_classes, province_table, synthesise_papi
from govindex.synthetic.output import write_survey

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"
CHOSEN = ["Ha Noi", "Bac Kan", "Lao Cai", "Ben Tre", "Da Nang"]


@pytest.fixture(scope="module")
def surveys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One SYNTHETIC survey of 5 provinces written as CSV and as Stata."""
    spec = load_spec(SPEC)
    published = pl.read_csv(PAPI_DATA / "published_scores.csv")
    provinces = province_table(published["province"].unique(), load_size_classes())
    survey = synthesise_papi(spec, seed=5, targets=published, provinces=provinces)
    survey = replace(survey, microdata=survey.microdata.filter(pl.col("province").is_in(CHOSEN)))
    folder = tmp_path_factory.mktemp("stata")
    paths = {suffix: folder / f"survey.{suffix}" for suffix in ("csv", "dta")}
    for path in paths.values():
        write_survey(survey, path)
    return paths


def test_stata_names_are_short_unique_and_labelled(surveys: dict[str, Path]) -> None:
    _, meta = pyreadstat.read_dta(str(surveys["dta"]), metadataonly=True)
    names = list(meta.column_names)
    assert max(len(name) for name in names) <= 32
    assert len(set(names)) == len(names)
    long_ids = [item.id for item in load_spec(SPEC).codebook.items if len(item.id) > 32]
    assert len(long_ids) == 41
    assert set(long_ids) <= set(meta.column_labels)
    assert meta.file_label.startswith("SYNTHETIC")


def test_reader_restores_the_full_names(surveys: dict[str, Path]) -> None:
    stata = read_table(surveys["dta"]).frame
    text = read_table(surveys["csv"]).frame
    # The CSV carries a `synthetic` column; the Stata file says SYNTHETIC in its file label.
    assert set(text.columns) - set(stata.columns) == {"synthetic"}
    assert stata.height == text.height
    long_id = next(item.id for item in load_spec(SPEC).codebook.items if len(item.id) > 32)
    assert stata[long_id].cast(pl.Float64).equals(text[long_id].cast(pl.Float64))


def test_stata_file_runs_to_the_same_scores_as_csv(
    invoke: Invoke, surveys: dict[str, Path], tmp_path: Path
) -> None:
    scores = {}
    for suffix, path in surveys.items():
        out = tmp_path / f"out_{suffix}"
        result = invoke(
            "run", SPEC, path, "--out", out, "--store", tmp_path / f"{suffix}.duckdb",
            "--variance", "taylor",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "SYNTHETIC" in result.output
        scores[suffix] = pl.read_csv(out / "scores.csv")
    columns = [name for name in scores["csv"].columns if name not in ("run_id", "provenance")]
    assert scores["csv"].height > 0
    assert scores["dta"].select(columns).equals(scores["csv"].select(columns))
