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

import polars as pl
import scipy.special

from govindex.onestop.scoring import PeriodLabels

__all__ = [
    "MIN_RATINGS",
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


def ratings_sql(geography: str) -> str:
    """Ratings per unit and period (``rated_at`` in the period)."""
    keys = {
        "province": "r.province_code",
        "agency": "r.province_code, r.agency_id",
        "procedure": "r.procedure_code",
    }[geography]
    return f"""SELECT p.period_id, {keys},
  COUNT(*) AS ratings,
  SUM(CASE WHEN r.level >= 4 THEN 1 ELSE 0 END) AS satisfied,
  COUNT(DISTINCT r.dossier_code) AS rated_dossiers
FROM ratings r
JOIN periods p ON r.rated_at >= p.start_s AND r.rated_at <= p.end_s
GROUP BY p.period_id, {keys}"""


def tickets_sql(geography: str) -> str:
    """Counter tickets per unit and period (issued in the period, served to the end)."""
    keys = {"province": "t.province_code", "agency": "t.province_code, t.agency_id"}[geography]
    return f"""SELECT p.period_id, {keys},
  COUNT(*) AS tickets,
  SUM(t.finished_at - t.called_at) AS service_seconds
FROM queue_tickets t
JOIN periods p ON t.issued_at >= p.start_s AND t.issued_at <= p.end_s
WHERE t.called_at IS NOT NULL AND t.finished_at IS NOT NULL AND t.finished_at >= t.called_at
GROUP BY p.period_id, {keys}"""


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
    rows: list[dict[str, object]] = []
    dossier_counts = counts.filter(pl.col("kind") == "kpi")
    completed = {
        (r["period_id"], r["geography"], r["unit"]): r["denominator"]
        for r in dossier_counts.filter(pl.col("code") == "postal_return").iter_rows(named=True)
    }
    for record in dossier_counts.iter_rows(named=True):
        name_vi, name_en, kind = _NAMES[record["code"]]
        numerator, denominator = record["numerator"], record["denominator"]
        if kind == "count":
            estimate: float | None = float(numerator)
            n = denominator
        else:
            estimate = numerator / denominator if denominator else None
            n = denominator
        rows.append(
            {
                **{
                    key: record[key]
                    for key in ("period_id", "geography", "unit", "parent_unit", "code")
                },
                "name_vi": name_vi,
                "name_en": name_en,
                "estimate": estimate,
                "ci_low": None,
                "ci_high": None,
                "ci_level": None,
                "ci_rule": "census: complete records, no sampling error",
                "n": n,
                "numerator": numerator,
                "denominator": denominator,
                "status": "published" if estimate is not None else "missing",
                "reason": None if estimate is not None else "no_denominator",
            }
        )
    for geography, frame in (tickets or {}).items():
        for record in _unit(frame, geography).iter_rows(named=True):
            count = int(record["tickets"])
            rows.append(
                {
                    **{
                        key: record[key]
                        for key in ("period_id", "geography", "unit", "parent_unit")
                    },
                    "code": "counter_minutes",
                    "name_vi": "Thời gian tiếp nhận bình quân (phút/giao dịch)",
                    "name_en": "Mean counter time per transaction (minutes)",
                    "estimate": float(record["service_seconds"]) / 60 / count if count else None,
                    "ci_low": None,
                    "ci_high": None,
                    "ci_level": None,
                    "ci_rule": "census of queue tickets",
                    "n": count,
                    "numerator": float(record["service_seconds"]) / 60,
                    "denominator": count,
                    "status": "published" if count else "missing",
                    "reason": None if count else "no_tickets",
                }
            )
    for geography, frame in (ratings or {}).items():
        for record in _unit(frame, geography).iter_rows(named=True):
            total, satisfied = int(record["ratings"]), int(record["satisfied"])
            low, high = wilson_interval(satisfied, total)
            key = (record["period_id"], geography, record["unit"])
            done = completed.get(key) or 0
            few = total < MIN_RATINGS
            rows.append(
                {
                    **{k: record[k] for k in ("period_id", "geography", "unit", "parent_unit")},
                    "code": "survey_satisfaction",
                    "name_vi": "Tỷ lệ hài lòng (phiếu đánh giá)",
                    "name_en": "Share satisfied (ratings 4-5)",
                    "estimate": satisfied / total if total else None,
                    "ci_low": low,
                    "ci_high": high,
                    "ci_level": 0.95,
                    "ci_rule": "Wilson score interval",
                    "n": total,
                    "numerator": float(satisfied),
                    "denominator": total,
                    "status": "published",
                    "reason": "flag:fewer_than_30_ratings" if few else None,
                }
            )
            rows.append(
                {
                    **{k: record[k] for k in ("period_id", "geography", "unit", "parent_unit")},
                    "code": "rating_coverage",
                    "name_vi": "Tỷ lệ hồ sơ được đánh giá",
                    "name_en": "Share of completed dossiers rated",
                    "estimate": int(record["rated_dossiers"]) / done if done else None,
                    "ci_low": None,
                    "ci_high": None,
                    "ci_level": None,
                    "ci_rule": "census: complete records, no sampling error",
                    "n": done,
                    "numerator": float(record["rated_dossiers"]),
                    "denominator": done,
                    "status": "published" if done else "missing",
                    "reason": None if done else "no_denominator",
                }
            )

    schema = {
        "period_id": pl.String,
        "geography": pl.String,
        "unit": pl.String,
        "parent_unit": pl.String,
        "code": pl.String,
        "name_vi": pl.String,
        "name_en": pl.String,
        "estimate": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "ci_level": pl.Float64,
        "ci_rule": pl.String,
        "n": pl.Int64,
        "numerator": pl.Float64,
        "denominator": pl.Int64,
        "status": pl.String,
        "reason": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema)
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
