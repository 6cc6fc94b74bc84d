"""The weight plausibility thresholds of ``govindex run`` are recorded in the run's manifest."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from tests.cli.conftest import Invoke
from tests.cli.test_run import SPEC, survey_file  # noqa: F401  (the module's survey fixture)

from govindex.storage import RunStore


def test_the_thresholds_are_recorded_and_a_stricter_check_is_not_skipped(
    invoke: Invoke,
    survey_file: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.duckdb"
    first = invoke("run", SPEC, survey_file, "--out", tmp_path / "a", "--store", store,
                   "--weight-ratio-stratum", "250", "--weight-ratio-design", "5000")  # fmt: skip
    assert first.exit_code == 0, first.output
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    recorded = {"weight_plausibility": {"stratum_ratio": 250.0, "design_ratio": 5000.0}}
    assert manifest["parameters"]["validation"] == recorded
    with RunStore(store, read_only=True) as opened:
        assert dict(opened.get_run(manifest["run_id"]).parameters)["validation"] == recorded

    # The same inputs checked with thresholds that refuse their weights: checked, refused.
    weights = pl.read_csv(survey_file, columns=["weight"])["weight"]
    spread = float(weights.max() / weights.median())
    strict = invoke("run", SPEC, survey_file, "--out", tmp_path / "b", "--store", store,
                    "--weight-ratio-design", str(max(1.01, spread / 2)))  # fmt: skip
    assert strict.exit_code == 1, strict.output
    assert "weight" in strict.output
    assert not (tmp_path / "b").exists()

    # The thresholds decide acceptance, not numbers: the defaults give the same run id.
    default = invoke("run", SPEC, survey_file, "--out", tmp_path / "c", "--store", store)
    assert default.exit_code == 0, default.output
    again = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert again["run_id"] == manifest["run_id"]
    assert again["parameters"]["validation"]["weight_plausibility"]["stratum_ratio"] == 100.0


def test_the_greedy_suppression_rule_is_chosen_on_the_command_line_and_recorded(
    invoke: Invoke,
    survey_file: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.duckdb"
    result = invoke("run", SPEC, survey_file, "--out", tmp_path / "g", "--store", store,
                    "--suppression-rule", "greedy")  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "g" / "manifest.json").read_text())
    assert manifest["parameters"]["index"]["disclosure"]["rule"] == "greedy"
    assert manifest["parameters"]["disclosure"]["passed"] is True
    refused = invoke("run", SPEC, survey_file, "--out", tmp_path / "h", "--store", store,
                     "--suppression-rule", "optimal")  # fmt: skip
    assert refused.exit_code == 2
    assert "--suppression-rule" in refused.output
