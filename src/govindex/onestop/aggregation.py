"""Aggregate queries over the facts: one SQL text per record source and geography.

The numerator and denominator of every indicator (and every service KPI) become two columns of
one ``GROUP BY``; a numerator only counts rows that are in its denominator. Aliases are
positional (``n0``, ``d0``, …) so no dialect's identifier quoting is involved.

Examples
--------
>>> from govindex.onestop.profile import shipped_profile
>>> query = aggregate_sql(shipped_profile().resolve(), "dossiers", "province")
>>> query.measures[0]
('indicator', '1.4')
>>> "GROUP BY period_id, province_code" in query.text
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from govindex.errors import SpecError
from govindex.onestop.facts import dossier_facts_sql, petition_facts_sql
from govindex.onestop.profile import ResolvedProfile
from govindex.onestop.scoring import COUNT_SCHEMA, counts_from_wide

__all__ = ["GEOGRAPHIES", "KPI_MEASURES", "AggregateQuery", "aggregate_sql", "collect_counts"]

#: Unit columns of each geography; an agency is a department, commune or legacy district.
GEOGRAPHIES: dict[str, tuple[str, ...]] = {
    "province": ("province_code",),
    "agency": ("province_code", "agency_id"),
    "procedure": ("procedure_code",),
}

#: Service KPIs beside the index: (code, denominator, numerator, measure) over dossier facts.
KPI_MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("handled", "in_scope", "in_scope", "count"),
    ("early", "in_scope", "early", "count"),
    ("on_due_day", "in_scope", "on_time AND NOT early", "count"),
    ("late", "in_scope", "late", "count"),
    ("overdue_pending", "in_scope", "overdue_pending", "count"),
    ("days_overdue", "overdue_pending", "days_overdue", "sum"),
    ("online_share", "received_in_period", "online", "count"),
    ("postal_submission", "received_in_period", "postal", "count"),
    ("online_payment", "received_in_period AND has_nonzero_fee", "paid_online", "count"),
    (
        "noncash_payment",
        "received_in_period AND has_nonzero_fee",
        "paid_noncash OR paid_online",
        "count",
    ),
    ("postal_return", "completed_in_period", "returned_by_post", "count"),
    (
        "processing_days",
        "completed_in_period AND processing_working_days IS NOT NULL",
        "processing_working_days",
        "sum",
    ),
    ("digitised_reuse", "received_in_period", "reused", "count"),
    ("computed_due", "in_scope", "due_computed", "count"),
    ("no_due_date", "in_scope", "no_due_date", "count"),
    ("due_rewritten", "in_scope", "due_rewritten", "count"),
)


@dataclass(frozen=True)
class AggregateQuery:
    """An aggregate query and what each ``n{i}`` / ``d{i}`` column pair measures."""

    source: str
    geography: str
    text: str
    measures: tuple[tuple[str, str], ...]


def _pair(index: int, denominator: str, numerator: str, measure: str, count: str) -> str:
    if count == "procedures":
        return (
            f"COUNT(DISTINCT CASE WHEN ({denominator}) AND ({numerator}) THEN procedure_code END) AS n{index}, "
            f"COUNT(DISTINCT CASE WHEN ({denominator}) THEN procedure_code END) AS d{index}"
        )
    value = "1" if measure == "count" else f"({numerator})"
    condition = f"({denominator}) AND ({numerator})" if measure == "count" else f"({denominator})"
    return (
        f"SUM(CASE WHEN {condition} THEN {value} ELSE 0 END) AS n{index}, "
        f"SUM(CASE WHEN ({denominator}) THEN 1 ELSE 0 END) AS d{index}"
    )


def aggregate_sql(
    profile: ResolvedProfile,
    source: str,
    geography: str,
    *,
    remap_legacy_districts: bool = False,
) -> AggregateQuery:
    """The aggregate query of ``source`` (dossiers or petitions) for one geography."""
    if geography not in GEOGRAPHIES:
        msg = f"unknown geography `{geography}`"
        raise SpecError(msg, where="geography", found=geography, expected=sorted(GEOGRAPHIES))
    if source == "petitions" and geography == "procedure":
        return AggregateQuery(source, geography, "", ())
    columns: list[str] = []
    measures: list[tuple[str, str]] = []
    for indicator in profile.computed(source):
        assert indicator.numerator is not None
        assert indicator.denominator is not None
        columns.append(
            _pair(
                len(measures),
                indicator.denominator,
                indicator.numerator,
                indicator.measure,
                indicator.count,
            )
        )
        measures.append(("indicator", indicator.code))
    if source == "dossiers":
        for code, denominator, numerator, measure in KPI_MEASURES:
            columns.append(_pair(len(measures), denominator, numerator, measure, "dossiers"))
            measures.append(("kpi", code))
    facts = (
        dossier_facts_sql(remap_legacy_districts=remap_legacy_districts)
        if source == "dossiers"
        else petition_facts_sql()
    )
    keys = ", ".join(("period_id", *GEOGRAPHIES[geography]))
    body = ",\n  ".join(columns)
    text = f"WITH facts AS (\n{facts}\n)\nSELECT {keys},\n  {body}\nFROM facts\nGROUP BY {keys}"
    return AggregateQuery(source, geography, text, tuple(measures))


def collect_counts(
    profile: ResolvedProfile,
    geographies: Sequence[str],
    run: Callable[[str], pl.DataFrame],
    *,
    remap_legacy_districts: bool = False,
) -> pl.DataFrame:
    """Run every aggregate query through ``run`` (an engine's SQL executor) and return the
    long counts of :func:`govindex.onestop.scoring.counts_from_wide`.

    Examples
    --------
    >>> from govindex.onestop.profile import shipped_profile
    >>> collect_counts(shipped_profile().resolve(), [], lambda text: None).height
    0
    """
    parts = [pl.DataFrame(schema=COUNT_SCHEMA)]
    for geography in geographies:
        for source in ("dossiers", "petitions"):
            query = aggregate_sql(
                profile, source, geography, remap_legacy_districts=remap_legacy_districts
            )
            if query.text:
                parts.append(counts_from_wide(run(query.text), geography, query.measures))
    return pl.concat(parts, how="vertical")
