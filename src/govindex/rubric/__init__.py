"""The PAR Index rubric engine: a points rubric as data, scored from self-assessments,
appraisal decisions and survey values, with every point traceable to its source.

Pure core (no file I/O): the workbook, the appraisal log and the command line live in
:mod:`govindex.assessment` and :mod:`govindex.cli`.
"""

from govindex.rubric.inputs import (
    AppraisalDecision,
    Assessment,
    Evidence,
    SelfAssessmentEntry,
    SurveyValue,
    SurveyValueSource,
    SurveyValueTable,
)
from govindex.rubric.load import rubric_from_dict, rubric_from_yaml
from govindex.rubric.models import Area, Criterion, Group, Leaf, Rubric, SubCriterion
from govindex.rubric.priorities import Improvement, LostPoints, improvement_gain, points_lost
from govindex.rubric.rules import (
    CompletionRule,
    DeductionRule,
    JudgementRule,
    Step,
    StepsRule,
    SurveyRule,
    TargetRule,
    describe_rule,
)
from govindex.rubric.score_rows import PAR_COLUMNS, SCORE_COLUMNS, par_score_table, score_rows
from govindex.rubric.scoring import (
    NodePoints,
    PointsScorer,
    ProvinceResult,
    RubricResult,
    group_of,
    rule_points,
)
from govindex.rubric.synthetic import SYNTHETIC_SOURCE, SyntheticAssessments, synthetic_assessments

__all__ = [
    "PAR_COLUMNS",
    "SCORE_COLUMNS",
    "SYNTHETIC_SOURCE",
    "AppraisalDecision",
    "Area",
    "Assessment",
    "CompletionRule",
    "Criterion",
    "DeductionRule",
    "Evidence",
    "Group",
    "Improvement",
    "JudgementRule",
    "Leaf",
    "LostPoints",
    "NodePoints",
    "PointsScorer",
    "ProvinceResult",
    "Rubric",
    "RubricResult",
    "SelfAssessmentEntry",
    "Step",
    "StepsRule",
    "SubCriterion",
    "SurveyRule",
    "SurveyValue",
    "SurveyValueSource",
    "SurveyValueTable",
    "SyntheticAssessments",
    "TargetRule",
    "describe_rule",
    "group_of",
    "improvement_gain",
    "par_score_table",
    "points_lost",
    "rubric_from_dict",
    "rubric_from_yaml",
    "rule_points",
    "score_rows",
    "synthetic_assessments",
]
