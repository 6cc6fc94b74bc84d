"""Change over time: year on year and against a baseline, tested where SEs are published.

Every comparison gets a ``status`` so that no table silently compares what cannot be
compared:

==================  =====================================================================
``significant``     both SEs published and |z| ≥ the critical value at ``confidence``
``not_significant`` both SEs published, |z| below it
``no_se``           both scores published, at least one SE not: the change, untested
``not_comparable``  a restructuring (or a changed scale or indicator label) lies between
                    the years: no number, only the reason
``not_published``   a score is withheld or absent in one of the years: no number
==================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from statistics import NormalDist
from typing import Literal

import polars as pl
from scipy.special import ndtr

from govindex.analysis.comparability import (
    ComparabilityBreak,
    breaks_between,
    load_comparability_breaks,
)
from govindex.analysis.scores import score_table
from govindex.errors import SpecError

__all__ = [
    "CHANGE_STATUSES",
    "ChangeStatus",
    "compare_years",
    "critical_value",
    "term_baseline",
]

ChangeStatus = Literal["significant", "not_significant", "no_se", "not_comparable", "not_published"]
CHANGE_STATUSES: tuple[ChangeStatus, ...] = (
    "significant",
    "not_significant",
    "no_se",
    "not_comparable",
    "not_published",
)
#: Years that open a government term and serve as PAPI's baselines (papi-methodology §5.3).
TERM_START_YEARS = (2016, 2021)
_KEYS = ["province", "level", "code"]
LABEL_SIMILARITY = 0.9
"""Indicator labels of two years at least this similar (difflib ratio, after lower-casing and
dropping spaces and punctuation) name the same indicator: the sheets carry typos and spacing
slips ("Communce", "cho biếtkhông") that are not changes of question."""


def critical_value(confidence: float) -> float:
    """Return the two-sided normal critical value at ``confidence``.

    Examples
    --------
    >>> round(critical_value(0.90), 3)
    1.645
    """
    if not 0 < confidence < 1:
        msg = f"The `confidence` parameter must be a float in the range (0, 1). Got {confidence!r} instead."
        raise SpecError(msg, found=confidence, expected="(0, 1)")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def term_baseline(year: int, term_starts: Sequence[int] = TERM_START_YEARS) -> int | None:
    """Return the baseline year of the government term ``year`` belongs to, if any.

    Examples
    --------
    >>> term_baseline(2024), term_baseline(2019), term_baseline(2014)
    (2021, 2016, None)
    """
    earlier = [start for start in term_starts if start <= year]
    return max(earlier) if earlier else None


def _as_scores(table: pl.DataFrame) -> pl.DataFrame:
    return score_table(table) if "statistic" in table.columns else table


def compare_years(
    record: pl.DataFrame,
    *,
    year: int,
    baseline_year: int,
    confidence: float = 0.90,
    breaks: Sequence[ComparabilityBreak] | None = None,
) -> pl.DataFrame:
    """Compare every item's score in ``year`` with ``baseline_year``, province by province.

    The test is z = Δ / √(se₁² + se₀²), treating the two annual samples as independent,
    and is two-sided at ``confidence``. The default 0.90 matches PAPI's own intervals: the
    rows the official workbooks label "95% CI" are exactly score ± 1.645·SE, i.e. 90%
    normal intervals (papi-methodology §5.1). PAPI does not document its own test.

    Parameters
    ----------
    record
        The official record (long layout of
        :func:`govindex.official.load_published_record`) or its
        :func:`~govindex.analysis.scores.score_table`.
    year, baseline_year
        The year of interest and the year compared against (previous year, or a term
        baseline such as 2016 or 2021).
    confidence
        Two-sided level of the test.
    breaks
        Comparability breaks; default: PAPI's (:func:`load_comparability_breaks`).

    Returns
    -------
    polars.DataFrame
        One row per province and item present in either year: ``estimate``,
        ``baseline_estimate``, ``change``, ``se``, ``baseline_se``,
        ``change_se``, ``z``, ``p_value``, ``status`` (see the module
        docstring) and ``reason``. ``change`` is null unless the status is
        ``significant``, ``not_significant`` or ``no_se``.

    Examples
    --------
    >>> record = pl.DataFrame({
    ...     "year": [2022, 2023, 2022, 2023], "province": ["A"] * 4, "level": ["total"] * 4,
    ...     "code": ["total"] * 4, "statistic": ["score", "score", "se", "se"],
    ...     "estimate": [42.0, 43.0, 0.3, 0.4]})
    >>> row = compare_years(record, year=2023, baseline_year=2022).row(0, named=True)
    >>> row["change"], round(row["z"], 1), row["status"]
    (1.0, 2.0, 'significant')
    """
    critical = critical_value(confidence)
    breaks = load_comparability_breaks() if breaks is None else tuple(breaks)
    scores = _as_scores(record)
    columns = [*_KEYS, "label_en", "label_vi", "dimension", "scale_low", "scale_high"]
    current = scores.filter(pl.col("year") == year).select(*columns, "estimate", "se")
    earlier = scores.filter(pl.col("year") == baseline_year).select(
        *_KEYS,
        pl.col("label_en").alias("baseline_label_en"),
        pl.col("label_vi").alias("baseline_label_vi"),
        pl.col("scale_low").alias("baseline_scale_low"),
        pl.col("scale_high").alias("baseline_scale_high"),
        pl.col("estimate").alias("baseline_estimate"),
        pl.col("se").alias("baseline_se"),
    )
    both = current.join(earlier, on=_KEYS, how="full", coalesce=True)
    reasons = _break_reasons(both["code"].unique().to_list(), baseline_year, year, breaks)
    both = both.join(reasons, on="code", how="left")

    scale_changed = (
        pl.col("scale_low").is_not_null()
        & pl.col("baseline_scale_low").is_not_null()
        & (
            (pl.col("scale_low") != pl.col("baseline_scale_low"))
            | (pl.col("scale_high") != pl.col("baseline_scale_high"))
        )
    )
    # Some years' sheets carry only Vietnamese labels (2018, 2019): compare in English where
    # both years have it, otherwise in Vietnamese.
    english = pl.col("label_en").is_not_null() & pl.col("baseline_label_en").is_not_null()
    label = pl.when(english).then(pl.col("label_en")).otherwise(pl.col("label_vi"))
    baseline_label = (
        pl.when(english).then(pl.col("baseline_label_en")).otherwise(pl.col("baseline_label_vi"))
    )
    both = both.with_columns(label.alias("_label"), baseline_label.alias("_baseline_label"))
    renamed = _renamed_labels(both.filter(pl.col("level") == "indicator"))
    label_changed = (
        (pl.col("level") == "indicator")
        & pl.col("_label").is_not_null()
        & pl.col("_baseline_label").is_not_null()
        & pl.struct("_label", "_baseline_label").is_in(renamed.implode())
    )
    # A published SE of 0 (Bac Lieu and Ca Mau 2022) is an anomaly, not certainty.
    has_errors = ((pl.col("se") > 0) & (pl.col("baseline_se") > 0)).fill_null(value=False)
    change_se = (pl.col("se") ** 2 + pl.col("baseline_se") ** 2).sqrt()
    status = (
        pl.when(pl.col("break_reason").is_not_null() | scale_changed | label_changed)
        .then(pl.lit("not_comparable"))
        .when(pl.col("estimate").is_null() | pl.col("baseline_estimate").is_null())
        .then(pl.lit("not_published"))
        .when(
            has_errors
            & ((pl.col("estimate") - pl.col("baseline_estimate")).abs() / change_se >= critical)
        )
        .then(pl.lit("significant"))
        .when(has_errors)
        .then(pl.lit("not_significant"))
        .otherwise(pl.lit("no_se"))
    )
    reason = (
        pl.when(pl.col("break_reason").is_not_null())
        .then(pl.col("break_reason"))
        .when(scale_changed)
        .then(
            pl.format(
                "the published scale changed from {}–{} in {} to {}–{} in {}",
                "baseline_scale_low",
                "baseline_scale_high",
                pl.lit(baseline_year),
                "scale_low",
                "scale_high",
                pl.lit(year),
            )
        )
        .when(label_changed)
        .then(
            pl.format(
                "indicator row {} is '{}' in {} but '{}' in {}",
                "code",
                "_baseline_label",
                pl.lit(baseline_year),
                "_label",
                pl.lit(year),
            )
        )
        .when(pl.col("estimate").is_null())
        .then(pl.lit(f"no published score in {year}"))
        .when(pl.col("baseline_estimate").is_null())
        .then(pl.lit(f"no published score in {baseline_year}"))
        .when(~has_errors)
        .then(
            pl.lit(f"no standard error published for {baseline_year} and {year}; change not tested")
        )
        .otherwise(pl.lit(f"two-sided z test at {confidence:.0%}, critical value {critical:.3f}"))
    )
    comparable = status.is_in(["significant", "not_significant", "no_se"])
    tested = status.is_in(["significant", "not_significant"])
    z = (pl.col("estimate") - pl.col("baseline_estimate")) / change_se
    return (
        both.with_columns(status.alias("status"), reason.alias("reason"))
        .with_columns(
            pl.lit(year, pl.Int32).alias("year"),
            pl.lit(baseline_year, pl.Int32).alias("baseline_year"),
            pl.when(comparable)
            .then(pl.col("estimate") - pl.col("baseline_estimate"))
            .alias("change"),
            pl.when(tested).then(change_se).alias("change_se"),
            pl.when(tested).then(z).alias("z"),
        )
        .with_columns(
            _two_sided_p_value(pl.col("z")).alias("p_value"),
            # Values are kept only when the comparison stands.
            pl.when(comparable).then(pl.col("baseline_estimate")).alias("baseline_estimate"),
        )
        .select(
            "year",
            "baseline_year",
            *_KEYS,
            "dimension",
            "label_en",
            "label_vi",
            "estimate",
            "baseline_estimate",
            "change",
            "se",
            "baseline_se",
            "change_se",
            "z",
            "p_value",
            "status",
            "reason",
        )
        .sort(_KEYS)
    )


def _renamed_labels(rows: pl.DataFrame) -> pl.Series:
    """The (label, baseline label) pairs that name different indicators (a struct series)."""
    pairs = rows.select("_label", "_baseline_label").drop_nulls().unique()
    changed = [
        pair
        for pair in pairs.iter_rows(named=True)
        if SequenceMatcher(
            None, _label_key(pair["_label"]), _label_key(pair["_baseline_label"])
        ).ratio()
        < LABEL_SIMILARITY
    ]
    frame = pl.DataFrame(changed, schema={"_label": pl.String, "_baseline_label": pl.String})
    return frame.select(pl.struct("_label", "_baseline_label")).to_series()


def _label_key(label: str) -> str:
    return "".join(character for character in label.lower() if character.isalnum())


def _two_sided_p_value(z: pl.Expr) -> pl.Expr:
    return (
        z.abs()
        .neg()
        .map_batches(
            lambda series: pl.Series(2 * ndtr(series.to_numpy()), dtype=pl.Float64),
            return_dtype=pl.Float64,
        )
        .fill_nan(None)
    )


def _break_reasons(
    codes: list[str], baseline_year: int, year: int, breaks: Sequence[ComparabilityBreak]
) -> pl.DataFrame:
    rows = []
    for code in codes:
        found = breaks_between(code, baseline_year, year, breaks)
        if found:
            text = " ".join(f"{item.year}: {item.reason}" for item in found)
            rows.append({"code": code, "break_reason": f"not comparable across {text}"})
    return pl.DataFrame(rows, schema={"code": pl.String, "break_reason": pl.String})
