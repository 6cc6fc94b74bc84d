"""One province's SIPAS computed by hand from a small file, and the same through the pipeline.

The hand computation below uses nothing of govindex: per item, the weighted share of
respondents answering 4 or 5 among those who answered 1–5 (don't know and not asked are
left out); an element is 100 × the mean of its items' shares, a component the mean of its
elements, the overall SIPAS the mean of the two components.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from tests.sipas.conftest import HAND, SPEC
from typer.testing import CliRunner

from govindex.cli import app
from govindex.index import IndexBuilder, IndexParameters
from govindex.pipeline import run
from govindex.scores import SCORE_TABLE_SCHEMA
from govindex.scores.registry import instrument
from govindex.spec import IndexSpec

ELEMENTS = {
    "POL.1": ["policy_information", "policy_consultation", "policy_relevance"],
    "POL.2": [
        "policy_implementation_public",
        "policy_implementation_fair",
        "policy_implementation_results",
    ],
    "PAS.1": ["access_signage", "access_seating", "access_equipment"],
    "PAS.2": ["procedures_posted", "procedures_documents", "procedures_fees", "procedures_time"],
    "PAS.3": ["servant_courteous", "servant_guidance", "servant_competent"],
    "PAS.4": ["result_on_time", "result_accurate"],
    "PAS.5": ["feedback_channels", "feedback_handled"],
}
COMPONENTS = {"POL": ["POL.1", "POL.2"], "PAS": ["PAS.1", "PAS.2", "PAS.3", "PAS.4", "PAS.5"]}


def _by_hand(rows: list[dict[str, object]]) -> dict[str, float]:
    values: dict[str, float] = {}
    for element, items in ELEMENTS.items():
        shares = []
        for item in items:
            satisfied = answered = 0.0
            for row in rows:
                answer = row[item]
                if answer is None or not 1 <= int(str(answer)) <= 5:
                    continue
                weight = float(str(row["weight"]))
                answered += weight
                satisfied += weight if int(str(answer)) >= 4 else 0.0
            shares.append(satisfied / answered)
        values[element] = 100 * sum(shares) / len(shares)
    for component, elements in COMPONENTS.items():
        values[component] = sum(values[e] for e in elements) / len(elements)
    values["total"] = (values["POL"] + values["PAS"]) / 2
    return values


@pytest.fixture
def expected(hand_microdata: pl.DataFrame) -> dict[str, float]:
    return _by_hand(hand_microdata.filter(pl.col("province") == "Ha Noi").to_dicts())


def test_the_index_builder_matches_the_hand_computation(
    sipas_spec: IndexSpec, hand_microdata: pl.DataFrame, expected: dict[str, float]
) -> None:
    result = IndexBuilder(sipas_spec, variance="jkn").run(hand_microdata)
    computed = dict(
        result.aggregates.filter(pl.col("province") == "Ha Noi")
        .select("code", "estimate")
        .iter_rows()
    )
    assert set(computed) == set(expected)
    for code, value in expected.items():
        assert computed[code] == pytest.approx(value, rel=1e-12), code
    # A mean of means: the overall value lies between the two components.
    assert (
        min(expected["POL"], expected["PAS"])
        <= expected["total"]
        <= max(expected["POL"], expected["PAS"])
    )


def test_govindex_run_gives_the_same_values_with_uncertainty_and_ranks(
    tmp_path: Path, expected: dict[str, float]
) -> None:
    result = CliRunner().invoke(
        app,
        ["run", str(SPEC), str(HAND), "--out", str(tmp_path / "out"),
         "--store", str(tmp_path / "store.duckdb")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scores = pl.read_csv(tmp_path / "out" / "scores.csv").filter(
        (pl.col("province") == "Ha Noi") & (pl.col("level") != "indicator")
    )
    assert sorted(scores["level"].unique().to_list()) == ["dimension", "subdimension", "total"]
    for row in scores.iter_rows(named=True):
        assert row["estimate"] == pytest.approx(expected[row["code"]], rel=1e-12), row["code"]
        assert row["se"] > 0
        assert row["ci_low"] < row["estimate"] < row["ci_high"]
        assert row["n"] == 32
        assert row["rank_low"] <= row["rank"] <= row["rank_high"]


def test_the_run_becomes_rows_of_the_shared_vocabulary(
    sipas_spec: IndexSpec, hand_microdata: pl.DataFrame, expected: dict[str, float]
) -> None:
    finished = run(
        sipas_spec, hand_microdata, IndexParameters(), spec_hash="s", data_hash="d",
        source="hand_microdata.csv", synthetic=True,
    )  # fmt: skip
    rows = finished.score_table().frame
    assert rows.columns == list(SCORE_TABLE_SCHEMA)
    assert rows.height == finished.scores.height
    assert rows["synthetic"].all()
    # SIPAS publishes ranks, not PAPI's four performance groups.
    assert rows["group"].is_null().all()
    assert (rows["instrument"] == "sipas").all()
    assert (rows["edition"] == "sipas-2024").all()
    assert (rows["run_id"] == finished.manifest.run_id).all()
    total = rows.filter((pl.col("unit") == "Ha Noi") & (pl.col("code") == "total")).row(
        0, named=True
    )
    assert total["estimate"] == pytest.approx(expected["total"], rel=1e-12)
    assert total["status"] == "published"
    assert total["name_vi"] == "Chỉ số SIPAS chung (trung bình của hai nội dung hài lòng)"
    # Items answered by fewer than 15 service users are suppressed, with the reason, no value.
    suppressed = rows.filter(pl.col("status") == "suppressed")
    assert suppressed.height > 0
    assert suppressed["estimate"].is_null().all()
    assert (suppressed["reason"] == "suppressed_few_respondents").all()
    # The registry finds the run's instrument from what the run recorded.
    assert instrument("sipas").owns_run(finished.manifest.parameters)
    assert not instrument("papi").owns_run(finished.manifest.parameters)
