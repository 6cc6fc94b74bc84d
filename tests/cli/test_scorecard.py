"""``govindex scorecard PROVINCE`` prints the four instruments side by side, with sources."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from govindex.cli import app


def test_the_scorecard_command(demo_store: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(
        app, ["scorecard", "Quảng Ninh", "--year", "2024", "--store", str(demo_store)]
    )
    assert shown.exit_code == 0, shown.output
    assert "47.82" in shown.output
    assert "official" in shown.output
    assert "SYNTHETIC: sipas run" in shown.output
    assert "Spearman" in shown.output
    printed = runner.invoke(
        app, ["scorecard", "quang ninh", "--store", str(demo_store), "--format", "json"]
    )
    assert printed.exit_code == 0, printed.output
    rows = json.loads(printed.stdout)
    official = [r for r in rows if r["instrument"] == "papi" and r["source_kind"] == "official"]
    assert round(next(r for r in official if r["year"] == 2024)["estimate"], 2) == 47.82
    reported = [r for r in rows if r["source_kind"] == "reported"]
    assert all(r["source_url"].startswith("https://") for r in reported)


def test_an_unknown_province_is_one_message(demo_store: Path) -> None:
    result = CliRunner().invoke(app, ["scorecard", "Atlantis", "--store", str(demo_store)])
    assert result.exit_code == 1
    assert "no instrument scores province `Atlantis`" in result.output
    assert "Traceback" not in result.output
