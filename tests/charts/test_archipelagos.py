"""Every map of Viet Nam draws and names Hoàng Sa and Trường Sa: 63 provinces, 34 units, PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from govindex.charts import chart_svg, map_chart
from govindex.charts.wording import Wording
from govindex.reports import profile_pdf
from govindex.views import Dashboard

LABELS = {
    "vi": ("Quần đảo Hoàng Sa (Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)"),
    "en": ("Hoàng Sa archipelago (Da Nang)", "Trường Sa archipelago (Khanh Hoa)"),
}


@pytest.mark.parametrize("geography", ["63", "34"])
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("asset_base", [None, "/static"])
def test_the_map_spec_carries_both_archipelagos_and_their_names(
    dashboard: Dashboard, geography: str, language: str, asset_base: str | None
) -> None:
    view = dashboard.overview(year=2024, geography=geography)
    spec = json.dumps(map_chart(view, Wording(language), asset_base=asset_base), ensure_ascii=False)
    # Inlined even when the outlines are fetched from the static folder.
    assert '"archipelago": "Hoang Sa"' in spec
    assert '"archipelago": "Truong Sa"' in spec
    for label in LABELS[language]:
        assert label in spec


@pytest.mark.parametrize("geography", ["63", "34"])
def test_the_rendered_map_names_both_archipelagos(dashboard: Dashboard, geography: str) -> None:
    view = dashboard.overview(year=2024, geography=geography)
    svg = chart_svg(map_chart(view, Wording("vi"), asset_base=None, highlight="Ha Noi"))
    for label in LABELS["vi"]:
        assert label in svg


def test_the_profile_pdf_map_names_both_archipelagos(dashboard: Dashboard, tmp_path: Path) -> None:
    path = profile_pdf(dashboard, "Khánh Hòa", year=2024, path=tmp_path / "khanh-hoa.pdf")
    document = pdfium.PdfDocument(path)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    flat = " ".join(text.split())
    for label in LABELS["vi"]:
        assert label in flat
