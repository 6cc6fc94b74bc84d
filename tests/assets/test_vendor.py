"""The vendored Vega scripts are present, real builds, pinned, and credited."""

from __future__ import annotations

import pytest
from tests.assets.asset_paths import REPOSITORY, VENDOR

# Smallest believable size of each minified build (the real ones are 60 kB to 510 kB).
MINIMUM_BYTES = {
    "vega.min.js": 300_000,
    "vega-lite.min.js": 150_000,
    "vega-embed.min.js": 40_000,
    "swagger-ui-bundle.js": 1_000_000,
    "swagger-ui.css": 100_000,
}
LICENCE_WORDS = {
    "swagger-ui-dist": "Apache License",
}


def versions() -> list[tuple[str, str, str, str]]:
    lines = (VENDOR / "VERSIONS.txt").read_text(encoding="utf-8").splitlines()
    rows = [line.split() for line in lines if line and not line.startswith("#")]
    return [(name, version, file, integrity) for name, version, file, integrity in rows]


def test_versions_list_every_vendored_package() -> None:
    assert [row[0] for row in versions()] == [
        "vega",
        "vega-lite",
        "vega-embed",
        "swagger-ui-dist",
        "swagger-ui-dist",
    ]
    assert all(row[3].startswith("sha512-") for row in versions())


@pytest.mark.parametrize(("name", "version", "file", "integrity"), versions())
def test_vendored_build_is_a_real_script(
    name: str, version: str, file: str, integrity: str
) -> None:
    script = VENDOR / file
    assert script.stat().st_size > MINIMUM_BYTES[file]
    text = script.read_text(encoding="utf-8")
    # An error page saved in place of the script would start with markup.
    assert not text.lstrip().startswith("<")
    assert "<script" not in text[:1000]
    if file.endswith(".js"):
        assert version in text
    licence = (VENDOR / f"LICENSE-{name}.txt").read_text(encoding="utf-8")
    assert LICENCE_WORDS.get(name, "Redistribution and use") in licence


def test_notices_credit_every_vendored_package_and_the_maps() -> None:
    notices = (REPOSITORY / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")
    assert "ODbL" in notices
    assert "BSD-3-Clause" in notices or "BSD 3-Clause" in notices
    assert "Apache-2.0" in notices
    for name, version, _, _ in versions():
        assert f"| {name} | {version} |" in notices
