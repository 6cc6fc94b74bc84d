"""Quantiles under every ``svyquantile`` rule of R survey 4.1, with their Woodruff intervals.

``methods/methods_reference.R`` computed ``methods/quantile_values.csv``: api00 and enroll at
p = 0.1, 0.25, 0.5, 0.9, whole and per school type, on a stratified and a clustered
linearisation design and the clustered design's JK1 replicates, for ``math``, ``school``,
``shahvaish`` and ``hf1``–``hf9``. Tolerance 1e-9 relative; R's NaN (an interval end for
F(q) outside [0, 1]) must be NaN here too.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import polars as pl
import pytest

from govindex.errors import SpecError
from govindex.survey import quantile
from govindex.survey.quantile_rules import QUANTILE_RULES, rule_quantile

from .test_proportion_methods import design_of
from .test_survey_methods_certainty import FOLDER

pytestmark = pytest.mark.reference

RELATIVE = 1e-9
PROBABILITIES = (0.1, 0.25, 0.5, 0.9)


@cache
def values() -> pl.DataFrame:
    numbers = {name: pl.Float64 for name in ("estimate", "se", "ci_low", "ci_high")}
    return pl.read_csv(
        FOLDER / "quantile_values.csv", schema_overrides={"domain": pl.String, **numbers}
    ).with_columns(pl.col("domain").fill_null(""))


def _same(found: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(found)
    return math.isclose(found, expected, rel_tol=RELATIVE, abs_tol=1e-12)


CASES = sorted({(r["design_id"], r["rule"]) for r in values().iter_rows(named=True)})


def test_every_r_rule_is_covered() -> None:
    assert {rule for _, rule in CASES} == set(QUANTILE_RULES)


@pytest.mark.parametrize(("design_id", "rule"), CASES)
def test_quantile_rules_match_r(design_id: str, rule: str) -> None:
    design = design_of(design_id)
    expected = values().filter((pl.col("design_id") == design_id) & (pl.col("rule") == rule))
    whole = quantile(design, ["api00", "enroll"], PROBABILITIES, rule=rule)  # type: ignore[arg-type]
    by_type = quantile(
        design,
        ["api00", "enroll"],
        PROBABILITIES,
        by="stype",
        rule=rule,  # type: ignore[arg-type]
        empty_domain="missing",
    )
    assert whole.parameters["quantile_rule"] == rule
    for row in expected.iter_rows(named=True):
        table = by_type if row["domain"] else whole
        found = table.row(f"{row['variable']}[{row['probability']:g}]", row["domain"])
        for column in ("estimate", "se", "ci_low", "ci_high"):
            assert _same(found[column], row[column]), (row, column, found[column])
    assert len(expected) == 32


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(SpecError, match="`rule` must be one of"):
        quantile(design_of("dstrat"), "api00", [0.5], rule="hf10")  # type: ignore[arg-type]


def test_one_value_is_its_own_quantile_under_every_rule() -> None:
    one = np.array([7.0])
    for rule in QUANTILE_RULES:
        assert rule_quantile(one, one, one, 7.0, 0.3, rule) == 7.0  # type: ignore[arg-type]
