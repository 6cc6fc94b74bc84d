"""Disclosure control: the audit finds recomputable hidden cells; secondary suppression fixes them."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from govindex.errors import NotPublishable, SpecError
from govindex.index import AggregationPlan, IndexBuilder, IndexParameters, IndexResult
from govindex.index.disclosure import DisclosureParameters, ReleasedSystem, audit_disclosure
from govindex.index.secondary import protect
from govindex.pipeline import parameters_from_manifest, run
from govindex.spec import IndexSpec
from govindex.synthetic import SyntheticSurvey


def _thin(survey: SyntheticSurvey, province: str, item: str, keep: int) -> pl.DataFrame:
    """Answers of ``item`` in ``province`` set to a missing code except for ``keep`` rows."""
    data = survey.microdata.with_row_index("_row")
    rows = data.filter(pl.col("province") == province)["_row"].to_list()[keep:]
    return data.with_columns(
        pl.when(pl.col("_row").is_in(rows)).then(-9).otherwise(pl.col(item)).alias(item)
    ).drop("_row")


@pytest.fixture(scope="module")
def thinned(spec: IndexSpec, survey: SyntheticSurvey) -> pl.DataFrame:
    """The SYNTHETIC survey with only 10 answers to 8.3.1 in Ha Noi (primary suppression)."""
    return _thin(survey, "Ha Noi", spec.indicator("8.3.1").items[0], keep=10)


def _cell(frame: pl.DataFrame, province: str, code: str) -> dict[str, object]:
    return frame.filter((pl.col("province") == province) & (pl.col("code") == code)).row(
        0, named=True
    )


def test_one_level_suppression_is_recomputable_and_the_audit_refuses_it(
    spec: IndexSpec, thinned: pl.DataFrame
) -> None:
    """The known defect: 8.3 = 0.334 + 3.006 × 8.3.1 gives a suppressed 8.3.1 away."""
    off = DisclosureParameters(secondary=False)
    result = IndexBuilder(spec, variance="taylor", disclosure=off).run(thinned)
    hidden = _cell(result.indicators, "Ha Noi", "8.3.1")
    assert hidden["suppressed"]
    assert "few_respondents" in str(hidden["flags"])
    published = _cell(result.scores(), "Ha Noi", "8.3")
    assert published["estimate"] is not None
    recomputed = (float(published["estimate"]) - 0.334) / 3.006  # type: ignore[arg-type]
    assert recomputed == pytest.approx(float(hidden["estimate"]), abs=1e-12)  # type: ignore[arg-type]

    assert result.disclosure is not None
    audit = result.disclosure.audit
    assert not audit.passed
    first = next(item for item in audit.recoveries if item.province == "Ha Noi")
    assert (first.code, first.reason) == ("8.3.1", "few_respondents")
    assert "Ha Noi: 8.3 = 0.334 + 3.006 × 8.3.1" in first.relations
    with pytest.raises(NotPublishable) as refused:
        audit.refuse_if_recoverable()
    message = str(refused.value)
    assert "Ha Noi, 8.3.1" in message
    assert "8.3 = 0.334 + 3.006 × 8.3.1" in message

    parameters = IndexParameters(variance="taylor", disclosure=off)
    with pytest.raises(NotPublishable, match=r"Ha Noi, 8\.3\.1"):
        run(spec, thinned, parameters, spec_hash="s", data_hash="d", source="thinned.csv")


def test_secondary_suppression_hides_the_parent_and_what_would_reveal_it(
    spec: IndexSpec, thinned: pl.DataFrame
) -> None:
    parameters = IndexParameters(variance="taylor")
    finished = run(spec, thinned, parameters, spec_hash="s", data_hash="d", source="thin.csv")
    result = finished.result
    assert result.disclosure is not None
    assert result.disclosure.audit.passed
    parent = _cell(finished.scores, "Ha Noi", "8.3")
    assert parent["suppressed"]
    assert parent["estimate"] is None
    assert parent["se"] is None
    assert parent["rank"] is None
    assert "secondary" in str(parent["flags"])
    assert "few_respondents" not in str(parent["flags"])
    # Every secondary cell is flagged so, none as few respondents, and all are blank.
    hidden = finished.scores.filter(pl.col("flags").str.contains("secondary"))
    withheld = int(finished.tables["national"]["suppressed"].sum())
    assert hidden.height + withheld == int(result.disclosure.secondary.sum())
    assert hidden["suppressed"].all()
    assert hidden["estimate"].is_null().all()
    assert not hidden["flags"].str.contains("few_respondents").any()
    # The national mean of provinces of 8.3.1 includes Ha Noi's value: it is withheld too.
    national = finished.tables["national"].filter(
        (pl.col("figure") == "mean_of_provinces") & (pl.col("code") == "8.3.1")
    )
    assert national["suppressed"][0]
    assert national["estimate"][0] is None
    # Ranks skip the hidden cells: the published ranks of 8.3 run 1..62.
    ranks = finished.scores.filter(pl.col("code") == "8.3")["rank"].drop_nulls()
    assert sorted(ranks.to_list()) == list(range(1, 63))
    # The manifest records the rule and tolerances, and they round-trip.
    recorded = finished.manifest.parameters
    assert recorded["index"]["disclosure"]["rule"] == "lowest-level-complement"
    assert recorded["index"]["disclosure"]["rank_tolerance"] == 1e-9
    assert recorded["disclosure"]["passed"] is True
    assert recorded["disclosure"]["secondary"] == hidden.height + withheld
    index, _ = parameters_from_manifest(finished.manifest)
    assert index.disclosure == parameters.disclosure


def test_the_synthetic_2024_run_passes_the_audit_with_secondary_suppression(
    spec: IndexSpec, jackknife: IndexResult
) -> None:
    control = jackknife.disclosure
    assert control is not None
    assert control.audit.passed
    assert int(control.primary.sum()) >= 1
    assert int(control.secondary.sum()) >= 1
    # Audit again from the published tables alone, as a stored run would be audited.
    plan = AggregationPlan.from_spec(spec)
    system = ReleasedSystem.from_tables(plan, jackknife.indicators, jackknife.aggregates)
    provincial = np.concatenate(
        [
            _grid(jackknife.indicators, "suppressed", len(jackknife.provinces)),
            _grid(jackknife.aggregates, "suppressed", len(jackknife.provinces)),
        ],
        axis=1,
    )
    means = jackknife.national.filter(pl.col("figure") == "mean_of_provinces")
    assert means["code"].to_list() == list(system.codes)
    table_hidden = np.vstack([provincial, means["suppressed"].to_numpy()[None]])
    assert table_hidden.sum() == control.hidden.sum()
    assert audit_disclosure(system, table_hidden).passed
    # Without the secondary cells the same release is refused.
    assert not audit_disclosure(system, control.primary).passed


def test_parameters_are_checked() -> None:
    with pytest.raises(SpecError, match="rule"):
        DisclosureParameters(rule="hide-everything")
    with pytest.raises(SpecError, match="recovery_tolerance"):
        DisclosureParameters(recovery_tolerance=2.0)


def _grid(frame: pl.DataFrame, column: str, provinces: int) -> np.ndarray:
    values = frame[column].to_numpy()
    return np.asarray(values.reshape(-1, provinces).T, dtype=bool)


# ---------------------------------------------------------------- property


@pytest.fixture(scope="module")
def plan(spec: IndexSpec) -> AggregationPlan:
    return AggregationPlan.from_spec(spec)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    provinces=st.integers(2, 4),
    cells=st.integers(1, 6),
)
def test_after_secondary_suppression_no_hidden_cell_is_determined(
    plan: AggregationPlan, seed: int, provinces: int, cells: int
) -> None:
    """Random primary suppressions on the PAPI tree; checked by an independent construction.

    For every hidden cell the test builds, from the plan's own Jacobian, a change of the
    hidden indicator values that leaves every released number (published cells computed
    by ``plan.apply`` and the national means) unchanged and moves the hidden cell.
    """
    rng = np.random.default_rng(seed)
    n_indicators = len(plan.indicators)
    values = rng.uniform(0.05, 0.95, (provinces, n_indicators))
    aggregates = plan.apply(values)
    names = [f"P{p}" for p in range(provinces)]
    respondents = rng.integers(20, 400, (provinces, n_indicators + len(plan.codes)))
    system = ReleasedSystem.from_arrays(
        plan, names, values, values, aggregates, respondents.astype(float)
    )
    primary = np.zeros(system.shape, dtype=bool)
    flat = rng.choice(provinces * n_indicators, size=cells, replace=False)
    primary[flat // n_indicators, flat % n_indicators] = True
    control = protect(system, primary)
    assert control.audit.passed
    assert not (control.primary & control.secondary).any()
    _assert_every_hidden_cell_can_move(plan, values, control.hidden)


def _assert_every_hidden_cell_can_move(
    plan: AggregationPlan, values: np.ndarray, hidden: np.ndarray
) -> None:
    provinces, n_indicators = values.shape
    national = hidden[-1]
    hidden = hidden[:-1]
    jacobian = plan.jacobian(np.ones(values.shape, dtype=bool))  # provinces × aggregates × ind
    free = np.flatnonzero(hidden[:, :n_indicators].reshape(-1))  # hidden indicator cells

    def effect(province: int, code: int) -> np.ndarray:
        """How cell (province, code) moves per unit change of each free indicator cell."""
        row = np.zeros(provinces * n_indicators)
        if code < n_indicators:
            row[province * n_indicators + code] = 1.0
        else:
            row[province * n_indicators : (province + 1) * n_indicators] = jacobian[
                province, code - n_indicators
            ]
        return row[free]

    width = hidden.shape[1]
    released = [effect(p, c) for p in range(provinces) for c in range(width) if not hidden[p, c]]

    def mean_effect(code: int) -> np.ndarray:
        return np.asarray(sum(effect(p, code) for p in range(provinces)) / provinces)

    released += [mean_effect(c) for c in range(width) if not national[c]]
    basis = null_space(np.array(released)) if released else np.eye(free.size)
    for p, c in zip(*np.nonzero(hidden), strict=True):
        projection = basis @ (basis.T @ effect(p, c))
        reach = float(np.linalg.norm(projection))
        assert reach > 1e-6, f"P{p}, code {c} is determined by the released numbers"
        direction = projection / reach
        moved = values.reshape(-1).copy()
        moved[free] += direction
        moved = moved.reshape(values.shape)
        before = np.concatenate([values, plan.apply(values)], axis=1)
        after = np.concatenate([moved, plan.apply(moved)], axis=1)
        shown = ~hidden
        np.testing.assert_allclose(after[shown], before[shown], rtol=0, atol=1e-9)
        np.testing.assert_allclose(
            after.mean(axis=0)[~national], before.mean(axis=0)[~national], rtol=0, atol=1e-9
        )
        assert after[p, c] - before[p, c] == pytest.approx(reach, rel=1e-6)
    for c in np.flatnonzero(national):
        projection = basis @ (basis.T @ mean_effect(c))
        assert np.linalg.norm(projection) > 1e-6, f"the national mean of code {c} is determined"


# ---------------------------------------------------------------- greedy rule, dense patterns

GREEDY = DisclosureParameters(rule="greedy")


def _system(plan: AggregationPlan, provinces: int, seed: int) -> tuple[ReleasedSystem, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.05, 0.95, (provinces, len(plan.indicators)))
    respondents = rng.integers(20, 400, (provinces, len(plan.indicators) + len(plan.codes)))
    system = ReleasedSystem.from_arrays(
        plan, [f"P{p}" for p in range(provinces)], values, values, plan.apply(values),
        respondents.astype(float),
    )  # fmt: skip
    return system, values


def test_greedy_rule_protects_a_whole_sub_dimension_hidden_everywhere(
    plan: AggregationPlan,
) -> None:
    """Hand-made dense pattern: every indicator of sub-dimension 8.3 hidden in 6 provinces."""
    system, values = _system(plan, 6, seed=7)
    members = [k for k, code in enumerate(plan.indicators) if code.startswith("8.3.")]
    assert len(members) >= 2
    primary = np.zeros(system.shape, dtype=bool)
    primary[:, members] = True
    assert not audit_disclosure(system, primary).passed
    control = protect(system, primary, GREEDY)
    assert control.audit.passed
    assert control.parameters.rule == "greedy"
    assert int(control.secondary.sum()) >= 1
    assert not (control.primary & control.secondary).any()
    _assert_every_hidden_cell_can_move(plan, values, control.hidden)


def test_greedy_rule_protects_a_checkerboard_of_indicators(plan: AggregationPlan) -> None:
    """Hand-made dense pattern: every other indicator in every other province, a third of
    the rest in the others: hundreds of primary cells tied together by national means."""
    system, values = _system(plan, 5, seed=11)
    primary = np.zeros(system.shape, dtype=bool)
    n_indicators = len(plan.indicators)
    primary[0::2, 0:n_indicators:2] = True
    primary[1::2, 1:n_indicators:3] = True
    control = protect(system, primary, GREEDY)
    assert control.audit.passed
    # The audit, run again from scratch on the hidden mask, agrees.
    assert audit_disclosure(system, control.hidden).passed
    assert not audit_disclosure(system, control.primary).passed
    _assert_every_hidden_cell_can_move(plan, values, control.hidden)


def test_greedy_rule_hides_fewer_than_everything_and_prefers_indicators(
    plan: AggregationPlan,
) -> None:
    system, _ = _system(plan, 4, seed=3)
    primary = np.zeros(system.shape, dtype=bool)
    primary[0, :10] = True
    control = protect(system, primary, GREEDY)
    assert control.audit.passed
    published = system.present & ~control.hidden
    assert published.sum() > 0.8 * system.present.sum()
    levels = np.array(system.levels)
    secondary_levels = set(levels[np.nonzero(control.secondary)[1]])
    assert "indicator" in secondary_levels


def test_unknown_secondary_rule_is_refused() -> None:
    with pytest.raises(SpecError, match="lowest-level-complement, greedy"):
        DisclosureParameters(rule="optimal")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    provinces=st.integers(2, 4),
    share=st.floats(0.05, 0.5),
)
def test_greedy_rule_leaves_no_hidden_cell_determined_on_dense_patterns(
    plan: AggregationPlan, seed: int, provinces: int, share: float
) -> None:
    """Random dense primary patterns (5–50 % of indicator cells); the greedy rule must pass
    the audit and the independent construction must move every hidden cell."""
    system, values = _system(plan, provinces, seed)
    rng = np.random.default_rng(seed)
    n_indicators = len(plan.indicators)
    primary = np.zeros(system.shape, dtype=bool)
    count = max(1, int(share * provinces * n_indicators))
    flat = rng.choice(provinces * n_indicators, size=count, replace=False)
    primary[flat // n_indicators, flat % n_indicators] = True
    control = protect(system, primary, GREEDY)
    assert control.audit.passed
    assert not (control.primary & control.secondary).any()
    _assert_every_hidden_cell_can_move(plan, values, control.hidden)
