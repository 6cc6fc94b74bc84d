"""Load the bundled official PAPI record (the CSVs in ``shared/data/papi``) as one long table.

The CSVs list only published numbers; a province missing from a year in which others
were scored is added back as a withheld value (null, ``withheld`` true), so a gap stays
visible instead of vanishing. Each value keeps its CSV line and upstream URL.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from govindex.errors import DataValidationError
from govindex.official.provinces import load_province_lookup
from govindex.official.schema import RECORD_SCHEMA, load_dimensions

__all__ = ["load_published_record"]

SCORES_FILE = "published_scores.csv"
SUBDIMENSIONS_FILE = "published_subdimensions.csv"
UNCERTAINTY_FILE = "published_uncertainty.csv"

# CSV columns of published_uncertainty.csv → record statistic.
_UNCERTAINTY_COLUMNS = {
    "ci95_low_as_labelled": "ci_low",
    "ci95_high_as_labelled": "ci_high",
    "standard_error": "se",
    "variance_as_published": "variance",
    "n_observations": "observations",
}
_TOTAL_MEASURES = {
    "total": "total",
    "total_unweighted": "total",
    "total_weighted": "total_weighted",
}
_WORKBOOK_YEAR_SHEETS = {2018, 2019, 2022, 2023}


def load_published_record(shared_data_dir: str | Path) -> pl.DataFrame:
    """Return totals, dimension and sub-dimension scores and their uncertainty, 2011–2024.

    Parameters
    ----------
    shared_data_dir
        The folder holding ``published_scores.csv``, ``published_subdimensions.csv``,
        ``published_uncertainty.csv`` and ``province_mapping_2025.csv``.

    Returns
    -------
    polars.DataFrame
        Rows in :data:`~govindex.official.schema.RECORD_SCHEMA`. ``source_file`` and
        ``source_row`` point to the CSV line; ``source_url`` and ``sheet`` to the upstream
        file (``sheet`` is known only for values read from the official workbook).

    Examples
    --------
    >>> from govindex.official import bundled_data_dir
    >>> record = load_published_record(bundled_data_dir())
    >>> record.filter(year=2014, province="Bac Giang", code="total")["withheld"].to_list()
    [True]
    """
    folder = Path(shared_data_dir)
    for name in (SCORES_FILE, SUBDIMENSIONS_FILE, UNCERTAINTY_FILE):
        if not (folder / name).exists():
            msg = f"{folder / name}: no such file."
            raise DataValidationError(msg, where=str(folder / name), found="missing file")
    provinces = load_province_lookup(folder).canonical
    published = pl.concat(
        [_scores(folder), _subdimensions(folder), _uncertainty(folder)], how="vertical"
    )
    return (
        _with_withheld(published, provinces)
        .select(list(RECORD_SCHEMA))
        .cast(RECORD_SCHEMA)  # type: ignore[arg-type]
        .sort(["year", "province", "level", "code", "statistic"])
    )


def _read(folder: Path, name: str) -> pl.DataFrame:
    frame = pl.read_csv(folder / name, infer_schema_length=None, null_values=[""])
    # Line 1 is the header, so data row i (0-based) sits on line i + 2.
    return frame.with_row_index("source_row", offset=2).with_columns(
        pl.col("source_row").cast(pl.Int32), pl.lit(name).alias("source_file")
    )


def _upstream_sheet() -> pl.Expr:
    # Values taken from the official workbook name their year sheet (2018, 2019, 2022,
    # 2023) or, for 2015–2017 sub-dimensions, the "<year>_Process" sheet; others are null.
    from_workbook = pl.col("source_url").str.contains("xlsm", literal=True)
    return (
        pl.when(from_workbook & pl.col("year").is_in(sorted(_WORKBOOK_YEAR_SHEETS)))
        .then(pl.col("year").cast(pl.String))
        .when(from_workbook)
        .then(pl.col("year").cast(pl.String) + "_Process")
        .otherwise(None)
        .alias("sheet")
    )


def _dimension_table() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "dimension_name": item.name,
                "dimension_code": item.code,
                "label_en": item.label_en,
                "label_vi": item.label_vi,
            }
            for item in load_dimensions()
        ]
    )


def _scores(folder: Path) -> pl.DataFrame:
    frame = _read(folder, SCORES_FILE).join(
        _dimension_table(), left_on="dimension", right_on="dimension_name", how="left"
    )
    unknown = frame.filter(
        pl.col("dimension_code").is_null() & ~pl.col("dimension").is_in(list(_TOTAL_MEASURES))
    )
    if unknown.height:
        msg = f"{SCORES_FILE}: unknown dimension names {sorted(set(unknown['dimension']))}."
        raise DataValidationError(
            msg, where=str(folder / SCORES_FILE), found=unknown["dimension"][0]
        )
    is_total = pl.col("dimension").is_in(list(_TOTAL_MEASURES))
    return frame.select(
        "year",
        "province",
        pl.when(is_total).then(pl.lit("total")).otherwise(pl.lit("dimension")).alias("level"),
        pl.when(is_total)
        .then(pl.col("dimension"))
        .otherwise(pl.col("dimension_code"))
        .alias("code"),
        pl.col("dimension_code").alias("dimension"),
        "label_en",
        "label_vi",
        pl.lit(None, pl.String).alias("scale"),
        pl.lit("score").alias("statistic"),
        pl.col("score").cast(pl.Float64).alias("estimate"),
        "source_file",
        "source_url",
        _upstream_sheet(),
        "source_row",
        pl.lit("score").alias("source_column"),
    )


def _subdimensions(folder: Path) -> pl.DataFrame:
    frame = _read(folder, SUBDIMENSIONS_FILE)
    # Names are "English | Vietnamese", English only or Vietnamese only.
    parts = pl.col("subdimension_name").str.split_exact(" | ", 1)
    return frame.select(
        "year",
        "province",
        pl.lit("subdimension").alias("level"),
        pl.col("subdimension_code").cast(pl.String).alias("code"),
        pl.col("subdimension_code").cast(pl.String).str.split(".").list.first().alias("dimension"),
        parts.struct.field("field_0").alias("label_en"),
        parts.struct.field("field_1").alias("label_vi"),
        pl.col("scale").cast(pl.String),
        pl.lit("score").alias("statistic"),
        pl.col("score").cast(pl.Float64).alias("estimate"),
        "source_file",
        "source_url",
        _upstream_sheet(),
        "source_row",
        pl.lit("score").alias("source_column"),
    )


def _with_withheld(published: pl.DataFrame, provinces: tuple[str, ...]) -> pl.DataFrame:
    """Add a withheld row for every province missing a value that the year published."""
    keys = ["year", "level", "code", "statistic"]
    codes = published.select(*keys, "dimension", "label_en", "label_vi", "scale").unique(
        subset=keys, keep="first", maintain_order=True
    )
    grid = codes.join(pl.DataFrame({"province": list(provinces)}), how="cross")
    missing = grid.join(published, on=[*keys, "province"], how="anti").with_columns(
        pl.lit(None, pl.Float64).alias("estimate"),
        pl.lit(None, pl.String).alias("source_url"),
        pl.lit(None, pl.String).alias("sheet"),
        pl.lit(None, pl.Int32).alias("source_row"),
        pl.lit(None, pl.String).alias("source_column"),
        # The CSV that would have held the value.
        pl.when(pl.col("statistic") != "score")
        .then(pl.lit(UNCERTAINTY_FILE))
        .when(pl.col("level") == "subdimension")
        .then(pl.lit(SUBDIMENSIONS_FILE))
        .otherwise(pl.lit(SCORES_FILE))
        .alias("source_file"),
    )
    both = pl.concat([published, missing.select(published.columns)], how="vertical")
    low_high = pl.col("scale").str.extract_all(r"\d+(?:\.\d+)?")
    return both.with_columns(
        low_high.list.get(0, null_on_oob=True).cast(pl.Float64).alias("scale_low"),
        low_high.list.get(1, null_on_oob=True).cast(pl.Float64).alias("scale_high"),
        pl.col("estimate").is_null().alias("withheld"),
        pl.when(pl.col("estimate").is_null())
        .then(pl.lit("absent from CSV"))
        .otherwise(None)
        .alias("withheld_marker"),
    )


def _uncertainty(folder: Path) -> pl.DataFrame:
    frame = _read(folder, UNCERTAINTY_FILE).join(
        _dimension_table(), left_on="measure", right_on="dimension_name", how="left"
    )
    is_total = pl.col("measure").is_in(list(_TOTAL_MEASURES))
    base = frame.with_columns(
        pl.when(is_total).then(pl.lit("total")).otherwise(pl.lit("dimension")).alias("level"),
        pl.when(is_total)
        .then(pl.col("measure").replace_strict(_TOTAL_MEASURES, default=None))
        .otherwise(pl.col("dimension_code"))
        .alias("code"),
        pl.col("dimension_code").alias("dimension"),
        _upstream_sheet(),
    )
    parts = []
    for column, statistic in _UNCERTAINTY_COLUMNS.items():
        parts.append(
            base.filter(pl.col(column).is_not_null()).select(
                "year",
                "province",
                "level",
                "code",
                "dimension",
                "label_en",
                "label_vi",
                pl.lit(None, pl.String).alias("scale"),
                pl.lit(statistic).alias("statistic"),
                pl.col(column).cast(pl.Float64).alias("estimate"),
                "source_file",
                "source_url",
                "sheet",
                "source_row",
                pl.lit(column).alias("source_column"),
            )
        )
    return pl.concat(parts, how="vertical")
