"""One row per published score with its standard error: the shape every analysis starts from.

The official record is long (one row per statistic); analyses need the score and its SE side
by side. Where only a variance is published (2019 dimensions) the SE is its square root.
"""

from __future__ import annotations

import polars as pl

from govindex.errors import DataValidationError

__all__ = ["SCORE_COLUMNS", "score_table"]

#: Columns of :func:`score_table`.
SCORE_COLUMNS = (
    "year",
    "province",
    "level",
    "code",
    "dimension",
    "label_en",
    "label_vi",
    "scale_low",
    "scale_high",
    "estimate",
    "se",
    "withheld",
)
_REQUIRED = ("year", "province", "level", "code", "statistic", "estimate")
_OPTIONAL: dict[str, pl.DataType] = {
    "dimension": pl.String(),
    "label_en": pl.String(),
    "label_vi": pl.String(),
    "scale_low": pl.Float64(),
    "scale_high": pl.Float64(),
}


def score_table(record: pl.DataFrame) -> pl.DataFrame:
    """Return one row per (year, province, level, code) with ``estimate`` and ``se``.

    Parameters
    ----------
    record
        An official record in the long layout of
        :func:`govindex.official.load_published_record` (or the workbook importer's
        ``values``; the two may be concatenated: a published value wins over a withheld
        duplicate).

    Returns
    -------
    polars.DataFrame
        Columns :data:`SCORE_COLUMNS`. ``estimate`` is null where the score is withheld;
        ``se`` is null where none is published.

    Examples
    --------
    >>> record = pl.DataFrame({
    ...     "year": [2023, 2023], "province": ["A", "A"], "level": ["total", "total"],
    ...     "code": ["total", "total"], "statistic": ["score", "variance"], "estimate": [42.0, 0.25]})
    >>> score_table(record).select("estimate", "se").row(0)
    (42.0, 0.5)
    """
    missing = [name for name in _REQUIRED if name not in record.columns]
    if missing:
        msg = f"the record lacks the column(s) {missing}; expected the official record layout."
        raise DataValidationError(msg, found=missing, expected=list(_REQUIRED))
    frame = record.with_columns(
        pl.lit(None, dtype).alias(name)
        for name, dtype in _OPTIONAL.items()
        if name not in record.columns
    )
    keys = ["year", "province", "level", "code"]
    scores = (
        frame.filter(pl.col("statistic") == "score")
        # A published value wins over a withheld duplicate from a second source.
        .sort(pl.col("estimate").is_null())
        .unique(subset=keys, keep="first", maintain_order=True)
        .select(*keys, *_OPTIONAL, "estimate")
    )
    errors = frame.filter(pl.col("statistic").is_in(["se", "variance"])).select(
        *keys,
        pl.when(pl.col("statistic") == "variance")
        .then(pl.col("estimate").sqrt())
        .otherwise(pl.col("estimate"))
        .alias("se"),
        # A published SE is preferred over one derived from a variance.
        (pl.col("statistic") == "variance").alias("_from_variance"),
    )
    errors = (
        errors.drop_nulls("se")
        .sort("_from_variance")
        .unique(subset=keys, keep="first", maintain_order=True)
        .drop("_from_variance")
    )
    return (
        scores.join(errors, on=keys, how="left")
        .with_columns(pl.col("estimate").is_null().alias("withheld"))
        .select(SCORE_COLUMNS)
        .sort(keys)
    )
