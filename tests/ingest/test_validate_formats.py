"""Every readable format validates the same way: CSV, Parquet, SPSS, Stata and Excel."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from govindex.ingest import read_table, validate_microdata
from govindex.spec import IndexSpec

SUFFIXES = (".csv", ".parquet", ".sav", ".dta", ".xlsx")


def write(frame: pl.DataFrame, path: Path) -> Path:
    """Write ``frame`` in the format ``path``'s suffix names (SPSS with value labels)."""
    suffix = path.suffix
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".xlsx":
        frame.write_excel(path)
    else:
        import pyreadstat

        data = frame.to_pandas()
        if suffix == ".sav":
            labels = {"village_head_elected": {0: "No", 1: "Yes", -8: "Don't know"}}
            pyreadstat.write_sav(data, str(path), variable_value_labels=labels)
        else:
            pyreadstat.write_dta(data, str(path))
    return path


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_clean_file_in_every_format(
    suffix: str, tmp_path: Path, small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    table = read_table(write(small_frame, tmp_path / f"survey{suffix}"))
    report = validate_microdata(small_spec, table)
    assert report.ok, [issue.describe() for issue in report.issues]
    assert report.findings == ()


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_problems_found_in_every_format(
    suffix: str, tmp_path: Path, small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    broken = small_frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(9)
        .otherwise(pl.col("impact_land_plan_families"))
        .alias("impact_land_plan_families"),
        pl.when(pl.int_range(pl.len()) == 4).then(None).otherwise(pl.col("weight")).alias("weight"),
    )
    path = write(broken, tmp_path / f"survey{suffix}")
    report = validate_microdata(small_spec, read_table(path))
    assert {(issue.row, issue.column) for issue in report.issues} == {
        (2, "impact_land_plan_families"),
        (5, "weight"),
    }
    assert all(issue.where == str(path) for issue in report.issues)


def test_text_in_a_csv_number_column(
    tmp_path: Path, small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    path = tmp_path / "survey.csv"
    text = small_frame.write_csv().splitlines()
    header = text[0].split(",")
    cells = text[3].split(",")
    cells[header.index("drinking_water_source")] = "well"
    text[3] = ",".join(cells)
    path.write_text("\n".join(text) + "\n")
    report = validate_microdata(small_spec, read_table(path))
    (issue,) = report.issues
    assert (issue.row, issue.column, issue.found) == (3, "drinking_water_source", "'well'")
    assert "wrong type" in issue.message


def test_spss_value_labels_are_kept(
    tmp_path: Path, small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    table = read_table(write(small_frame, tmp_path / "survey.sav"))
    assert validate_microdata(small_spec, table).ok
    assert table.value_labels["village_head_elected"]["1.0"] == "Yes"
