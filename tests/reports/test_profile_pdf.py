"""A person can read the province profile PDF: charts drawn, Vietnamese letters intact."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from govindex.charts import GROUP_COLOURS
from govindex.i18n import translate
from govindex.reports import profile_html, profile_pdf
from govindex.views import Dashboard

SCALE = 2.0
"""Render at 144 dpi: enough to count chart pixels and read the page."""


@pytest.fixture(scope="session")
def vietnamese_pdf(published: Dashboard, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("profile")
    started = time.perf_counter()
    path = profile_pdf(published, "Hà Nội", year=2024, path=folder / "ha-noi-2024.pdf")
    print(f"\nrendered {path} in {time.perf_counter() - started:.1f} s")
    return path


def _text(page: pdfium.PdfPage) -> str:
    text: str = page.get_textpage().get_text_range()
    return text


def _band(page: pdfium.PdfPage, first: str, second: str) -> tuple[float, float]:
    """The vertical span (PDF points from the top) between two headings on ``page``."""
    textpage = page.get_textpage()
    height = page.get_height()
    tops = []
    for heading in (first, second):
        searcher = textpage.search(heading)
        found = searcher.get_next()
        assert found is not None, f"heading {heading!r} not on the page"
        _, top = textpage.get_charbox(found[0])[1::2]
        tops.append(height - top)
    return tops[0], tops[1]


def _group_coloured(image: Image.Image) -> int:
    """How many pixels are close to one of the four group colours."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int32)
    near = np.zeros(pixels.shape[:2], dtype=bool)
    for colour in GROUP_COLOURS:
        target = np.array([int(colour[index : index + 2], 16) for index in (1, 3, 5)])
        near |= np.abs(pixels - target).sum(axis=2) < 60
    return int(near.sum())


def test_pdf_has_pages_and_vietnamese_text(vietnamese_pdf: Path) -> None:
    document = pdfium.PdfDocument(vietnamese_pdf)
    print(f"\n{vietnamese_pdf.name}: {len(document)} pages, {vietnamese_pdf.stat().st_size} bytes")
    assert len(document) >= 1
    first = _text(document[0])
    assert "Hà Nội" in first
    assert "Chỉ số" in first
    assert "Tám chỉ số nội dung" in first
    everything = "".join(_text(document[index]) for index in range(len(document)))
    assert "\ufffd" not in everything
    assert "Ưu tiên cải thiện" in everything
    assert "ODbL" in everything  # the map outlines' attribution
    assert "SYNTHETIC" not in everything  # the official record is not synthetic


def test_pdf_page_one_shows_the_chart_and_the_title(
    vietnamese_pdf: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    document = pdfium.PdfDocument(vietnamese_pdf)
    page = document[0]
    image: Image.Image = page.render(scale=SCALE).to_pil().convert("RGB")
    saved = tmp_path_factory.mktemp("png") / "page-1.png"
    image.save(saved)
    print(f"\npage 1 rendered to {saved}")
    top, bottom = _band(
        page,
        translate("report.section.dimensions", "vi"),
        translate("report.section.table", "vi"),
    )
    chart = image.crop((0, int(top * SCALE), image.width, int(bottom * SCALE)))
    coloured = _group_coloured(chart)
    assert coloured > 1500, f"only {coloured} group-coloured pixels in the chart area"
    title_top = _band(page, "Hà Nội", translate("report.section.dimensions", "vi"))[0]
    title = image.crop((0, int(title_top * SCALE), image.width, int((title_top + 20) * SCALE)))
    dark = int((np.asarray(title.convert("L")) < 128).sum())
    assert dark > 2000, "the title area is blank: glyphs are missing"


def test_synthetic_profile_is_labelled_on_every_page(
    demo: Dashboard, synthetic_run: str, tmp_path: Path
) -> None:
    path = profile_pdf(
        demo, "Ha Noi", year=None, run_id=synthetic_run, language="en", path=tmp_path / "s.pdf"
    )
    document = pdfium.PdfDocument(path)
    assert len(document) >= 1
    for index in range(len(document)):
        assert "SYNTHETIC" in _text(document[index]), f"page {index + 1} is not labelled"
    first = _text(document[0])
    assert "Ha Noi: provincial governance profile, 2024" in first


def test_profile_html_names_every_section_in_english(published: Dashboard) -> None:
    html = profile_html(published, "Da Nang", year=2023, language="en")
    for key in (
        "report.section.dimensions",
        "report.section.table",
        "report.section.trends",
        "report.section.priorities",
        "report.section.method",
    ):
        assert translate(key, "en") in html
    assert "<svg" in html
    assert "Da Nang" in html
