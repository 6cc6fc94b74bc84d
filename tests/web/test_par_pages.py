"""The demo store's SYNTHETIC PAR Index run on the instruments' own pages, in both languages;
the one-stop index, scored by quarter, has its own period pages (ranking and unit) and no
yearly compare or explorer pages, and stays on the scorecard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govindex.views import Dashboard
from govindex.web import create_app


@pytest.fixture(scope="module")
def client(demo_store: Path) -> TestClient:
    return TestClient(create_app(Dashboard.open(demo_store)))


def test_the_switch_lists_the_instruments_with_pages(client: TestClient) -> None:
    html = client.get("/overview").text
    assert set(re.findall(r"instrument=([a-z]+)", html)) == {"sipas", "par", "onestop"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_par_overview_and_profile_name_par_levels(client: TestClient, language: str) -> None:
    overview = client.get(f"/overview?instrument=par&lang={language}")
    assert overview.status_code == 200
    assert "SYNTHETIC" in overview.text
    profile = client.get(f"/province/Quảng Ninh?instrument=par&lang={language}")
    assert profile.status_code == 200
    names = ("lĩnh vực", "tiêu chí") if language == "vi" else ("area", "criterion")
    for name in names:
        assert name in profile.text


def test_the_par_profile_twin_carries_points_out_of_100(client: TestClient) -> None:
    document = client.get("/province/Quảng Ninh.json?instrument=par").json()
    assert document["ok"] is True
    levels = {row["level"]: row for row in document["meta"]["levels"]}
    assert levels["total"]["scale_max"] == 100.0
    assert levels["area"]["name_vi"] == "lĩnh vực"


def test_the_one_stop_index_has_period_pages_and_no_yearly_ones(client: TestClient) -> None:
    ranking = client.get("/overview.json?instrument=onestop").json()
    assert ranking["view"] == "instrument_period_ranking"
    assert ranking["parameters"]["period"] == "2025"  # the demo's year, its longest period
    for page in ("/compare.json?instrument=onestop", "/indicator.json?instrument=onestop"):
        answer = client.get(page)
        assert answer.status_code == 404
        assert answer.json()["ok"] is False
    scorecard = client.get("/scorecard/Quảng Ninh.json").json()
    assert "onestop" in {row["instrument"] for row in scorecard["tables"]["scorecard"]["rows"]}
