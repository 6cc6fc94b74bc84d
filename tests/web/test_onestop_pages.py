"""The one-stop 766 pages: the ranking and a unit's monitoring page, their JSON twins and
downloads, in Vietnamese and English, and a 404 with suggestions for an unknown unit.

Every number is checked against the tables the producer stored with the run, read from the
store directly: the pages only select."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from tests.web.onestop_store import ONESTOP_PERIODS, build_onestop_store

from govindex.storage import RunStore
from govindex.views import Dashboard
from govindex.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

GROUPS = ("publicity", "progress", "online", "digitisation", "satisfaction")


@pytest.fixture(scope="module")
def onestop_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_onestop_store(tmp_path_factory.mktemp("onestop-web"))


@pytest.fixture(scope="module")
def client(onestop_store: tuple[Path, str]) -> TestClient:
    return TestClient(create_app(Dashboard.open(onestop_store[0])))


@pytest.fixture(scope="module")
def stored(onestop_store: tuple[Path, str]) -> dict[str, pl.DataFrame]:
    path, run_id = onestop_store
    with RunStore(path, read_only=True) as store:
        return {name: store.read_table(run_id, name) for name in store.run_tables(run_id)}


def _rows(document: dict[str, Any], table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = document["tables"][table]["rows"]
    return rows


def test_the_ranking_twin_lists_every_unit_with_groups_band_and_rank(
    client: TestClient, stored: dict[str, pl.DataFrame]
) -> None:
    document = client.get("/overview.json?instrument=onestop").json()
    assert document["view"] == "instrument_period_ranking"
    assert document["parameters"]["period"] == "2025-Q1"  # the longest period by default
    assert document["meta"]["synthetic"] is True
    rows = _rows(document, "ranking")
    totals = stored["score_table"].filter(
        (pl.col("level") == "total") & (pl.col("period") == "2025-Q1")
    )
    assert len(rows) == totals.height == 22
    expected = dict(zip(totals["unit"], totals["estimate"], strict=True))
    handled = stored["onestop_kpis"].filter(
        (pl.col("code") == "handled")
        & (pl.col("period") == "2025-Q1")
        & (pl.col("geography") == "province")
    )
    assert {row["unit"]: row["dossiers"] for row in rows}["Quảng Ninh"] == int(
        handled.filter(pl.col("unit") == "22")["denominator"][0]
    )
    ranks = dict(zip(totals["unit"], totals["rank"], strict=True))
    for row in rows:
        assert row["total"] == pytest.approx(expected[row["unit"]], abs=1e-12)
        assert row["rank"] == ranks[row["unit"]]
        assert row["ranked"] == 22
        assert row["band"] in {"good", "fair", "average", "weak"}
        assert row["dossiers"] > 0  # the total's n: the dossiers handled in the period
        # Σ groups = total (the profile's arithmetic, carried to the page unchanged).
        assert sum(row[code] for code in GROUPS) == pytest.approx(row["total"], abs=1e-9)
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows)
    assert next(entry["period"] for entry in _rows(document, "periods")) == "2025-Q1"
    assert {entry["period"] for entry in _rows(document, "periods")} == set(ONESTOP_PERIODS)


def test_a_month_can_be_chosen_and_an_unknown_period_is_a_404(client: TestClient) -> None:
    month = client.get("/overview.json?instrument=onestop&period=2025-02").json()
    assert {row["period"] for row in _rows(month, "ranking")} == {"2025-02"}
    missing = client.get("/overview.json?instrument=onestop&period=2024-Q4")
    assert missing.status_code == 404
    error = missing.json()["error"]
    assert error["where"] == "period"
    assert "2025-Q1" in error["expected"]


@pytest.mark.parametrize(
    ("language", "heading", "band"),
    [
        ("vi", "Bộ chỉ số 766: xếp hạng kỳ 2025-Q1 (quý)", "Tốt"),
        ("en", "ranking for 2025-Q1 (quarter)", "good"),
    ],
)
def test_the_ranking_page_speaks_both_languages(
    client: TestClient, language: str, heading: str, band: str
) -> None:
    page = client.get(f"/overview?instrument=onestop&lang={language}")
    assert page.status_code == 200
    assert heading in page.text
    assert f">{band}</td>" in page.text
    assert "synthetic-banner" in page.text
    assert 'data-unit="Quảng Ninh"' in page.text
    # The unit links keep the instrument, the run and the period.
    link = re.search(r'href="(/province/Qu%E1%BA%A3ng%20Ninh\?[^"]*)"', page.text)
    assert link is not None
    assert "instrument=onestop" in link.group(1)
    assert "period=2025-Q1" in link.group(1)


def test_the_unit_twin_has_tiles_with_their_counts_and_null_apart_from_zero(
    client: TestClient, stored: dict[str, pl.DataFrame]
) -> None:
    document = client.get("/province/Quang Ninh.json?instrument=onestop").json()
    assert document["view"] == "instrument_period_unit"
    assert document["parameters"]["province"] == "Quảng Ninh"
    tiles = {row["code"]: row for row in _rows(document, "kpis")}
    kpis = stored["onestop_kpis"].filter((pl.col("unit") == "22") & (pl.col("period") == "2025-Q1"))
    source = {row["code"]: row for row in kpis.to_dicts()}
    for code in ("online_share", "noncash_payment", "postal_return", "counter_minutes",
                 "digitised_reuse", "survey_satisfaction"):  # fmt: skip
        assert tiles[code]["numerator"] == pytest.approx(source[code]["numerator"])
        assert tiles[code]["denominator"] == source[code]["denominator"]
        assert tiles[code]["estimate"] == pytest.approx(source[code]["estimate"])
    on_time = source["early"]["numerator"] + source["on_due_day"]["numerator"]
    assert tiles["on_time"]["numerator"] == on_time
    assert tiles["on_time"]["estimate"] == pytest.approx(on_time / source["handled"]["denominator"])
    # No pending dossier is overdue: days overdue has no denominator, and stays null.
    assert source["days_overdue"]["denominator"] == 0
    assert tiles["days_overdue"]["estimate"] is None
    assert tiles["days_overdue"]["reason"] == "no_denominator"


def test_the_unit_trend_channels_and_heatmap_come_from_the_stored_run(
    client: TestClient, stored: dict[str, pl.DataFrame]
) -> None:
    document = client.get("/province/Quảng Ninh.json?instrument=onestop&period=2025-03").json()
    trend = {row["period"]: row for row in _rows(document, "trend")}
    assert set(trend) == set(ONESTOP_PERIODS)
    assert trend["2025-03"]["change"] == pytest.approx(
        trend["2025-03"]["total"] - trend["2025-02"]["total"], abs=1e-12
    )
    assert trend["2025-Q1"]["change"] is None  # the only quarter: nothing to compare with
    channels = _rows(document, "channels")
    assert sum(row["dossiers"] for row in channels) == channels[0]["denominator"]
    handled = stored["onestop_kpis"].filter(
        (pl.col("unit") == "22") & (pl.col("period") == "2025-03") & (pl.col("code") == "handled")
    )["numerator"][0]
    assert channels[0]["denominator"] == handled
    heatmap = _rows(document, "heatmap")
    assert {row["period"] for row in heatmap} == {"2025-01", "2025-02", "2025-03"}
    indicators = _rows(document, "indicators")
    assert {row["period"] for row in indicators} == {"2025-03"}
    # A quarter's heatmap splits it into the run's months.
    quarter = client.get("/province/Quảng Ninh.json?instrument=onestop").json()
    assert quarter["meta"]["heatmap_periods"] == ["2025-01", "2025-02", "2025-03"]
    for row in indicators:
        if row["level"] == "indicator" and row["denominator"]:
            assert row["ratio"] == pytest.approx(row["numerator"] / row["denominator"])
        if row["ratio"] is None:
            assert row["denominator"] in (None, 0)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("vi", ("Chỉ số phục vụ", "Diễn biến theo kỳ", "Kênh nộp hồ sơ", "không có mẫu số")),
        ("en", ("Service KPIs", "Trend over periods", "Channel mix", "no denominator")),
    ],
)
def test_the_unit_page_speaks_both_languages(
    client: TestClient, language: str, words: tuple[str, ...]
) -> None:
    page = client.get(f"/province/Quang Ninh?instrument=onestop&lang={language}")
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    assert "synthetic-banner" in page.text
    assert 'data-kpi="on_time"' in page.text


def test_downloads_of_both_pages(client: TestClient) -> None:
    csv = client.get("/overview.csv?instrument=onestop&table=ranking")
    assert csv.status_code == 200
    header = csv.text.splitlines()[0].split(",")
    assert {"unit", "total", *GROUPS, "band", "rank", "ranked"} <= set(header)
    assert "SYNTHETIC" in csv.headers["content-disposition"]
    tiles = client.get("/province/Quang Ninh.csv?instrument=onestop&table=kpis&lang=en")
    assert tiles.status_code == 200
    assert "denominator" in tiles.text.splitlines()[0]
    for path in (
        "/overview.xlsx?instrument=onestop",
        "/province/Quang Ninh.xlsx?instrument=onestop",
    ):
        answer = client.get(path)
        assert answer.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
        assert len(book.sheetnames) >= 2


def test_an_unknown_unit_is_a_404_that_suggests(client: TestClient) -> None:
    answer = client.get("/province/Quang Nin.json?instrument=onestop")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["found"] == "Quang Nin"
    assert "Quảng Ninh" in (error["hint"] or "")
    for language, title in (("vi", "Lỗi 404"), ("en", "Error 404")):
        page = client.get(f"/province/Quang Nin?instrument=onestop&lang={language}")
        assert page.status_code == 404
        assert title in page.text


def test_the_one_stop_index_has_no_compare_or_explorer_page(client: TestClient) -> None:
    for path in ("/compare.json?instrument=onestop", "/indicator.json?instrument=onestop"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert "/overview?instrument=onestop" in answer.json()["error"]["message"]


def test_the_unit_page_drills_down_to_its_departments_and_communes(
    client: TestClient, stored: dict[str, pl.DataFrame]
) -> None:
    document = client.get("/province/Quang Ninh.json?instrument=onestop&lang=en").json()
    agencies = _rows(document, "agencies")
    # The SYNTHETIC province has 2 departments and 3 communes, each ranked among its own.
    assert sorted(row["geography"] for row in agencies) == ["commune"] * 3 + ["department"] * 2
    for row in agencies:
        assert row["province"] == "Quảng Ninh"
        assert row["unit"].startswith("22.")
        assert row["ranked"] == (3 if row["geography"] == "commune" else 2)
        if row["total"] is not None:
            assert sum(row[code] for code in GROUPS) == pytest.approx(row["total"], abs=1e-9)
    late = _rows(document, "agency_late")
    assert {row["period"] for row in late} == {"2025-01", "2025-02", "2025-03"}
    source = stored["onestop_kpis"].filter(
        (pl.col("parent_unit") == "22") & (pl.col("code") == "late")
    )
    expected = {(row["unit"], row["period"]): row for row in source.to_dicts()}
    for row in late:
        origin = expected[(row["unit"], row["period"])]
        assert row["late"] == origin["numerator"]
        assert row["denominator"] == origin["denominator"]
    page = client.get("/province/Quang Ninh?instrument=onestop&lang=en").text
    assert "Departments and communes" in page
    assert 'data-agency="22.S00"' in page
    assert "Late dossiers by agency and period" in page


def test_a_run_stored_without_the_dossier_counts_still_renders(
    onestop_store: tuple[Path, str],
) -> None:
    from govindex.views import View
    from govindex.web.addresses import PageAddress
    from govindex.web.formatting import Formatter
    from govindex.web.links import AppLinks
    from govindex.web.period_context import ranking_context

    view = Dashboard.open(onestop_store[0]).overview(instrument="onestop")
    older = View(
        view.kind,
        view.parameters,
        view.meta,
        {**view.tables, "ranking": view.table("ranking").drop("dossiers")},
    )
    address = PageAddress("overview", "en", instrument="onestop", period="2025-Q1")
    context = ranking_context(older, address, Formatter("en"), AppLinks(""), None)
    assert all(row["dossiers"] is None for row in context["rows"])
