"""Run manifests: content-derived ids, frozen values and a lossless stored form."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from govindex.errors import SpecError
from govindex.manifest import RunManifest, hash_frame, make_run_id


def test_run_id_depends_on_content_not_time() -> None:
    first = RunManifest.create(
        kind="microdata", spec_hash="s", data_hash="d", parameters={"a": 1}, source="x", seed=3
    )
    again = RunManifest.create(
        kind="microdata", spec_hash="s", data_hash="d", parameters={"a": 1}, source="y", seed=3
    )
    assert first.run_id == again.run_id
    for change in ({"data_hash": "e"}, {"spec_hash": "t"}, {"parameters": {"a": 2}}, {"seed": 4}):
        arguments = {
            "kind": "microdata",
            "spec_hash": "s",
            "data_hash": "d",
            "parameters": {"a": 1},
            "seed": 3,
            **change,
        }
        assert make_run_id(**arguments) != first.run_id  # type: ignore[arg-type]


def test_manifest_is_frozen_and_round_trips() -> None:
    manifest = RunManifest.create(
        kind="published", spec_hash="s", data_hash="d", parameters={"year": 2024}, source="x"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        manifest.run_id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        manifest.parameters["year"] = 2023  # type: ignore[index]
    assert RunManifest.from_dict(manifest.to_dict()) == manifest
    assert manifest.created_at.endswith("+00:00")
    assert {"govindex", "numpy", "polars", "duckdb"} <= set(manifest.package_versions)


def test_bad_kind_and_parameters_are_refused() -> None:
    with pytest.raises(SpecError, match="run `kind` must be one of"):
        RunManifest.create(
            kind="guess",  # type: ignore[arg-type]
            spec_hash="s",
            data_hash="d",
            parameters={},
            source="x",
        )
    with pytest.raises(SpecError, match="plain JSON values"):
        RunManifest.create(
            kind="published", spec_hash="s", data_hash="d", parameters={"f": object()}, source="x"
        )


def test_hash_frame_sees_values_and_types() -> None:
    base = pl.DataFrame({"a": [1, 2]})
    assert hash_frame(base) != hash_frame(pl.DataFrame({"a": [1, 3]}))
    assert hash_frame(base) != hash_frame(base.cast({"a": pl.Float64}))


def test_run_id_does_not_depend_on_where_the_input_files_lie() -> None:
    arguments = {"kind": "microdata", "spec_hash": "s", "data_hash": "d", "seed": 3}
    here = make_run_id(
        **arguments,  # type: ignore[arg-type]
        parameters={"a": 1, "inputs": {"data": "/home/a/survey.parquet", "spec": "/x/p.yaml"}},
    )
    there = make_run_id(
        **arguments,  # type: ignore[arg-type]
        parameters={"a": 1, "inputs": {"data": "/tmp/b/survey.parquet", "spec": "/y/p.yaml"}},
    )
    assert here == there
    assert here != make_run_id(**arguments, parameters={"a": 2, "inputs": {}})  # type: ignore[arg-type]
