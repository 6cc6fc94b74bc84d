"""The SYNTHETIC SIPAS survey: its design, its labels and the values it tracks."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from govindex.cli import app
from govindex.index import IndexBuilder
from govindex.spec import IndexSpec
from govindex.synthetic import SyntheticSurvey
from govindex.synthetic.sipas import satisfaction_targets

NATIONAL_2024 = 83.94


def test_the_design_is_three_districts_two_communes_three_villages(
    sipas_survey: SyntheticSurvey,
) -> None:
    data = sipas_survey.microdata
    per_province = data.group_by("province").agg(
        pl.col("district").n_unique().alias("districts"),
        pl.struct("district", "commune").n_unique().alias("communes"),
        pl.struct("district", "commune", "village").n_unique().alias("villages"),
        pl.len().alias("respondents"),
    )
    assert per_province.height == 63
    assert per_province["districts"].max() == 3
    assert per_province["communes"].max() == 6
    assert per_province["villages"].max() == 18
    assert 36_000 <= data.height <= 37_000  # 2024: 36,525 adults
    assert data["weight"].min() > 0
    # Service users and others: only users answer the service items.
    users = data["used_service"].mean()
    assert 0.35 < users < 0.55
    assert (
        data.filter(pl.col("used_service") == 0)["access_signage"].null_count()
        == data.filter(pl.col("used_service") == 0).height
    )
    assert sipas_survey.metadata["synthetic"] is True
    assert "SYNTHETIC" in sipas_survey.metadata["label"]


def test_the_truth_is_the_targets_and_the_targets_keep_the_reported_values(
    sipas_survey: SyntheticSurvey,
) -> None:
    totals = sipas_survey.truth.filter(pl.col("level") == "total")
    assert (totals["expected"] - totals["target"]).abs().max() < 1e-9
    assert totals["target"].mean() == pytest.approx(NATIONAL_2024, abs=1e-9)
    ha_noi = totals.filter(pl.col("province") == "Ha Noi")["target"].item()
    assert ha_noi == pytest.approx(86.5)
    ranked = totals.sort("target", descending=True)["province"].to_list()
    assert ranked[:5] == ["Hai Phong", "Thai Nguyen", "Hai Duong", "Quang Ninh", "Ba Ria-Vung Tau"]
    assert set(ranked[-5:]) == {"Bac Kan", "Lang Son", "Quang Nam", "An Giang", "Quang Ngai"}
    _, origin = satisfaction_targets(totals["province"].to_list())
    assert origin["Ha Noi"] == "reported"
    assert origin["Yen Bai"] == "neutral"


def test_the_2024_run_recovers_the_national_mean_within_half_a_point(
    sipas_spec: IndexSpec, sipas_survey: SyntheticSurvey
) -> None:
    result = IndexBuilder(sipas_spec, variance="jkn").run(sipas_survey.microdata)
    national = result.national.filter(
        (pl.col("figure") == "mean_of_provinces") & (pl.col("code") == "total")
    ).row(0, named=True)
    assert abs(national["estimate"] - NATIONAL_2024) < 0.5
    totals = result.aggregates.filter(pl.col("level") == "total")
    assert totals.height == 63
    assert totals["se"].min() > 0
    assert totals["rank"].n_unique() > 50
    # Elements and components for every province, each with its interval.
    counts = result.aggregates.group_by("level").len()
    assert dict(counts.iter_rows()) == {"subdimension": 7 * 63, "dimension": 2 * 63, "total": 63}


def test_taylor_and_jackknife_agree_on_estimates_and_roughly_on_errors(
    sipas_spec: IndexSpec, sipas_survey: SyntheticSurvey
) -> None:
    jackknife = IndexBuilder(sipas_spec, variance="jkn").run(sipas_survey.microdata).aggregates
    taylor = IndexBuilder(sipas_spec, variance="taylor").run(sipas_survey.microdata).aggregates
    joined = jackknife.join(taylor, on=["province", "code"], suffix="_taylor")
    assert (joined["estimate"] - joined["estimate_taylor"]).abs().max() < 1e-9
    ratio = joined["se_taylor"] / joined["se"]
    # The aggregation is linear, so the delta method and the jackknife estimate the same
    # variance; with three PSUs per province single cells still differ.
    assert 0.85 < float(ratio.median() or 0.0) < 1.15


def test_govindex_synth_writes_a_labelled_sipas_file(tmp_path: Path) -> None:
    out = tmp_path / "sipas.csv"
    result = CliRunner().invoke(
        app, ["synth", "--instrument", "sipas", "--year", "2024", "--seed", "5", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC SIPAS 2024" in result.output
    data = pl.read_csv(out, n_rows=5)
    assert data["synthetic"].to_list() == [True] * 5
    meta = json.loads((tmp_path / "sipas.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["synthetic"] is True
    assert meta["instrument"] == "sipas"


def test_targets_exist_only_for_the_reported_year() -> None:
    result = CliRunner().invoke(
        app, ["synth", "--instrument", "sipas", "--year", "2023", "--seed", "5", "--out", "x.csv"]
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output
