"""The dashboard in a real browser: what a person sees, and that nothing leaves localhost."""

from __future__ import annotations

import csv
import io
import urllib.parse
from typing import Any

import polars as pl
import pytest

from govindex.i18n import translate
from govindex.official import bundled_data_dir

pytestmark = pytest.mark.timeout(300)


def _published(year: int, dimension: str = "total") -> pl.DataFrame:
    return (
        pl.read_csv(bundled_data_dir() / "published_scores.csv")
        .filter((pl.col("year") == year) & (pl.col("dimension") == dimension))
        .filter(pl.col("score").is_not_null())
        .sort("score", descending=True)
    )


@pytest.fixture
def page(browser: Any, server: str) -> Any:
    """A fresh browser context that records every request it makes."""
    context = browser.new_context(accept_downloads=True, locale="en-GB")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.requested = requested
    yield page
    hosts = {urllib.parse.urlsplit(url).hostname for url in requested}
    schemes = {urllib.parse.urlsplit(url).scheme for url in requested}
    context.close()
    assert hosts <= {"127.0.0.1", None}, f"requests left localhost: {sorted(map(str, hosts))}"
    assert schemes <= {"http", "data", "blob"}, f"unexpected schemes: {schemes}"


def _wait_for_chart(page: Any, name: str) -> None:
    page.wait_for_selector(f"#chart-{name} svg", timeout=30_000)


def _first_province(page: Any) -> str:
    return str(page.locator("table.ranking tbody tr").first.locator("th").inner_text()).strip()


def test_overview_year_dimension_language_profile_download_permalink(
    page: Any, server: str
) -> None:
    # 1. The overview: map and ranking drawn, the best 2024 province first.
    page.goto(f"{server}/overview?year=2024&lang=en")
    _wait_for_chart(page, "map")
    _wait_for_chart(page, "ranking")
    assert page.locator("#chart-map svg path").count() >= 63
    best_2024 = _published(2024)["province"][0]
    assert _first_province(page).startswith(best_2024)
    assert "2024" in page.locator("h1").inner_text()
    assert page.locator("table.ranking tbody tr").count() == 63

    # 2. Switch year: the page and its table follow.
    page.locator("select[data-navigate]").first.select_option(label="2020")
    page.wait_for_url("**year=2020**")
    _wait_for_chart(page, "map")
    assert "2020" in page.locator("h1").inner_text()
    assert _first_province(page).startswith(_published(2020)["province"][0])

    # 3. Switch to dimension 4 (control of corruption).
    item_select = page.locator("select[data-navigate]").nth(1)
    values = item_select.locator("option").evaluate_all("options => options.map(o => o.value)")
    target = next(v for v in values if "level=dimension" in v and "code=4" in v)
    item_select.select_option(value=target)
    page.wait_for_url("**code=4**")
    _wait_for_chart(page, "ranking")
    corruption = _published(2020, "control_of_corruption")
    assert _first_province(page).startswith(corruption["province"][0])

    # 4. Switch language: every label follows, Vietnamese names appear, the state is kept.
    page.locator('header a[hreflang="vi"]').click()
    page.wait_for_url("**lang=vi**")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "code=4" in page.url
    assert "year=2020" in page.url
    header = page.locator("table.ranking thead").inner_text()
    assert translate("column.province", "vi") in header
    assert translate("column.rank", "vi") in header
    assert page.get_by_role("link", name="Hà Nội", exact=True).count() == 1

    # 5. Open a province from the table.
    page.get_by_role("link", name="Hà Nội", exact=True).click()
    page.wait_for_url("**/province/**")
    _wait_for_chart(page, "dimensions")
    _wait_for_chart(page, "trends")
    assert "Hà Nội" in page.locator("h1").inner_text()
    assert "2020" in page.url

    # 6. Download a table as CSV and read it.
    link = page.locator("section.page-tools a[download]", has_text="CSV").first
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    text = download.path().read_text(encoding="utf-8") if download.path() else ""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows, "the downloaded CSV has no rows"
    assert "estimate" in rows[0]
    assert download.suggested_filename.endswith(".csv")

    # 7. The permalink restores exactly this view in a new page.
    permalink = page.locator("a[data-permalink]").get_attribute("href")
    heading = page.locator("h1").inner_text()
    other = page.context.new_page()
    other.goto(urllib.parse.urljoin(page.url, permalink))
    other.wait_for_selector("#chart-dimensions svg", timeout=30_000)
    assert other.locator("h1").inner_text() == heading
    assert other.locator("html").get_attribute("lang") == "vi"
    other.close()


def test_synthetic_run_is_labelled_and_34_units_are_derived(page: Any, server: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{server}/runs.json") as response:
        runs = json.load(response)["tables"]["runs"]["rows"]
    synthetic = next(row["run_id"] for row in runs if row["synthetic"])
    page.goto(f"{server}/overview?run={synthetic}&lang=en")
    _wait_for_chart(page, "map")
    assert "SYNTHETIC" in page.locator(".synthetic-banner").inner_text()
    # rank intervals are shown for a microdata run
    assert "–" in page.locator("table.ranking tbody tr").first.inner_text()

    page.goto(f"{server}/overview?year=2024&geo=34&lang=en")
    _wait_for_chart(page, "map")
    assert page.locator("table.ranking tbody tr").count() == 34
    assert page.locator(".note-derived").count() == 1


def test_api_documentation_works_offline(page: Any, server: str) -> None:
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() >= 20
    assert "/province/{name}.json" in page.locator(".swagger-ui").inner_text()
