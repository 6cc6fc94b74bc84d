"""The views the dashboard, API, site export and reports are made from."""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl
import pytest

from govindex.analysis import GroupRule
from govindex.errors import NotFound, RunNotFound, SpecError
from govindex.official import bundled_data_dir, former_province_populations, load_published_record
from govindex.views import Dashboard, DashboardParameters


@pytest.fixture(scope="module")
def dashboard(demo_store: Path) -> Dashboard:
    return Dashboard.open(demo_store)


def _microdata_run(dashboard: Dashboard) -> str:
    runs = dashboard.snapshot.datasets.filter(pl.col("kind") == "microdata")
    return str(runs["run_id"][0])


def test_overview_of_2024_total_matches_the_published_record(dashboard: Dashboard) -> None:
    view = dashboard.overview(year=2024)
    ranking = view.table("ranking")
    published = pl.read_csv(bundled_data_dir() / "published_scores.csv").filter(
        (pl.col("year") == 2024) & (pl.col("dimension") == "total")
    )
    scored = ranking.filter(pl.col("estimate").is_not_null())
    assert scored.height == published.filter(pl.col("score").is_not_null()).height == 61
    joined = scored.join(published, on="province")
    assert joined.height == 61
    assert (joined["estimate"] - joined["score"]).abs().max() < 1e-6  # type: ignore[operator]
    # ranked best first; groups split 15/15/15/16 under the default rule (published split)
    assert scored["rank"].to_list() == sorted(scored["rank"].to_list())
    assert scored["group"].value_counts().sort("group")["count"].to_list() == [15, 15, 15, 16]
    summary = view.table("summary").row(0, named=True)
    assert summary["national_mean"] == pytest.approx(published["score"].mean())
    assert summary["best"] == scored["province"][0]
    assert ranking.filter(pl.col("province") == "Ha Noi")["province_vi"].to_list() == ["Hà Nội"]
    assert view.parameters["group_rule"] == {"percentile_method": "linear", "inclusive": "upper"}
    assert view.meta["synthetic"] is False


def test_withheld_provinces_keep_no_number(dashboard: Dashboard) -> None:
    ranking = dashboard.overview(year=2024).table("ranking")
    withheld = ranking.filter(pl.col("withheld"))
    assert withheld.height == 2
    assert withheld.select("estimate", "rank", "group").null_count().row(0) == (2, 2, 2)


def test_suppressed_cells_stay_suppressed(dashboard: Dashboard) -> None:
    run = _microdata_run(dashboard)
    stored = dashboard.snapshot.scores.filter(pl.col("run_id") == run)
    suppressed = stored.filter(pl.col("suppressed"))
    assert suppressed.height > 0, "the demo run is expected to suppress some small cells"
    row = suppressed.row(0, named=True)
    view = dashboard.overview(run_id=run, level=row["level"], code=row["code"])
    shown = view.table("ranking").filter(pl.col("province") == row["province"]).row(0, named=True)
    assert shown["suppressed"] is True
    assert all(shown[column] is None for column in ("estimate", "se", "ci_low", "ci_high", "rank"))
    text = json.dumps(view.to_dict())
    if row["estimate"] is not None:
        assert repr(row["estimate"]) not in text


def test_microdata_overview_carries_rank_intervals_and_synthetic_label(
    dashboard: Dashboard,
) -> None:
    view = dashboard.overview(run_id=_microdata_run(dashboard), level="dimension", code="4")
    ranking = view.table("ranking")
    assert view.meta["synthetic"] is True
    assert ranking.height == 63
    assert (ranking["rank_low"] <= ranking["rank"]).all()
    assert (ranking["rank"] <= ranking["rank_high"]).all()
    assert (ranking["ci_low"] < ranking["estimate"]).all()


def test_units_of_2025_are_derived_and_labelled(dashboard: Dashboard) -> None:
    view = dashboard.overview(year=2024, geography="34")
    ranking = view.table("ranking")
    mapping = pl.read_csv(bundled_data_dir() / "province_mapping_2025.csv")
    assert ranking.height == 34
    assert ranking["derived"].all()
    assert set(ranking["province"]) == set(mapping["new_province"])
    assert view.parameters["unit_weights"] == "census_2019"
    assert "2019 census" in view.meta["derived_note"]
    census = dict(former_province_populations().select("province", "population").iter_rows())
    provinces = dashboard.overview(year=2024).table("ranking")
    for unit in ranking.iter_rows(named=True):
        formers = mapping.filter(pl.col("new_province") == unit["province"])["old_province"]
        rows = provinces.filter(pl.col("province").is_in(formers))
        if rows["estimate"].null_count():
            # a withheld former province is flagged, not silently averaged
            assert unit["estimate"] is None
            assert unit["missing_provinces"]
        else:
            weights = [census[name] for name in rows["province"]]
            hand = sum(w * v for w, v in zip(weights, rows["estimate"], strict=True))
            assert unit["estimate"] == pytest.approx(hand / sum(weights), rel=1e-12)


def test_units_weighted_by_supplied_populations(dashboard: Dashboard) -> None:
    from govindex.application.unit_tables import unit_table

    mapping = pl.read_csv(bundled_data_dir() / "province_mapping_2025.csv")
    populations = mapping.select(
        pl.col("old_province").alias("province"),
        (pl.col("old_province").str.len_chars() * 1000).alias("population"),
    )
    provinces = dashboard.overview(year=2023).table("ranking")
    rows = provinces.select(
        pl.lit(2023).alias("year"),
        "province",
        "level",
        "code",
        "estimate",
        "se",
        "suppressed",
        "withheld",
    )
    units = unit_table(rows, populations=populations)
    assert units["method"][0].endswith("(weights: the populations supplied)")
    unit = units.filter(pl.col("province") == "Ha Noi").row(0, named=True)
    assert unit["estimate"] == pytest.approx(
        provinces.filter(pl.col("province") == "Ha Noi")["estimate"][0]
    )
    merged = mapping.filter(pl.col("new_province") == "Tuyen Quang")
    values = provinces.join(merged, left_on="province", right_on="old_province")
    weights = values["province"].str.len_chars().cast(pl.Float64)
    expected = (values["estimate"] * weights).sum() / weights.sum()
    shown = units.filter(pl.col("province") == "Tuyen Quang")["estimate"][0]
    assert shown == pytest.approx(expected, rel=1e-12)
    census = dashboard.overview(year=2023, geography="34").table("ranking")
    stored = census.filter(pl.col("province") == "Tuyen Quang")["estimate"][0]
    assert stored != pytest.approx(shown, rel=1e-9)  # the stored table weights by the census


def test_profile_compares_with_national_mean_and_best(dashboard: Dashboard) -> None:
    view = dashboard.profile("Hà Nội", year=2024)
    assert view.meta["province"] == "Ha Noi"
    dimensions = view.table("dimensions")
    assert dimensions["code"].to_list() == ["total", *[str(code) for code in range(1, 9)]]
    overview = dashboard.overview(year=2024, level="dimension", code="4").table("ranking")
    scored = overview.filter(pl.col("estimate").is_not_null())
    row = dimensions.filter(pl.col("code") == "4").row(0, named=True)
    assert row["national_mean"] == pytest.approx(scored["estimate"].mean())
    assert row["best_estimate"] == pytest.approx(scored["estimate"].max())
    assert row["best_province"] == scored["province"][0]
    assert row["gap_to_mean"] == pytest.approx(row["estimate"] - row["national_mean"])
    assert row["parent"] == "total"


def test_profile_diagnosis_matches_the_analysis_core(dashboard: Dashboard) -> None:
    from govindex.analysis import diagnose

    view = dashboard.profile("Ha Noi", year=2024)
    direct = diagnose(load_published_record(bundled_data_dir()), "Ha Noi", 2024, 2021)
    assert view.table("priorities")["code"].to_list() == direct.priorities["code"].to_list()
    assert view.table("priorities")["name_vi"].null_count() == 0
    assert "2023" in view.meta["diagnosis_note"]


def test_trend_segments_break_at_restructurings(dashboard: Dashboard) -> None:
    trends = dashboard.profile("Ha Noi", year=2024).table("trends")
    dimension4 = trends.filter(pl.col("code") == "4").sort("year")
    segments = dict(zip(dimension4["year"], dimension4["segment"], strict=True))
    assert segments[2017] == 0
    assert segments[2018] == 1  # the 2018 restructuring covers every item
    total = trends.filter(pl.col("code") == "total").sort("year")
    # total: breaks in 2016, 2018, 2019 and 2021
    assert total.filter(pl.col("year") == 2024)["segment"].to_list() == [4]


def test_compare_and_explorer(dashboard: Dashboard) -> None:
    compared = dashboard.compare(["Ha Noi", "đà nẵng"], year=2024).table("scores")
    assert set(compared["province"]) == {"Ha Noi", "Da Nang"}
    assert compared.height == 18
    explored = dashboard.explore_item(level="dimension", code="4")
    national = explored.table("national")
    assert national["year"].to_list() == list(range(2011, 2025))
    assert explored.table("values").filter(pl.col("year") == 2024).height == 63


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda d: d.overview(year=1999), NotFound),
        (lambda d: d.overview(run_id="ffffffff"), RunNotFound),
        (lambda d: d.overview(year=2024, geography="12"), SpecError),
        (lambda d: d.overview(year=2024, level="dimension", code="99"), NotFound),
        (lambda d: d.profile("Atlantis", year=2024), NotFound),
        (lambda d: d.compare(["Ha Noi"], year=2024), SpecError),
    ],
)
def test_bad_requests_raise_named_errors(dashboard: Dashboard, call: object, error: type) -> None:
    with pytest.raises(error):
        call(dashboard)  # type: ignore[operator]


def test_views_are_json_ready_and_record_their_choices(demo_store: Path) -> None:
    # Pages show what producers stored: a choice the stored tables were not made with is
    # refused, never shown beside numbers made otherwise.
    with pytest.raises(SpecError, match="stored with each run"):
        DashboardParameters(group_rule=GroupRule(inclusive="lower"))
    with pytest.raises(SpecError, match=r"confidence 0\.95"):
        DashboardParameters(confidence=0.95)
    dashboard = Dashboard.open(demo_store, DashboardParameters())
    document = dashboard.profile("Ha Noi", year=2024).to_dict()
    text = json.dumps(document, allow_nan=False)
    assert document["parameters"]["group_rule"]["inclusive"] == "upper"
    assert document["parameters"]["confidence"] == 0.90
    assert "at 90%" in document["meta"]["diagnosis_note"]
    assert "NaN" not in text
    for table in document["tables"].values():
        for row in table["rows"]:
            assert all(not (isinstance(v, float) and math.isnan(v)) for v in row.values())


def test_frame_json_gives_the_values_frame_rows_gives() -> None:
    from datetime import date

    from govindex.views.view import frame_json, frame_rows

    plain = pl.DataFrame(
        {
            "estimate": [1.0, float("nan"), float("inf"), -1.0449542235946296e-05, None],
            "rank": [1, None, 3, 4, 5],
            "name": ["Hà Nội", None, 'quote " and </script>', "\u2028", ""],
            "suppressed": [True, False, None, True, False],
        }
    )
    single = pl.DataFrame({"value": [0.1, float("nan")]}, schema={"value": pl.Float32})
    nested = pl.DataFrame(
        {
            "when": [date(2024, 1, 2), None],
            "scope": [["1", "2"], []],
            "cell": [{"a": 1.5}, {"a": float("nan")}],
        }
    )
    for frame in (plain, single, nested, plain.clear(), pl.DataFrame()):
        assert json.loads(frame_json(frame)) == frame_rows(frame)
    assert json.loads(frame_json(plain))[1]["estimate"] is None
    assert json.loads(frame_json(single))[0]["value"] == pytest.approx(0.1, rel=1e-7)


def test_a_profile_is_the_same_whether_indexed_at_open_or_on_first_request(
    demo_store: Path,
) -> None:
    from govindex.views.profile import prepare_profiles
    from govindex.web.downloads import json_bytes, public_dict

    prepared = Dashboard.open(demo_store)
    prepare_profiles(prepared.snapshot)
    assert any(key[0] == "profile_items" for key in prepared.snapshot.cache._kept)
    plain = Dashboard.open(demo_store)
    for province, year in (("Quảng Ninh", 2024), ("ha-noi", 2024), ("Hue", 2018)):
        first = public_dict(prepared.profile(province, year=year))
        second = public_dict(plain.profile(province, year=year))
        assert first == second
        assert json.loads(json_bytes(prepared.profile(province, year=year))) == {
            "ok": True,
            **second,
        }
    with pytest.raises(NotFound):
        prepared.profile("Quảng Ninh", year=1999)
