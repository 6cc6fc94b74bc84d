"""Service KPIs beside the 766 index, in the shared score vocabulary (level ``kpi``).

From dossier facts (census counts, no sampling error): early / on the due day / late shares
of dossiers handled, overdue pending dossiers and their mean days overdue, online and postal
submission, online and non-cash payment, results returned by post, mean processing time in
working days (per procedure under the procedure geography), reuse of digitised data, and the
audit counts (computed due dates, missing due dates, rewritten appointments). From queue
tickets: mean minutes per counter transaction (call to finish). From ratings: the share
satisfied (levels 4–5) with a Wilson 95 % interval — ratings are a sample of citizens — its
coverage (rated dossiers ÷ dossiers completed) and a flag under 30 ratings.

Examples
--------
>>> wilson_interval(99, 100)
(0.9455..., 0.9982...)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl
import scipy.special

from govindex.onestop.aggregation import keys_and_flags
from govindex.onestop.scoring import PeriodLabels

__all__ = [
    "MIN_RATINGS",
    "kpi_fact_queries",
    "kpi_rows",
    "ratings_sql",
    "tickets_sql",
    "wilson_interval",
]

#: Below this many ratings a satisfaction share is flagged.
MIN_RATINGS = 30

_NAMES: dict[str, tuple[str, str, str]] = {
    # code: (name_vi, name_en, kind) — kind: share | mean | count
    "handled": ("Hồ sơ tiếp nhận, xử lý trong kỳ", "Dossiers handled in the period", "count"),
    "early": ("Tỷ lệ trước hạn", "Share finished early", "share"),
    "on_due_day": ("Tỷ lệ đúng hạn (đúng ngày hẹn)", "Share finished on the due day", "share"),
    "late": ("Tỷ lệ trễ hạn", "Share late", "share"),
    "overdue_pending": ("Hồ sơ quá hạn đang xử lý", "Overdue dossiers still pending", "count"),
    "days_overdue": ("Số ngày quá hạn bình quân", "Mean days overdue (pending)", "mean"),
    "online_share": ("Tỷ lệ nộp trực tuyến", "Share submitted online", "share"),
    "postal_submission": ("Tỷ lệ nộp qua bưu chính", "Share submitted by post", "share"),
    "online_payment": ("Tỷ lệ thanh toán trực tuyến", "Share paid online", "share"),
    "noncash_payment": ("Tỷ lệ thanh toán không dùng tiền mặt", "Share paid without cash", "share"),
    "postal_return": (
        "Tỷ lệ trả kết quả qua bưu chính",
        "Share of results returned by post",
        "share",
    ),
    "processing_days": (
        "Thời gian giải quyết trung bình (ngày làm việc)",
        "Mean processing time (working days)",
        "mean",
    ),
    "digitised_reuse": (
        "Tỷ lệ tái sử dụng dữ liệu số hóa",
        "Share reusing digitised data",
        "share",
    ),
    "computed_due": ("Hồ sơ tính lại ngày hẹn", "Dossiers with a computed due date", "share"),
    "no_due_date": ("Hồ sơ không có ngày hẹn", "Dossiers without any due date", "share"),
    "due_rewritten": ("Hồ sơ bị sửa ngày hẹn", "Dossiers whose appointment was rewritten", "share"),
}


def wilson_interval(successes: int, total: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    Examples
    --------
    >>> wilson_interval(0, 10)[0]
    0.0
    """
    if total <= 0:
        return (math.nan, math.nan)
    z = float(scipy.special.ndtri(0.5 + level / 2))
    share = successes / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return (max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator))


def kpi_fact_queries() -> dict[str, str]:
    """Ratings and counter tickets of each period, keyed by the table name they are defined
    as; :func:`ratings_sql` and :func:`tickets_sql` aggregate them for every geography.

    Examples
    --------
    >>> sorted(kpi_fact_queries())
    ['rating_facts', 'ticket_facts']
    """
    return {
        "rating_facts": """SELECT p.period_id, r.province_code, r.agency_id, r.procedure_code,
  r.level, r.dossier_code
FROM ratings r
JOIN periods p ON r.rated_at >= p.start_s AND r.rated_at <= p.end_s""",
        "ticket_facts": """SELECT p.period_id, t.province_code, t.agency_id,
  t.finished_at - t.called_at AS service_seconds
FROM queue_tickets t
JOIN periods p ON t.issued_at >= p.start_s AND t.issued_at <= p.end_s
WHERE t.called_at IS NOT NULL AND t.finished_at IS NOT NULL AND t.finished_at >= t.called_at""",
    }


_KPI_SETS = {
    "province": "(period_id, province_code)",
    "agency": "(period_id, province_code, agency_id)",
    "procedure": "(period_id, procedure_code)",
}


def ratings_sql(geographies: Sequence[str]) -> str:
    """Ratings per unit and period (``rated_at`` in the period), over ``rating_facts``, for
    every geography in one pass (grouping flags as in
    :class:`govindex.onestop.aggregation.AggregateQuery`).

    Examples
    --------
    >>> "GROUPING SETS ((period_id, province_code))" in ratings_sql(["province"])
    True
    """
    sets = ", ".join(_KPI_SETS[g] for g in geographies)
    return f"""SELECT {keys_and_flags(geographies)},
  COUNT(*) AS ratings,
  SUM(CASE WHEN level >= 4 THEN 1 ELSE 0 END) AS satisfied,
  COUNT(DISTINCT dossier_code) AS rated_dossiers
FROM rating_facts
GROUP BY GROUPING SETS ({sets})"""


def tickets_sql(geographies: Sequence[str]) -> str:
    """Counter tickets per unit and period (issued in the period, served to the end), over
    ``ticket_facts``, for every geography but procedure in one pass.

    Examples
    --------
    >>> "(period_id, procedure_code)" in tickets_sql(["province", "procedure"])
    False
    """
    kept = [g for g in geographies if g != "procedure"]
    sets = ", ".join(_KPI_SETS[g] for g in kept)
    return f"""SELECT {keys_and_flags(kept)},
  COUNT(*) AS tickets,
  SUM(service_seconds) AS service_seconds
FROM ticket_facts
GROUP BY GROUPING SETS ({sets})"""


def _unit(frame: pl.DataFrame, geography: str) -> pl.DataFrame:
    unit = {"province": "province_code", "agency": "agency_id", "procedure": "procedure_code"}[
        geography
    ]
    parent = pl.col("province_code") if geography == "agency" else pl.lit(None, pl.String)
    return frame.with_columns(
        pl.lit(geography).alias("geography"),
        pl.col(unit).cast(pl.String).alias("unit"),
        parent.cast(pl.String).alias("parent_unit"),
    )


def _wilson(successes: pl.Expr, total: pl.Expr, z: float) -> tuple[pl.Expr, pl.Expr]:
    share = successes / total
    centre = share + z * z / (2 * total)
    spread = z * (share * (1 - share) / total + z * z / (4 * total * total)).sqrt()
    divisor = 1 + z * z / total
    return ((centre - spread) / divisor).clip(0.0, 1.0), ((centre + spread) / divisor).clip(
        0.0, 1.0
    )


def kpi_rows(
    counts: pl.DataFrame,
    labels: PeriodLabels,
    *,
    ratings: dict[str, pl.DataFrame] | None = None,
    tickets: dict[str, pl.DataFrame] | None = None,
    provenance: str,
    synthetic: bool = False,
) -> pl.DataFrame:
    """KPI rows from the engines' counts, rating and ticket aggregates (keyed by geography)."""
    census = "census: complete records, no sampling error"
    names = pl.DataFrame(
        [
            {"code": code, "name_vi": vi, "name_en": en, "kind": kind}
            for code, (vi, en, kind) in _NAMES.items()
        ]
    )
    dossier_counts = counts.filter(pl.col("kind") == "kpi").drop("kind").join(names, on="code")
    ratio = pl.when(pl.col("denominator") > 0).then(pl.col("numerator") / pl.col("denominator"))
    estimate = pl.when(pl.col("kind") == "count").then(pl.col("numerator")).otherwise(ratio)
    parts = [
        dossier_counts.with_columns(estimate.alias("estimate")).select(
            "period_id",
            "geography",
            "unit",
            "parent_unit",
            "code",
            "name_vi",
            "name_en",
            "estimate",
            pl.lit(None, pl.Float64).alias("ci_low"),
            pl.lit(None, pl.Float64).alias("ci_high"),
            pl.lit(None, pl.Float64).alias("ci_level"),
            pl.lit(census).alias("ci_rule"),
            pl.col("denominator").alias("n"),
            "numerator",
            "denominator",
            pl.when(pl.col("estimate").is_null())
            .then(pl.lit("missing"))
            .otherwise(pl.lit("published"))
            .alias("status"),
            pl.when(pl.col("estimate").is_null())
            .then(pl.lit("no_denominator"))
            .otherwise(None)
            .alias("reason"),
        )
    ]
    for geography, frame in (tickets or {}).items():
        if frame.is_empty():
            continue
        minutes = pl.col("service_seconds").cast(pl.Float64) / 60
        count = pl.col("tickets").cast(pl.Int64)
        parts.append(
            _unit(frame, geography).select(
                "period_id",
                "geography",
                "unit",
                "parent_unit",
                pl.lit("counter_minutes").alias("code"),
                pl.lit("Thời gian tiếp nhận bình quân (phút/giao dịch)").alias("name_vi"),
                pl.lit("Mean counter time per transaction (minutes)").alias("name_en"),
                (minutes / count).alias("estimate"),
                pl.lit(None, pl.Float64).alias("ci_low"),
                pl.lit(None, pl.Float64).alias("ci_high"),
                pl.lit(None, pl.Float64).alias("ci_level"),
                pl.lit("census of queue tickets").alias("ci_rule"),
                count.alias("n"),
                minutes.alias("numerator"),
                count.alias("denominator"),
                pl.lit("published").alias("status"),
                pl.lit(None, pl.String).alias("reason"),
            )
        )
    completed = dossier_counts.filter(pl.col("code") == "postal_return").select(
        "period_id", "geography", "unit", pl.col("denominator").alias("completed")
    )
    z = float(scipy.special.ndtri(0.975))
    for geography, frame in (ratings or {}).items():
        if frame.is_empty():
            continue
        total = pl.col("ratings").cast(pl.Int64)
        satisfied = pl.col("satisfied").cast(pl.Float64)
        low, high = _wilson(satisfied, total.cast(pl.Float64), z)
        rated = _unit(frame, geography).join(
            completed, on=["period_id", "geography", "unit"], how="left"
        )
        common = ("period_id", "geography", "unit", "parent_unit")
        parts.append(
            rated.select(
                *common,
                pl.lit("survey_satisfaction").alias("code"),
                pl.lit("Tỷ lệ hài lòng (phiếu đánh giá)").alias("name_vi"),
                pl.lit("Share satisfied (ratings 4-5)").alias("name_en"),
                (satisfied / total).alias("estimate"),
                low.alias("ci_low"),
                high.alias("ci_high"),
                pl.lit(0.95).alias("ci_level"),
                pl.lit("Wilson score interval").alias("ci_rule"),
                total.alias("n"),
                satisfied.alias("numerator"),
                total.alias("denominator"),
                pl.lit("published").alias("status"),
                pl.when(total < MIN_RATINGS)
                .then(pl.lit("flag:fewer_than_30_ratings"))
                .otherwise(None)
                .alias("reason"),
            )
        )
        done = pl.col("completed").fill_null(0).cast(pl.Int64)
        parts.append(
            rated.select(
                *common,
                pl.lit("rating_coverage").alias("code"),
                pl.lit("Tỷ lệ hồ sơ được đánh giá").alias("name_vi"),
                pl.lit("Share of completed dossiers rated").alias("name_en"),
                pl.when(done > 0)
                .then(pl.col("rated_dossiers").cast(pl.Float64) / done)
                .alias("estimate"),
                pl.lit(None, pl.Float64).alias("ci_low"),
                pl.lit(None, pl.Float64).alias("ci_high"),
                pl.lit(None, pl.Float64).alias("ci_level"),
                pl.lit(census).alias("ci_rule"),
                done.alias("n"),
                pl.col("rated_dossiers").cast(pl.Float64).alias("numerator"),
                done.alias("denominator"),
                pl.when(done > 0)
                .then(pl.lit("published"))
                .otherwise(pl.lit("missing"))
                .alias("status"),
                pl.when(done > 0).then(None).otherwise(pl.lit("no_denominator")).alias("reason"),
            )
        )
    frame = pl.concat(
        [
            part.with_columns(
                pl.col("n").cast(pl.Int64),
                pl.col("denominator").cast(pl.Int64),
                pl.col("numerator").cast(pl.Float64),
                pl.col("estimate").cast(pl.Float64),
            )
            for part in parts
        ],
        how="vertical_relaxed",
    )
    period_ids = frame["period_id"].unique().sort().to_list()
    return frame.join(
        labels.frame(period_ids), left_on="period_id", right_on="period", how="left"
    ).select(
        pl.lit("onestop").alias("instrument"),
        pl.lit("onestop-kpis@1").alias("edition"),
        pl.col("period_id").alias("period"),
        "period_start",
        "period_end",
        "geography",
        "unit",
        "parent_unit",
        pl.lit("kpi").alias("level"),
        "code",
        "name_vi",
        "name_en",
        "estimate",
        pl.lit(None, pl.Float64).alias("se"),
        "ci_low",
        "ci_high",
        "ci_level",
        "ci_rule",
        pl.lit(None, pl.Float64).alias("df"),
        "n",
        pl.lit(None, pl.Int64).alias("rank"),
        pl.lit(None, pl.Int64).alias("rank_low"),
        pl.lit(None, pl.Int64).alias("rank_high"),
        pl.lit(None, pl.String).alias("group"),
        "status",
        "reason",
        pl.lit(synthetic).alias("synthetic"),
        pl.lit(provenance).alias("provenance"),
        "numerator",
        "denominator",
    )
