"""One PAR run: read the workbooks, apply the appraisal log and survey values, score, and
shape the rows; the run id is derived from everything that went in."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from govindex.assessment.appraisal_log import AppraisalLog
from govindex.assessment.par_runs import par_run_id
from govindex.assessment.survey_values import read_survey_values
from govindex.assessment.workbook import read_assessment_workbook
from govindex.rubric import (
    AppraisalDecision,
    Assessment,
    Group,
    PointsScorer,
    Rubric,
    RubricResult,
    SurveyValueTable,
    score_rows,
)

__all__ = ["ParRun", "ProvinceInputs", "province_inputs", "run_par"]


@dataclass(frozen=True)
class ParRun:
    """A scored PAR run: the result, its score rows and what went in."""

    run_id: str
    result: RubricResult
    rows: pl.DataFrame
    parameters: Mapping[str, Any]
    appraisal_log_head: str | None


def run_par(
    rubric: Rubric,
    workbooks: Sequence[str | Path],
    *,
    appraisal_log: str | Path | None = None,
    survey_values: str | Path | None = None,
    groups: Sequence[Group] | None = None,
) -> ParRun:
    """Score the filled workbooks of one year with the rubric.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govindex.assessment import load_rubric, write_assessment_workbook
    >>> rubric = load_rubric(warn=False)
    >>> book = write_assessment_workbook(rubric, "Hue", 2024,
    ...                                  pathlib.Path(tempfile.mkdtemp()) / "hue.xlsx")
    >>> run = run_par(rubric, [book])
    >>> run.rows.filter(code="total").select("status", "estimate").row(0)
    ('missing', None)
    """
    files = [Path(path) for path in workbooks]
    assessments = [read_assessment_workbook(rubric, path) for path in files]
    decisions: tuple[Any, ...] = ()
    head: str | None = None
    if appraisal_log is not None:
        with AppraisalLog(appraisal_log) as log:
            decisions = log.decisions()
            head = log.head
    values = None if survey_values is None else read_survey_values(survey_values)
    scorer = PointsScorer(rubric, groups=groups)
    result = scorer.score_all(assessments, appraisals=decisions, survey_values=values)
    parameters: dict[str, Any] = {
        "instrument": "par",
        "rubric": rubric.edition,
        "rubric_hash": _digest(rubric.model_dump_json().encode("utf-8")),
        "year": result.year,
        "workbooks": {path.name: _digest(path.read_bytes()) for path in files},
        "appraisal_log_head": head,
        "appraisal_decisions": len(decisions),
        "survey_values": None
        if survey_values is None
        else {Path(survey_values).name: _digest(Path(survey_values).read_bytes())},
        **dict(result.parameters),
    }
    provisional_rows = score_rows(result, run_id="pending")
    run_id = par_run_id(provisional_rows, parameters)
    rows = score_rows(result, run_id=run_id)
    return ParRun(run_id, result, rows, parameters, head)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ProvinceInputs:
    """One province's inputs: its self-assessment, appraisal decisions and survey values."""

    assessment: Assessment
    decisions: tuple[AppraisalDecision, ...]
    survey_values: SurveyValueTable | None


def province_inputs(
    rubric: Rubric,
    workbook: str | Path,
    *,
    appraisal_log: str | Path | None = None,
    survey_values: str | Path | None = None,
) -> ProvinceInputs:
    """Read one workbook, the decisions on it, and the survey values.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govindex.assessment import load_rubric, write_assessment_workbook
    >>> rubric = load_rubric(warn=False)
    >>> book = write_assessment_workbook(rubric, "Hue", 2024,
    ...                                  pathlib.Path(tempfile.mkdtemp()) / "hue.xlsx")
    >>> inputs = province_inputs(rubric, book)
    >>> inputs.assessment.province, inputs.decisions, inputs.survey_values
    ('Hue', (), None)
    """
    assessment = read_assessment_workbook(rubric, workbook)
    decisions: tuple[AppraisalDecision, ...] = ()
    if appraisal_log is not None:
        with AppraisalLog(appraisal_log) as log:
            decisions = log.decisions(province=assessment.province, year=assessment.year)
    values = None if survey_values is None else read_survey_values(survey_values)
    return ProvinceInputs(assessment, decisions, values)
