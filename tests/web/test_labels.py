"""Every label the web layer shows exists in Vietnamese and English."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from govindex.i18n import labels

WEB = Path(str(resources.files("govindex.web")))
CATALOG = Path(str(resources.files("govindex.i18n"))) / "catalog" / "web.json"
# t("key"), t('key') and t("key", name=...) in templates; fmt("key") in the page code.
LITERAL_KEYS = re.compile(r"""\b(?:t|fmt)\(\s*["']([a-z0-9_.]+)["']""")
# Keys built from data: the prefix and every value the views can give.
BUILT_KEYS = {
    "group.": ["best", "high_average", "low_average", "poor", "none"],
    "level.": ["total", "dimension", "subdimension", "indicator"],
    "status.": ["significant", "not_significant", "no_se", "not_comparable", "not_published"],
    "tier.": ["1", "2", "3", "4", "5"],
    "kind.": ["published", "microdata"],
    "geography.": ["63", "34"],
    "nav.": ["overview", "compare", "indicator", "runs"],
    "reason.": ["significant", "not_significant", "no_se"],
    # The pages of an index scored by period (views.period_pages, web.period_context).
    "period.kind.": ["week", "month", "quarter", "year", "range"],
    "period.band.": ["good", "fair", "average", "weak"],
    "period.group.": ["publicity", "progress", "online", "digitisation", "satisfaction"],
    "period.channel.": ["online", "postal", "direct"],
    "period.agency_level.": ["department", "commune", "legacy_district", "agency"],
    "period.kpi.": [
        *("handled", "on_time", "online_share", "noncash_payment", "postal_return"),
        *("counter_minutes", "digitised_reuse", "survey_satisfaction"),
    ],
    # Download labels name each table of a view (rendering.PageRenderer._table_label).
    "download.table.": [
        *("changes", "dimensions", "items", "national", "priorities", "ranking"),
        *("runs", "scores", "summary", "trends", "values"),
        # The scorecard page's CSV downloads, one per table (web.scorecard_page).
        *("scorecard", "agreement"),
    ],
}


def _used_keys() -> set[str]:
    found: set[str] = set()
    sources = [*WEB.joinpath("templates").glob("*.html"), *WEB.glob("*.py")]
    for source in sources:
        found |= set(LITERAL_KEYS.findall(source.read_text("utf-8")))
    prefixes = {key for key in found if key.endswith(".")}
    assert prefixes <= set(BUILT_KEYS), f"keys built from unknown prefixes: {prefixes}"
    found -= prefixes
    for prefix, values in BUILT_KEYS.items():
        found |= {prefix + value for value in values}
    return found


def test_templates_use_labels() -> None:
    assert len(_used_keys()) > 100


@pytest.mark.parametrize("key", sorted(_used_keys()))
def test_every_label_exists_in_both_languages(key: str) -> None:
    texts = labels().get(key)
    assert texts is not None, f"label `{key}` is used by the web layer but not in a catalog"
    assert texts["en"].strip()
    assert texts["vi"].strip()


def test_the_web_catalog_is_vietnamese_with_diacritics() -> None:
    catalog = json.loads(CATALOG.read_text("utf-8"))
    prose = [texts["vi"] for texts in catalog.values() if len(texts["vi"].split()) >= 3]
    with_diacritics = [text for text in prose if re.search(r"[^\x00-\x7f]", text)]
    assert len(with_diacritics) == len(prose)
    unused = sorted(set(catalog) - _used_keys())
    assert unused == [], f"labels in web.json that no template or page uses: {unused}"
