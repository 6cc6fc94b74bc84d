"""Design-based estimation for complex samples, in agreement with R ``survey``.

Build a :class:`SurveyDesign` from a data frame, then call an estimator; every estimator
returns an :class:`EstimateTable`.

The names below are imported on first use: ``govindex estimate`` of a mean needs the design
and the estimators, not calibration, replication or quantiles, and a command's start-up
pays for every module it imports.

Examples
--------
>>> from govindex.survey import SurveyDesign
>>> SurveyDesign.__module__
'govindex.survey.design'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each public name lives.
_HOMES = {
    "DegreesOfFreedomRule": "results",
    "EstimateTable": "results",
    "LonelyPSU": "design",
    "ReplicateWeights": "replicates",
    "SurveyDesign": "design",
    "calibrate": "regression_calibration",
    "mean": "estimators",
    "post_stratify": "calibration",
    "proportion": "estimators",
    "quantile": "quantiles",
    "rake": "calibration",
    "ratio": "estimators",
    "replicate_design": "replication",
    "replicate_design_from_columns": "replication",
    "total": "estimators",
    "trim_weights": "calibration",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
