"""The static export written by worker processes with chart templates is the export one
process writes with every chart built through Altair: the same files, byte for byte; a
failing worker leaves nothing behind."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from govindex.charts.chart_template import templates_switched_off
from govindex.errors import GovIndexError
from govindex.views import Dashboard
from govindex.web import static_site
from govindex.web.addresses import Language, PageAddress
from govindex.web.static_site import export_site, plan_site

_PER_KIND = {"overview": 6, "profile": 6, "indicator": 2, "runs": 1}


def _small_plan(
    dashboard: Dashboard, languages: list[Language], years: list[int] | None = None
) -> dict[PageAddress, str]:
    """Several pages of each kind, so that later pages are filled into earlier templates."""
    chosen: dict[PageAddress, str] = {}
    counts: dict[str, int] = {}
    for address, path in plan_site(dashboard, languages, years).items():
        if counts.get(address.kind, 0) < _PER_KIND[address.kind]:
            chosen[address] = path
            counts[address.kind] = counts.get(address.kind, 0) + 1
    return chosen


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_workers_with_templates_write_the_site_one_process_writes_without(
    dashboard: Dashboard, web_store: tuple[Path, str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(static_site, "plan_site", _small_plan)
    with templates_switched_off():
        reference = export_site(dashboard, tmp_path / "reference", ["vi", "en"], years=[2024])
    parallel = export_site(
        dashboard,
        tmp_path / "parallel",
        ["vi", "en"],
        years=[2024],
        store=web_store[0],
        workers=2,
    )
    assert reference.pages == parallel.pages == sum(_PER_KIND.values())
    written = _digests(parallel.folder)
    assert len([name for name in written if name.endswith("index.html")]) > reference.pages
    assert written == _digests(reference.folder)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["parallel", "reference"]


def test_a_failing_worker_leaves_no_trace(
    dashboard: Dashboard, web_store: tuple[Path, str], tmp_path: Path, monkeypatch
) -> None:
    def with_a_missing_province(*arguments: object) -> dict[PageAddress, str]:
        plan = _small_plan(*arguments)  # type: ignore[arg-type]
        missing = PageAddress("profile", "vi", year=2024, province="Atlantis")
        return {**plan, missing: "vi/province/atlantis/2024/index.html"}

    monkeypatch.setattr(static_site, "plan_site", with_a_missing_province)
    with pytest.raises(GovIndexError, match="Atlantis"):
        export_site(
            dashboard, tmp_path / "site", ["vi"], years=[2024], store=web_store[0], workers=2
        )
    assert list(tmp_path.iterdir()) == []
