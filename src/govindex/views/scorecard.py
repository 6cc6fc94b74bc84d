"""One province across the four instruments, and how the instruments agree.

The store keeps two derived tables, rewritten by every producer when it stores a run
(:mod:`govindex.storage.scorecard_tables`, computed by
:mod:`govindex.analysis.scorecard`): ``scorecard``, one row per province, instrument, year
and source of a value (computed run, official record, reported by the press with its
link), and ``agreement``, Spearman's rank correlation of each pair of instruments.
:meth:`Scorecard.load` reads them; pages and commands only select from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from govindex.errors import NotFound
from govindex.official.provinces import province_key
from govindex.scores import registered
from govindex.storage import RunStore
from govindex.views.view import View

__all__ = ["Labels", "Scorecard", "agreement_rows", "scorecard_rows"]

_SOURCE_ORDER = {"computed": 0, "official": 1, "reported": 2}
_SCALES = {
    "papi": "sum of 8 dimensions, each 1–10 (maximum 80)",
    "sipas": "% satisfied",
    "par": "% of the rubric's maximum points",
    "onestop": "points of 100",
}


@dataclass(frozen=True, eq=False)
class Scorecard:
    """Every province's values across the instruments (``rows``) and the instruments'
    agreement (``agreement``), as read from one store."""

    rows: pl.DataFrame
    agreement: pl.DataFrame
    store_path: str

    @classmethod
    def load(cls, store: RunStore) -> Scorecard:
        """Read the scorecard ``store`` keeps (its producers wrote it when storing runs).

        Examples
        --------
        A store without runs still has the values the press and provinces reported:

        >>> with RunStore(":memory:") as store:
        ...     sorted(set(Scorecard.load(store).rows["source_kind"]))
        ['reported']
        """
        rows, agreement = store.scorecard()
        return cls(rows=rows, agreement=agreement, store_path=str(store.path))

    @classmethod
    def open(cls, path: str | Path) -> Scorecard:
        """:meth:`load` from the store file at ``path`` (opened and closed here)."""
        with RunStore(path, read_only=True) as store:
            return cls.load(store)

    def provinces(self) -> list[str]:
        """The provinces with at least one value, sorted."""
        return sorted(self.rows["province"].unique().to_list())

    def view(self, province: str, year: int | None = None) -> View:
        """The scorecard of ``province`` (any spelling), every year or one.

        Raises :class:`NotFound` naming a few known provinces for an unknown name.
        """
        key = province_key(province)
        found = self.rows.filter(pl.col("province_key") == key)
        if not found.height:
            known = ", ".join(self.provinces()[:6])
            msg = f"no instrument scores province `{province}`."
            raise NotFound(msg, where="province", found=province, hint=f"e.g. {known}")
        if year is not None:
            found = found.filter(pl.col("year") == year)
        ordered = found.with_columns(
            pl.col("instrument")
            .replace_strict({entry.id: i for i, entry in enumerate(registered())}, default=99)
            .alias("_instrument"),
            pl.col("source_kind").replace_strict(_SOURCE_ORDER, default=9).alias("_source"),
        ).sort("year", "_instrument", "_source", descending=[True, False, False])
        table = ordered.drop("_instrument", "_source", "province_key")
        agreement = self.agreement if year is None else self.agreement.filter(year=year)
        instruments = [
            {
                "id": entry.id,
                "name_vi": entry.name_vi,
                "name_en": entry.name_en,
                "scale": _SCALES.get(entry.id, ""),
            }
            for entry in registered()
        ]
        meta: dict[str, Any] = {
            "province": str(found["province"][0]),
            "synthetic": bool(table["synthetic"].any()),
            "instruments": instruments,
            "sources": {
                "computed": "a run govindex computed and stored (its run id)",
                "official": "the official PAPI record bundled with govindex",
                "reported": "quoted by the press or a province (its link); not computed here",
            },
            "change_rule": (
                "difference from the previous year of the same instrument and source; "
                "empty where the method changed between the two years"
            ),
            "store": Path(self.store_path).name,
        }
        return View(
            "scorecard",
            {"province": province, "year": year},
            meta,
            {"scorecard": table, "agreement": agreement},
        )


class Labels(Protocol):
    """What the scorecard's rows are worded with: labels of the page's language and its
    number format (the web's ``Formatter`` and the reports' ``Wording`` both are)."""

    def __call__(self, key: str, **fields: Any) -> str:
        """The label ``key`` with its ``{field}`` placeholders filled."""

    def number(self, value: float | None, digits: int = 2) -> str:
        """``value`` with ``digits`` decimals in the language's format."""


SHORT_NAMES = {"papi": "PAPI", "sipas": "SIPAS", "par": "PAR Index", "onestop": "766"}
_MISSING = "—"


def scorecard_rows(view: View, words: Labels, *, until: int | None = None) -> list[dict[str, Any]]:
    """The scorecard view's rows worded for a page or a report (years before ``until``).

    Examples
    --------
    >>> from govindex.application.scorecard import province_scorecard
    >>> from govindex.web.formatting import Formatter
    >>> view = province_scorecard("Quảng Ninh", 2024, store_path)
    >>> scorecard_rows(view, Formatter("en"))[0]["source"]
    'Official record'
    """
    rows = []
    for row in view.table("scorecard").iter_rows(named=True):
        if until is not None and row["year"] >= until:
            continue
        rows.append(
            {
                "instrument": row["instrument"],
                "instrument_name": SHORT_NAMES.get(row["instrument"], row["instrument"]),
                "year": row["year"],
                "value": _value(words, row),
                "se": _MISSING if row["se"] is None else words.number(row["se"]),
                "rank": _MISSING
                if row["rank"] is None
                else f"{row['rank']} {words('scorecard.of')} {row['ranked']}",
                "group": row["group_label"]
                or (_MISSING if row["group"] is None else str(row["group"])),
                "change": _change(words, row),
                "source": _source(words, row),
                "url": row["source_url"]
                if str(row["source_url"] or "").startswith("http")
                else None,
                "source_kind": row["source_kind"],
                "synthetic": bool(row["synthetic"]),
            }
        )
    return rows


def agreement_rows(view: View, words: Labels) -> list[dict[str, Any]]:
    """The agreement table's rows worded for a page or a report."""
    return [
        {
            "year": row["year"],
            "pair": f"{SHORT_NAMES[row['first']]} – {SHORT_NAMES[row['second']]}",
            "series": f"{row['first_source']}; {row['second_source']}",
            "provinces": row["provinces"],
            "rho": words.number(row["rho"], 3),
            "interval": _MISSING
            if row["low"] is None or row["high"] is None
            else f"{words.number(row['low'], 3)} – {words.number(row['high'], 3)}",
            "method": row["method"],
            "synthetic": bool(row["synthetic"]),
        }
        for row in view.table("agreement").iter_rows(named=True)
    ]


def _value(words: Labels, row: dict[str, Any]) -> str:
    if row["estimate"] is not None:
        return words.number(row["estimate"])
    return words("scorecard.withheld" if row["status"] == "withheld" else "scorecard.not_found")


def _change(words: Labels, row: dict[str, Any]) -> str:
    if row["change_note"]:
        return words("scorecard.not_comparable")
    change = row["change"]
    if change is None:
        return _MISSING
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return sign + words.number(abs(change))


def _source(words: Labels, row: dict[str, Any]) -> str:
    kind = row["source_kind"]
    if kind == "computed":
        return words("scorecard.source.computed", run=row["run_id"])
    label = words(f"scorecard.source.{kind}")
    if kind == "official" and row["source_url"] and not str(row["source_url"]).startswith("http"):
        return f"{label} ({row['source_url']})"
    return label
