"""The producers the store asks for derived tables: the store itself computes nothing.

Pages only read stored tables, so whatever is published must be worked out when a run is
stored or an older store upgraded. The numbers are statistics (groups, the 34-unit table,
diagnoses, the scorecard's rank agreement), which live above the store in
:mod:`govindex.analysis`; the store reaches them through this small interface, which
:mod:`govindex.application.producers` implements and registers when it is imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import polars as pl

__all__ = ["Producers", "register_producers", "registered_producers"]

# Imported by name when nothing is registered yet, so that a program using the store alone
# (a script, a doctest) still stores complete runs; the store never imports statistics.
_DEFAULT_PRODUCERS = "govindex.application.producers"


class Producers(Protocol):
    """What a store asks its producers to work out."""

    def published_groups(self, scores: pl.DataFrame, group_rule: Mapping[str, Any]) -> pl.DataFrame:
        """``scores`` of a published run with the four performance groups cut by ``group_rule``."""
        ...

    def run_tables(
        self,
        kind: str,
        parameters: Mapping[str, Any],
        scores: pl.DataFrame,
        record: pl.DataFrame,
        score_table: pl.DataFrame | None,
    ) -> dict[str, pl.DataFrame]:
        """The tables a run's producer stores today beside ``scores`` (by name); ``record``
        is the official record of every published run in the store (long layout) and
        ``score_table`` the run's stored score table (``None`` if it has none)."""
        ...

    def scorecard_tables(
        self, runs: Sequence[tuple[pl.DataFrame, str]]
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The ``scorecard`` and ``agreement`` tables from the province totals of every
        current run's score table, each with its source kind (``official`` or
        ``computed``), in the order the runs were stored."""
        ...


_REGISTERED: list[Producers] = []


def register_producers(producers: Producers) -> None:
    """Register the producers the store asks (the application layer does, on import).

    Examples
    --------
    >>> import govindex.application
    >>> len(_REGISTERED)
    1
    """
    _REGISTERED[:] = [producers]


def registered_producers() -> Producers:
    """The registered producers, loading the application's own if none is registered.

    Examples
    --------
    >>> type(registered_producers()).__name__
    'StoreProducers'
    """
    if not _REGISTERED:
        module = importlib.import_module(_DEFAULT_PRODUCERS)
        # Importing registers them; a registry emptied since then is filled again.
        if not _REGISTERED:
            register_producers(module.StoreProducers())
    return _REGISTERED[0]
