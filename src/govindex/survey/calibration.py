"""Calibration of design weights: post-stratification, raking, linear (GREG), trimming.

Each calibration returns a new design whose weights meet the population margins and which
records a :class:`CalibrationStep`, so that Taylor standard errors are computed from the
calibration residuals (as R ``survey`` does) and replicate designs are recalibrated in
every replicate.
"""

from __future__ import annotations

from typing import Protocol

from govindex.survey.arrays import FloatArray

__all__ = ["CalibrationStep"]


class CalibrationStep(Protocol):
    """What a calibration leaves on a design for variance estimation."""

    def residualise(self, scores: FloatArray) -> FloatArray:
        """Replace (rows × statistics) influence scores by their calibration residuals."""
        ...
