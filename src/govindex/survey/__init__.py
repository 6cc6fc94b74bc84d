"""Design-based estimation for complex samples, in agreement with R ``survey``.

Build a :class:`SurveyDesign` from a data frame, then call an estimator; every estimator
returns an :class:`EstimateTable`.
"""

from govindex.survey.design import LonelyPSU, SurveyDesign
from govindex.survey.estimators import mean, proportion, ratio, total
from govindex.survey.replicates import ReplicateWeights
from govindex.survey.results import DegreesOfFreedomRule, EstimateTable

__all__ = [
    "DegreesOfFreedomRule",
    "EstimateTable",
    "LonelyPSU",
    "ReplicateWeights",
    "SurveyDesign",
    "mean",
    "proportion",
    "ratio",
    "total",
]
