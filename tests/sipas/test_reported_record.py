"""The reported SIPAS and PAR Index record, as rows of the shared score vocabulary."""

from __future__ import annotations

import polars as pl

from govindex.official.reported_indices import (
    comparable,
    load_reported_values,
    reported_scores,
)

VOCABULARY = [
    "instrument", "edition", "period", "period_start", "period_end", "geography", "unit",
    "level", "code", "name_vi", "name_en", "estimate", "se", "ci_low", "ci_high", "ci_level",
    "ci_rule", "df", "n", "rank", "rank_low", "rank_high", "group", "status", "reason",
    "synthetic", "provenance",
]  # fmt: skip


def test_every_quoted_value_becomes_one_row_with_its_source() -> None:
    raw = load_reported_values()
    rows = reported_scores()
    assert rows.height == raw.height
    assert rows.columns[: len(VOCABULARY)] == VOCABULARY
    assert set(rows["instrument"]) == {"sipas", "par"}
    assert (rows["reported_by"] == "press/provinces").all()
    assert not rows["synthetic"].any()
    published = rows.filter(pl.col("status") == "published")
    assert published["provenance"].str.starts_with("http").sum() >= published.height - 2
    # No uncertainty is published for either index: nothing is invented for it.
    assert rows["se"].is_null().all()
    assert (rows["ci_rule"] == "not published").all()


def test_derived_values_and_ranks_without_values_are_flagged() -> None:
    rows = reported_scores("sipas")
    derived = rows.filter(pl.col("derived"))
    assert derived.filter((pl.col("unit") == "Quang Ninh") & (pl.col("period") == "2018"))[
        "estimate"
    ].to_list() == [91.15]
    assert (derived["reason"] == "derived").all()
    missing = rows.filter(pl.col("status") == "missing")
    assert missing["estimate"].is_null().all()
    assert (missing["reason"] == "value_not_found").all()
    top = missing.filter((pl.col("unit") == "Hai Phong") & (pl.col("period") == "2024"))
    assert top["rank"].to_list() == [1]


def test_the_2022_method_break_separates_the_series() -> None:
    rows = reported_scores("sipas").filter(pl.col("unit") == "Viet Nam")
    series = dict(
        rows.filter(pl.col("code") == "total").select("period", "comparability_series").iter_rows()
    )
    assert series["2021"] != series["2022"]
    assert series["2022"] == series["2024"]
    assert not comparable("SIPAS", 2021, 2022)
    assert comparable("SIPAS", 2022, 2024)
    assert comparable("PAR", 2019, 2024)


def test_components_map_onto_the_spec_codes() -> None:
    rows = reported_scores("sipas").filter(pl.col("period") == "2024")
    ha_noi = dict(rows.filter(pl.col("unit") == "Ha Noi").select("code", "estimate").iter_rows())
    assert ha_noi == {"total": 86.5, "POL": 86.51, "PAS": 86.49}
    national = dict(
        rows.filter(pl.col("unit") == "Viet Nam").select("code", "estimate").iter_rows()
    )
    assert national["total"] == 83.94
    assert national["PAS.1"] == 84.27
