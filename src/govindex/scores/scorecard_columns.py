"""The columns of the stored scorecard: one province across the instruments, and how the
instruments' rankings agree. The tables are written by the producers
(:mod:`govindex.analysis.scorecard` works them out) and read by pages, so their schema sits
with the score model, below both.

Examples
--------
>>> list(SCORECARD_COLUMNS)[:4], len(AGREEMENT_COLUMNS)
(['province', 'province_key', 'instrument', 'year'], 12)
"""

from __future__ import annotations

import polars as pl

__all__ = ["AGREEMENT_COLUMNS", "SCORECARD_COLUMNS"]

SCORECARD_COLUMNS: dict[str, pl.DataType] = {
    "province": pl.String(),
    "province_key": pl.String(),
    "instrument": pl.String(),
    "year": pl.Int32(),
    "period": pl.String(),
    "estimate": pl.Float64(),
    "se": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "rank": pl.Int32(),
    "rank_low": pl.Int32(),
    "rank_high": pl.Int32(),
    "ranked": pl.Int32(),
    "group": pl.Int32(),
    "group_label": pl.String(),
    "change": pl.Float64(),
    "change_note": pl.String(),
    "source_kind": pl.String(),
    "run_id": pl.String(),
    "source_url": pl.String(),
    "status": pl.String(),
    "reason": pl.String(),
    "synthetic": pl.Boolean(),
}
"""One row per province, instrument, year and source of a value."""

AGREEMENT_COLUMNS: dict[str, pl.DataType] = {
    "year": pl.Int32(),
    "first": pl.String(),
    "second": pl.String(),
    "first_source": pl.String(),
    "second_source": pl.String(),
    "provinces": pl.Int32(),
    "rho": pl.Float64(),
    "low": pl.Float64(),
    "high": pl.Float64(),
    "level": pl.Float64(),
    "method": pl.String(),
    "synthetic": pl.Boolean(),
}
"""One row per year and pair of series (an instrument's official record or computed run)."""
