"""Sample-size planning against the textbook formulas, and `govindex plan`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from govindex.analysis.planning import (
    design_effect_from_run,
    plan_for_score,
    plan_for_share,
    yamane_size,
)
from govindex.cli import app
from govindex.errors import DataValidationError

Z95 = 1.959963984540054


@pytest.mark.parametrize(
    ("margin", "share", "deff", "level", "z"),
    [
        (0.03, 0.84, 2.0, 0.95, Z95),
        (0.02, 0.5, 1.0, 0.95, Z95),
        (0.05, 0.8394, 3.5, 0.90, 1.6448536269514722),
        (0.01, 0.9, 1.7, 0.99, 2.5758293035489004),
    ],
)
def test_the_share_plan_is_the_textbook_formula(
    margin: float, share: float, deff: float, level: float, z: float
) -> None:
    plan = plan_for_share(margin, share=share, design_effect=deff, level=level)
    textbook = deff * z**2 * share * (1 - share) / margin**2
    assert plan.exact == pytest.approx(textbook, rel=1e-12)
    assert plan.respondents == int(np.ceil(textbook))
    assert plan.achieved_margin(plan.respondents) <= margin


def test_yamane_and_the_score_plan_by_hand() -> None:
    assert yamane_size(10_000, 0.05) == 385  # 10,000 / 26 = 384.6
    assert yamane_size(500, 0.05) == 223  # 500 / 2.25 = 222.2, rounded up
    plan = plan_for_score(0.25, respondents=400, se=0.2)
    assert plan.exact == pytest.approx(400 * (Z95 * 0.2 / 0.25) ** 2, rel=1e-12)
    # A share's design effect from a previous run: SE² n / (p(1 − p)).
    deff = design_effect_from_run(
        np.array([80.0, 90.0]), np.array([2.0, 1.5]), np.array([576, 600]), scale=100
    )
    assert deff == pytest.approx((0.02**2 * 576 / 0.16 + 0.015**2 * 600 / 0.09) / 2)


def test_bad_plans_are_refused_with_the_option_named() -> None:
    with pytest.raises(DataValidationError, match="margin"):
        plan_for_share(0.0)
    with pytest.raises(DataValidationError, match="share"):
        plan_for_share(0.02, share=1.0)


def test_govindex_plan_prints_both_rules(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["plan", "--margin", "0.03", "--share", "0.84", "--deff", "2", "--population", "100000"],
    )
    assert result.exit_code == 0, result.output
    assert "1148 respondents per province" in result.output
    assert "Yamane" in result.output
    assert "1099 respondents" in result.output
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "province,level,code,estimate,se,n\nA,total,total,80.0,2.0,576\nB,total,total,90.0,1.5,600\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["plan", "--margin", "0.02", "--share", "0.84", "--deff-from", str(scores)]
    )
    assert result.exit_code == 0, result.output
    assert "mean over 2 provinces" in result.output
    result = runner.invoke(app, ["plan", "--margin", "1", "--score-from", str(scores)])
    assert result.exit_code == 0, result.output
    assert "A: 8851" in result.output  # 576 × (1.96 × 2 / 1)² = 8850.7
    missing = runner.invoke(
        app, ["plan", "--margin", "1", "--score-from", str(tmp_path / "no.csv")]
    )
    assert missing.exit_code != 0
    assert "no.csv" in missing.output
    assert "Traceback" not in missing.output
