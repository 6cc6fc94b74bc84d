"""The scorecard of Quảng Ninh on the demo store: PAPI 2024 = 47.82 from the official record,
SIPAS and PAR Index values as reported with their sources, computed values where a run
exists (all SYNTHETIC in the demo), and the JSON twin of the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from govindex.views import Dashboard
from govindex.views.scorecard import Scorecard
from govindex.web import create_app


@pytest.fixture(scope="module")
def client(demo_store: Path) -> TestClient:
    return TestClient(create_app(Dashboard.open(demo_store)))


@pytest.fixture(scope="module")
def rows(client: TestClient) -> list[dict[str, Any]]:
    answer = client.get("/scorecard/Quảng Ninh.json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["ok"] is True
    assert document["view"] == "scorecard"
    return list(document["tables"]["scorecard"]["rows"])


def _one(rows: list[dict[str, Any]], instrument: str, year: int, source: str) -> dict[str, Any]:
    found = [
        row
        for row in rows
        if (row["instrument"], row["year"], row["source_kind"]) == (instrument, year, source)
    ]
    assert len(found) == 1, (instrument, year, source, found)
    return found[0]


def test_papi_2024_is_the_official_47_82(rows: list[dict[str, Any]]) -> None:
    papi = _one(rows, "papi", 2024, "official")
    assert round(papi["estimate"], 2) == 47.82
    assert (papi["rank"], papi["group"], papi["synthetic"]) == (1, 1, False)
    assert papi["source_url"]  # the record says where the number was read


def test_sipas_and_par_as_reported_with_their_links(rows: list[dict[str, Any]]) -> None:
    sipas = _one(rows, "sipas", 2023, "reported")
    assert sipas["estimate"] == 90.61
    assert sipas["rank"] == 1
    assert sipas["source_url"].startswith("https://nvsk.vnanet.vn/")
    assert sipas["change"] == pytest.approx(90.61 - 87.59, abs=1e-9)
    par = _one(rows, "par", 2023, "reported")
    assert par["estimate"] == 92.18
    assert par["source_url"].startswith("https://en.baochinhphu.vn/")
    # 2024: the press gives Quảng Ninh's SIPAS rank (4th) but no value.
    quoted = _one(rows, "sipas", 2024, "reported")
    assert (quoted["estimate"], quoted["rank"], quoted["status"]) == (None, 4, "missing")
    # The SIPAS method changed in 2022: no change is computed across the break.
    first_household = _one(rows, "sipas", 2019, "reported")
    assert first_household["change_note"] is None
    assert all(
        row["change"] is None
        for row in rows
        if row["instrument"] == "sipas" and row["year"] == 2022
    )


def test_computed_values_where_a_run_exists_say_synthetic(rows: list[dict[str, Any]]) -> None:
    computed = {row["instrument"]: row for row in rows if row["source_kind"] == "computed"}
    assert set(computed) == {"papi", "sipas", "par", "onestop"}
    for row in computed.values():
        assert row["synthetic"] is True
        assert row["run_id"]
        assert row["estimate"] is not None
    assert computed["sipas"]["se"] > 0  # a survey estimate carries its SE
    assert computed["par"]["group_label"] in {"A", "B", "C", "D", "E"}
    assert computed["onestop"]["period"] == "2025"  # the year speaks for its weeks and months
    assert computed["onestop"]["group_label"] in {"good", "fair", "average", "weak"}


def test_the_agreement_says_how_each_interval_was_made(client: TestClient) -> None:
    document = client.get("/scorecard/Quang Ninh.json?year=2024").json()
    agreement = document["tables"]["agreement"]["rows"]
    pairs = {(row["first"], row["second"], row["first_source"][:8]) for row in agreement}
    assert ("papi", "sipas", "computed") in pairs
    with_interval = [row for row in agreement if row["low"] is not None]
    assert with_interval  # PAPI and SIPAS survey runs both have SEs
    for row in with_interval:
        assert row["low"] <= row["rho"] <= row["high"]
        assert row["method"].startswith("parametric bootstrap")
    for row in agreement:
        if row["low"] is None:
            assert row["method"].startswith("no interval")
        assert -1 <= row["rho"] <= 1
        assert row["provinces"] >= 5
    assert {row["year"] for row in document["tables"]["scorecard"]["rows"]} == {2024}


def test_the_page_and_errors(client: TestClient) -> None:
    page = client.get("/scorecard/Quang%20Ninh?lang=en")
    assert page.status_code == 200
    assert "Scorecard of Quang Ninh" in page.text
    assert "47.82" in page.text
    assert "SYNTHETIC" in page.text
    vietnamese = client.get("/scorecard/Qu%E1%BA%A3ng%20Ninh")
    assert "Bảng điểm tổng hợp" in vietnamese.text
    assert "47,82" in vietnamese.text
    unknown = client.get("/scorecard/Atlantis.json")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["where"] == "province"


def test_the_scorecard_reads_only_stored_tables(demo_store: Path) -> None:
    scorecard = Scorecard.open(demo_store)
    columns = set(scorecard.rows.columns)
    assert {"estimate", "rank", "group", "group_label", "change", "source_kind"} <= columns
    assert set(scorecard.rows["source_kind"].unique()) == {"computed", "official", "reported"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_profile_and_the_scorecard_link_to_each_other(
    client: TestClient, language: str
) -> None:
    profile = client.get(f"/province/Quảng Ninh?year=2024&lang={language}").text
    link = re.search(r'href="([^"]+)" data-scorecard-link', profile)
    assert link is not None
    scorecard = client.get(link.group(1).replace("&amp;", "&"))
    assert scorecard.status_code == 200
    assert f'<html lang="{language}">' in scorecard.text
    back = re.search(r'href="([^"]+)" data-profile-link', scorecard.text)
    assert back is not None
    assert client.get(back.group(1).replace("&amp;", "&")).status_code == 200


def test_the_scorecard_revalidates(client: TestClient) -> None:
    for path in ("/scorecard/Quang%20Ninh.json?year=2024", "/scorecard/Quang%20Ninh?lang=en"):
        answer = client.get(path)
        etag = answer.headers["etag"]
        assert answer.headers["cache-control"] == "no-cache"
        held = client.get(path, headers={"If-None-Match": etag})
        assert (held.status_code, held.content, held.headers["etag"]) == (304, b"", etag)
        assert client.get(path, headers={"If-None-Match": '"x"'}).status_code == 200


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("vi", ("Tổng quan", "Tải xuống", "bảng điểm tổng hợp")),
        ("en", ("Overview", "Download", "scorecard")),
    ],
)
def test_the_page_has_the_site_navigation_and_downloads(
    client: TestClient, language: str, labels: tuple[str, str, str]
) -> None:
    page = client.get(f"/scorecard/Quảng Ninh?year=2024&lang={language}").text
    navigation = re.search(r"<nav aria-label=[^>]*>(.*?)</nav>", page, re.S)
    assert navigation is not None
    targets = re.findall(r'href="([^"]+)"', navigation.group(1))
    assert [target.split("?")[0] for target in targets] == [
        "/overview",
        "/compare",
        "/indicator",
        "/runs",
    ]
    assert labels[0] in navigation.group(1)
    assert 'aria-current="page"' not in navigation.group(1)  # no navigation entry is this page
    for target in targets:
        assert f"lang={language}" in target
        assert client.get(target.replace("&amp;", "&")).status_code == 200
    tools = re.search(r'<p class="downloads">(.*?)</p>', page, re.S)
    assert tools is not None
    assert labels[1] in tools.group(1)
    assert labels[2] in tools.group(1)
    downloads = [url.replace("&amp;", "&") for url in re.findall(r'href="([^"]+)"', tools.group(1))]
    assert [url.split("?")[0].rsplit(".", 1)[1] for url in downloads] == [
        "json",
        "csv",
        "csv",
        "xlsx",
    ]
    for url in downloads:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "year=2024" in url


def test_the_downloads_hold_the_json_twins_rows(client: TestClient) -> None:
    import csv
    import io

    import openpyxl

    document = client.get("/scorecard/Quảng Ninh.json").json()
    for table in ("scorecard", "agreement"):
        answer = client.get(f"/scorecard/Quảng Ninh.csv?table={table}")
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.headers["content-disposition"].endswith(
            f'-SYNTHETIC-{table}.csv"'
        )  # the demo's computed rows are SYNTHETIC, and the file name says so
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
        expected = document["tables"][table]["rows"]
        assert len(rows) == len(expected) > 0
        assert [row["year"] for row in rows] == [str(row["year"]) for row in expected]
        assert "synthetic" in rows[0]
    official = next(
        row
        for row in csv.DictReader(
            io.StringIO(
                client.get("/scorecard/Quảng Ninh.csv?year=2024").content.decode("utf-8-sig")
            )
        )
        if (row["instrument"], row["source_kind"]) == ("papi", "official")
    )
    assert round(float(official["estimate"]), 2) == 47.82
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/scorecard/Quảng Ninh.xlsx").content), read_only=True
    )
    assert workbook.sheetnames == ["scorecard", "agreement", "parameters"]
    assert workbook["scorecard"].max_row == len(document["tables"]["scorecard"]["rows"]) + 1
    assert client.get("/scorecard/Quảng Ninh.csv?table=ranking").status_code == 422
    assert client.get("/scorecard/Atlantis.xlsx").status_code == 404


def test_the_downloads_write_formula_text_inert() -> None:
    import csv
    import io

    import openpyxl
    import polars as pl

    from govindex.views import View
    from govindex.web.scorecard_page import scorecard_download

    hostile = '=HYPERLINK("http://x","y")'
    view = View(
        "scorecard",
        {"province": "Huế", "year": None},
        {"province": "Huế", "synthetic": False},
        {
            "scorecard": pl.DataFrame(
                {"year": [2023], "estimate": [91.5], "source_url": [hostile]}
            ),
            "agreement": pl.DataFrame({"year": [2023], "method": [hostile]}),
        },
    )
    text = scorecard_download(view, "csv").body.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["source_url"], row["estimate"]) == ("'" + hostile, "91.5")
    book = openpyxl.load_workbook(io.BytesIO(scorecard_download(view, "xlsx").body))
    for sheet in book.worksheets:
        for cells in sheet.iter_rows():
            for cell in cells:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    assert book["agreement"]["B2"].value == "'" + hostile
