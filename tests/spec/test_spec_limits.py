"""Specs refused before parsing: too large, nested too deeply, or a folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from govindex.errors import SpecError
from govindex.spec import load_spec, spec_from_text
from govindex.spec.load import SPEC_SIZE_VARIABLE, read_spec_bytes, spec_size_limit


def test_a_200_megabyte_spec_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk is used
    started = time.perf_counter()
    with pytest.raises(SpecError) as caught:
        load_spec(big)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5
    assert caught.value.message == (
        f"spec file `{big}` is 200.0 MB, more than the limit of 16 MB for a spec."
    )
    assert (
        caught.value.hint
        == f"if this really is a spec, raise the limit: {SPEC_SIZE_VARIABLE}=<MB>."
    )


def test_the_limit_can_be_raised_and_must_be_positive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(b"x" * 2_000_000)
    monkeypatch.setenv(SPEC_SIZE_VARIABLE, "1")
    with pytest.raises(SpecError, match="more than the limit of 1 MB"):
        read_spec_bytes(spec)
    monkeypatch.setenv(SPEC_SIZE_VARIABLE, "3")
    assert len(read_spec_bytes(spec)) == 2_000_000
    monkeypatch.setenv(SPEC_SIZE_VARIABLE, "none")
    with pytest.raises(SpecError, match="must be a positive number of MB; found `none`"):
        spec_size_limit()


def test_a_folder_given_as_the_spec_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="it is a folder; expected a YAML file"):
        load_spec(tmp_path)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a: " + "[" * 100_000 + "]" * 100_000, "100000 levels of brackets"),
        ("a: " + "{b: " * 5_000 + "1" + "}" * 5_000, "5000 levels of brackets"),
        ("".join(" " * level + "a:\n" for level in range(2_000)) + " " * 2_000 + "b\n",
         "content at column 2000"),
    ],
)  # fmt: skip
def test_deeply_nested_yaml_is_refused_without_crashing(text: str, found: str) -> None:
    # Parsed as it stood, the first of these crashed the interpreter (libyaml recursion).
    with pytest.raises(SpecError) as caught:
        spec_from_text(text, source="deep.yaml")
    assert caught.value.message.startswith(
        "`deep.yaml` nests lists or mappings far too deeply to be a spec"
    )
    assert caught.value.found == found


def test_ordinary_nesting_is_still_read() -> None:
    with pytest.raises(SpecError, match="is not a valid index spec"):
        spec_from_text("spec_version: '1'\nx: [[[1]]]\n", source="shallow.yaml")
