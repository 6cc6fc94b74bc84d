"""Files and stores of the PAR assessment workflow: the rubric file, the self-assessment
workbook, the append-only appraisal log, survey values and stored PAR runs.

A shell around the pure :mod:`govindex.rubric` core.
"""

from govindex.assessment.appraisal_log import AppraisalLog
from govindex.assessment.par_runs import list_par_runs, par_runs, read_par_run, save_par_run
from govindex.assessment.rubric_files import (
    ProvisionalRubricWarning,
    bundled_rubric_path,
    load_rubric,
)
from govindex.assessment.survey_values import read_survey_values
from govindex.assessment.workbook import read_assessment_workbook, write_assessment_workbook

__all__ = [
    "AppraisalLog",
    "ProvisionalRubricWarning",
    "bundled_rubric_path",
    "list_par_runs",
    "load_rubric",
    "par_runs",
    "read_assessment_workbook",
    "read_par_run",
    "read_survey_values",
    "save_par_run",
    "write_assessment_workbook",
]
