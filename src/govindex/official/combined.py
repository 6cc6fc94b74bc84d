"""One official record from two sources: the bundled CSVs, completed by the official workbook.

The CSVs hold totals, dimensions and (2015–2023) sub-dimensions; only the workbook's year
sheets hold the ~120 indicators. Where both publish a value the CSV row is kept, so the
workbook only fills what the CSVs lack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from govindex.errors import DataValidationError, SpecError
from govindex.official.schema import LEVELS, RECORD_SCHEMA, Level

if TYPE_CHECKING:
    from govindex.spec import IndexSpec

__all__ = ["RECORD_KEYS", "combine_record", "indicator_directions", "source_disagreements"]

RECORD_KEYS = ("year", "province", "level", "code", "statistic")
"""The columns that identify one value of an official record."""

_DIRECTION_SIGN = {"positive": 1, "negative": -1}


def _check_record(frame: pl.DataFrame, name: str) -> None:
    missing = [column for column in RECORD_SCHEMA if column not in frame.columns]
    if missing:
        msg = f"`{name}` lacks the official record column(s) {missing}."
        raise DataValidationError(msg, where=name, found=missing, expected=list(RECORD_SCHEMA))


def combine_record(
    record: pl.DataFrame,
    workbook_values: pl.DataFrame,
    *,
    levels: Sequence[Level] = ("subdimension", "indicator"),
) -> pl.DataFrame:
    """Add to ``record`` the workbook rows at ``levels`` that it does not hold.

    A workbook row is added only when ``record`` has no row with the same year, province,
    level, code and statistic, so no value appears twice and the record's value (the
    bundled CSV) is kept wherever both publish one. Withheld workbook cells come along as
    withheld rows. Rows keep their provenance: ``source_file`` tells a CSV line from a
    workbook cell.

    Parameters
    ----------
    record
        The official record, e.g. :func:`~govindex.official.load_published_record`.
    workbook_values
        ``OfficialWorkbook.values`` from :func:`~govindex.official.read_official_workbook`
        (refused year sheets are not in it, and stay out).
    levels
        The levels taken from the workbook. Totals and dimensions are in the CSVs for
        every year, so by default only sub-dimensions and indicators are.

    Returns
    -------
    polars.DataFrame
        ``record`` followed by the added rows, in the record's columns and types.

    Examples
    --------
    >>> from govindex.official.schema import empty_record
    >>> def row(level, code, value, source):
    ...     return {"year": 2023, "province": "Ha Noi", "level": level, "code": code,
    ...             "statistic": "score", "estimate": value, "withheld": False,
    ...             "source_file": source}
    >>> record = pl.concat([empty_record(), pl.DataFrame([row("dimension", "2", 5.6, "csv")])],
    ...                    how="diagonal_relaxed")
    >>> workbook = pl.concat([empty_record(), pl.DataFrame([
    ...     row("dimension", "2", 5.6, "xlsm"), row("indicator", "2.2.2", 0.24, "xlsm")])],
    ...     how="diagonal_relaxed")
    >>> combine_record(record, workbook).select("level", "code", "source_file").rows()
    [('dimension', '2', 'csv'), ('indicator', '2.2.2', 'xlsm')]
    """
    _check_record(record, "record")
    _check_record(workbook_values, "workbook_values")
    unknown = sorted(set(levels) - set(LEVELS))
    if unknown:
        msg = f"The `levels` parameter takes {list(LEVELS)}. Got {unknown} instead."
        raise SpecError(msg, where="levels", found=unknown, expected=list(LEVELS))
    keys = list(RECORD_KEYS)
    added = (
        workbook_values.filter(pl.col("level").is_in(list(levels)))
        .select(record.columns)
        .cast(record.schema)
        .join(record.select(keys).unique(), on=keys, how="anti")
    )
    return pl.concat([record, added], how="vertical")


def source_disagreements(
    record: pl.DataFrame, workbook_values: pl.DataFrame, *, tolerance: float = 1e-6
) -> pl.DataFrame:
    """Return the values both sources hold that differ by more than ``tolerance``.

    A value published by one source and withheld by the other counts as a disagreement.
    :func:`combine_record` keeps the record's value in every case; this table shows what
    that choice hides.

    Returns
    -------
    polars.DataFrame
        The key columns, ``record_estimate``, ``workbook_estimate``, ``record_marker`` and
        ``workbook_marker`` (the withheld markers) and the workbook ``sheet``,
        ``source_row`` and ``source_column``.

    Examples
    --------
    >>> frame = pl.DataFrame({"year": [2022], "province": ["Bac Ninh"], "level": ["total"],
    ...     "code": ["total"], "statistic": ["observations"],
    ...     "estimate": pl.Series([None], dtype=pl.Float64),
    ...     "withheld_marker": ["absent from CSV"], "sheet": [None], "source_row": [None],
    ...     "source_column": [None]})
    >>> workbook = frame.with_columns(estimate=pl.lit(314.0), withheld_marker=pl.lit(None),
    ...     sheet=pl.lit("2022"), source_row=pl.lit(12), source_column=pl.lit("D"))
    >>> source_disagreements(frame, workbook).select("record_estimate", "workbook_estimate").row(0)
    (None, 314.0)
    """
    keys = list(RECORD_KEYS)
    both = record.select(
        *keys,
        pl.col("estimate").alias("record_estimate"),
        pl.col("withheld_marker").alias("record_marker"),
    ).join(
        workbook_values.select(
            *keys,
            pl.col("estimate").alias("workbook_estimate"),
            pl.col("withheld_marker").alias("workbook_marker"),
            "sheet",
            "source_row",
            "source_column",
        ),
        on=keys,
        how="inner",
    )
    one_withheld = pl.col("record_estimate").is_null() != pl.col("workbook_estimate").is_null()
    apart = (pl.col("record_estimate") - pl.col("workbook_estimate")).abs() > tolerance
    return both.filter(one_withheld | apart.fill_null(value=False)).sort(keys)


def _label_key(column: str) -> pl.Expr:
    # Spelling fixes between years ("Communce" → "Commune") and lost spaces must not hide a
    # match, so only letters and digits are compared.
    return pl.col(column).str.to_lowercase().str.replace_all(r"[^\w]", "")


def indicator_directions(
    workbook_values: pl.DataFrame, spec: IndexSpec, *, year: int
) -> dict[str, int]:
    """Return +1 (higher is better) or -1 for the ``year`` indicator rows the spec declares.

    Workbook indicator codes are row positions within a sub-dimension, and positions move
    between years, so a row takes the direction of the spec indicator that sits in the
    same sub-dimension under the same English or Vietnamese label (compared on letters and
    digits only). Rows that match no spec indicator, or match indicators with opposite
    directions, are left out: their direction is unknown.

    Examples
    --------
    >>> from govindex.spec import load_spec
    >>> from govindex.spec.bundled import default_spec_path
    >>> papi = load_spec(default_spec_path(2024))
    >>> indicator_directions(workbook.values, papi, year=2023)["2.2.2"]
    -1
    """
    declared = pl.DataFrame(
        [
            (
                sub.code,
                indicator.name.en,
                indicator.name.vi,
                _DIRECTION_SIGN[indicator.direction],
            )
            for sub in spec.sub_dimensions()
            for member in sub.indicators
            for indicator in (spec.indicator(member.indicator),)
        ],
        schema={
            "subdimension": pl.String,
            "spec_en": pl.String,
            "spec_vi": pl.String,
            "direction": pl.Int8,
        },
        orient="row",
    )
    declared = pl.concat(
        [
            declared.select("subdimension", _label_key("spec_en").alias("label"), "direction"),
            declared.select("subdimension", _label_key("spec_vi").alias("label"), "direction"),
        ]
    ).unique()
    rows = (
        workbook_values.filter((pl.col("year") == year) & (pl.col("level") == "indicator"))
        .select("code", "label_en", "label_vi")
        .unique()
    )
    rows = rows.with_columns(pl.col("code").str.replace(r"\.[^.]+$", "").alias("subdimension"))
    matched = pl.concat(
        [
            rows.select("code", "subdimension", _label_key(column).alias("label"))
            for column in ("label_en", "label_vi")
        ]
    ).join(declared, on=["subdimension", "label"], how="inner")
    agreed = (
        matched.group_by("code")
        .agg(pl.col("direction").unique())
        .filter(pl.col("direction").list.len() == 1)
    )
    return {code: int(directions[0]) for code, directions in agreed.sort("code").iter_rows()}
