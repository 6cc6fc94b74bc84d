"""`govindex par`: the whole workflow through the command line, in-process."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import polars as pl
import pytest
import yaml
from tests.rubric.conftest import small_rubric_data
from tests.rubric.filling import HA_NOI_ANSWERS, fill_workbook
from typer.testing import CliRunner, Result

from govindex.assessment import list_par_runs, read_par_run
from govindex.cli import app
from govindex.scores import SCORE_TABLE_SCHEMA
from govindex.storage import RunStore


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


@pytest.fixture
def rubric_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_rubric_data(), allow_unicode=True), encoding="utf-8")
    return path


def test_workbook_appraise_score_store(rubric_file: Path, tmp_path: Path) -> None:
    book = tmp_path / "ha-noi.xlsx"
    made = invoke(
        "par", "workbook", "Ha Noi", "--year", "2024", "--out", book, "--rubric", rubric_file
    )
    assert made.exit_code == 0, made.output
    fill_workbook(book, HA_NOI_ANSWERS)
    checked = invoke("par", "check", book, "--rubric", rubric_file)
    assert checked.exit_code == 0, checked.output
    assert "6 criteria filled, no problems" in checked.output
    log = tmp_path / "appraisals.sqlite"
    for code, score, reason in (
        ("1.4", "2", "no budget in the plan"),
        ("1.2", "3", "records found"),
    ):
        appraised = invoke(
            "par",
            "appraise",
            "--log",
            log,
            "--province",
            "Ha Noi",
            "--year",
            "2024",
            "--code",
            code,
            "--score",
            score,
            "--appraiser",
            "council",
            "--reason",
            reason,
            "--at",
            "2025-03-01T09:00:00+07:00",
            "--rubric",
            rubric_file,
        )
        assert appraised.exit_code == 0, appraised.output
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "instrument,province,year,code,value,source\nsipas,Ha Noi,2024,overall,86.5,https://example.org/sipas\n",
        encoding="utf-8",
    )
    store = tmp_path / "par.duckdb"
    rows_file = tmp_path / "rows.csv"
    scored = invoke(
        "par",
        "score",
        book,
        "--log",
        log,
        "--survey-values",
        survey,
        "--store",
        store,
        "--out",
        rows_file,
        "--rubric",
        rubric_file,
        "--format",
        "json",
    )
    assert scored.exit_code == 0, scored.output
    printed = json.loads(scored.stdout)
    assert len(printed) == 1
    total = printed[0]
    # 17.475 of 20 points (hand computation in test_scoring / test_workbook).
    assert total["points"] == pytest.approx(17.475, rel=1e-12)
    assert total["estimate"] == pytest.approx(87.375, rel=1e-12)
    # Group B is the small rubric's second group: its number is 2, its label B.
    assert (total["group"], total["group_label"]) == (2, "B")
    assert (total["group_label"], total["rank"], total["status"], total["instrument"]) == (
        "B",
        1,
        "published",
        "par",
    )
    with RunStore(store) as run_store:
        runs = list_par_runs(run_store)
        assert runs.height == 1
        stored = read_par_run(run_store, runs["run_id"][0])
        # The run is in the shared store: manifest of kind `assessment`, a checked score table.
        manifest = run_store.get_run(runs["run_id"][0])
        assert (manifest.kind, manifest.parameters["instrument"]) == ("assessment", "par")
        table = run_store.read_table(manifest.run_id, "score_table")
        assert table.columns == list(SCORE_TABLE_SCHEMA)
        assert set(table["run_id"]) == {manifest.run_id}
        assert run_store.query_scores(run_id=manifest.run_id).height == 0
    assert stored.filter(code="1.2")["provenance"][0].endswith(
        "3 (self-assessed 1.5; records found)"
    )
    assert stored.height == 11  # total, 2 areas, 4 + 2 criteria, 2 sub-criteria
    again = invoke(
        "par",
        "score",
        book,
        "--log",
        log,
        "--survey-values",
        survey,
        "--store",
        store,
        "--rubric",
        rubric_file,
    )
    assert again.exit_code == 1
    assert "already stored; stored runs are never replaced" in again.output
    run_id = runs["run_id"][0]
    shown = invoke("par", "runs", "--store", store, run_id, "--level", "area", "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert [row["code"] for row in json.loads(shown.stdout)] == ["1", "2"]
    listed_runs = invoke("par", "runs", "--store", store, "--format", "csv")
    assert listed_runs.exit_code == 0
    assert run_id in listed_runs.stdout
    unknown = invoke("par", "runs", "--store", store, "nope")
    assert unknown.exit_code == 1
    assert "no stored run has id `nope`" in unknown.stderr
    listed = invoke("par", "log", "--log", log, "--format", "csv")
    assert listed.exit_code == 0
    assert listed.stdout.count("Ha Noi") == 2


def test_bad_workbook_is_one_error_with_cells(rubric_file: Path, tmp_path: Path) -> None:
    book = tmp_path / "ha-noi.xlsx"
    invoke("par", "workbook", "Ha Noi", "--year", "2024", "--out", book, "--rubric", rubric_file)
    fill_workbook(book, {"1.4": {"self_score": "lots", "link": "x"}, "1.1.1": {"value": 1}})
    result = invoke("par", "score", book, "--rubric", rubric_file)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: `ha-noi.xlsx` has 2 bad cells:",
        "  - ha-noi.xlsx: sheet 'assessment', row 4, column `H (document number)`: `1.1.1` requires evidence: a document number or a link",
        "  - ha-noi.xlsx: sheet 'assessment', row 8, column `G (self score)`: expected a number, found 'lots'",
    ]
    assert "Traceback" not in result.output


def test_tampered_log_is_refused(rubric_file: Path, tmp_path: Path) -> None:
    log = tmp_path / "appraisals.sqlite"
    result = invoke(
        "par",
        "appraise",
        "--log",
        log,
        "--province",
        "Ha Noi",
        "--year",
        "2024",
        "--code",
        "1.4",
        "--score",
        "2",
        "--appraiser",
        "council",
        "--reason",
        "checked",
        "--rubric",
        rubric_file,
    )
    assert result.exit_code == 0, result.output
    connection = sqlite3.connect(log)
    connection.execute("DROP TRIGGER appraisals_no_update")
    connection.execute("UPDATE appraisals SET appraiser = 'someone else'")
    connection.commit()
    connection.close()
    listed = invoke("par", "log", "--log", log)
    assert listed.exit_code == 1
    assert "altered at decision #1" in listed.stderr


def test_shipped_rubric_warns_and_synthetic_flow(tmp_path: Path) -> None:
    made = invoke(
        "par", "synth", "--year", "2024", "--seed", "5", "--provinces", "3", "--out", tmp_path
    )
    assert made.exit_code == 0, made.output
    assert "warning: `par-index-province-2022.yaml` is a provisional rubric" in made.stderr
    books = sorted((tmp_path / "workbooks").glob("*.xlsx"))
    assert [book.name for book in books] == [
        "SYNTHETIC-an-giang-2024.xlsx",
        "SYNTHETIC-ba-ria-vung-tau-2024.xlsx",
        "SYNTHETIC-bac-giang-2024.xlsx",
    ]
    scored = invoke(
        "par",
        "score",
        *books,
        "--survey-values",
        tmp_path / "SYNTHETIC-survey-values-2024.csv",
        "--format",
        "csv",
    )
    assert scored.exit_code == 0, scored.output
    rows = pl.read_csv(io.StringIO(scored.stdout))
    assert rows.height == 3
    assert rows["synthetic"].to_list() == [True, True, True]
    # Published rows carry no reason code; the provisional rubric is said by the edition
    # and by PAR's own column.
    assert rows["provisional"].to_list() == [True, True, True]
    assert all(edition.endswith("(provisional)") for edition in rows["edition"])
    assert rows["reason"].null_count() == 3
    assert sorted(rows["rank"]) == [1, 2, 3]


def test_reported_values_with_sources() -> None:
    result = invoke(
        "par", "reported", "--instrument", "par", "--province", "Quang Ninh", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = {row["period"]: row for row in json.loads(result.stdout)}
    assert rows["2023"]["estimate"] == 92.18
    assert rows["2023"]["provenance"].startswith("https://en.baochinhphu.vn/")
    assert rows["2022"]["estimate"] == 90.1
    assert rows["2020"]["status"] == "missing"  # only the rank was reported
    assert all(row["edition"].startswith("par-reported") for row in rows.values())
    assert all(row["reported_by"] == "press/provinces" for row in rows.values())


def test_priorities_with_agencies_and_an_improvement(rubric_file: Path, tmp_path: Path) -> None:
    book = tmp_path / "ha-noi.xlsx"
    invoke("par", "workbook", "Ha Noi", "--year", "2024", "--out", book, "--rubric", rubric_file)
    fill_workbook(book, HA_NOI_ANSWERS)
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "instrument,province,year,code,value,source\nsipas,Ha Noi,2024,overall,86.5,https://example.org/sipas\n",
        encoding="utf-8",
    )
    responsibility = tmp_path / "agencies.yaml"
    responsibility.write_text(
        "agencies:\n  office: {en: Provincial Office, vi: Văn phòng UBND tỉnh}\nassignments:\n  '2': office\n",
        encoding="utf-8",
    )
    result = invoke(
        "par",
        "priorities",
        book,
        "--survey-values",
        survey,
        "--responsibility",
        responsibility,
        "--improve",
        "2.2=10",
        "--top",
        "2",
        "--rubric",
        rubric_file,
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "code,criterion,max_points,points,lost,basis,agency"
    assert lines[1] == "1.2,Inspection,3.0,1.5,1.5,rule,"
    code, _, _, points, lost, basis, agency = lines[2].split(",")
    assert (code, basis, agency) == ("2.1", "survey", "Provincial Office")
    assert (float(points), float(lost)) == pytest.approx((4.325, 0.675), rel=1e-12)
    assert lines[3] == "2.2: 95 → 105 (+10) → +0.150 PAR points (+0.750 % of maximum)"


def test_a_new_decision_on_an_appraised_criterion_is_appended_never_rewritten(
    rubric_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "appraisals.sqlite"
    for score, reason in (("2", "first reading"), ("1", "on appeal")):
        appraised = invoke(
            "par",
            "appraise",
            "--log",
            log,
            "--province",
            "Ha Noi",
            "--year",
            "2024",
            "--code",
            "1.4",
            "--score",
            score,
            "--appraiser",
            "council",
            "--reason",
            reason,
            "--at",
            "2025-03-01T09:00:00+07:00",
            "--rubric",
            rubric_file,
        )
        assert appraised.exit_code == 0, appraised.output
    listed = invoke("par", "log", "--log", log, "--format", "csv")
    assert listed.exit_code == 0, listed.output
    decisions = pl.read_csv(io.StringIO(listed.stdout))
    assert decisions.height == 2
    assert decisions["reason"].to_list() == ["first reading", "on appeal"]
    assert decisions["new_score"].to_list() == [2.0, 1.0]
    # The only `par` command that writes the log is `appraise`, and it appends: the command
    # list has nothing that edits, deletes or replaces a decision.
    help_text = invoke("par", "--help").output
    listed_commands = help_text.split("Commands:", 1)[1].split()
    names = {word for word in listed_commands if word.isalpha() and word.islower()}
    assert {"appraise", "log"} <= names
    assert not names & {"edit", "delete", "remove", "undo", "rewrite", "replace", "amend"}
