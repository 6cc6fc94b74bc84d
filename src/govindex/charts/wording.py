"""The words and numbers a person reads on a chart or report, in Vietnamese or English.

Labels come from the i18n catalogs; names of provinces and items from the view's own
``*_vi`` columns; numbers are written with the language's decimal mark (``43,77`` in
Vietnamese, ``43.77`` in English), the same way on charts, in PDFs and in workbooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl

from govindex.i18n import translate
from govindex.i18n.numbers import format_number
from govindex.official import vietnamese_name
from govindex.views import GROUP_KEYS, json_value

__all__ = ["MISSING", "Wording", "ordered_names", "score_records"]

MISSING = "–"
"""What an empty cell shows: a number that was not published, or has no interval."""


@dataclass(frozen=True)
class Wording:
    """Labels, names and numbers in one language (``"vi"`` or ``"en"``).

    Examples
    --------
    >>> words = Wording("vi")
    >>> words.number(43.7747), words.group(1)
    ('43,77', 'Nhóm đạt điểm cao nhất')
    >>> Wording("en").interval(41.916, 44.347)
    '41.92–44.35'
    """

    language: str

    def __post_init__(self) -> None:
        translate("language.name", self.language)  # refuses an unknown language early

    @property
    def vietnamese(self) -> bool:
        """Whether names and numbers are written the Vietnamese way."""
        return self.language == "vi"

    def __call__(self, key: str, **fields: Any) -> str:
        """The label ``key``, with ``{placeholders}`` filled from ``fields``."""
        text = translate(key, self.language)
        return text.format(**fields) if fields else text

    def province(self, name: str | None, name_vi: str | None = None) -> str:
        """A province's (or unit's) name: Vietnamese with diacritics, or govindex's English."""
        if not name:
            return MISSING
        if not self.vietnamese:
            return name
        return name_vi or ", ".join(vietnamese_name(part) for part in name.split(", "))

    def item(self, row: Mapping[str, Any], *, numbered: bool = False) -> str:
        """An item's name from a row with ``code``, ``name_en`` and ``name_vi``."""
        code = str(row.get("code") or "")
        name = row.get("name_vi") if self.vietnamese else row.get("name_en")
        name = str(name or row.get("name_en") or code)
        if numbered and code and code != "total" and not name.startswith(code):
            return f"{code}. {name}"
        return name

    def group(self, group: int | None) -> str:
        """A performance group's label; "not ranked" for ``None``."""
        if group is None or group not in GROUP_KEYS:
            return self("group.none")
        return self(f"group.{GROUP_KEYS[group]}")

    def group_labels(self) -> list[str]:
        """The labels of groups 1–4, then "not ranked" (the colour legend's order)."""
        return [self.group(number) for number in sorted(GROUP_KEYS)] + [self.group(None)]

    def number(self, value: float | None, digits: int = 2) -> str:
        """``value`` with ``digits`` decimals and the language's decimal mark."""
        if value is None:
            return MISSING
        return _formatted(value, self.language, digits)

    def interval(self, low: float | None, high: float | None, digits: int = 2) -> str:
        """``low–high``, or a dash when the interval was not published."""
        if low is None or high is None:
            return MISSING
        return f"{self.number(low, digits)}–{self.number(high, digits)}"

    def rank(self, rank: int | None, low: int | None = None, high: int | None = None) -> str:
        """A rank, with its rank interval when there is one: ``29 (25–48)``."""
        if rank is None:
            return MISSING
        if low is None or high is None:
            return str(rank)
        return f"{rank} ({low}–{high})"

    def source(self, run: Mapping[str, Any], year: int | None = None) -> str:
        """One line naming the run behind a chart: the published record or a microdata run."""
        shown_year = year if year is not None else run.get("parameters", {}).get("year", "")
        if run.get("kind") == "published":
            return self("chart.source.published", year=shown_year)
        return self("chart.source.microdata", run=str(run.get("run_id", ""))[:8], year=shown_year)


@lru_cache(maxsize=65536)
def _formatted(value: float, language: str, digits: int) -> str:
    # Babel's formatting is slow, and a site repeats its numbers: a province's trend is on
    # each of its profiles, a national mean on every page of its year.
    return format_number(value, language, digits, missing=MISSING)


def score_records(
    frame: pl.DataFrame,
    words: Wording,
    *,
    name_column: str = "province",
    keep: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows of a view table as chart data: the numbers plus what the tooltip shows.

    Each record keeps ``estimate``, ``ci_low``, ``ci_high``, ``rank`` and ``group``, and adds
    ``name`` (in the chosen language), ``group_label``, ``score_text``, ``interval_text``
    and ``rank_text``. ``keep`` limits the view's own columns to those named (charts with
    many rows carry only what they draw).

    Examples
    --------
    >>> frame = pl.DataFrame({"province": ["Ha Noi"], "province_vi": ["Hà Nội"],
    ...                       "estimate": [43.77], "ci_low": [None], "ci_high": [None],
    ...                       "rank": [29], "group": [2]})
    >>> record = score_records(frame, Wording("vi"))[0]
    >>> record["name"], record["score_text"], record["group_label"]
    ('Hà Nội', '43,77', 'Nhóm đạt điểm trung bình cao')
    """
    records = []
    for row in frame.iter_rows(named=True):
        record = {
            key: json_value(value) for key, value in row.items() if keep is None or key in keep
        }
        record["name"] = words.province(row.get(name_column), row.get(f"{name_column}_vi"))
        record["group_label"] = words.group(row.get("group"))
        record["score_text"] = words.number(row.get("estimate"))
        record["interval_text"] = words.interval(row.get("ci_low"), row.get("ci_high"))
        record["rank_text"] = words.rank(row.get("rank"), row.get("rank_low"), row.get("rank_high"))
        records.append(record)
    return records


def ordered_names(records: Sequence[Mapping[str, Any]], key: str = "name") -> list[str]:
    """The distinct values of ``key`` in the order the records come (a scale's domain)."""
    return list(dict.fromkeys(str(record[key]) for record in records))
