"""Synthetic files are marked synthetic in every format, and the same seed gives the same bytes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pyreadstat
import pytest
from tests.conftest import PAPI_DATA
from tests.synthetic.conftest import SPEC
from typer.testing import CliRunner

from govindex.cli import app
from govindex.spec import IndexSpec
from govindex.synthetic import SyntheticSurvey, synthesise_papi
from govindex.synthetic.output import FILE_LABEL, write_survey


@pytest.fixture
def small(survey: SyntheticSurvey) -> SyntheticSurvey:
    """The first 300 respondents: enough to check the file formats quickly."""
    return replace(survey, microdata=survey.microdata.head(300))


def test_csv_has_a_synthetic_column_and_a_sidecar(small: SyntheticSurvey, tmp_path: Path) -> None:
    path = tmp_path / "papi.csv"
    written = write_survey(small, path)
    assert written == (path, tmp_path / "papi.csv.meta.json")
    data = pl.read_csv(path)
    assert data["synthetic"].all()
    metadata = json.loads(written[1].read_text(encoding="utf-8"))
    assert metadata["synthetic"] is True
    assert metadata["seed"] == small.metadata["seed"]


def test_parquet_carries_the_synthetic_key(small: SyntheticSurvey, tmp_path: Path) -> None:
    path = tmp_path / "papi.parquet"
    write_survey(small, path)
    metadata = pl.read_parquet_metadata(path)  # the file's key-value metadata
    assert metadata["govindex.synthetic"] == "true"
    assert json.loads(metadata["govindex.metadata"])["synthetic"] is True
    assert pl.read_parquet(path).equals(small.microdata)


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_spss_and_stata_file_labels_say_synthetic(
    small: SyntheticSurvey, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"papi{suffix}"
    write_survey(small, path)
    reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
    frame, metadata = reader(str(path))
    assert metadata.file_label.startswith("SYNTHETIC govindex data")
    assert FILE_LABEL.startswith(metadata.file_label[:20])
    assert frame.shape == small.microdata.shape


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".sav", ".dta"])
def test_same_survey_same_bytes(small: SyntheticSurvey, tmp_path: Path, suffix: str) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    write_survey(small, first)
    write_survey(small, second)
    assert first.read_bytes() == second.read_bytes()


def test_same_seed_same_survey(
    spec: IndexSpec, published: pl.DataFrame, provinces: pl.DataFrame, survey: SyntheticSurvey
) -> None:
    again = synthesise_papi(
        spec, seed=survey.metadata["seed"], targets=published, provinces=provinces
    )
    assert again.microdata.equals(survey.microdata)
    other = synthesise_papi(spec, seed=1, targets=published, provinces=provinces)
    assert not other.microdata.equals(survey.microdata)


def test_cli_writes_identical_files_for_one_seed(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("a.csv", "b.csv"):
        out = tmp_path / name
        result = runner.invoke(
            app,
            [
                "synth",
                "--year",
                "2024",
                "--seed",
                "7",
                "--out",
                str(out),
                "--spec",
                str(SPEC),
                "--papi-data",
                str(PAPI_DATA),
            ],
        )
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert "SYNTHETIC" in result.output
    assert "18636 respondents" in result.output
    assert (tmp_path / "a.csv.meta.json").exists()


def test_cli_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "a.xlsx"),
            "--spec",
            str(SPEC),
            "--papi-data",
            str(PAPI_DATA),
        ],
    )
    assert result.exit_code == 1
