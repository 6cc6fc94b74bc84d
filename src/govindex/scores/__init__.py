"""The score model: one ScoreTable for every published number of every instrument.

:mod:`govindex.scores.table` defines the table (columns, status and reason codes, a checked
row model); :mod:`govindex.scores.papi` writes PAPI's numbers in it;
:mod:`govindex.scores.registry` lists the instruments.
"""

from govindex.scores.papi import (
    PUBLISHED_EDITION,
    PUBLISHED_INTERVALS,
    PapiRun,
    microdata_run,
    papi_score_table,
    published_run,
)
from govindex.scores.registry import InstrumentEntry, instrument, register, registered
from govindex.scores.table import (
    GEOGRAPHIES,
    INSTRUMENTS,
    LEVELS,
    REASONS,
    SCORE_TABLE_SCHEMA,
    STATUSES,
    Geography,
    Instrument,
    Reason,
    ScoreRow,
    ScoreTable,
    Status,
)

__all__ = [
    "GEOGRAPHIES",
    "INSTRUMENTS",
    "LEVELS",
    "PUBLISHED_EDITION",
    "PUBLISHED_INTERVALS",
    "REASONS",
    "SCORE_TABLE_SCHEMA",
    "STATUSES",
    "Geography",
    "Instrument",
    "InstrumentEntry",
    "PapiRun",
    "Reason",
    "ScoreRow",
    "ScoreTable",
    "Status",
    "instrument",
    "microdata_run",
    "papi_score_table",
    "published_run",
    "register",
    "registered",
]
