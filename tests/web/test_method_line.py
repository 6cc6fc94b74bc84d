"""The profile's "Method:" line names only the years the diagnosis actually compared.

Quảng Ninh has no published scores in 2023 (the previous year of 2024) nor in 2021 (the
term baseline): nothing was compared, so the Method line must not say "compared with 2023
and the term baseline 2021" under the note that no comparison was possible.
"""

from __future__ import annotations

import html
import re

import pytest

from govindex.i18n import translate


def _method_line(page: str) -> str:
    """The text of the profile's Method paragraph, tags removed and spaces collapsed."""
    label = re.escape(html.escape(translate("profile.method", "en")))
    found = re.search(rf'<p class="note"><span>(?:{label}|[^<]*)</span>(.*?)</p>', page, re.S)
    assert found is not None, "the profile has no Method line"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_comparison_method_line_names_no_compared_year(client, language: str) -> None:
    page = client.get(f"/province/Quang%20Ninh?year=2024&lang={language}").text
    line = _method_line(page)
    assert line == translate("method.no_comparison", language).format(years="2023, 2021")
    for key in ("method.compared_both", "method.compared_previous", "method.compared_baseline"):
        opening = translate(key, language).split("{")[0]
        assert opening not in line


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_comparable_year_names_both_compared_years(client, language: str) -> None:
    page = client.get(f"/province/Ha%20Noi?year=2024&lang={language}").text
    line = _method_line(page)
    level = "90"
    assert line == translate("method.compared_both", language).format(
        previous=2023, baseline=2021, level=level
    )
