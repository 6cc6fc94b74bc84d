"""The static export: pages under paths that mirror the app, relative links that resolve,
assets copied, data beside every page, and an atomic, careful replacement of the folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from govindex.errors import SpecError
from govindex.views import Dashboard
from govindex.web import static_site
from govindex.web.addresses import PageAddress
from govindex.web.static_site import SITE_MARKER, STAGING_MARKER, export_site, plan_site

LINK = re.compile(r'(?:href|src|value)="([^"#]+)"')


def _sample(dashboard: Dashboard, languages, years=None) -> dict[PageAddress, str]:
    """A few pages of every kind (the whole plan takes minutes to render)."""
    plan = plan_site(dashboard, languages, years)
    chosen: dict[PageAddress, str] = {}
    counts: dict[tuple[str, str], int] = {}
    for address, path in plan.items():
        key = (address.kind, address.language)
        if counts.get(key, 0) < (3 if address.kind != "indicator" else 1):
            chosen[address] = path
            counts[key] = counts.get(key, 0) + 1
    return chosen


@pytest.fixture(scope="module")
def site(dashboard: Dashboard, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export") / "site"
    patch = pytest.MonkeyPatch()
    patch.setattr(static_site, "plan_site", _sample)
    try:
        report = export_site(dashboard, folder, ["vi", "en"], years=[2024])
    finally:
        patch.undo()
    assert report.pages == 16
    return folder


def _links(page: Path) -> list[str]:
    return [link.replace("&amp;", "&") for link in LINK.findall(page.read_text("utf-8"))]


def test_the_plan_covers_every_year_item_geography_language_and_province(
    dashboard: Dashboard,
) -> None:
    plan = plan_site(dashboard, ["vi", "en"])
    paths = set(plan.values())
    assert "vi/overview/2024/total/63/index.html" in paths
    assert "en/overview/2011/dimension-1/34/index.html" in paths
    assert "en/overview/2018/dimension-8/63/index.html" in paths
    assert "vi/overview/2017/dimension-8/63/index.html" not in paths  # dimension 8 is from 2018
    assert "vi/province/thua-thien-hue/2013/index.html" in paths
    assert "en/indicator/dimension-4/index.html" in paths
    years = {address.year for address in plan if address.kind == "profile"}
    assert years == set(range(2011, 2025))
    profiles_2024 = [
        a for a in plan if a.kind == "profile" and a.year == 2024 and a.language == "vi"
    ]
    assert len(profiles_2024) == 63
    assert not any(address.run for address in plan)
    assert len(paths) == len(plan)


def test_pages_data_and_assets_are_written(site: Path) -> None:
    assert (site / SITE_MARKER).exists()
    assert (site / "README.txt").read_text("utf-8").startswith("govindex dashboard")
    assert (site / "static" / "vendor" / "vega-embed.min.js").exists()
    assert (site / "static" / "maps" / "provinces-63.geojson").exists()
    assert (site / "static" / "maps-inline" / "provinces-63.js").exists()
    overview = site / "vi" / "overview" / "2024" / "total" / "63"
    assert (overview / "index.html").exists()
    data = site / "data" / "overview" / "2024" / "total" / "63"
    assert (data / "data.json").exists()
    assert "Ha Noi" in (data / "ranking.csv").read_text("utf-8")
    assert '"../../../../../data/overview/2024/total/63/ranking.csv"' in (
        overview / "index.html"
    ).read_text("utf-8")
    assert "Hà Nội" in (overview / "index.html").read_text("utf-8")
    english = site / "en" / "overview" / "2024" / "total" / "63" / "index.html"
    assert '<html lang="en">' in english.read_text("utf-8")
    opening = (site / "index.html").read_text("utf-8")
    assert "vi/overview/2024/total/63/index.html" in opening


def test_every_link_is_relative_and_resolves(site: Path) -> None:
    pages = list(site.rglob("index.html"))
    assert len(pages) == 17  # 16 pages and the opening page
    checked = 0
    for page in pages:
        for link in _links(page):
            assert not link.startswith("/"), (page, link)
            if re.match(r"^[a-z]+:", link):
                assert not re.search(r'<script[^>]+src="https?:', page.read_text("utf-8"))
                continue
            target = (page.parent / link).resolve()
            assert target.exists(), (page.relative_to(site), link)
            checked += 1
    assert checked > 200


def test_links_to_pages_outside_the_site_are_left_out(site: Path) -> None:
    page = (site / "vi" / "overview" / "2024" / "total" / "63" / "index.html").read_text("utf-8")
    assert "compare" not in re.findall(r"<nav.*?</nav>", page, re.S)[0]
    assert ".xlsx" not in page


def test_a_second_export_replaces_the_first(dashboard: Dashboard, site: Path, monkeypatch) -> None:
    (site / "stale.txt").write_text("from an earlier export", "utf-8")
    monkeypatch.setattr(
        static_site, "plan_site", lambda *arguments: dict(list(_sample(*arguments).items())[:2])
    )
    report = export_site(dashboard, site, ["vi"], years=[2024])
    assert report.pages == 2
    assert not (site / "stale.txt").exists()
    assert not [path for path in site.parent.iterdir() if path.name.startswith(".site")]


def test_a_foreign_folder_is_left_untouched(dashboard: Dashboard, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.txt").write_text("precious", "utf-8")
    with pytest.raises(SpecError, match="not a site govindex exported"):
        export_site(dashboard, folder, ["vi"], years=[2024])
    assert (folder / "thesis.txt").read_text("utf-8") == "precious"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["documents"]


def test_a_failed_export_leaves_no_trace(dashboard: Dashboard, tmp_path: Path, monkeypatch) -> None:
    def broken(*arguments: object, **options: object) -> str:
        message = "disk full"
        raise OSError(message)

    monkeypatch.setattr(static_site, "plan_site", _sample)
    monkeypatch.setattr(static_site, "_copy_static", broken)
    with pytest.raises(OSError, match="disk full"):
        export_site(dashboard, tmp_path / "site", ["vi"], years=[2024])
    assert list(tmp_path.iterdir()) == []


def test_a_killed_export_is_cleaned_by_the_next_one(
    dashboard: Dashboard, tmp_path: Path, monkeypatch
) -> None:
    import subprocess
    import sys

    # A process that has ended: its pid names no running export.
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    killed = tmp_path / ".site-killed"
    (killed / "province").mkdir(parents=True)
    (killed / "province" / "half.html").write_text("<p>half", "utf-8")
    (killed / STAGING_MARKER).write_text(ended.stdout, "utf-8")
    # A staging folder of an export still running (this process) is left alone.
    running = tmp_path / ".site-running"
    running.mkdir()
    (running / STAGING_MARKER).write_text(f"{os.getpid()}\n", "utf-8")
    unrelated = tmp_path / ".site-notes"
    unrelated.mkdir()
    monkeypatch.setattr(
        static_site, "plan_site", lambda *arguments: dict(list(_sample(*arguments).items())[:2])
    )
    export_site(dashboard, tmp_path / "site", ["vi"], years=[2024])
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        ".site-notes",
        ".site-running",
        "site",
    ]
    assert not (tmp_path / "site" / STAGING_MARKER).exists()
    assert (tmp_path / "site" / SITE_MARKER).exists()
