"""Explain a number: the records in an indicator's denominator and whether each is in its
numerator, for one unit and period.

The list names dossiers (or petitions) and is meant for the agency's own staff (CSV export);
public pages show aggregates only and never call this.

Examples
--------
>>> from govindex.onestop.profile import shipped_profile
>>> text = explain_sql(shipped_profile().resolve(), "2.1", "province", "22", "2025-03")
>>> "WHERE period_id = '2025-03' AND province_code = '22'" in text
True
"""

from __future__ import annotations

import sqlglot.expressions as sql

from govindex.errors import NotFound, SpecError
from govindex.onestop.aggregation import FACT_TABLES, GEOGRAPHIES, KPI_MEASURES
from govindex.onestop.profile import ResolvedProfile

__all__ = ["explain_sql"]


def explain_sql(
    profile: ResolvedProfile, code: str, geography: str, unit: str, period_id: str
) -> str:
    """The query listing the records behind ``code`` for ``unit`` in ``period_id``."""
    if geography not in GEOGRAPHIES:
        msg = f"unknown geography `{geography}`"
        raise SpecError(msg, where="geography", found=geography, expected=sorted(GEOGRAPHIES))
    kpis = {
        name: (denominator, numerator, measure)
        for name, denominator, numerator, measure in KPI_MEASURES
    }
    if code in kpis:
        denominator, numerator, measure = kpis[code]
        source = "dossiers"
    else:
        indicator = profile.indicator(code)
        if (
            indicator.source == "unavailable"
            or indicator.numerator is None
            or indicator.denominator is None
        ):
            msg = f"indicator {code} is not computed from records: {indicator.reason}"
            raise NotFound(msg, where="indicator", found=code)
        denominator, numerator, measure, source = (
            indicator.denominator,
            indicator.numerator,
            indicator.measure,
            indicator.source,
        )
    unit_column = GEOGRAPHIES[geography][-1]
    value = f"CASE WHEN {numerator} THEN 1 ELSE 0 END" if measure == "count" else f"({numerator})"
    return (
        f"SELECT dossier_code AS record_code, procedure_code, agency_id, period_id,\n"
        f"  1 AS in_denominator, {value} AS in_numerator\n"
        f"FROM {FACT_TABLES[source]}\n"
        f"WHERE period_id = {sql.Literal.string(period_id).sql()} "
        f"AND {unit_column} = {sql.Literal.string(unit).sql()} AND ({denominator})\n"
        f"ORDER BY record_code"
    )
