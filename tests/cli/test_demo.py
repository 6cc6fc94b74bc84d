"""``govindex demo`` builds the store and the SYNTHETIC survey on a fresh folder."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from govindex.cli import app


def test_demo_loads_the_official_record_and_writes_a_labelled_synthetic_survey(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.duckdb"
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--store", str(store), "--out", str(out), "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    assert "Quang Ninh" in result.output  # the highest official 2024 total
    assert "SYNTHETIC survey" in result.output
    survey = out / "papi-2024-synthetic.parquet"
    metadata = pl.read_parquet_metadata(survey)
    assert metadata["govindex.synthetic"] == "true"
    assert pl.read_parquet(survey, columns=["province"]).height > 18_000
    listing = CliRunner().invoke(app, ["runs", "list", "--store", str(store), "--format", "csv"])
    assert listing.exit_code == 0
    assert listing.output.count("published") >= 14
    assert "microdata" in listing.output
    assert "SYNTHETIC run" in result.output
    # Every instrument has a SYNTHETIC run in the same store.
    assert "assessment" in listing.output  # the PAR Index
    assert "records" in listing.output  # the one-stop 766 index
    for label in ("SIPAS 2024", "PAR Index 2024", "one-stop 766 index 2025 (weeks, months"):
        assert f"SYNTHETIC {label}" in result.output, label
    scores = pl.read_csv(out / "run" / "scores.csv")
    assert scores["synthetic"].all()
    assert set(scores["level"].unique()) >= {"indicator", "subdimension", "dimension", "total"}
    again = CliRunner().invoke(
        app, ["demo", "--store", str(store), "--out", str(out), "--no-serve"]
    )
    assert again.exit_code == 0, again.output
