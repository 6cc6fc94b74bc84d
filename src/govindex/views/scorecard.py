"""One province across the four instruments, and how the instruments agree.

:meth:`Scorecard.load` reads the store once (when the dashboard or a command opens it) and
keeps, for every province, instrument and year, one row per source of a value:

* ``computed``: a run govindex computed and stored (a survey run, a PAR assessment run, a
  one-stop records run), newest run per instrument and period;
* ``official``: the official PAPI record bundled with govindex;
* ``reported``: a SIPAS or PAR Index value quoted by the press or a province, with its link
  (:mod:`govindex.official.reported_indices`), never mixed with computed values.

``change`` is the difference from the previous year of the same instrument and source,
left empty where the instrument's method changed between the two years (SIPAS in 2022).
The agreement table gives Spearman's rank correlation of each pair of instruments over the
provinces both score in a year (:func:`govindex.analysis.agreement.rank_agreement`). Pages
and commands only select from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from govindex.analysis.agreement import rank_agreement
from govindex.errors import NotFound
from govindex.official.provinces import province_key
from govindex.official.reported_indices import comparable, reported_scores
from govindex.scores import instrument, registered
from govindex.scores.papi import run_instrument
from govindex.storage import RunStore
from govindex.views.view import View

__all__ = ["SCORECARD_COLUMNS", "Labels", "Scorecard", "agreement_rows", "scorecard_rows"]

SCORECARD_COLUMNS: dict[str, pl.DataType] = {
    "province": pl.String(),
    "province_key": pl.String(),
    "instrument": pl.String(),
    "year": pl.Int32(),
    "period": pl.String(),
    "estimate": pl.Float64(),
    "se": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "rank": pl.Int32(),
    "rank_low": pl.Int32(),
    "rank_high": pl.Int32(),
    "ranked": pl.Int32(),
    "group": pl.Int32(),
    "group_label": pl.String(),
    "change": pl.Float64(),
    "change_note": pl.String(),
    "source_kind": pl.String(),
    "run_id": pl.String(),
    "source_url": pl.String(),
    "status": pl.String(),
    "reason": pl.String(),
    "synthetic": pl.Boolean(),
}
"""One row per province, instrument, year and source of a value."""

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
        """Read every instrument's totals from ``store`` and the reported record.

        Examples
        --------
        A store without runs still has the values the press and provinces reported:

        >>> with RunStore(":memory:") as store:
        ...     rows = Scorecard.load(store).rows
        >>> rows["source_kind"].unique().to_list(), rows["se"].null_count() == rows.height
        (['reported'], True)
        """
        frames = [_stored_rows(store), _reported_rows()]
        rows = pl.concat([frame for frame in frames if frame.height], how="diagonal_relaxed")
        rows = _with_changes(rows) if rows.height else pl.DataFrame(schema=SCORECARD_COLUMNS)
        # A store without runs has only reported values, which carry no SE, interval or group.
        absent = [name for name in SCORECARD_COLUMNS if name not in rows.columns]
        rows = rows.with_columns(pl.lit(None).alias(name) for name in absent)
        rows = rows.select(list(SCORECARD_COLUMNS)).cast(SCORECARD_COLUMNS)  # type: ignore[arg-type]
        # Provinces carry one spelling: the one the stored runs of the province use first.
        spelled = rows.group_by("province_key").agg(pl.col("province").first().alias("spelled"))
        rows = (
            rows.join(spelled, on="province_key")
            .with_columns(pl.col("spelled").alias("province"))
            .drop("spelled")
        )
        return cls(rows=rows, agreement=_agreement(rows), store_path=str(store.path))

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


def _stored_rows(store: RunStore) -> pl.DataFrame:
    """Total rows of every stored run's score table, with the run's kind."""
    frames: list[pl.DataFrame] = []
    superseded = {m.supersedes for m in store.list_runs() if m.supersedes}
    for manifest in store.list_runs():
        if manifest.run_id in superseded:
            continue
        if "score_table" not in store.run_tables(manifest.run_id):
            continue
        name = run_instrument(manifest.parameters)
        instrument(name)  # an instrument the registry does not know is refused
        table = store.read_table(manifest.run_id, "score_table")
        totals = table.filter(
            (pl.col("level") == "total")
            & (pl.col("code") == "total")
            & pl.col("geography").is_in(["province63", "unit34"])
        )
        if not totals.height:
            continue
        kind = "official" if manifest.kind == "published" else "computed"
        frames.append(
            totals.with_columns(
                pl.lit(kind).alias("source_kind"),
                pl.lit(manifest.created_at).alias("_created"),
                pl.col("estimate")
                .is_not_null()
                .sum()
                .over("period")
                .cast(pl.Int32)
                .alias("ranked"),
            )
        )
    if not frames:
        return pl.DataFrame()
    stored = pl.concat(frames, how="diagonal_relaxed")
    # The newest run of an instrument and period speaks for it; older ones stay in the store.
    newest = stored.group_by("instrument", "period", "source_kind").agg(
        pl.col("run_id").sort_by("_created").last().alias("_newest")
    )
    stored = stored.join(newest, on=["instrument", "period", "source_kind"])
    stored = stored.filter(pl.col("run_id") == pl.col("_newest"))
    return stored.with_columns(
        pl.col("unit").alias("province"),
        pl.col("unit").map_elements(province_key, return_dtype=pl.String).alias("province_key"),
        pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
        pl.coalesce("source_url", "source_file").alias("source_url"),
    ).drop("_created", "_newest")


def _reported_rows() -> pl.DataFrame:
    reported = reported_scores().filter(
        (pl.col("geography") == "province63") & (pl.col("code") == "total")
    )
    ranked = 63
    return reported.select(
        pl.col("unit").alias("province"),
        pl.col("unit").map_elements(province_key, return_dtype=pl.String).alias("province_key"),
        "instrument",
        pl.col("period").cast(pl.Int32).alias("year"),
        "period",
        "estimate",
        pl.col("rank").cast(pl.Int32),
        pl.lit(ranked, pl.Int32).alias("ranked"),
        pl.lit("reported").alias("source_kind"),
        pl.col("provenance").alias("source_url"),
        "status",
        pl.when(pl.col("status") == "published")
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("reason"))
        .alias("reason"),
        pl.col("synthetic"),
    )


def _with_changes(rows: pl.DataFrame) -> pl.DataFrame:
    previous = rows.select(
        "province_key",
        "instrument",
        "source_kind",
        (pl.col("year") + 1).alias("year"),
        pl.col("estimate").alias("_previous"),
    ).unique(subset=["province_key", "instrument", "source_kind", "year"], keep="first")
    joined = rows.join(
        previous, on=["province_key", "instrument", "source_kind", "year"], how="left"
    )
    breaks = [
        comparable(name.upper(), year - 1, year) if name in ("sipas", "par") else True
        for name, year in zip(joined["instrument"], joined["year"], strict=True)
    ]
    return (
        joined.with_columns(
            pl.Series("_comparable", breaks, pl.Boolean),
        )
        .with_columns(
            pl.when(pl.col("_comparable"))
            .then(pl.col("estimate") - pl.col("_previous"))
            .otherwise(None)
            .alias("change"),
            pl.when(~pl.col("_comparable") & pl.col("_previous").is_not_null())
            .then(pl.lit("not comparable: the method changed between the two years"))
            .otherwise(None)
            .alias("change_note"),
        )
        .drop("_previous", "_comparable")
    )


def _agreement(rows: pl.DataFrame) -> pl.DataFrame:
    """Spearman's correlation of each pair of instruments in each year, for every pair of
    series (an instrument's official record or its computed run): series are never mixed."""
    schema = {
        "year": pl.Int32,
        "first": pl.String,
        "second": pl.String,
        "first_source": pl.String,
        "second_source": pl.String,
        "provinces": pl.Int32,
        "rho": pl.Float64,
        "low": pl.Float64,
        "high": pl.Float64,
        "level": pl.Float64,
        "method": pl.String,
        "synthetic": pl.Boolean,
    }
    chosen = rows.filter(
        pl.col("source_kind").is_in(["official", "computed"]) & pl.col("estimate").is_not_null()
    )
    order: dict[str, int] = {entry.id: position for position, entry in enumerate(registered())}
    records: list[dict[str, Any]] = []
    for year in sorted(chosen["year"].unique().to_list()):
        in_year = chosen.filter(year=year)
        series = sorted(
            {(str(a), str(b)) for a, b in in_year.select("instrument", "source_kind").iter_rows()},
            key=lambda item: (order.get(item[0], 99), item[1]),
        )
        for (first, first_kind), (second, second_kind) in combinations(series, 2):
            if first == second:
                continue
            pair = in_year.filter(instrument=first, source_kind=first_kind).join(
                in_year.filter(instrument=second, source_kind=second_kind),
                on="province_key",
                suffix="_2",
            )
            if pair.height < 5:
                continue
            has_se = pair["se"].null_count() == 0 and pair["se_2"].null_count() == 0
            result = rank_agreement(
                pair["estimate"].to_numpy(),
                pair["estimate_2"].to_numpy(),
                first_se=pair["se"].to_numpy() if has_se else None,
                second_se=pair["se_2"].to_numpy() if has_se else None,
            )
            records.append(
                {
                    "year": year,
                    "first": first,
                    "second": second,
                    "first_source": _series(pair, ""),
                    "second_source": _series(pair, "_2"),
                    "provinces": result.n,
                    "rho": result.rho,
                    "low": result.low,
                    "high": result.high,
                    "level": result.level if result.low is not None else None,
                    "method": result.method,
                    "synthetic": bool(pair["synthetic"].any() or pair["synthetic_2"].any()),
                }
            )
    return pl.DataFrame(records, schema=schema)


def _series(pair: pl.DataFrame, suffix: str) -> str:
    kind = str(pair[f"source_kind{suffix}"][0])
    runs = sorted(set(pair[f"run_id{suffix}"].drop_nulls().to_list()))
    return f"{kind} run {', '.join(runs)}" if kind == "computed" else f"{kind} ({', '.join(runs)})"


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
    >>> from govindex.web.formatting import Formatter  # doctest: +SKIP
    >>> scorecard_rows(view, Formatter("en"))[0]["source"]  # doctest: +SKIP
    'Computed (run 8cbd2ce522be46e4)'
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
