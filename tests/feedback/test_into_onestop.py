"""Ratings given at the counter reach the one-stop KPIs and Decision 766 indicator 5.4.

The path a province runs: the feedback service stores ratings (one counted rating per
dossier, later ones as revisions), `govindex feedback export --layout onestop` writes the
counted ratings as the one-stop records' ratings table, `govindex onestop ingest --ratings`
loads them, `govindex onestop score` scores. Hand computation for March 2025 at agency A1
(province 22), over the one-stop test records (tests/onestop/builders.py):

* dossier "early" was first rated 2 (a dislike), then 5: only the 5 counts;
* "due-day" rated 1 (a dislike), "late" rated 4, and one rating without a dossier, 3;
* counted levels 5, 1, 4, 3: satisfied (4-5) 2 of 4 = 0.5, flagged (fewer than 30);
* indicator 5.4 must equal the score of the same records with exactly those four ratings,
  and differ from a count that kept the superseded dislike of "early".
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import polars as pl
import pytest
from tests.feedback.forms_fixture import quang_ninh_form
from tests.onestop.builders import AGENCIES, CALENDAR, PROCEDURES, at, dossier, frame, row, scores
from typer.testing import CliRunner

from govindex.cli import app
from govindex.feedback.settings import load_forms
from govindex.feedback.store import Centre, open_store
from govindex.feedback.submissions import Channel, Submission
from govindex.feedback.tokens import ServicePoint
from govindex.onestop.deadlines import complete_dossiers
from govindex.onestop_engines.store import RecordStore

HANOI = datetime.timezone(datetime.timedelta(hours=7))
CENTRE = Centre("A1", "22", "Sở 1", "Department 1", "Hạ Long", "quang-ninh@1")
RECORDS = [
    dossier("early", "2025-03-03 08:00", "2025-03-10 17:00", 9, processed_at="2025-03-07 10:00"),
    dossier("due-day", "2025-03-03 08:00", "2025-03-10 17:00", 9, processed_at="2025-03-10 10:00"),
    dossier("late", "2025-03-03 08:00", "2025-03-10 17:00", 9, processed_at="2025-03-12 10:00"),
    dossier("overdue", "2025-03-03 08:00", "2025-03-21 17:00", 4),
]
GIVEN = [  # submission id, dossier, level, local time
    ("rating-early-1", "early", 2, "2025-03-08 08:00"),
    ("rating-early-2", "early", 5, "2025-03-09 09:00"),
    ("rating-due-day", "due-day", 1, "2025-03-11 10:00"),
    ("rating-late-01", "late", 4, "2025-03-13 11:00"),
    ("rating-walk-in", None, 3, "2025-03-14 15:30"),
]


def _invoke(*args: object) -> str:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path}/feedback.db"
    store = open_store(url)
    store.put_centre(CENTRE)
    form = quang_ninh_form()
    for submission_id, dossier_code, level, local in GIVEN:
        when = datetime.datetime.fromisoformat(local).replace(tzinfo=HANOI)
        store.record(
            Submission.build(
                submission_id,
                ServicePoint("A1", "desk-1", "P5", dossier_code),
                Channel.QR,
                form,
                {"overall": level, "staff_attitude": level},
                comment=None,
                phone_hash=None,
                device="device-a",
                created_at=when,
            ),
            "22",
        )
    store.close()
    out = tmp_path / "ratings.parquet"
    _invoke("feedback", "export", "--layout", "onestop", "--out", out, "--database", url)
    return out


@pytest.fixture
def records(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    store = RecordStore(root)
    store.write("procedures", PROCEDURES)
    store.write("agencies", AGENCIES)
    completed = complete_dossiers(frame("dossiers", RECORDS), PROCEDURES, CALENDAR)
    store.write("dossiers", completed, province_code="22", month="2025-03")
    store.write_catalogue()
    return root


def _score(root: Path) -> pl.DataFrame:
    text = _invoke("onestop", "score", root, "--period", "2025-03", "--format", "csv",
                   "--geography", "agency")  # fmt: skip
    return pl.read_csv(io.StringIO(text), schema_overrides={"unit": pl.String})


def test_counted_ratings_reach_the_kpis_and_indicator_5_4(exported: Path, records: Path) -> None:
    table = pl.read_parquet(exported)
    # The superseded dislike of "early" is not exported; times are Viet Nam wall-clock seconds.
    assert sorted(table["rating_id"]) == sorted(g[0] for g in GIVEN if g[0] != "rating-early-1")
    assert table.filter(pl.col("rating_id") == "rating-walk-in")["rated_at"].item() == at(
        "2025-03-14 15:30"
    )
    out = _invoke("onestop", "ingest", records, "--ratings", exported)
    assert "4 ratings in the store" in out
    # Loading the same export again leaves each rating once.
    assert "4 ratings in the store" in _invoke("onestop", "ingest", records, "--ratings", exported)
    scored = _score(records)
    satisfaction = scored.filter(
        (pl.col("code") == "survey_satisfaction") & (pl.col("unit") == "A1")
    )
    assert satisfaction["estimate"].item() == pytest.approx(0.5)
    assert satisfaction["reason"].item() == "flag:fewer_than_30_ratings"
    counted = [
        {"rating_id": sid, "dossier_code": code, "agency_id": "A1", "province_code": "22",
         "rated_at": at(local), "level": level}
        for sid, code, level, local in GIVEN if sid != "rating-early-1"
    ]  # fmt: skip
    every = [
        {"rating_id": sid, "dossier_code": code, "agency_id": "A1", "province_code": "22",
         "rated_at": at(local), "level": level}
        for sid, code, level, local in GIVEN
    ]  # fmt: skip
    by_hand = row(scores(RECORDS, "2025-03", geographies=("agency",), ratings=counted), "5.4", "A1")
    double = row(scores(RECORDS, "2025-03", geographies=("agency",), ratings=every), "5.4", "A1")
    ours = scored.filter((pl.col("code") == "5.4") & (pl.col("unit") == "A1")).row(0, named=True)
    assert ours["estimate"] == pytest.approx(by_hand["estimate"], abs=1e-12)
    assert ours["estimate"] != pytest.approx(double["estimate"])


def test_a_bad_rating_file_loads_nothing(tmp_path: Path, records: Path) -> None:
    bad = tmp_path / "ratings.csv"
    bad.write_text(
        "rating_id,dossier_code,agency_id,province_code,rated_at,level\n"
        "r1,early,A1,22,1741420800,5\n"
        "r2,early,ZZ,22,1741420800,4\n"
        "r3,late,A1,46,1741420800,4\n"
        "r4,late,A1,22,1741420800,9\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["onestop", "ingest", str(records), "--ratings", str(bad)])
    assert result.exit_code == 1
    assert "ratings.csv, row 3, column `agency_id`: unknown agency" in result.stderr
    assert "ratings.csv, row 4, column `province_code`: the agency belongs to province 22" in (
        result.stderr
    )
    assert "ratings.csv, row 5, column `level`" in result.stderr
    assert "Traceback" not in result.stderr
    assert RecordStore(records).read("ratings").height == 0


def test_a_form_with_other_dislike_levels_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/feedback.db"
    forms = tmp_path / "forms"
    forms.mkdir()
    shipped = Path(__file__).parents[2] / "src/govindex/feedback/form_definitions"
    forms.joinpath("strict-v1.yaml").write_text(
        shipped.joinpath("quang-ninh-v1.yaml")
        .read_text(encoding="utf-8")
        .replace("id: quang-ninh", "id: strict")
        .replace("satisfied_levels: [4, 5]", "satisfied_levels: [5]")
        .replace("dissatisfied_levels: [1, 2]", "dissatisfied_levels: [1, 2, 3]"),
        encoding="utf-8",
    )
    strict = load_forms(forms)["strict@1"]
    store = open_store(url)
    store.put_centre(Centre("A1", "22", "Sở 1", "Department 1", "Hạ Long", "strict@1"))
    store.record(
        Submission.build(
            "rating-strict-1", ServicePoint("A1", "desk-1", "P5", "early"), Channel.QR, strict,
            {"overall": 3}, comment=None, phone_hash=None, device="device-a",
            created_at=datetime.datetime(2025, 3, 8, 8, tzinfo=HANOI),
        ),
        "22",
    )  # fmt: skip
    store.close()
    out = tmp_path / "ratings.parquet"
    result = CliRunner().invoke(
        app,
        ["feedback", "export", "--layout", "onestop", "--out", str(out), "--database", url,
         "--forms", str(forms)],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "form `strict@1` counts levels [5] as satisfied and [1, 2, 3] as a dislike" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not out.exists()
