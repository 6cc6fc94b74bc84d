"""One PAR run: read the workbooks, apply the appraisal log and survey values, score, and
shape the rows; the run's manifest (and so its id) is derived from everything that went in."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from govindex.assessment.appraisal_log import AppraisalLog
from govindex.assessment.survey_values import read_survey_values
from govindex.assessment.workbook import read_assessment_workbook
from govindex.manifest import RunManifest, hash_bytes
from govindex.rubric import (
    AppraisalDecision,
    Assessment,
    Group,
    PointsScorer,
    Rubric,
    RubricResult,
    SurveyValueTable,
    score_rows,
    synthetic_assessments,
)

__all__ = ["ParRun", "ProvinceInputs", "province_inputs", "run_par", "synthetic_par_run"]


@dataclass(frozen=True)
class ParRun:
    """A scored PAR run: its manifest, the result, its score rows and what went in."""

    manifest: RunManifest
    result: RubricResult
    rows: pl.DataFrame
    appraisal_log_head: str | None

    @property
    def run_id(self) -> str:
        """The run's content-derived id."""
        return self.manifest.run_id

    @property
    def parameters(self) -> Mapping[str, Any]:
        """Everything recorded about how the run was made."""
        return self.manifest.parameters


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
    return _finished(rubric, result, parameters, head, source=f"{len(files)} workbooks")


def synthetic_par_run(
    rubric: Rubric,
    provinces: Sequence[str],
    *,
    year: int,
    seed: int,
    groups: Sequence[Group] | None = None,
) -> ParRun:
    """A SYNTHETIC PAR run: seeded self-assessments of ``provinces`` scored with ``rubric``.

    Examples
    --------
    >>> from govindex.assessment import load_rubric
    >>> run = synthetic_par_run(load_rubric(warn=False), ["Hue", "Ha Noi"], year=2024, seed=3)
    >>> run.manifest.synthetic, run.manifest.kind, run.rows.filter(code="total").height
    (True, 'assessment', 2)
    """
    made = synthetic_assessments(rubric, provinces, year=year, seed=seed)
    scorer = PointsScorer(rubric, groups=groups)
    result = scorer.score_all(made.assessments, survey_values=made.survey_values)
    parameters: dict[str, Any] = {
        "instrument": "par",
        "rubric": rubric.edition,
        "rubric_hash": _digest(rubric.model_dump_json().encode("utf-8")),
        "year": result.year,
        "synthetic_assessments": {"seed": seed, "provinces": len(provinces)},
        "appraisal_log_head": None,
        "appraisal_decisions": 0,
        **dict(result.parameters),
    }
    return _finished(
        rubric, result, parameters, None, source="SYNTHETIC self-assessments", seed=seed
    )


def _finished(
    rubric: Rubric,
    result: RubricResult,
    parameters: Mapping[str, Any],
    head: str | None,
    *,
    source: str,
    seed: int | None = None,
) -> ParRun:
    """The run's manifest, then its rows (which carry the manifest's id)."""
    inputs = {
        key: parameters.get(key) for key in ("workbooks", "survey_values", "synthetic_assessments")
    }
    synthetic = any(province.synthetic for province in result.provinces)
    manifest = RunManifest.create(
        kind="assessment",
        spec_hash=str(parameters["rubric_hash"]),
        data_hash=hash_bytes(repr(sorted(inputs.items())).encode("utf-8")),
        parameters=parameters,
        source=f"PAR Index {result.year}, {rubric.edition}: {source}"
        + (" (SYNTHETIC)" if synthetic and "SYNTHETIC" not in source else ""),
        seed=seed,
        synthetic=synthetic,
    )
    rows = score_rows(result, run_id=manifest.run_id)
    return ParRun(manifest, result, rows, head)


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
