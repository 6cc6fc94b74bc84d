"""`govindex feedback ...` in-process: set up a centre, staff, a device, links, cards, export."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from tests.feedback.conftest import SECRET
from typer.testing import CliRunner, Result

from govindex.cli import app
from govindex.feedback.store import open_store
from govindex.feedback.tokens import verify_token


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["feedback", *(str(arg) for arg in args)])


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINDEX_FEEDBACK_SECRET", SECRET.decode())
    monkeypatch.setenv("GOVINDEX_FEEDBACK_PASSWORD", "a-long-password")


def test_a_centre_is_set_up_from_the_command_line(database_url: str, tmp_path: Path) -> None:
    database = ("--database", database_url)
    assert run("init", *database).exit_code == 0
    result = run(
        "centre",
        "000.00.22.H37",
        "--province",
        "22",
        "--name-vi",
        "Trung tâm",
        "--name-en",
        "Centre",
        "--form",
        "quang-ninh@1",
        *database,
    )
    assert result.exit_code == 0, result.output
    assert (
        run(
            "user",
            "lan",
            "--role",
            "centre_manager",
            "--province",
            "22",
            "--agency",
            "000.00.22.H37",
            *database,
        ).exit_code
        == 0
    )
    device = run("device", "000.00.22.H37", "--label", "kiosk", *database)
    key = re.search(r"API key \(shown once\): (\S+)", device.output)
    assert key is not None
    link = run("link", "000.00.22.H37", "desk-1", "1.001234", "--dossier", "H37.1")
    point = verify_token(link.output.strip().rsplit("/r/", 1)[1], secret=SECRET, now=0)
    assert (point.agency_code, point.desk, point.dossier_code) == (
        "000.00.22.H37",
        "desk-1",
        "H37.1",
    )
    cards = tmp_path / "cards.pdf"
    assert (
        run("cards", "000.00.22.H37", "--desks", "d1,d2", "--out", cards, *database).exit_code == 0
    )
    assert cards.read_bytes().startswith(b"%PDF")
    out = tmp_path / "ratings.parquet"
    assert run("export", "--out", out, *database).exit_code == 0
    assert pl.read_parquet(out).columns[:3] == ["dossier_code", "agency_code", "procedure_code"]
    assert run("purge", *database).output.strip() == (
        "0 expired phone hash(es) erased, 0 finished staff session(s) removed"
    )
    store = open_store(database_url)
    actions = [entry["action"] for entry in store.audit_entries()]
    store.close()
    assert actions == ["print_cards", "add_device", "add_user"]


def test_bad_input_is_one_clear_line(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    database = ("--database", database_url)
    result = run(
        "centre",
        "X",
        "--province",
        "22",
        "--name-vi",
        "a",
        "--name-en",
        "b",
        "--form",
        "nope@1",
        *database,
    )
    assert result.exit_code == 1
    assert "no form definition `nope@1`" in result.output
    assert "Traceback" not in result.output
    monkeypatch.setenv("GOVINDEX_FEEDBACK_SECRET", "short")
    link = run("link", "X", "d", "p")
    assert link.exit_code == 1
    assert "GOVINDEX_FEEDBACK_SECRET" in link.output
    unknown = run("device", "X", "--label", "k", *database)
    assert unknown.exit_code == 1
    assert "no centre with agency code `X`" in unknown.output
