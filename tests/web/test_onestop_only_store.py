"""A store made by `govindex onestop publish` alone: `serve` opens it, the one-stop pages
answer, PAPI's pages say that the store holds no PAPI run (in the page's usual error
envelope), the runs page lists the one-stop run, and `export-site` writes its pages in both
languages with links that resolve."""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from govindex.application.instrument_runs import OnestopDemoSize, write_synthetic_onestop
from govindex.application.site import export_site, load_dashboard
from govindex.cli import app
from govindex.errors import NotFound
from govindex.storage import RunStore
from govindex.views import Dashboard
from govindex.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

PERIODS = ("2025-01", "2025-02", "2025-Q1", "2025-W03")
LINK = re.compile(r'(?:href|src|value)="([^"#]+)"')


@pytest.fixture(scope="module")
def onestop_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("onestop-only")
    records = write_synthetic_onestop(
        folder / "records", OnestopDemoSize(months=3, dossiers_per_year=2_400)
    )
    store = folder / "store.duckdb"
    arguments = ["onestop", "publish", str(records), "--store", str(store), "--provinces-only"]
    for period in PERIODS:
        arguments += ["--period", period]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    with RunStore(store, read_only=True) as opened:
        kinds = {manifest.kind for manifest in opened.list_runs()}
    assert kinds == {"records"}  # the one-stop run and nothing else
    return store


@pytest.fixture(scope="module")
def client(onestop_only: Path) -> TestClient:
    # What `govindex serve` opens (it refused such a store before).
    return TestClient(create_app(load_dashboard(onestop_only)), raise_server_exceptions=False)


def test_an_empty_store_is_still_refused(tmp_path: Path) -> None:
    with RunStore(tmp_path / "empty.duckdb"):
        pass
    with pytest.raises(NotFound, match="holds no runs"):
        load_dashboard(tmp_path / "empty.duckdb")


def test_serve_starts_on_it(onestop_only: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: started.append(options))
    result = CliRunner().invoke(app, ["serve", "--store", str(onestop_only), "--port", "8124"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8124/" in result.output
    assert started[0]["port"] == 8124


def test_the_home_page_opens_the_one_stop_ranking(client: TestClient) -> None:
    home = client.get("/?lang=en", follow_redirects=False)
    assert home.status_code == 302
    assert home.headers["location"] == "overview?instrument=onestop&lang=en"
    page = client.get("/?lang=en")
    assert page.status_code == 200
    assert 'data-instrument="onestop"' in page.text


def test_the_one_stop_pages_answer(client: TestClient) -> None:
    ranking = client.get("/overview.json?instrument=onestop").json()
    assert ranking["parameters"]["period"] == "2025-Q1"
    assert len(ranking["tables"]["ranking"]["rows"]) == 22
    unit = client.get("/province/Quang Ninh.json?instrument=onestop&period=2025-W03")
    assert unit.status_code == 200
    assert unit.json()["meta"]["unit"] == "Quảng Ninh"
    for path in ("/overview?instrument=onestop", "/province/Quảng Ninh?instrument=onestop"):
        page = client.get(path)
        assert page.status_code == 200
        # Served, every period has its page: nothing is said to be left out.
        assert "data-left-out" not in page.text
        assert "period=2025-W03" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/overview.json",
        "/overview.json?year=2024",
        "/province/Hà Nội.json",
        "/compare.json",
        "/indicator.json",
    ],
)
def test_papi_pages_say_there_is_no_papi_run(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    body = answer.json()
    assert body["ok"] is False
    assert body["error"]["type"] == "NotFound"
    assert "holds no PAPI run" in body["error"]["message"]
    page = client.get(path.replace(".json", ""))
    assert page.status_code == 404
    assert "holds no PAPI run" in page.text


def test_the_runs_page_lists_the_one_stop_run(client: TestClient, onestop_only: Path) -> None:
    with RunStore(onestop_only, read_only=True) as opened:
        (manifest,) = opened.list_runs()
    document = client.get("/runs.json").json()
    assert document["tables"]["runs"]["rows"] == []
    (row,) = document["tables"]["period_runs"]["rows"]
    assert row["run_id"] == manifest.run_id
    assert (row["instrument"], row["kind"], row["synthetic"]) == ("onestop", "records", True)
    # The range covers every period of the run (W03 lies inside January).
    assert (row["period_start"], row["period_end"]) == ("2025-01-01", "2025-03-31")
    assert (row["periods"], row["period_kinds"], row["newest_period"]) == (
        4,
        "quarter, month, week",
        "2025-Q1",
    )
    assert row["source"] == manifest.source
    assert row["profile"] == manifest.parameters["profile"]
    assert row["engine"] == "duckdb"
    csv = client.get("/runs.csv?table=period_runs").text
    assert manifest.run_id in csv
    for language, kinds in (("en", "quarter, month, week"), ("vi", "quý, tháng, tuần")):
        page = client.get(f"/runs?lang={language}").text
        assert "data-no-papi-run" in page
        listed = page.split("data-period-runs", 1)[1]
        assert manifest.run_id in listed
        assert "SYNTHETIC" in listed
        assert kinds in listed
        assert f"run={manifest.run_id}" in listed
        assert "period=2025-Q1" in listed


def test_the_static_site_holds_the_one_stop_pages(onestop_only: Path, tmp_path: Path) -> None:
    report = export_site(onestop_only, tmp_path / "site", workers=1)
    site = report.folder
    # Rankings of the quarter and both months; the 22 units in each of them; the runs page;
    # in both languages (the weeks are left to `govindex serve`).
    assert report.pages == 2 * (3 + 3 * 22 + 1)
    for language in ("vi", "en"):
        assert (site / language / "onestop" / "2025-Q1" / "index.html").exists()
        assert (site / language / "onestop" / "2025-02" / "index.html").exists()
        for period in ("2025-Q1", "2025-01", "2025-02"):
            assert (site / language / "onestop" / period / "quang-ninh" / "index.html").exists()
        assert not (site / language / "onestop" / "2025-W03").exists()
    for period in ("2025-01", "2025-02"):
        # Every unit of every exported ranking links to its page for that period, which
        # says SYNTHETIC like the rest of the run's pages, and has its JSON twin.
        for language in ("vi", "en"):
            page = (site / language / "onestop" / period / "index.html").read_text("utf-8")
            table = page.split("data-period-ranking", 1)[1].split("</table>", 1)[0]
            rows = re.findall(r'<th scope="row">(.*?)</th>', table)
            assert len(rows) == 22
            assert all(row.startswith('<a href="') for row in rows), rows
            assert "SYNTHETIC" in page.split('class="synthetic-banner"', 1)[1].split("</div>")[0]
        month = (site / "en" / "onestop" / period / "quang-ninh" / "index.html").read_text("utf-8")
        assert f'data-period="{period}"' in month
        assert "SYNTHETIC" in month.split('class="synthetic-banner"', 1)[1].split("</div>")[0]
        data = json.loads(
            (site / "data" / "onestop" / period / "quang-ninh" / "data.json").read_text()
        )
        assert data["parameters"]["period"] == period
    # Where a week would be reached, the page says that `govindex serve` shows it.
    for path in ("en/onestop/2025-01/index.html", "en/onestop/2025-01/quang-ninh/index.html"):
        page = (site / path).read_text("utf-8")
        note = re.findall(r"<p class=\"note\" data-left-out>(.*?)</p>", page)
        assert [html.unescape(text) for text in note] == [
            "Not in this static copy of the dashboard: 1 of the run's periods (week); "
            "`govindex serve` shows them."
        ], path
        assert "2025-W03" not in "".join(LINK.findall(page))
    vietnamese = (site / "vi" / "onestop" / "2025-Q1" / "index.html").read_text("utf-8")
    assert "govindex serve" in vietnamese.split("data-left-out", 1)[1]
    ranking = (site / "data" / "onestop" / "2025-Q1" / "ranking.csv").read_text("utf-8")
    assert "Quảng Ninh" in ranking
    assert (site / "data" / "onestop" / "2025-Q1" / "quang-ninh" / "kpis.csv").exists()
    english = (site / "en" / "onestop" / "2025-Q1" / "index.html").read_text("utf-8")
    assert '<html lang="en">' in english
    assert 'href="quang-ninh/index.html"' in english
    assert "vi/onestop/2025-Q1/index.html" in (site / "index.html").read_text("utf-8")
    # The runs page names the run: the site holds its pages (the newest run's).
    runs = (site / "en" / "runs" / "index.html").read_text("utf-8")
    assert 'href="../onestop/2025-Q1/index.html"' in runs.split("data-period-runs", 1)[1]
    checked = 0
    for page in site.rglob("index.html"):
        for link in LINK.findall(page.read_text("utf-8")):
            link = link.replace("&amp;", "&")
            if re.match(r"^[a-z]+:", link):
                continue
            assert not link.startswith("/"), (page, link)
            assert (page.parent / link).resolve().exists(), (page.relative_to(site), link)
            checked += 1
    assert checked > 500


def test_the_site_plan_keeps_to_the_years_asked(onestop_only: Path) -> None:
    from govindex.web.static_site import plan_site

    dashboard = Dashboard.open(onestop_only)
    assert {address.kind for address in plan_site(dashboard, ["en"], [2024])} == {"runs"}
    plan = plan_site(dashboard, ["en"], [2025])
    # The navigation's address (no period) is the default period's page, one file.
    default = plan[
        next(a for a in plan if a.instrument and a.period is None and a.kind == "overview")
    ]
    assert default == "en/onestop/2025-Q1/index.html"


def test_beside_the_papi_record_the_site_switches_between_the_two(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from tests.web.onestop_store import build_onestop_store

    from govindex.web.static_site import export_site as write_site

    store, _ = build_onestop_store(tmp_path_factory.mktemp("with-record"), with_record=True)
    dashboard = Dashboard.open(store)
    site = write_site(
        dashboard, tmp_path_factory.mktemp("site") / "site", ["en"], years=[2024, 2025]
    ).folder
    papi = (site / "en" / "overview" / "2024" / "total" / "63" / "index.html").read_text("utf-8")
    assert 'href="../../../../onestop/2025-Q1/index.html"' in papi
    ranking = (site / "en" / "onestop" / "2025-Q1" / "index.html").read_text("utf-8")
    assert 'href="../../overview/2024/total/63/index.html"' in ranking
