"""Every province's diagnosis in a published year, worked out when the record is imported.

A profile shows what changed since the previous year and the term baseline and which items
need action first (:func:`govindex.analysis.diagnose_provinces`). The producer stores, with
each published year's run, three tables the profile only selects from:

* ``diagnosis_changes``: per province and item, the change since each compared year, its
  test and status;
* ``diagnosis_priorities``: per province, the items needing action, most urgent first;
* ``diagnosis_notes``: per province, the sentence saying how it was compared, the compared
  years, and whether the province is unpublished in one of them.

The record compared is every published year the store holds when the year is stored; a year
stored later that the diagnosis compares with (:func:`compared_years`) has it worked out again,
in the transaction that stores that year.
"""

from __future__ import annotations

import polars as pl

from govindex.analysis import (
    GroupRule,
    YearDiagnoses,
    default_baseline,
    diagnose_year,
    term_baseline,
)
from govindex.errors import GovIndexError
from govindex.scores.published_tables import DIAGNOSIS_CHANGE_COLUMNS as CHANGE_COLUMNS

__all__ = [
    "CHANGE_COLUMNS",
    "DIAGNOSIS_CONFIDENCE",
    "DIAGNOSIS_TABLES",
    "compared_years",
    "diagnosis_tables",
]

DIAGNOSIS_TABLES = ("diagnosis_changes", "diagnosis_priorities", "diagnosis_notes")
"""Names of the stored tables (one set per published run)."""
DIAGNOSIS_CONFIDENCE = 0.90
"""Level of the stored change tests (PAPI's own ±1.645·SE intervals)."""
_PRIORITY_COLUMNS = ("tier", "level", "code", "estimate", "group", "reasons")


def diagnosis_tables(
    record: pl.DataFrame,
    year: int,
    provinces: list[str],
    *,
    confidence: float = DIAGNOSIS_CONFIDENCE,
    rule: GroupRule | None = None,
) -> dict[str, pl.DataFrame]:
    """The diagnosis tables of ``provinces`` (the year's scored provinces) in ``year``.

    ``record`` is the official record (long layout) of every published year known; only
    ``year``, the year before and the term baseline are compared.

    Examples
    --------
    >>> record = pl.DataFrame({
    ...     "year": [2023, 2023, 2024, 2024], "province": ["A", "B", "A", "B"],
    ...     "level": ["total"] * 4, "code": ["total"] * 4, "statistic": ["score"] * 4,
    ...     "estimate": [42.0, 41.0, 41.5, 43.0]})
    >>> tables = diagnosis_tables(record, 2024, ["A", "B"])
    >>> tables["diagnosis_changes"].filter(province="A")["previous_change"].to_list()
    [-0.5]
    >>> tables["diagnosis_notes"]["previous_year"].to_list()
    [2023, 2023]
    """
    years = set(record["year"].to_list()) if record.height else set()
    baseline = default_baseline(year, years)
    previous = year - 1 if year - 1 in years else None
    diagnosed: YearDiagnoses | None = None
    if previous is None:
        failure = f"no published year before {year} to compare with"
    else:
        compared = {year, previous} | ({baseline} if baseline else set())
        try:
            diagnosed = diagnose_year(
                record.filter(pl.col("year").is_in(sorted(compared))),
                year,
                baseline,
                confidence=confidence,
                rule=rule or GroupRule(),
            )
            failure = ""
        except GovIndexError as error:
            failure = f"no diagnosis: {error.message}"
    found = set() if diagnosed is None else set(diagnosed.provinces)
    notes: list[dict[str, object]] = []
    for province in provinces:
        if diagnosed is None or province not in found:
            reason = failure or f"no diagnosis: the record holds no {year} scores for `{province}`."
            notes.append(_note(province, reason, previous, baseline, unavailable=()))
            continue
        notes.append(
            _note(
                province,
                diagnosed.note(province),
                previous,
                baseline,
                unavailable=diagnosed.unavailable(province),
            )
        )
    if diagnosed is None:
        changes = pl.DataFrame(schema=_changes_schema())
        priorities = pl.DataFrame(schema=_priorities_schema())
    else:
        # The year's tables hold every province in name order; the stored ones hold the
        # requested provinces in the order given.
        order = pl.DataFrame(
            {"province": [name for name in provinces if name in found]},
            schema={"province": pl.String},
        ).with_row_index("_order")
        changes = _ordered(diagnosed.items.select("province", *CHANGE_COLUMNS), order)
        changes = changes.cast(_changes_schema())  # type: ignore[arg-type]
        priorities = _ordered(diagnosed.priorities.select("province", *_PRIORITY_COLUMNS), order)
        priorities = priorities.cast(_priorities_schema())  # type: ignore[arg-type]
    return {
        "diagnosis_changes": changes,
        "diagnosis_priorities": priorities,
        "diagnosis_notes": pl.DataFrame(notes, schema=_notes_schema()),
    }


def _ordered(frame: pl.DataFrame, order: pl.DataFrame) -> pl.DataFrame:
    """``frame``'s rows of the provinces in ``order``, in that order (rows within a province
    keep theirs)."""
    # A join need not keep row order, so the rows' own order is carried through it.
    return (
        frame.with_row_index("_row")
        .join(order, on="province", how="inner")
        .sort("_order", "_row")
        .drop("_order", "_row")
    )


def compared_years(year: int) -> set[int]:
    """The years whose presence in the record changes ``year``'s diagnosis: the year before
    and the term baseline (whether or not the record holds them yet).

    Examples
    --------
    >>> sorted(compared_years(2024)), sorted(compared_years(2021)), sorted(compared_years(2012))
    ([2021, 2023], [2020], [2011])
    """
    baseline = term_baseline(year)
    return {year - 1} | ({baseline} if baseline is not None and baseline != year else set())


def _note(
    province: str,
    text: str,
    previous: int | None,
    baseline: int | None,
    *,
    unavailable: tuple[tuple[int, str], ...],
) -> dict[str, object]:
    roles = {role for _, role in unavailable}
    return {
        "province": province,
        "note": text,
        "previous_year": previous,
        "baseline_year": baseline,
        "previous_unavailable": "previous" in roles,
        "baseline_unavailable": "baseline" in roles,
    }


def _changes_schema() -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {"province": pl.String()}
    schema.update(dict.fromkeys(CHANGE_COLUMNS, pl.String()))
    for column in ("previous_estimate", "previous_change", "baseline_estimate", "baseline_change"):
        schema[column] = pl.Float64()
    return schema


def _priorities_schema() -> dict[str, pl.DataType]:
    return {
        "province": pl.String(),
        "tier": pl.Int8(),
        "level": pl.String(),
        "code": pl.String(),
        "estimate": pl.Float64(),
        "group": pl.Int32(),
        "reasons": pl.String(),
    }


def _notes_schema() -> dict[str, pl.DataType]:
    return {
        "province": pl.String(),
        "note": pl.String(),
        "previous_year": pl.Int32(),
        "baseline_year": pl.Int32(),
        "previous_unavailable": pl.Boolean(),
        "baseline_unavailable": pl.Boolean(),
    }
