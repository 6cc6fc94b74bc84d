"""SYNTHETIC PAPI survey data: a sampling frame, the official multistage design, answers.

Everything here is invented for demos, tests and benchmarks, and is labelled synthetic
wherever it leaves the package. :func:`synthesise_papi` builds a whole survey whose
provinces track given dimension scores; :mod:`govindex.synthetic.check` scores it back.
"""

from govindex.synthetic.check import (
    aggregate_indicators,
    indicator_scores,
    province_scores,
    tracking_correlations,
)
from govindex.synthetic.frame import build_frame, load_size_classes, province_table
from govindex.synthetic.model import LatentScales
from govindex.synthetic.papi import DESIGN_COLUMNS, SyntheticSurvey, synthesise_papi
from govindex.synthetic.sample import DesignSizes, design_for_year, select_villages, systematic_pps

__all__ = [
    "DESIGN_COLUMNS",
    "DesignSizes",
    "LatentScales",
    "SyntheticSurvey",
    "aggregate_indicators",
    "build_frame",
    "design_for_year",
    "indicator_scores",
    "load_size_classes",
    "province_scores",
    "province_table",
    "select_villages",
    "synthesise_papi",
    "systematic_pps",
    "tracking_correlations",
]
