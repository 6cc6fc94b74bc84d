"""The index layer: respondent scores → indicators → sub-dimensions → dimensions → total.

Pure and generic: every code, weight and formula comes from the spec. Build with
:class:`IndexBuilder` (parameters up front, :meth:`~IndexBuilder.run` on microdata); the
frozen :class:`IndexResult` keeps every stage's table with the parameters that made it.
"""

from govindex.index.aggregate import AggregationPlan
from govindex.index.build import IndexBuilder
from govindex.index.parameters import DEFAULT_SEED, IndexParameters
from govindex.index.ranking import competition_ranks, rank_intervals
from govindex.index.result import STAGE_COLUMNS, IndexResult
from govindex.index.scoring import indicator_scores
from govindex.index.uncertainty import PAPI_CRITICAL_VALUE, delta_method_variance
from govindex.ingest import DesignColumns

__all__ = [
    "DEFAULT_SEED",
    "PAPI_CRITICAL_VALUE",
    "STAGE_COLUMNS",
    "AggregationPlan",
    "DesignColumns",
    "IndexBuilder",
    "IndexParameters",
    "IndexResult",
    "competition_ranks",
    "delta_method_variance",
    "indicator_scores",
    "rank_intervals",
]
