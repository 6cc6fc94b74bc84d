"""PAPI's numbers as ScoreTable rows: the official record and computed (microdata) runs alike.

Both sources already share one code scheme (``total``, ``3``, ``3.1``, ``3.1.2``), so the
translation only adds what a PAPI scores row leaves implicit: the instrument, the period of
a survey year, the status and reason of a number not shown, and the interval's rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from govindex.errors import StorageError
from govindex.scores.table import INSTRUMENTS, Geography, Instrument, Reason, ScoreTable

__all__ = [
    "PUBLISHED_EDITION",
    "PUBLISHED_INTERVALS",
    "PapiRun",
    "microdata_run",
    "papi_score_table",
    "published_run",
    "run_instrument",
]

PUBLISHED_EDITION = "papi-published-record"
PUBLISHED_INTERVALS = "ci_low/ci_high as published (labelled 95%; equal to score ± 1.645 SE)"


@dataclass(frozen=True)
class PapiRun:
    """What a PAPI run says about all of its numbers.

    ``edition`` names the spec or record the numbers come from (``papi-2024``,
    ``papi-published-record``); ``ci_level`` and ``ci_rule`` describe the intervals
    (``None`` where the source states no level). ``instrument`` is the spec's: the same
    survey pipeline computes PAPI and SIPAS runs.
    """

    run_id: str
    edition: str
    synthetic: bool
    ci_level: float | None
    ci_rule: str
    geography: Geography = "province63"
    missing_reason: Reason = "no_respondents"
    instrument: Instrument = "papi"


def published_run(run_id: str) -> PapiRun:
    """The facts of a run of the official record (one year of published numbers).

    Examples
    --------
    >>> published_run("abc").ci_level
    0.9
    """
    return PapiRun(
        run_id=run_id,
        edition=PUBLISHED_EDITION,
        synthetic=False,
        # Labelled 95% by the publisher, the bounds are score ± 1.645 SE: 90% normal.
        ci_level=0.90,
        ci_rule=PUBLISHED_INTERVALS,
        missing_reason="not_in_bundled_source",
    )


def run_instrument(parameters: Mapping[str, Any]) -> Instrument:
    """The instrument a stored run belongs to, from its recorded parameters.

    A producer may record ``"instrument"``; a survey run records its spec's code, and runs
    recorded before either (the official record) are PAPI's.

    Examples
    --------
    >>> run_instrument({"spec": {"code": "SIPAS", "year": 2024}})
    'sipas'
    >>> run_instrument({"year": 2024, "sheet": "2024"})
    'papi'
    """
    recorded = parameters.get("instrument")
    if recorded is None:
        recorded = dict(parameters.get("spec") or {}).get("code", "papi")
    name = str(recorded).lower()
    for known in INSTRUMENTS:
        if known == name:
            return known
    msg = f"a stored run names instrument {name!r}; expected one of {list(INSTRUMENTS)}."
    raise StorageError(msg, where="parameters.instrument", found=name, expected=INSTRUMENTS)


def microdata_run(
    run_id: str, parameters: Mapping[str, Any], *, synthetic: bool, year: int
) -> PapiRun:
    """The facts of a run computed from microdata, from its manifest's recorded parameters.

    Examples
    --------
    >>> recorded = {"index": {"interval": "t", "df_rule": "domain", "variance": "jkn",
    ...     "interval_level": 0.95}, "spec": {"code": "PAPI", "year": 2024}}
    >>> microdata_run("abc", recorded, synthetic=True, year=2024).ci_rule
    't interval, domain df, jkn variance'
    """
    index = dict(parameters.get("index") or {})
    spec = dict(parameters.get("spec") or {})
    level = index.get("interval_level", index.get("level"))
    return PapiRun(
        instrument=run_instrument(parameters),
        run_id=run_id,
        edition=f"{str(spec.get('code', 'papi')).lower()}-{spec.get('year', year)}",
        synthetic=synthetic,
        ci_level=None if level is None else float(level),
        ci_rule=(
            f"{index.get('interval', 't')} interval, {index.get('df_rule', 'domain')} df, "
            f"{index.get('variance', 'jkn')} variance"
        ),
    )


def papi_score_table(
    scores: pl.DataFrame, run: PapiRun, names: pl.DataFrame | None = None
) -> ScoreTable:
    """Return PAPI scores rows (the run store's ``scores`` layout) as a checked ScoreTable.

    Parameters
    ----------
    scores
        Rows with ``year``, ``province``, ``level``, ``code``, ``estimate`` and, where known,
        ``se``, ``ci_low``, ``ci_high``, ``n``, ``df``, ``rank``, ``rank_low``, ``rank_high``,
        ``group``, ``suppressed``, ``withheld``, ``name`` and ``source_*``.
    run
        The run's facts.
    names
        Optional ``level``, ``code``, ``name_en``, ``name_vi`` (one row per item).

    Examples
    --------
    >>> rows = pl.DataFrame({"year": [2024, 2024], "province": ["Ha Noi", "Ha Nam"],
    ...     "level": ["total", "total"], "code": ["total", "total"],
    ...     "estimate": [42.5, None], "withheld": [False, True]})
    >>> run = PapiRun("abc", "papi-published-record", False, 0.95, "as published")
    >>> table = papi_score_table(rows, run).frame
    >>> table.select("unit", "period", "status", "reason").rows()
    [('Ha Noi', '2024', 'published', None), ('Ha Nam', '2024', 'withheld', 'withheld_by_publisher')]
    """
    frame = scores
    for column, dtype in (
        ("withheld", pl.Boolean),
        ("suppressed", pl.Boolean),
        ("name", pl.String),
        ("df", pl.Float64),
    ):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype).alias(column))
    optional = [
        column
        for column in (
            "se",
            "ci_low",
            "ci_high",
            "n",
            "rank",
            "rank_low",
            "rank_high",
            "source_file",
            "source_sheet",
            "source_row",
            "source_column",
            "source_url",
        )
        if column in frame.columns
    ]
    withheld = pl.col("withheld").fill_null(value=False)
    suppressed = pl.col("suppressed").fill_null(value=False)
    year = pl.col("year").cast(pl.Int32)
    status = (
        pl.when(withheld)
        .then(pl.lit("withheld"))
        .when(suppressed)
        .then(pl.lit("suppressed"))
        .when(pl.col("estimate").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit("published"))
    )
    reason = (
        pl.when(withheld)
        .then(pl.lit("withheld_by_publisher"))
        .when(suppressed)
        .then(pl.lit("suppressed_few_respondents"))
        .when(pl.col("estimate").is_null())
        .then(pl.lit(run.missing_reason))
        .otherwise(pl.lit(None, pl.String))
    )
    table = frame.select(
        pl.lit(run.instrument).alias("instrument"),
        pl.lit(run.edition).alias("edition"),
        year.cast(pl.String).alias("period"),
        pl.date(year, 1, 1).alias("period_start"),
        pl.date(year, 12, 31).alias("period_end"),
        pl.lit(run.geography).alias("geography"),
        pl.col("province").alias("unit"),
        "level",
        "code",
        pl.col("name").alias("_name"),
        # A suppressed cell keeps no number, whatever the producer left in it.
        pl.when(suppressed | withheld).then(None).otherwise(pl.col("estimate")).alias("estimate"),
        *optional,
        pl.col("df").cast(pl.Float64),
        pl.lit(run.ci_level, pl.Float64).alias("ci_level"),
        pl.lit(run.ci_rule).alias("ci_rule"),
        (pl.col("group") if "group" in frame.columns else pl.lit(None, pl.Int32))
        .cast(pl.Int32)
        .alias("group"),
        status.alias("status"),
        reason.alias("reason"),
        pl.lit(run.synthetic).alias("synthetic"),
        pl.lit(run.run_id).alias("run_id"),
    )
    if names is not None:
        table = table.join(
            names.select("level", "code", "name_en", "name_vi"), on=["level", "code"], how="left"
        ).with_columns(pl.coalesce("name_en", "_name").alias("name_en"))
    else:
        table = table.with_columns(
            pl.col("_name").alias("name_en"), pl.lit(None, pl.String).alias("name_vi")
        )
    return ScoreTable.from_frame(table.drop("_name"), where=f"PAPI run {run.run_id}")
