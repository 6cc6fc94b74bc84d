"""PAPI's comparability breaks, re-exported for the analysis code that tests change.

The breaks are reference data read by producers and pages alike, so they live in
:mod:`govindex.official.comparability`.
"""

from govindex.official.comparability import (
    ComparabilityBreak,
    breaks_between,
    load_comparability_breaks,
)

__all__ = ["ComparabilityBreak", "breaks_between", "load_comparability_breaks"]
