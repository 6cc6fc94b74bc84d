"""Design-based estimation for complex samples, in agreement with R ``survey``.

Build a :class:`SurveyDesign` from a data frame, then call an estimator; every estimator
returns an :class:`EstimateTable`.
"""

from govindex.survey.calibration import post_stratify, rake, trim_weights
from govindex.survey.design import LonelyPSU, SurveyDesign
from govindex.survey.estimators import mean, proportion, ratio, total
from govindex.survey.quantiles import quantile
from govindex.survey.regression_calibration import calibrate
from govindex.survey.replicates import ReplicateWeights
from govindex.survey.replication import replicate_design, replicate_design_from_columns
from govindex.survey.results import DegreesOfFreedomRule, EstimateTable

__all__ = [
    "DegreesOfFreedomRule",
    "EstimateTable",
    "LonelyPSU",
    "ReplicateWeights",
    "SurveyDesign",
    "calibrate",
    "mean",
    "post_stratify",
    "proportion",
    "quantile",
    "rake",
    "ratio",
    "replicate_design",
    "replicate_design_from_columns",
    "total",
    "trim_weights",
]
