"""Aggregate queries over the facts: per record source, one SQL text for every geography.

The numerator and denominator of every indicator (and every service KPI) become two columns of
one ``GROUP BY``; a numerator only counts rows that are in its denominator. Aliases are
positional (``n0``, ``d0``, …) so no dialect's identifier quoting is involved.

Examples
--------
>>> from govindex.onestop.profile import shipped_profile
>>> by_unit, by_procedure = aggregate_sql(shipped_profile().resolve(), "dossiers", ["province"])
>>> by_unit.measures[0], by_procedure.measures[0]
(('indicator', '1.4'), ('indicator', '3.1'))
>>> "FROM dossier_facts" in by_unit.text and "GROUPING SETS" in by_unit.text
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from govindex.errors import SpecError
from govindex.onestop.facts import (
    FACT_COLUMNS,
    dossier_facts_sql,
    petition_facts_sql,
    publication_facts_sql,
)
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
    "geography_rows",
    "keys_and_flags",
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
    """An aggregate query and what each ``n{i}`` / ``d{i}`` column pair measures.

    The query returns ``period_id``, ``province_code``, ``agency_id``, ``procedure_code`` and
    the grouping flags ``g_province`` / ``g_agency`` (1 where that key was rolled up), from
    which :func:`geography_rows` picks each geography's rows.
    """

    source: str
    geographies: tuple[str, ...]
    text: str
    measures: tuple[tuple[str, str], ...]


def _pair(index: int, denominator: str, numerator: str, measure: str) -> str:
    """The numerator and denominator aggregates (per unit) of one count or sum measure.

    A numerator only counts rows that are in its denominator.
    """
    value = "1" if measure == "count" else f"({numerator})"
    condition = f"({denominator}) AND ({numerator})" if measure == "count" else f"({denominator})"
    return (
        f"SUM(CASE WHEN {condition} THEN {value} ELSE 0 END) AS n{index}, "
        f"SUM(CASE WHEN ({denominator}) THEN 1 ELSE 0 END) AS d{index}"
    )


#: Measures per bit set: two bits each, kept within a 32-bit integer on both engines.
_MEASURES_PER_BITS = 15


def _procedure_bits(measures: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Inner (per unit × procedure) and outer (per unit) aggregates of procedure counts,
    for ``(denominator, numerator)`` conditions.

    A procedure counts once per unit when any of its records qualifies. Every measure's
    numerator and denominator condition is one bit of an integer, OR-ed over the unit's
    records of the procedure (``BIT_OR``: one aggregate instead of a ``MAX`` per condition;
    this grain has nearly as many groups as records, so each aggregate kept in its hash
    table costs about a pass over them); the outer query counts the procedures whose bit is
    set. ``COUNT(DISTINCT …)`` would be slow on both engines.

    Examples
    --------
    >>> inner, outer = _procedure_bits([("a", "b")])
    >>> inner
    'BIT_OR(CASE WHEN (a) AND (b) THEN 1 ELSE 0 END + CASE WHEN (a) THEN 2 ELSE 0 END) AS bits0'
    >>> outer.split(", ")[1]
    'SUM(CASE WHEN bits0 & 2 <> 0 THEN 1 ELSE 0 END) AS d0'
    """
    inner: list[str] = []
    sums: list[str] = []
    for first in range(0, len(measures), _MEASURES_PER_BITS):
        column = f"bits{first // _MEASURES_PER_BITS}"
        terms = []
        for offset, (denominator, numerator) in enumerate(
            measures[first : first + _MEASURES_PER_BITS]
        ):
            index = first + offset
            numerator_bit, denominator_bit = 1 << (2 * offset), 1 << (2 * offset + 1)
            terms.append(
                f"CASE WHEN ({denominator}) AND ({numerator}) THEN {numerator_bit} ELSE 0 END"
            )
            terms.append(f"CASE WHEN ({denominator}) THEN {denominator_bit} ELSE 0 END")
            sums.append(
                f"SUM(CASE WHEN {column} & {numerator_bit} <> 0 THEN 1 ELSE 0 END) AS n{index}, "
                f"SUM(CASE WHEN {column} & {denominator_bit} <> 0 THEN 1 ELSE 0 END) "
                f"AS d{index}"
            )
        inner.append("BIT_OR(" + " + ".join(terms) + f") AS {column}")
    return ",\n    ".join(inner), ",\n  ".join(sums)


#: Key columns every aggregate query returns (rolled-up keys are NULL).
_KEY_COLUMNS = ("period_id", "province_code", "agency_id", "procedure_code")


def _grouping_sets(geographies: Sequence[str], extra: tuple[str, ...] = ()) -> str:
    sets = [
        "(" + ", ".join(dict.fromkeys(("period_id", *GEOGRAPHIES[g], *extra))) + ")"
        for g in geographies
    ]
    return "GROUPING SETS (" + ", ".join(sets) + ")"


def keys_and_flags(geographies: Sequence[str], extra: tuple[str, ...] = ()) -> str:
    """The key columns and grouping flags of a grouping-sets query; a key no set groups by
    is a NULL column (and its flag 1), as SQL forbids naming it.

    Examples
    --------
    >>> keys_and_flags(["province"]).split(", ")[2:5]
    ['CAST(NULL AS VARCHAR) AS agency_id', 'CAST(NULL AS VARCHAR) AS procedure_code', 'GROUPING(province_code) AS g_province']
    """
    grouped = {"period_id", *extra}.union(*(GEOGRAPHIES[g] for g in geographies))
    keys = [key if key in grouped else f"CAST(NULL AS VARCHAR) AS {key}" for key in _KEY_COLUMNS]
    flags = [
        f"GROUPING({key}) AS {flag}" if key in grouped else f"1 AS {flag}"
        for key, flag in (("province_code", "g_province"), ("agency_id", "g_agency"))
    ]
    return ", ".join(keys + flags)


def aggregate_sql(
    profile: ResolvedProfile, source: str, geographies: Sequence[str]
) -> list[AggregateQuery]:
    """The aggregate queries of ``source`` (dossiers, petitions or publications) for every
    geography at once: one over dossier counts and one over procedure counts (grouped by unit
    and procedure first; only the few procedure-count indicators pay for the finer grain).

    Each query reads the facts once and groups them by ``GROUPING SETS``, one set per
    geography, so adding a geography costs no further pass over the records.
    """
    for geography in geographies:
        if geography not in GEOGRAPHIES:
            msg = f"unknown geography `{geography}`"
            raise SpecError(msg, where="geography", found=geography, expected=sorted(GEOGRAPHIES))
    if source in _NO_PROCEDURE_GEOGRAPHY:
        geographies = [g for g in geographies if g != "procedure"]
    if not geographies:
        return []
    counted: list[tuple[str, tuple[str, str]]] = []
    by_procedure: list[tuple[tuple[str, str], tuple[str, str]]] = []
    for indicator in profile.computed(source):
        assert indicator.numerator is not None
        assert indicator.denominator is not None
        if indicator.count == "procedures":
            conditions = (indicator.denominator, indicator.numerator)
            by_procedure.append((conditions, ("indicator", indicator.code)))
        else:
            pair = _pair(
                len(counted), indicator.denominator, indicator.numerator, indicator.measure
            )
            counted.append((pair, ("indicator", indicator.code)))
    if source == "dossiers":
        for code, denominator, numerator, measure in KPI_MEASURES:
            counted.append((_pair(len(counted), denominator, numerator, measure), ("kpi", code)))
    table = FACT_TABLES[source]
    queries = []
    if counted:
        body = ",\n  ".join(pair for pair, _ in counted)
        text = (
            f"SELECT {keys_and_flags(geographies)},\n  {body}\nFROM {table}\n"
            f"GROUP BY {_grouping_sets(geographies)}"
        )
        queries.append(
            AggregateQuery(source, tuple(geographies), text, tuple(m for _, m in counted))
        )
    if by_procedure:
        # Inner: one row per unit × procedure (procedure_code kept in every set); outer: the
        # procedures summed per unit, the procedure key dropped except for the procedure
        # geography, whose unit it is (there province_code is rolled up).
        inner, outer = _procedure_bits([conditions for conditions, _ in by_procedure])
        unit_procedure = "CASE WHEN g_province = 1 THEN procedure_code END"
        text = (
            f"SELECT period_id, province_code, agency_id, {unit_procedure} AS procedure_code,\n"
            f"  g_province, g_agency,\n  {outer}\nFROM (\n"
            f"  SELECT {keys_and_flags(geographies, ('procedure_code',))},\n    {inner}\n"
            f"  FROM {table}\n"
            f"  GROUP BY {_grouping_sets(geographies, ('procedure_code',))}\n) AS by_procedure\n"
            f"GROUP BY period_id, g_province, g_agency, province_code, agency_id, {unit_procedure}"
        )
        queries.append(
            AggregateQuery(source, tuple(geographies), text, tuple(m for _, m in by_procedure))
        )
    return queries


def geography_rows(result: pl.DataFrame, geography: str) -> pl.DataFrame:
    """The rows of one geography in a grouping-sets result (see :class:`AggregateQuery`).

    Examples
    --------
    >>> frame = pl.DataFrame({"g_province": [0, 0, 1], "g_agency": [1, 0, 1], "x": [1, 2, 3]})
    >>> geography_rows(frame, "agency")["x"].to_list()
    [2]
    """
    province = pl.col("g_province").cast(pl.Int64)
    agency = pl.col("g_agency").cast(pl.Int64)
    condition = {
        "province": (province == 0) & (agency == 1),
        "agency": (province == 0) & (agency == 0),
        "procedure": province == 1,
    }[geography]
    return result.filter(condition)


def fact_queries(
    *, remap_legacy_districts: bool = False, with_record_codes: bool = True
) -> dict[str, str]:
    """The fact query of each source, keyed by the table it is materialised as.

    Without ``with_record_codes`` the dossier facts keep only the unit keys and the fact
    columns the counts read: the unique dossier code (for explaining a number) is the
    costliest column to keep and no count uses it.

    Examples
    --------
    >>> sorted(fact_queries())
    ['dossier_facts', 'petition_facts', 'publication_facts']
    >>> "dossier_code" in fact_queries(with_record_codes=False)["dossier_facts"].split("FROM (")[0]
    False
    """
    dossiers = dossier_facts_sql(remap_legacy_districts=remap_legacy_districts)
    if not with_record_codes:
        columns = ", ".join([*_KEY_COLUMNS, *sorted(FACT_COLUMNS["dossiers"])])
        dossiers = f"SELECT {columns} FROM (\n{dossiers}\n) AS facts"
    return {
        FACT_TABLES["dossiers"]: dossiers,
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
    """Run every aggregate query through ``run`` (an engine's SQL executor) over the fact
    tables (:func:`fact_queries`) and return the long counts of
    :func:`govindex.onestop.scoring.counts_from_wide`.

    Examples
    --------
    >>> from govindex.onestop.profile import shipped_profile
    >>> collect_counts(shipped_profile().resolve(), [], lambda text: None).height
    0
    """
    parts = [pl.DataFrame(schema=COUNT_SCHEMA)]
    results = [
        (query, run(query.text))
        for source in FACT_TABLES
        for query in aggregate_sql(profile, source, geographies)
    ]
    for geography in geographies:
        keys = ["period_id", *GEOGRAPHIES[geography]]
        merged: pl.DataFrame | None = None
        measures: list[tuple[str, str]] = []
        for query, result in results:
            if geography not in query.geographies:
                continue
            rows = geography_rows(result, geography)
            # Service KPIs stay with the units that have dossiers (as they always were);
            # only index indicators are completed for every unit.
            kpis = [i for i, (kind, _) in enumerate(query.measures) if kind == "kpi"]
            if kpis:
                parts.append(
                    counts_from_wide(
                        _renumbered(rows, keys, kpis, 0),
                        geography,
                        [query.measures[i] for i in kpis],
                    )
                )
            indicators = [i for i, (kind, _) in enumerate(query.measures) if kind != "kpi"]
            wide = _renumbered(rows, keys, indicators, len(measures))
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
