"""Aggregate queries over the facts: one SQL text per record source and geography.

The numerator and denominator of every indicator (and every service KPI) become two columns of
one ``GROUP BY``; a numerator only counts rows that are in its denominator. Aliases are
positional (``n0``, ``d0``, …) so no dialect's identifier quoting is involved.

Examples
--------
>>> from govindex.onestop.profile import shipped_profile
>>> by_unit, by_procedure = aggregate_sql(shipped_profile().resolve(), "dossiers", "province")
>>> by_unit.measures[0], by_procedure.measures[0]
(('indicator', '1.4'), ('indicator', '3.1'))
>>> "FROM dossier_facts" in by_unit.text
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from govindex.errors import SpecError
from govindex.onestop.facts import dossier_facts_sql, petition_facts_sql, publication_facts_sql
from govindex.onestop.profile import ResolvedProfile
from govindex.onestop.scoring import COUNT_SCHEMA, counts_from_wide

__all__ = [
    "FACT_TABLES",
    "GEOGRAPHIES",
    "KPI_MEASURES",
    "AggregateQuery",
    "aggregate_sql",
    "collect_counts",
    "fact_queries",
]

#: Where each source's facts are materialised before aggregation.
FACT_TABLES = {
    "dossiers": "dossier_facts",
    "petitions": "petition_facts",
    "publications": "publication_facts",
}
#: Record sources that have no procedure grain: petitions are not about one procedure, and a
#: publication concerns one procedure only (a ratio of 0/1 or 1/1 says nothing).
_NO_PROCEDURE_GEOGRAPHY = ("petitions", "publications")

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


def _pair(
    index: int, denominator: str, numerator: str, measure: str, count: str
) -> tuple[str, str]:
    """Inner (per unit × procedure) and outer (per unit) aggregates of one measure.

    A procedure-count measure is 1 for a procedure with a qualifying dossier (MAX inside),
    summed over procedures outside; this avoids COUNT(DISTINCT …), slow on both engines.
    """
    if count == "procedures":
        inner = (
            f"MAX(CASE WHEN ({denominator}) AND ({numerator}) THEN 1 ELSE 0 END) AS n{index}, "
            f"MAX(CASE WHEN ({denominator}) THEN 1 ELSE 0 END) AS d{index}"
        )
    else:
        value = "1" if measure == "count" else f"({numerator})"
        condition = (
            f"({denominator}) AND ({numerator})" if measure == "count" else f"({denominator})"
        )
        inner = (
            f"SUM(CASE WHEN {condition} THEN {value} ELSE 0 END) AS n{index}, "
            f"SUM(CASE WHEN ({denominator}) THEN 1 ELSE 0 END) AS d{index}"
        )
    return inner, f"SUM(n{index}) AS n{index}, SUM(d{index}) AS d{index}"


def aggregate_sql(profile: ResolvedProfile, source: str, geography: str) -> list[AggregateQuery]:
    """The aggregate queries of ``source`` (dossiers, petitions or publications) for one geography: one over
    dossier counts, grouped by unit, and one over procedure counts, grouped by unit and
    procedure first (only the few procedure-count indicators pay for the finer grain)."""
    if geography not in GEOGRAPHIES:
        msg = f"unknown geography `{geography}`"
        raise SpecError(msg, where="geography", found=geography, expected=sorted(GEOGRAPHIES))
    if source in _NO_PROCEDURE_GEOGRAPHY and geography == "procedure":
        return []
    grains: dict[str, list[tuple[tuple[str, str], tuple[str, str]]]] = {
        "dossiers": [],
        "procedures": [],
    }
    for indicator in profile.computed(source):
        assert indicator.numerator is not None
        assert indicator.denominator is not None
        pair = _pair(
            len(grains[indicator.count]),
            indicator.denominator,
            indicator.numerator,
            indicator.measure,
            indicator.count,
        )
        grains[indicator.count].append((pair, ("indicator", indicator.code)))
    if source == "dossiers":
        for code, denominator, numerator, measure in KPI_MEASURES:
            pair = _pair(len(grains["dossiers"]), denominator, numerator, measure, "dossiers")
            grains["dossiers"].append((pair, ("kpi", code)))
    unit_keys = ("period_id", *GEOGRAPHIES[geography])
    keys = ", ".join(unit_keys)
    table = FACT_TABLES[source]
    queries = []
    if grains["dossiers"]:
        body = ",\n  ".join(pair[0] for pair, _ in grains["dossiers"])
        text = f"SELECT {keys},\n  {body}\nFROM {table}\nGROUP BY {keys}"
        queries.append(
            AggregateQuery(source, geography, text, tuple(m for _, m in grains["dossiers"]))
        )
    if grains["procedures"]:
        inner_keys = ", ".join(dict.fromkeys((*unit_keys, "procedure_code")))
        inner = ",\n    ".join(pair[0] for pair, _ in grains["procedures"])
        outer = ",\n  ".join(pair[1] for pair, _ in grains["procedures"])
        text = (
            f"SELECT {keys},\n  {outer}\nFROM (\n  SELECT {inner_keys},\n    {inner}\n"
            f"  FROM {table}\n  GROUP BY {inner_keys}\n) AS by_procedure\nGROUP BY {keys}"
        )
        queries.append(
            AggregateQuery(source, geography, text, tuple(m for _, m in grains["procedures"]))
        )
    return queries


def fact_queries(*, remap_legacy_districts: bool = False) -> dict[str, str]:
    """The fact query of each source, keyed by the table it is materialised as.

    Examples
    --------
    >>> sorted(fact_queries())
    ['dossier_facts', 'petition_facts', 'publication_facts']
    """
    return {
        FACT_TABLES["dossiers"]: dossier_facts_sql(remap_legacy_districts=remap_legacy_districts),
        FACT_TABLES["petitions"]: petition_facts_sql(),
        FACT_TABLES["publications"]: publication_facts_sql(),
    }


def _renumbered(
    wide: pl.DataFrame, keys: Sequence[str], indexes: Sequence[int], offset: int
) -> pl.DataFrame:
    """The key columns and the ``n``/``d`` pairs at ``indexes``, renumbered from ``offset``."""
    return wide.select(
        *[pl.col(key).cast(pl.String) for key in keys],
        *[
            pl.col(f"{side}{index}").alias(f"{side}{offset + position}")
            for position, index in enumerate(indexes)
            for side in ("n", "d")
        ],
    )


def collect_counts(
    profile: ResolvedProfile,
    geographies: Sequence[str],
    run: Callable[[str], pl.DataFrame],
) -> pl.DataFrame:
    """Run every aggregate query through ``run`` (an engine's SQL executor) over the
    materialised fact tables (:func:`fact_queries`) and return the long counts of
    :func:`govindex.onestop.scoring.counts_from_wide`.

    Examples
    --------
    >>> from govindex.onestop.profile import shipped_profile
    >>> collect_counts(shipped_profile().resolve(), [], lambda text: None).height
    0
    """
    parts = [pl.DataFrame(schema=COUNT_SCHEMA)]
    for geography in geographies:
        keys = ["period_id", *GEOGRAPHIES[geography]]
        merged: pl.DataFrame | None = None
        measures: list[tuple[str, str]] = []
        for source in FACT_TABLES:
            for query in aggregate_sql(profile, source, geography):
                result = run(query.text)
                # Service KPIs stay with the units that have dossiers (as they always were);
                # only index indicators are completed for every unit.
                kpis = [i for i, (kind, _) in enumerate(query.measures) if kind == "kpi"]
                if kpis:
                    parts.append(
                        counts_from_wide(
                            _renumbered(result, keys, kpis, 0),
                            geography,
                            [query.measures[i] for i in kpis],
                        )
                    )
                indicators = [i for i, (kind, _) in enumerate(query.measures) if kind != "kpi"]
                wide = _renumbered(result, keys, indicators, len(measures))
                measures.extend(query.measures[i] for i in indicators)
                # Units of every source side by side: each unit then has every measure (0
                # where a source has no record), so scoring needs no grid of its own.
                merged = (
                    wide
                    if merged is None
                    else merged.join(wide, on=keys, how="full", coalesce=True, nulls_equal=True)
                )
        if merged is not None:
            parts.append(counts_from_wide(merged, geography, measures))
    return pl.concat(parts, how="vertical")
