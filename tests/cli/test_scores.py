"""``govindex scores``: every published value, withheld values as withheld, filters and names."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA
from typer.testing import Result

from govindex.official import former_province_populations
from govindex.official.schema import load_dimensions

Invoke = Callable[..., Result]
KEYS = ["year", "province", "level", "code"]


def read_csv_output(result: Result) -> pl.DataFrame:
    assert result.exit_code == 0, result.stderr
    return pl.read_csv(io.StringIO(result.stdout), infer_schema_length=None)


def published_rows() -> pl.DataFrame:
    codes = {dimension.name: dimension.code for dimension in load_dimensions()}
    frame = pl.read_csv(PAPI_DATA / "published_scores.csv")
    is_total = pl.col("dimension").str.starts_with("total")
    return frame.select(
        "year",
        "province",
        pl.when(is_total).then(pl.lit("total")).otherwise(pl.lit("dimension")).alias("level"),
        pl.when(is_total)
        .then(pl.col("dimension"))
        .otherwise(pl.col("dimension").replace_strict(codes, default=None))
        .alias("code"),
        pl.col("score").cast(pl.Float64),
    )


def test_published_scores_return_every_published_value(invoke: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    result = invoke("scores", "--source", "published", "--format", "csv", "--store", store)
    note_lines = result.stderr.splitlines()
    assert len(note_lines) == 1
    assert note_lines[0].startswith("note: loaded the official PAPI record bundled with govindex")
    output = read_csv_output(result)
    expected = published_rows()
    joined = expected.join(output, on=KEYS, how="left")
    assert joined.height == expected.height == 7026
    assert joined["estimate"].null_count() == 0
    assert (joined["estimate"] - joined["score"]).abs().max() < 1e-6  # type: ignore[operator]
    assert not joined["withheld"].any()
    # Withheld values are listed, with a null estimate and the withheld flag.
    published_codes = expected.select("year", "level", "code").unique()
    withheld = output.join(published_codes, on=["year", "level", "code"]).join(
        expected, on=KEYS, how="anti"
    )
    assert withheld.height > 0
    assert withheld["withheld"].all()
    assert withheld["estimate"].null_count() == withheld.height
    assert {
        "run_id",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "rank",
        "rank_low",
        "rank_high",
        "group",
        "suppressed",
        "source_file",
        "source_row",
        "synthetic",
    } <= set(output.columns)

    again = invoke("scores", "--source", "published", "--format", "csv", "--store", store)
    assert again.stderr == ""  # the record is loaded only once
    assert read_csv_output(again).height == output.height


@pytest.mark.parametrize("name", ["Thừa Thiên Huế", "thua thien hue", "Thành phố Huế", "HUE"])
def test_province_names_old_new_and_without_diacritics(
    invoke: Invoke, tmp_path: Path, name: str
) -> None:
    result = invoke(
        "scores",
        "--source",
        "published",
        "--year",
        "2023",
        "--level",
        "total",
        "--province",
        name,
        "--format",
        "json",
        "--store",
        tmp_path / "s.duckdb",
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["province"] for row in rows] == ["Thua Thien-Hue"]
    assert rows[0]["rank"] == 1


def test_merged_2025_unit_stands_for_its_former_provinces(invoke: Invoke, tmp_path: Path) -> None:
    mapping = pl.read_csv(PAPI_DATA / "province_mapping_2025.csv")
    old_names = set(mapping["old_province"])
    merged = mapping.filter(~pl.col("new_province").is_in(list(old_names)))
    unit = merged["new_province"][0]
    formers = set(merged.filter(pl.col("new_province") == unit)["old_province"])
    result = invoke(
        "scores",
        "--source",
        "published",
        "--year",
        "2024",
        "--level",
        "total",
        "--province",
        unit,
        "--format",
        "csv",
        "--store",
        tmp_path / "s.duckdb",
    )
    assert set(read_csv_output(result)["province"]) == formers


def test_unknown_province_is_one_error_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("scores", "--province", "Atlantis", "--store", tmp_path / "s.duckdb")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        "error: `Atlantis` is not a PAPI province (old or 2025 name)."
    )


def test_table_output_and_empty_result(invoke: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    table = invoke(
        "scores", "--source", "published", "--year", "2014", "--level", "total", "--store", store
    )
    assert table.exit_code == 0, table.stderr
    assert "63 score(s) from 1 run(s)" in table.stdout
    assert "Bac Giang" in table.stdout
    empty = invoke("scores", "--source", "microdata", "--store", store)
    assert empty.exit_code == 0
    assert "note: no stored scores match" in empty.stderr


def test_unknown_run_is_one_error_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("scores", "--run", "feedfacefeedface", "--store", tmp_path / "s.duckdb")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(
        "error: no stored run has id `feedfacefeedface`"
    )


def test_geography_34_derives_census_weighted_units(invoke: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    arguments = ("--source", "published", "--level", "total", "--format", "csv")
    units = read_csv_output(
        invoke("scores", *arguments, "--year", "2023", "--geography", "34", "--store", store)
    )
    provinces = read_csv_output(invoke("scores", *arguments, "--year", "2023", "--store", store))
    assert units["unit"].n_unique() == 34
    assert units["derived"].all()
    census = dict(former_province_populations().select("province", "population").iter_rows())
    mapping = pl.read_csv(PAPI_DATA / "province_mapping_2025.csv")
    # Tuyen Quang absorbed Ha Giang; both published a 2023 total with an SE.
    formers = mapping.filter(new_province="Tuyen Quang")["old_province"].to_list()
    for code in units["code"].unique():
        shown = units.filter(unit="Tuyen Quang", code=code).row(0, named=True)
        rows = provinces.filter(pl.col("province").is_in(formers), code=code)
        weights = [census[name] / sum(census[f] for f in formers) for name in rows["province"]]
        value = sum(w * v for w, v in zip(weights, rows["estimate"], strict=True))
        spread = sum(w**2 * se**2 for w, se in zip(weights, rows["se"], strict=True)) ** 0.5
        assert shown["estimate"] == pytest.approx(value, rel=1e-12)
        assert shown["se"] == pytest.approx(spread, rel=1e-12)
        assert shown["ci_high"] - shown["estimate"] == pytest.approx(1.959963984540054 * spread)
    # A unit named by one of its former provinces (diacritics optional).
    chosen = ("--year", "2024", "--geography", "34", "--province", "Vĩnh Phúc")
    one = read_csv_output(invoke("scores", *arguments, *chosen, "--store", store))
    assert set(one["unit"]) == {"Phu Tho"}
    assert one["incomplete"].all()  # Vinh Phuc was withheld in 2024
    assert one["estimate"].is_null().all()
