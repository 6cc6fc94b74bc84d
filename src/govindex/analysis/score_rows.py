"""Computed index scores as rows of the shared score vocabulary, for any instrument.

:func:`govindex.pipeline.run` publishes ``scores`` with the pipeline's columns
(``province``, ``level``, ``code``, ``estimate``, ``se``, ``ci_low`` …). Every instrument
stores its numbers as rows of one vocabulary (instrument, edition, period, geography,
unit, level, code, names in both languages, the estimate with SE, interval, df, n, rank
interval, group, status with a reason, the synthetic flag and provenance); this module is
the one place that maps the first onto the second.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from govindex.spec import IndexSpec

__all__ = ["VOCABULARY_COLUMNS", "as_score_rows"]

VOCABULARY_COLUMNS = (
    "instrument", "edition", "period", "period_start", "period_end", "geography", "unit",
    "level", "code", "name_vi", "name_en", "estimate", "se", "ci_low", "ci_high", "ci_level",
    "ci_rule", "df", "n", "rank", "rank_low", "rank_high", "group", "status", "reason",
    "synthetic", "provenance",
)  # fmt: skip
"""The shared score vocabulary, in order."""


def as_score_rows(
    scores: pl.DataFrame,
    spec: IndexSpec,
    *,
    run_id: str,
    synthetic: bool,
    ci_rule: str = "t",
) -> pl.DataFrame:
    """The pipeline's provincial ``scores`` as vocabulary rows (one per province × code).

    A suppressed cell keeps its row with ``status`` ``suppressed`` (reason
    ``fewer_than_N_respondents``) and no value; every other row is ``published``.

    Examples
    --------
    >>> from govindex.spec import load_spec
    >>> spec = load_spec("specs/sipas-2024.yaml")
    >>> scores = pl.DataFrame({"province": ["Ha Noi"], "level": ["total"], "code": ["total"],
    ...     "name": ["Overall"], "estimate": [86.5], "se": [0.9], "ci_low": [82.6],
    ...     "ci_high": [90.4], "ci_level": [0.95], "df": [2.0], "n": [576], "rank": [11],
    ...     "rank_low": [4], "rank_high": [25], "group": [None], "suppressed": [False]})
    >>> row = as_score_rows(scores, spec, run_id="r1", synthetic=True).row(0, named=True)
    >>> row["instrument"], row["name_en"], row["status"], row["provenance"]
    ('sipas', 'Overall SIPAS (mean of the two satisfaction components, 0-100)', 'published', 'run r1')
    """
    year = spec.index.year
    names = _names(spec)
    minimum = spec.publication.minimum_respondents
    suppressed = pl.col("suppressed").fill_null(value=False)
    return scores.select(
        pl.lit(spec.index.code.lower()).alias("instrument"),
        pl.lit(f"{spec.index.code.lower()}-{year} spec {spec.spec_version}").alias("edition"),
        pl.lit(str(year)).alias("period"),
        pl.lit(date(year, 1, 1)).alias("period_start"),
        pl.lit(date(year, 12, 31)).alias("period_end"),
        pl.lit("province63").alias("geography"),
        pl.col("province").alias("unit"),
        pl.col("level"),
        pl.col("code").cast(pl.String),
        pl.col("code").cast(pl.String).replace_strict(names["vi"], default=None).alias("name_vi"),
        pl.col("code").cast(pl.String).replace_strict(names["en"], default=None).alias("name_en"),
        pl.when(suppressed).then(None).otherwise(pl.col("estimate")).alias("estimate"),
        pl.when(suppressed).then(None).otherwise(pl.col("se")).alias("se"),
        pl.when(suppressed).then(None).otherwise(pl.col("ci_low")).alias("ci_low"),
        pl.when(suppressed).then(None).otherwise(pl.col("ci_high")).alias("ci_high"),
        pl.col("ci_level").cast(pl.Float64),
        pl.lit(ci_rule).alias("ci_rule"),
        pl.col("df").cast(pl.Float64),
        pl.col("n").cast(pl.Float64),
        pl.col("rank").cast(pl.Int64),
        pl.col("rank_low").cast(pl.Int64),
        pl.col("rank_high").cast(pl.Int64),
        pl.col("group").cast(pl.String),
        pl.when(suppressed)
        .then(pl.lit("suppressed"))
        .otherwise(pl.lit("published"))
        .alias("status"),
        pl.when(suppressed)
        .then(pl.lit(f"fewer_than_{minimum}_respondents"))
        .otherwise(pl.lit("computed"))
        .alias("reason"),
        pl.lit(synthetic).alias("synthetic"),
        pl.lit(f"run {run_id}").alias("provenance"),
    )


def _names(spec: IndexSpec) -> dict[str, dict[str, str]]:
    """Bilingual names of every code of the spec, ``total`` included."""
    named = [
        *((indicator.code, indicator.name) for indicator in spec.indicators),
        *((sub.code, sub.name) for sub in spec.sub_dimensions()),
        *((dimension.code, dimension.name) for dimension in spec.dimensions),
        ("total", spec.total.name),
    ]
    return {
        "vi": {code: name.vi for code, name in named},
        "en": {code: name.en for code, name in named},
    }
