"""The dashboard routes by the instrument registry: SIPAS runs on their own pages.

A store with the official PAPI record and one small SYNTHETIC SIPAS run (see
:mod:`tests.web.sipas_store`): every SIPAS page and its JSON twin, the downloads, the
instrument switch, and PAPI's pages untouched by the SIPAS run.
"""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import load_workbook
from scipy import stats
from tests.web.sipas_store import build_sipas_store

from govindex.storage import RunStore
from govindex.views import Dashboard
from govindex.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def sipas_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The store file and the id of its SYNTHETIC SIPAS run."""
    folder = tmp_path_factory.mktemp("sipas-store")
    path = folder / "store.duckdb"
    return path, build_sipas_store(path)


@pytest.fixture(scope="session")
def sipas_dashboard(sipas_store: tuple[Path, str]) -> Dashboard:
    return Dashboard.open(sipas_store[0])


@pytest.fixture(scope="session")
def sipas_client(sipas_dashboard: Dashboard) -> TestClient:
    return TestClient(create_app(sipas_dashboard))


def _json(client: TestClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text[:400]
    body: dict[str, Any] = response.json()
    return body


def test_runs_are_routed_by_the_registry(
    sipas_dashboard: Dashboard, sipas_store: tuple[Path, str]
) -> None:
    run_id = sipas_store[1]
    snapshot = sipas_dashboard.snapshot
    assert snapshot.instruments[run_id] == "sipas"
    assert set(snapshot.instruments.values()) == {"papi", "sipas"}
    # PAPI's pages never see the SIPAS run.
    assert run_id not in snapshot.datasets["run_id"].to_list()
    assert run_id not in snapshot.scores["run_id"].to_list()
    assert [entry.id for entry in sipas_dashboard.instruments()] == ["papi", "sipas"]
    assert sipas_dashboard.score_table_instrument("sipas", None) == "sipas"
    assert sipas_dashboard.score_table_instrument("papi", None) is None
    assert sipas_dashboard.score_table_instrument(None, run_id[:8]) == "sipas"


def test_the_producer_stored_differences_and_level_names(sipas_store: tuple[Path, str]) -> None:
    with RunStore(sipas_store[0]) as store:
        tables = store.run_tables(sipas_store[1])
    assert {"score_table", "national_differences", "levels", "national"} <= set(tables)


def test_overview_twin(sipas_client: TestClient, sipas_store: tuple[Path, str]) -> None:
    body = _json(sipas_client, "/overview.json?instrument=sipas")
    assert body["view"] == "instrument_overview"
    assert body["parameters"]["instrument"] == "sipas"
    assert body["parameters"]["run_id"] == sipas_store[1]
    assert body["meta"]["synthetic"] is True
    assert body["meta"]["performance_groups"] is None
    levels = {entry["level"]: entry for entry in body["meta"]["levels"]}
    assert levels["subdimension"]["name_en"] == "element"
    assert levels["subdimension"]["name_vi"] == "yếu tố"
    assert levels["dimension"]["name_en"] == "component"
    assert (levels["total"]["scale_min"], levels["total"]["scale_max"]) == (0.0, 100.0)
    ranking = body["tables"]["ranking"]
    assert "group" not in ranking["columns"]
    rows = ranking["rows"]
    assert len(rows) == 63
    scored = [row for row in rows if row["estimate"] is not None]
    assert all(0.0 <= row["estimate"] <= 100.0 for row in scored)
    assert all(row["se"] is not None and row["n"] > 0 for row in scored)
    assert all(row["ci_low"] < row["estimate"] < row["ci_high"] for row in scored)
    assert [row["rank"] for row in scored] == sorted(row["rank"] for row in scored)
    assert all(row["rank_low"] <= row["rank"] <= row["rank_high"] for row in scored)
    summary = body["tables"]["summary"]["rows"][0]
    assert summary["national_mean"] == pytest.approx(
        sum(row["estimate"] for row in scored) / len(scored), rel=1e-12
    )


def test_national_mean_is_the_stored_national_figure(
    sipas_client: TestClient, sipas_store: tuple[Path, str]
) -> None:
    with RunStore(sipas_store[0]) as store:
        national = store.read_table(sipas_store[1], "national")
    stored = national.filter(
        (pl.col("figure") == "mean_of_provinces")
        & (pl.col("level") == "dimension")
        & (pl.col("code") == "PAS")
    ).row(0, named=True)
    body = _json(sipas_client, "/overview.json?instrument=sipas&level=dimension&code=PAS")
    summary = body["tables"]["summary"]["rows"][0]
    assert summary["national_mean"] == pytest.approx(stored["estimate"], rel=1e-12)
    assert summary["national_se"] == pytest.approx(stored["se"], rel=1e-9)
    assert body["meta"]["item"]["name_vi"].startswith("Sự hài lòng")


def test_difference_of_one_province_by_hand(sipas_client: TestClient) -> None:
    body = _json(sipas_client, "/overview.json?instrument=sipas")
    rows = [row for row in body["tables"]["ranking"]["rows"] if row["estimate"] is not None]
    count = len(rows)
    mean = sum(row["estimate"] for row in rows) / count
    first = rows[0]
    others = sum(row["se"] ** 2 for row in rows[1:])
    se = math.sqrt((1 - 1 / count) ** 2 * first["se"] ** 2 + others / count**2)
    margin = stats.t.ppf(0.5 + first["ci_level"] / 2, first["df"]) * se
    assert first["difference"] == pytest.approx(first["estimate"] - mean, rel=1e-9)
    assert first["difference_se"] == pytest.approx(se, rel=1e-9)
    assert first["difference_low"] == pytest.approx(first["difference"] - margin, rel=1e-9)
    assert first["beyond_noise"] == (first["difference_low"] > 0 or first["difference_high"] < 0)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_overview_page(sipas_client: TestClient, language: str) -> None:
    html = sipas_client.get(f"/overview?instrument=sipas&lang={language}").text
    assert "synthetic-banner" in html
    assert 'data-instrument="sipas"' in html
    if language == "en":
        assert "overall SIPAS" in html
        assert "scale 0–100" in html
        assert "none (this index publishes ranks, not groups)" in html
    else:
        assert "chỉ số SIPAS" in html
        assert "thang 0–100" in html
        assert "Chênh lệch so với trung bình cả nước" in html
    # Reported values stand apart, with who reported them.
    assert "data-reported" in html
    assert (
        "reported by the press/provinces" if language == "en" else "công bố bởi báo chí/địa phương"
    ) in html


def test_profile_twin_and_noise(sipas_client: TestClient) -> None:
    body = _json(sipas_client, "/province/Ha%20Noi.json?instrument=sipas")
    assert body["view"] == "instrument_profile"
    items = body["tables"]["items"]["rows"]
    assert items[0]["level"] == "total"
    assert {
        "national_mean",
        "difference",
        "difference_se",
        "difference_low",
        "difference_high",
        "beyond_noise",
        "se",
        "n",
    } <= set(items[0])
    beyond = [row for row in items if row["beyond_noise"]]
    assert all(row["difference_low"] > 0 or row["difference_high"] < 0 for row in beyond)
    within = [row for row in items if row["beyond_noise"] is False]
    assert all(row["difference_low"] <= 0 <= row["difference_high"] for row in within)
    counts = body["meta"]["beyond_noise"]
    assert counts["above"] + counts["below"] == len(beyond)
    assert "excludes 0" in body["meta"]["beyond_noise_rule"]
    reported = body["tables"]["reported"]["rows"]
    hanoi_total = [row for row in reported if row["code"] == "total"]
    assert hanoi_total
    assert hanoi_total[0]["estimate"] == pytest.approx(86.5)
    assert hanoi_total[0]["reported_by"] == "press/provinces"
    assert hanoi_total[0]["source_url"].startswith("https://")


@pytest.mark.parametrize(
    ("language", "rule", "heading"),
    [
        ("vi", "không chứa 0", "Hà Nội: SIPAS 2024"),
        ("en", "excludes 0", "Ha Noi: SIPAS 2024"),
    ],
)
def test_profile_page(sipas_client: TestClient, language: str, rule: str, heading: str) -> None:
    html = sipas_client.get(f"/province/Ha%20Noi?instrument=sipas&lang={language}").text
    assert heading in html
    assert rule in html
    assert "data-noise-count" in html
    assert "synthetic-banner" in html
    assert 'rel="external noopener"' in html  # the reported value's source link


def test_compare_twin_and_default(sipas_client: TestClient) -> None:
    body = _json(
        sipas_client, "/compare.json?instrument=sipas&province=Ha%20Noi&province=Hai%20Phong"
    )
    assert body["view"] == "instrument_compare"
    rows = body["tables"]["scores"]["rows"]
    assert {row["province"] for row in rows} == {"Ha Noi", "Hai Phong"}
    assert {row["code"] for row in rows} == {"total", "POL", "PAS"}
    assert all("difference_se" in row for row in rows)
    elements = _json(
        sipas_client,
        "/compare.json?instrument=sipas&province=Ha%20Noi&province=Hai%20Phong&level=subdimension",
    )
    assert {row["code"] for row in elements["tables"]["scores"]["rows"]} >= {"PAS.1", "PAS.5"}
    bare = _json(sipas_client, "/compare.json?instrument=sipas")
    overview = _json(sipas_client, "/overview.json?instrument=sipas")
    leading = [row["province"] for row in overview["tables"]["ranking"]["rows"]][:3]
    assert bare["parameters"]["provinces"] == leading


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compare_page(sipas_client: TestClient, language: str) -> None:
    html = sipas_client.get(f"/compare?instrument=sipas&lang={language}").text
    assert (
        "Provinces compared: SIPAS 2024" if language == "en" else "So sánh các tỉnh: SIPAS 2024"
    ) in html
    assert 'data-compare-item="PAS"' in html


def test_explorer_twin_and_page(sipas_client: TestClient) -> None:
    body = _json(sipas_client, "/indicator.json?instrument=sipas&level=subdimension&code=PAS.1")
    assert body["view"] == "instrument_indicator"
    assert {row["year"] for row in body["tables"]["values"]["rows"]} == {2024}
    assert body["tables"]["national"]["rows"][0]["national_se"] > 0
    html = sipas_client.get(
        "/indicator?instrument=sipas&level=subdimension&code=PAS.1&lang=en"
    ).text
    assert "PAS.1" in html
    assert 'data-year="2024"' in html
    # The item selector opens the explorer of another item of the same instrument.
    assert "/indicator?level=dimension&amp;code=POL&amp;instrument=sipas&amp;lang=en" in html


def test_downloads(sipas_client: TestClient, sipas_store: tuple[Path, str]) -> None:
    response = sipas_client.get("/overview.csv?instrument=sipas&table=ranking")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert "sipas-overview-2024-total" in disposition
    assert "SYNTHETIC" in disposition
    frame = pl.read_csv(io.BytesIO(response.content))
    assert frame.height == 63
    assert "difference_se" in frame.columns
    workbook = sipas_client.get("/province/Ha%20Noi.xlsx?instrument=sipas")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert any("items" in name for name in sheets)


def test_permalinks_keep_the_instrument_and_run(
    sipas_client: TestClient, sipas_store: tuple[Path, str]
) -> None:
    html = sipas_client.get("/overview?instrument=sipas").text
    assert f"run={sipas_store[1]}&amp;instrument=sipas" in html
    # A SIPAS run asked for without the instrument is still shown as SIPAS, never as PAPI.
    body = _json(sipas_client, f"/overview.json?run={sipas_store[1][:10]}")
    assert body["view"] == "instrument_overview"


def test_papi_pages_do_not_see_the_sipas_run(
    sipas_client: TestClient, sipas_store: tuple[Path, str]
) -> None:
    body = _json(sipas_client, "/overview.json?year=2024")
    assert body["view"] == "overview"
    assert sipas_store[1] not in str(body["meta"]["runs"])
    explicit = _json(sipas_client, "/overview.json?year=2024&instrument=papi")
    assert explicit["tables"] == body["tables"]


def test_instrument_switch(sipas_client: TestClient) -> None:
    papi = sipas_client.get("/overview?lang=en").text
    assert "data-instrument-switch" in papi
    assert 'href="/overview?instrument=sipas&amp;lang=en"' in papi
    sipas = sipas_client.get("/overview?instrument=sipas").text
    assert 'href="/overview?lang=vi"' in sipas  # back to PAPI, in Vietnamese
    assert 'title="Chỉ số hài lòng' in sipas  # the Vietnamese name of SIPAS


def test_unknown_instrument_is_a_clear_404(sipas_client: TestClient) -> None:
    response = sipas_client.get("/overview.json?instrument=xyz")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["where"] == "instrument"
    assert "sipas" in str(error["expected"])


def test_runs_page_lists_the_sipas_run(
    sipas_client: TestClient, sipas_store: tuple[Path, str]
) -> None:
    body = _json(sipas_client, "/runs.json")
    assert sipas_store[1] not in str(body["tables"]["runs"]["rows"])
    others = body["tables"]["instrument_runs"]["rows"]
    assert [(row["run_id"], row["instrument"], row["year"]) for row in others] == [
        (sipas_store[1], "sipas", 2024)
    ]
    assert not others[0]["source"].startswith("/")  # no server folder is shown
    html = sipas_client.get("/runs?lang=en").text
    assert f"run={sipas_store[1]}&amp;instrument=sipas" in html
    assert str(sipas_store[0].parent) not in html


def test_a_run_of_an_unknown_instrument_is_left_off(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from govindex.manifest import RunManifest
    from govindex.views import Snapshot

    path = tmp_path / "store.duckdb"
    manifest = RunManifest.create(
        kind="microdata",
        spec_hash="0" * 64,
        data_hash="1" * 64,
        parameters={"instrument": "tomorrow"},
        source="unknown.csv",
        seed=0,
        synthetic=True,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    scores = pl.DataFrame(
        {
            "year": [2024],
            "province": ["Ha Noi"],
            "level": ["total"],
            "code": ["total"],
            "name": ["x"],
            "estimate": [1.0],
            "se": [0.1],
            "ci_low": [0.8],
            "ci_high": [1.2],
            "n": [10],
            "rank": [1],
            "rank_low": [1],
            "rank_high": [1],
            "group": [None],
            "suppressed": [False],
        },
        schema_overrides={
            "year": pl.Int32,
            "rank": pl.Int32,
            "rank_low": pl.Int32,
            "rank_high": pl.Int32,
            "group": pl.String,
        },
    )
    with RunStore(path) as store:
        store.save_run(manifest, scores, {})
        snapshot = Snapshot.load(store)
    assert snapshot.instruments[manifest.run_id] == "unregistered"
    assert snapshot.datasets.is_empty()
    assert not snapshot.other_manifests
