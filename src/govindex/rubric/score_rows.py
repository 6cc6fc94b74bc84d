"""PAR results as rows of the shared score vocabulary (instrument ``par``).

Every node of every province becomes one row: ``estimate`` is the % of the node's maximum
(the PAR Index publishes % of maximum), with the points, maximum, self-assessed points, the
basis and the trace beside it. Rubric points are appraised, not sampled, so ``se`` and the
interval are empty and ``ci_rule`` says why, except on a survey-fed leaf whose survey value
came with an SE (scaled by the rule, in % of the leaf's maximum); ``n`` counts the leaves
scored under the node.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from govindex.rubric.scoring import RubricResult
from govindex.scores import SCORE_TABLE_SCHEMA, ScoreTable

__all__ = ["PAR_COLUMNS", "SCORE_COLUMNS", "par_score_table", "score_rows"]

PAR_COLUMNS: dict[str, pl.DataType] = {
    "provenance": pl.String(),
    "points": pl.Float64(),
    "max_points": pl.Float64(),
    "self_points": pl.Float64(),
    "basis": pl.String(),
    "missing_inputs": pl.String(),
    "provisional": pl.Boolean(),
}
"""PAR's own columns beside the ScoreTable's: the trace of every point, the points, the
maximum, the self-assessed points, the basis, the leaves without input and whether the
rubric's points are still placeholders."""

SCORE_COLUMNS: dict[str, pl.DataType] = {**SCORE_TABLE_SCHEMA, **PAR_COLUMNS}
"""The ScoreTable's columns (:data:`govindex.scores.SCORE_TABLE_SCHEMA`), then PAR's."""

_CI_RULE = "none: rubric points are appraised, not sampled"
_SURVEY_RULE = "se only: the survey value's SE scaled by the rule; no interval is formed"


def par_score_table(rows: pl.DataFrame) -> ScoreTable:
    """The ScoreTable part of PAR score rows, checked (what a stored PAR run publishes).

    Examples
    --------
    >>> par_score_table(pl.DataFrame(schema=SCORE_COLUMNS)).frame.height
    0
    """
    return ScoreTable.from_frame(rows.select(list(SCORE_TABLE_SCHEMA)), where="PAR score rows")


def score_rows(result: RubricResult, *, run_id: str) -> pl.DataFrame:
    """Every node of every province as a score row; ranks are per code among provinces.

    Examples
    --------
    >>> from govindex.rubric import (Assessment, PointsScorer, SelfAssessmentEntry,
    ...                              rubric_from_dict)
    >>> rubric = rubric_from_dict({"rubric_version": "1",
    ...     "rubric": {"id": "mini", "version": "1", "title": {"vi": "x", "en": "x"},
    ...                "basis": "example", "max_points": 4},
    ...     "groups": [{"code": "A", "at_least": 90}, {"code": "B", "at_least": 0}],
    ...     "areas": [{"code": "1", "name": {"vi": "a", "en": "a"}, "max_points": 4,
    ...                "criteria": [{"code": "1.1", "name": {"vi": "b", "en": "b"},
    ...                              "max_points": 4, "rule": {"kind": "completion"}}]}]})
    >>> result = PointsScorer(rubric).score_all(
    ...     [Assessment.of("Ha Noi", 2024, [SelfAssessmentEntry("1.1", value=95)])])
    >>> rows = score_rows(result, run_id="r1")
    >>> rows.filter(code="total").select("estimate", "points", "rank", "group", "group_label").row(0)
    (95.0, 3.8, 1, 1, 'A')
    """
    provisional = result.rubric.provisional
    leaf_counts = _leaf_counts(result)
    edition = result.rubric.edition  # computed once: it walks the whole rubric
    # A group's number is its position among the scorer's groups, best first (A → 1).
    positions = {
        str(code): position
        for position, (code, _) in enumerate(result.parameters.get("groups", []), start=1)
    }
    records: list[dict[str, object]] = []
    for province in result.provinces:
        for node in province.nodes:
            leaves_under = leaf_counts[node.code]
            missing = node.points is None
            label = result.groups.get(province.province) if node.code == "total" else None
            records.append(
                {
                    "instrument": "par",
                    "edition": edition,
                    "period": str(result.year),
                    "period_start": date(result.year, 1, 1),
                    "period_end": date(result.year, 12, 31),
                    "geography": result.rubric.rubric.geography,
                    "unit": province.province,
                    "level": node.level,
                    "code": node.code,
                    "name_vi": node.name.vi,
                    "name_en": node.name.en,
                    "estimate": node.percent,
                    "se": None if node.se is None else 100.0 * node.se / node.max_points,
                    "ci_low": None,
                    "ci_high": None,
                    "ci_level": None,
                    "ci_rule": _SURVEY_RULE if node.se is not None else _CI_RULE,
                    "df": None,
                    "n": leaves_under - len(node.missing),
                    "group": None if label is None else positions.get(label),
                    "group_label": label,
                    "status": "missing" if missing else "published",
                    "reason": "no_input" if missing else None,
                    "synthetic": province.synthetic,
                    "run_id": run_id,
                    "provenance": f"run {run_id}: {node.trace}",
                    "points": node.points,
                    "max_points": node.max_points,
                    "self_points": node.self_points,
                    "basis": node.basis,
                    "missing_inputs": ", ".join(node.missing) or None,
                    "provisional": provisional,
                }
            )
    frame = pl.DataFrame(
        records,
        schema={
            k: v for k, v in SCORE_COLUMNS.items() if k not in ("rank", "rank_low", "rank_high")
        },
    )
    # Equal totals share a rank; rank_low/rank_high span the tie (points are not sampled).
    ranked = frame.with_columns(
        pl.col("estimate").rank(method="min", descending=True).over("code").alias("rank"),
        pl.col("estimate").rank(method="min", descending=True).over("code").alias("rank_low"),
        pl.col("estimate").rank(method="max", descending=True).over("code").alias("rank_high"),
    )
    return ranked.select(list(SCORE_COLUMNS)).cast(SCORE_COLUMNS)  # type: ignore[arg-type]


def _leaf_counts(result: RubricResult) -> dict[str, int]:
    """How many scored leaves lie under each node code (``total`` counts them all)."""
    counts: dict[str, int] = {"total": 0}
    for leaf in result.rubric.leaves():
        counts["total"] += 1
        for code in leaf.path:
            counts[code] = counts.get(code, 0) + 1
    return counts
