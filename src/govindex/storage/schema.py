"""The columns of a stored scores table, and the checks a scores frame passes before saving."""

from __future__ import annotations

import re

import polars as pl

from govindex.errors import DataValidationError

__all__ = [
    "KEY_COLUMNS",
    "LEVELS",
    "REQUIRED_COLUMNS",
    "SCORES_SCHEMA",
    "TABLE_NAME",
    "check_table_name",
    "prepare_scores",
]

LEVELS = ("total", "dimension", "subdimension", "indicator")
"""Score levels, from the aggregate down (the order used when listing scores)."""

SCORES_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "year": pl.Int32(),
    "province": pl.String(),
    "level": pl.String(),
    "code": pl.String(),
    "name": pl.String(),
    "estimate": pl.Float64(),
    "se": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "n": pl.Int64(),
    "rank": pl.Int32(),
    "rank_low": pl.Int32(),
    "rank_high": pl.Int32(),
    "group": pl.String(),
    "suppressed": pl.Boolean(),
    "withheld": pl.Boolean(),
    "source_file": pl.String(),
    "source_sheet": pl.String(),
    "source_row": pl.Int32(),
    "source_column": pl.String(),
    "source_url": pl.String(),
}
"""Columns of the ``scores`` table.

``withheld`` is true where the publisher printed no number (``estimate`` is then null, never
zero); ``suppressed`` is true where govindex's own publication rules hide a computed value.
``rank`` is 1 for the best score (ties share the lowest rank); ``rank_low``/``rank_high``
bound it where replicates allow. ``source_*`` columns locate the value in its input file.
"""

KEY_COLUMNS = ("year", "province", "level", "code")
REQUIRED_COLUMNS = ("year", "province", "level", "code", "estimate")
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_RESERVED_TABLES = ("scores", "manifest")


def check_table_name(name: str) -> str:
    """Return ``name`` if it can name an extra table of a run; raise otherwise.

    Examples
    --------
    >>> check_table_name("official_record")
    'official_record'
    """
    if not TABLE_NAME.match(name) or name in _RESERVED_TABLES:
        msg = (
            f"extra table name {name!r} is not allowed; expected lower-case letters, digits "
            f"and underscores, starting with a letter, and not {' or '.join(_RESERVED_TABLES)}."
        )
        raise DataValidationError(msg, found=name, expected=TABLE_NAME.pattern)
    return name


def prepare_scores(scores: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """Return ``scores`` with every column of :data:`SCORES_SCHEMA`, checked and typed.

    Optional columns that are absent are added as nulls (``suppressed``/``withheld`` as
    false). Raises :class:`DataValidationError` for a missing required column, an unknown
    level, a repeated key or a withheld row that carries a number.

    Examples
    --------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"year": [2024], "province": ["Ha Noi"], "level": ["total"],
    ...                       "code": ["total"], "estimate": [42.5]})
    >>> prepare_scores(frame, "abc").select("run_id", "estimate", "withheld").row(0)
    ('abc', 42.5, False)
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in scores.columns]
    if missing:
        msg = f"scores frame lacks columns {missing}; expected at least {list(REQUIRED_COLUMNS)}."
        raise DataValidationError(msg, found=scores.columns, expected=REQUIRED_COLUMNS)
    unknown = [column for column in scores.columns if column not in SCORES_SCHEMA]
    if unknown:
        msg = f"scores frame has unknown columns {unknown}; expected only {list(SCORES_SCHEMA)}."
        raise DataValidationError(msg, found=unknown, expected=list(SCORES_SCHEMA))
    if "run_id" in scores.columns and scores.filter(pl.col("run_id") != run_id).height:
        msg = f"scores frame carries run ids other than the manifest's `{run_id}`."
        raise DataValidationError(msg, found="run_id", expected=run_id)
    defaults = {"suppressed": False, "withheld": False}
    added = [
        pl.lit(defaults.get(column), dtype).alias(column)
        for column, dtype in SCORES_SCHEMA.items()
        if column not in scores.columns
    ]
    try:
        frame = (
            scores.with_columns(added)
            .with_columns(pl.lit(run_id).alias("run_id"))
            .select(list(SCORES_SCHEMA))
            .cast(SCORES_SCHEMA)  # type: ignore[arg-type]
        )
    except pl.exceptions.PolarsError as error:
        msg = f"scores frame columns cannot take the stored types ({error})."
        raise DataValidationError(msg, expected=str(SCORES_SCHEMA)) from error
    _check_values(frame)
    return frame


def _check_values(frame: pl.DataFrame) -> None:
    for column in (*KEY_COLUMNS, "suppressed", "withheld"):
        if frame[column].null_count():
            msg = f"scores column `{column}` has {frame[column].null_count()} null values; expected none."
            raise DataValidationError(msg, found=column)
    bad_levels = sorted(set(frame["level"].unique().to_list()) - set(LEVELS))
    if bad_levels:
        msg = f"scores column `level` has values {bad_levels}; expected one of {list(LEVELS)}."
        raise DataValidationError(msg, found=bad_levels, expected=LEVELS)
    repeated = frame.group_by(KEY_COLUMNS).len().filter(pl.col("len") > 1)
    if repeated.height:
        first = repeated.row(0, named=True)
        msg = (
            f"scores frame repeats {repeated.height} (year, province, level, code) keys, "
            f"e.g. {first['year']} {first['province']} {first['level']} {first['code']}; "
            "expected each once."
        )
        raise DataValidationError(msg, found=first)
    numbered_withheld = frame.filter(pl.col("withheld") & pl.col("estimate").is_not_null())
    if numbered_withheld.height:
        msg = (
            f"scores frame has {numbered_withheld.height} withheld rows with an estimate; "
            "a withheld value must have a null estimate."
        )
        raise DataValidationError(msg, found=numbered_withheld.height)
