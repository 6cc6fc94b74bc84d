"""The ScoreTable: one checked shape for every published number, and PAPI written in it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from pydantic import ValidationError

from govindex.errors import DataValidationError
from govindex.scores import (
    REASONS,
    SCORE_TABLE_SCHEMA,
    PapiRun,
    ScoreRow,
    ScoreTable,
    papi_score_table,
)
from govindex.scores.papi import run_instrument
from govindex.storage import RunStore


def _rows(**changes: list[object]) -> pl.DataFrame:
    base: dict[str, list[object]] = {
        "instrument": ["papi", "papi"],
        "edition": ["papi-2024", "papi-2024"],
        "period": ["2024", "2024"],
        "period_start": [dt.date(2024, 1, 1)] * 2,
        "period_end": [dt.date(2024, 12, 31)] * 2,
        "geography": ["province63"] * 2,
        "unit": ["Ha Noi", "Ha Nam"],
        "level": ["total"] * 2,
        "code": ["total"] * 2,
        "estimate": [42.5, None],
        "status": ["published", "withheld"],
        "reason": [None, "withheld_by_publisher"],
        "synthetic": [False, False],
        "run_id": ["abc", "abc"],
    }
    base.update(changes)
    return pl.DataFrame(base)


def test_a_checked_table_has_every_column_in_order() -> None:
    table = ScoreTable.from_frame(_rows())
    assert table.frame.columns == list(SCORE_TABLE_SCHEMA)
    assert table.frame["se"].null_count() == 2
    assert table.frame["estimate"].to_list() == [42.5, None]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"status": ["published", "published"]},
            "row 2, column `status`: a published row needs an estimate",
        ),
        ({"reason": [None, None]}, "row 2, column `status`: a withheld row needs a reason code"),
        (
            {"reason": [None, "suppressed_few_respondents"]},
            "reason 'suppressed_few_respondents' explains status 'suppressed', not 'withheld'",
        ),
        ({"estimate": [42.5, 40.0]}, "a withheld row must have a null estimate"),
        ({"unit": ["Ha Noi", "Ha Noi"]}, "row 2: key (instrument=papi"),
        ({"geography": ["province63", "district"]}, "row 2, column `geography`: 'district'"),
        ({"instrument": ["papi", None]}, "row 2, column `instrument`: null"),
        ({"status": ["published", "hidden"]}, "row 2, column `status`: 'hidden'"),
    ],
)
def test_bad_rows_are_refused_with_row_and_column(
    changes: dict[str, list[object]], message: str
) -> None:
    with pytest.raises(DataValidationError) as raised:
        ScoreTable.from_frame(_rows(**changes))
    assert message in str(raised.value)


def test_unknown_and_missing_columns_are_refused() -> None:
    with pytest.raises(DataValidationError, match="unknown columns \\['value'\\]"):
        ScoreTable.from_frame(_rows().with_columns(pl.lit(1.0).alias("value")))
    with pytest.raises(DataValidationError, match="missing columns \\['period'\\]"):
        ScoreTable.from_frame(_rows().drop("period"))


def test_every_reason_explains_one_status_and_a_not_comparable_row_keeps_its_number() -> None:
    assert {status for status, _ in REASONS.values()} == {
        "withheld",
        "missing",
        "suppressed",
        "not_comparable",
    }
    frame = _rows(
        status=["published", "not_comparable"],
        reason=[None, "not_comparable_restructured"],
        estimate=[42.5, 40.0],
    )
    assert ScoreTable.from_frame(frame).frame["estimate"].to_list() == [42.5, 40.0]


def test_the_row_model_checks_the_same_rules() -> None:
    fields = _rows().row(1, named=True)
    assert ScoreRow(**fields).reason == "withheld_by_publisher"
    with pytest.raises(ValidationError, match="must have a null estimate"):
        ScoreRow(**{**fields, "estimate": 1.0})
    with pytest.raises(ValidationError, match="period_end"):
        ScoreRow(**{**fields, "period_end": dt.date(2023, 1, 1)})


def test_papi_rows_get_status_reason_period_and_rule() -> None:
    scores = pl.DataFrame(
        {
            "year": [2024, 2024, 2024, 2024],
            "province": ["Ha Noi", "Ha Nam", "Lai Chau", "Son La"],
            "level": ["total", "total", "indicator", "indicator"],
            "code": ["total", "total", "4.1.2", "4.1.2"],
            "estimate": [42.5, None, 0.3, None],
            "se": [0.2, None, 0.1, None],
            "withheld": [False, True, False, False],
            "suppressed": [False, False, True, False],
        }
    )
    run = PapiRun("abc", "papi-2024", True, 0.95, "t interval", missing_reason="no_respondents")
    table = papi_score_table(scores, run).frame
    assert table.select("unit", "status", "reason", "estimate").rows() == [
        ("Ha Noi", "published", None, 42.5),
        ("Ha Nam", "withheld", "withheld_by_publisher", None),
        # A suppressed cell carries no number in the score table, whatever was computed.
        ("Lai Chau", "suppressed", "suppressed_few_respondents", None),
        ("Son La", "missing", "no_respondents", None),
    ]
    first = table.row(0, named=True)
    assert (first["period_start"], first["period_end"]) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
    )
    assert (first["ci_level"], first["ci_rule"], first["synthetic"]) == (0.95, "t interval", True)


def test_the_demo_store_keeps_a_score_table_with_every_run(demo_store: Path) -> None:
    with RunStore(demo_store) as store:
        manifests = store.list_runs()
        tables = {m.run_id: store.read_table(m.run_id, "score_table") for m in manifests}
        scores = {m.run_id: store.query_scores(run_id=m.run_id) for m in manifests}
    instruments = {m.run_id: run_instrument(m.parameters) for m in manifests}
    # The demo stores a SYNTHETIC run of every instrument beside PAPI's.
    assert set(instruments.values()) == {"papi", "sipas", "par", "onestop"}
    for manifest in manifests:
        table = ScoreTable.from_frame(tables[manifest.run_id]).frame
        stored = scores[manifest.run_id]
        assert set(table["instrument"]) == {instruments[manifest.run_id]}
        if instruments[manifest.run_id] in ("par", "onestop"):
            # Their numbers live in the score table only; the survey layout stays PAPI's/SIPAS's.
            assert stored.height == 0
            assert table.height > 0
            assert manifest.synthetic
            continue
        assert table.height == stored.height
        assert set(table["synthetic"].to_list()) == {manifest.synthetic}
        # The official record keeps withheld numbers as withheld, with the publisher's reason.
        assert table.filter(pl.col("status") == "withheld").height == stored["withheld"].sum()
        assert table.filter(pl.col("status") == "suppressed").height == stored["suppressed"].sum()
        # One code scheme: dimensions are 1-8 in computed runs and in the record.
        dimension_codes = set(table.filter(pl.col("level") == "dimension")["code"].to_list())
        if instruments[manifest.run_id] == "papi":
            assert dimension_codes <= {str(code) for code in range(1, 9)}
        shown = table.filter(pl.col("status") == "published")
        joined = shown.join(
            stored.select(
                pl.col("province").alias("unit"),
                "level",
                "code",
                pl.col("estimate").alias("stored"),
            ),
            on=["unit", "level", "code"],
        )
        assert joined.height == shown.height
        assert (joined["estimate"] == joined["stored"]).all()
    # A SYNTHETIC survey run's intervals carry their degrees of freedom (the demo's runs are
    # stored in whatever order its two processes finish, so the run is chosen by instrument).
    synthetic = next(m for m in manifests if m.synthetic and instruments[m.run_id] == "papi")
    assert tables[synthetic.run_id]["df"].drop_nulls().len() > 0


def test_the_record_s_groups_are_stored_when_it_is_loaded_as_the_pages_show_them(
    demo_store: Path,
) -> None:
    from govindex.views import Dashboard

    dashboard = Dashboard.open(demo_store)
    published = dashboard.snapshot.datasets.filter(
        (pl.col("kind") == "published") & (pl.col("year") == 2024)
    )["run_id"][0]
    with RunStore(demo_store) as store:
        table = store.read_table(published, "score_table")
    for level, code in (("total", "total"), ("dimension", "3")):
        shown = dashboard.overview(year=2024, level=level, code=code).table("ranking")
        stored = table.filter((pl.col("level") == level) & (pl.col("code") == code))
        pairs = shown.select("province", "group").join(
            stored.select(pl.col("unit").alias("province"), pl.col("group").alias("stored")),
            on="province",
        )
        assert pairs.height == shown.height
        assert pairs["group"].cast(pl.Int32).equals(pairs["stored"], check_names=False)
        assert pairs["stored"].drop_nulls().len() > 50
