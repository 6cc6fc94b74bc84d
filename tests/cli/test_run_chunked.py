"""``govindex run --chunk-rows``: the file read in row chunks gives the whole-file run's scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from tests.cli.conftest import Invoke
from tests.cli.test_run import SPEC, survey_file

__all__ = ["survey_file"]  # the module fixture, shared with test_run

# The per-PSU sums are added in another order than the whole-file path adds them.
TOLERANCE = 1e-12
CHUNK = "313"  # rows: chunks cut through PSUs and provinces, the last one is short


def run(invoke: Invoke, data: Path, folder: Path, *extra: str) -> tuple[int, str]:
    result = invoke(
        "run", SPEC, data, "--out", folder / "out", "--store", folder / "store.duckdb", *extra
    )
    return result.exit_code, result.output


def assert_same_scores(left: Path, right: Path) -> None:
    one, other = pl.read_csv(left / "scores.csv"), pl.read_csv(right / "scores.csv")
    assert one.columns == other.columns
    assert one.height == other.height
    for column in one.columns:
        if one[column].dtype.is_float():
            a, b = one[column].to_numpy(), other[column].to_numpy()
            assert np.array_equal(np.isnan(a), np.isnan(b)), column
            gap = np.where(np.isnan(a), 0.0, np.abs(a - b) / np.maximum(np.abs(a), 1.0))
            assert gap.max(initial=0.0) <= TOLERANCE, (column, gap.max())
        else:
            assert one[column].to_list() == other[column].to_list(), column


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_chunked_run_gives_the_whole_file_scores(
    invoke: Invoke, survey_file: Path, tmp_path: Path, suffix: str
) -> None:
    data = survey_file
    if suffix == ".parquet":
        data = tmp_path / "survey.parquet"
        pl.read_csv(survey_file).write_parquet(data)
    code, output = run(invoke, data, tmp_path / "whole")
    assert code == 0, output
    code, output = run(invoke, data, tmp_path / "chunked", "--chunk-rows", CHUNK)
    assert code == 0, output
    assert_same_scores(tmp_path / "whole" / "out", tmp_path / "chunked" / "out")
    manifest = json.loads((tmp_path / "chunked" / "out" / "manifest.json").read_text())
    whole = json.loads((tmp_path / "whole" / "out" / "manifest.json").read_text())
    assert manifest["parameters"]["inputs"]["chunk_rows"] == int(CHUNK)
    assert manifest["synthetic"] is whole["synthetic"] is True


def test_chunked_run_reruns_bit_for_bit(invoke: Invoke, survey_file: Path, tmp_path: Path) -> None:
    code, output = run(invoke, survey_file, tmp_path, "--chunk-rows", CHUNK)
    assert code == 0, output
    run_id = json.loads((tmp_path / "out" / "manifest.json").read_text())["run_id"]
    result = invoke("rerun", run_id, "--store", tmp_path / "store.duckdb")
    assert result.exit_code == 0, result.output
    assert "bit for bit" in result.output


def test_an_id_repeated_in_another_chunk_is_refused(
    invoke: Invoke, survey_file: Path, tmp_path: Path
) -> None:
    frame = pl.read_csv(survey_file)
    first = frame["respondent_id"][0]
    last_row = frame.height - 1
    repeated = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == last_row)
        .then(pl.lit(first))
        .otherwise(pl.col("respondent_id"))
        .alias("respondent_id")
    )
    data = tmp_path / "repeated.parquet"
    repeated.write_parquet(data)
    code, output = run(invoke, data, tmp_path, "--chunk-rows", CHUNK)
    assert code != 0
    assert "respondent_id" in output
    assert f"`{first}`" in output
    assert "Traceback" not in output


def test_a_bad_answer_is_reported_at_its_file_row(
    invoke: Invoke, survey_file: Path, tmp_path: Path
) -> None:
    frame = pl.read_csv(survey_file)
    weights = frame["weight"].to_list()
    row = 1_000  # 0-based: file row 1,001, in the fourth chunk
    weights[row] = -5.0
    data = tmp_path / "bad.parquet"
    frame.with_columns(pl.Series("weight", weights)).write_parquet(data)
    code, output = run(invoke, data, tmp_path, "--chunk-rows", CHUNK)
    assert code != 0
    assert "1001" in output.replace(",", "")
    assert "weight" in output
    assert "Traceback" not in output


def test_chunked_taylor_run_gives_the_whole_file_scores(
    invoke: Invoke, survey_file: Path, tmp_path: Path
) -> None:
    taylor = ("--variance", "taylor")
    code, output = run(invoke, survey_file, tmp_path / "whole", *taylor)
    assert code == 0, output
    code, output = run(invoke, survey_file, tmp_path / "chunked", "--chunk-rows", CHUNK, *taylor)
    assert code == 0, output
    assert_same_scores(tmp_path / "whole" / "out", tmp_path / "chunked" / "out")
    manifest = json.loads((tmp_path / "chunked" / "out" / "manifest.json").read_text())
    assert manifest["parameters"]["index"]["variance"] == "taylor"
    assert manifest["parameters"]["inputs"]["chunk_rows"] == int(CHUNK)


def test_automatic_chunk_rows_follow_the_memory_budget(
    invoke: Invoke, survey_file: Path, tmp_path: Path
) -> None:
    from govindex.application.chunk_size import FILE_ROW_BYTES, FIXED_BYTES, file_shape

    data = tmp_path / "survey.parquet"
    pl.read_csv(survey_file).write_parquet(data)
    _, rows = file_shape(data)
    assert rows == pl.read_parquet(data).height
    wanted = rows // 2 + 7  # two chunks, the second one short
    code, output = run(invoke, data, tmp_path / "whole")
    assert code == 0, output
    # The run's own estimate of a chunk row's bytes (from the file's columns and the
    # spec's indicators), then a budget of the fixed part, the whole-file checks and
    # exactly `wanted` chunk rows.
    probe_code, probe = run(invoke, data, tmp_path / "probe", "--chunk-rows", "auto")
    assert probe_code == 0, probe
    probe_inputs = json.loads((tmp_path / "probe" / "out" / "manifest.json").read_text())[
        "parameters"
    ]["inputs"]
    per_row = probe_inputs["chunk_row_bytes_estimate"]
    budget = FIXED_BYTES + FILE_ROW_BYTES * rows + wanted * per_row
    code, output = run(invoke, data, tmp_path / "auto", "--memory", str(budget))
    assert code == 0, output
    assert_same_scores(tmp_path / "whole" / "out", tmp_path / "auto" / "out")
    inputs = json.loads((tmp_path / "auto" / "out" / "manifest.json").read_text())["parameters"][
        "inputs"
    ]
    assert inputs["chunk_rows"] == wanted < rows
    assert inputs["chunk_rows_rule"] == "auto"
    assert inputs["memory_budget_bytes"] == budget
    assert inputs["file_rows_estimate"] == rows
    # Without --memory, half the available memory: the whole small file in one chunk.
    assert probe_inputs["chunk_rows"] == rows


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--chunk-rows", "many"), "--chunk-rows `many`"),
        (("--chunk-rows", "0"), "at least 1"),
        (("--memory", "plenty"), "--memory `plenty`"),
        (("--memory", "1M"), "too little for this file"),
        (("--memory", "2G", "--chunk-rows", "500"), "cannot be combined"),
    ],
)
def test_chunk_options_are_refused_in_one_line(
    invoke: Invoke, survey_file: Path, tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    code, output = run(invoke, survey_file, tmp_path, *extra)
    assert code != 0
    assert message in output
    assert "Traceback" not in output
