"""The spec cache: the same model as parsing the YAML, keyed by content, never required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govindex.application.spec_cache import CACHE_VARIABLE, load_spec_cached, spec_cache_key
from govindex.errors import SpecError
from govindex.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_VARIABLE, str(folder))
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "specs").glob("*.json"))


def test_first_read_writes_an_entry_and_the_second_read_returns_the_same_model(
    cache: Path,
) -> None:
    parsed = load_spec(SPEC)
    first = load_spec_cached(SPEC)
    entries = _entries(cache)
    assert len(entries) == 1
    assert entries[0].stem == spec_cache_key(SPEC.read_bytes())
    second = load_spec_cached(SPEC)
    assert first == parsed
    assert second == parsed
    assert not list((cache / "specs").glob(".spec-*"))  # no temporary file left behind


def test_the_cached_entry_is_what_is_read_back(cache: Path) -> None:
    load_spec_cached(SPEC)
    (entry,) = _entries(cache)
    document = json.loads(entry.read_text(encoding="utf-8"))
    document["index"]["name"]["en"] = "Read from the cache"
    entry.write_text(json.dumps(document), encoding="utf-8")
    assert load_spec_cached(SPEC).index.name.en == "Read from the cache"


def test_an_edited_spec_gets_a_new_entry(cache: Path, tmp_path: Path) -> None:
    copy = tmp_path / "papi-edited.yaml"
    copy.write_bytes(SPEC.read_bytes())
    original = load_spec_cached(copy)
    text = copy.read_text(encoding="utf-8")
    copy.write_text(
        text.replace(f"en: {original.index.name.en}", "en: Edited", 1), encoding="utf-8"
    )
    assert load_spec_cached(copy).index.name.en == "Edited"
    assert len(_entries(cache)) == 2


def test_a_corrupt_entry_is_replaced_by_parsing_the_yaml(cache: Path) -> None:
    load_spec_cached(SPEC)
    (entry,) = _entries(cache)
    entry.write_text("{not json", encoding="utf-8")
    assert load_spec_cached(SPEC) == load_spec(SPEC)
    json.loads(entry.read_text(encoding="utf-8"))  # rewritten whole


def test_an_unwritable_cache_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_VARIABLE, str(blocker / "cache"))
    assert load_spec_cached(SPEC) == load_spec(SPEC)


def test_an_invalid_spec_fails_as_load_spec_does(cache: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("spec_version: [\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"`broken\.yaml` is not valid YAML"):
        load_spec_cached(broken)
    duplicated = tmp_path / "twice.yaml"
    duplicated.write_text("spec_version: '1'\nspec_version: '1'\n", encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_spec_cached(duplicated)
    assert any("appears twice" in issue.message for issue in raised.value.issues)
    assert not _entries(cache)
    with pytest.raises(SpecError, match="cannot read spec file"):
        load_spec_cached(tmp_path / "absent.yaml")
