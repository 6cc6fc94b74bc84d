"""``govindex onestop synth|ingest|score|explain`` in-process."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from govindex.cli import app

from .builders import AGENCIES, PROCEDURES


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def test_synth_score_and_explain(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out, _ = _run("onestop", "synth", "--out", store, "--dossiers", "3400", "--seed", "3")
    assert code == 0
    assert out.startswith("SYNTHETIC one-stop records")
    code, out, err = _run(
        "onestop", "score", store, "--period", "2025-Q1", "--format", "csv", "--level", "total"
    )
    assert code == 0
    assert "SYNTHETIC" in err
    totals = pl.read_csv(out.encode(), schema_overrides={"unit": pl.String})
    assert totals.height == 34
    assert totals["synthetic"].all()
    assert (totals["estimate"] <= 100).all()
    code, out, err = _run(
        "onestop", "explain", store, "--indicator", "2.1", "--unit", "22", "--period", "2025-02"
    )
    assert code == 0
    listing = pl.read_csv(out.encode())
    assert listing.columns[:2] == ["record_code", "procedure_code"]
    assert f"denominator {listing.height}" in err


def test_ingest_reports_bad_records_without_a_traceback(tmp_path: Path) -> None:
    procedures, agencies = tmp_path / "procedures.csv", tmp_path / "agencies.csv"
    PROCEDURES.write_csv(procedures)
    AGENCIES.write_csv(agencies)
    batch = tmp_path / "batch.jsonl"
    good = {
        "MaHoSo": "H1",
        "MaTTHC": "P5",
        "DonViXuLy": "A1",
        "TrangThaiHoSo": 2,
        "NgayTiepNhan": "20250303080000",
    }
    bad = {**good, "MaHoSo": "H2", "DonViXuLy": "ZZ"}
    batch.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    code, out, err = _run(
        "onestop", "ingest", store, batch, "--procedures", procedures, "--agencies", agencies
    )
    assert code == 1
    assert "batch.jsonl, row 2, column `DonViXuLy`: unknown agency" in err
    assert "Traceback" not in err
    code, out, err = _run("onestop", "ingest", store, batch, "--allow-invalid")
    assert code == 0
    assert "1 loaded; 1 left out" in out
    code, out, err = _run("onestop", "score", store, "--period", "2025-13")
    assert code == 1
    assert err.startswith("error: `2025-13` is not a period")


def test_ingest_procedure_publications(tmp_path: Path) -> None:
    good = tmp_path / "publications.csv"
    good.write_text(
        "publication_id,province_code,agency_id,procedure_code,action,"
        "legal_basis_effective_at,decided_at,publicised_at,components_published\n"
        "u1,22,A1,P5,add,2025-03-10T00:00:00+07:00,2025-03-03T09:00:00+07:00,"
        "2025-03-10T15:00:00+07:00,7\n"
        "u2,22,A1,H8,amend,2025-03-25T00:00:00+07:00,2025-03-20T09:00:00+07:00,,6\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    code, out, err = _run("onestop", "ingest", store, "--publications", good)
    assert code == 0, err
    assert "2 procedure publications loaded" in out
    stored = pl.read_parquet(store / "publications" / "part-0.parquet")
    # 10 March − 5 working days = 3 March; 3 March + 5 working days = 10 March (day numbers).
    assert stored.filter(pl.col("publication_id") == "u1").select(
        "publish_by_day", "publicise_by_day"
    ).row(0) == (20150, 20157)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        good.read_text(encoding="utf-8")
        .replace(",amend,", ",repeal,")
        .replace("2025-03-20T09:00:00+07:00", "20th March"),
        encoding="utf-8",
    )
    code, out, err = _run("onestop", "ingest", store, "--publications", bad)
    assert code == 1
    assert "bad.csv, row 3, column `decided_at`: cannot read as a time" in err
    assert "bad.csv, row 3, column `action`: value not allowed" in err
    assert "Traceback" not in err
    # Nothing of the bad file was stored.
    assert pl.read_parquet(store / "publications" / "part-0.parquet").height == 2


def test_refresh_keeps_closed_periods_and_updates_the_open_one_incrementally(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    code, _, _ = _run("onestop", "synth", "--out", store, "--dossiers", "3400", "--seed", "3")
    assert code == 0
    arguments = ["--year", "2025", "--kind", "month", "--format", "csv", "--level", "total"]
    code, out, err = _run("onestop", "refresh", store, *arguments, "--as-of", "2025-12-10T08:00")
    assert code == 0, err
    assert "full (no kept state of the open periods): 12 period(s) refreshed" in err
    code, out, err = _run("onestop", "refresh", store, *arguments, "--as-of", "2025-12-11T08:00")
    assert code == 0, err
    assert "incremental: 1 period(s) refreshed, 11 kept closed" in err
    totals = pl.read_csv(out.encode(), schema_overrides={"unit": pl.String})
    assert totals.filter(pl.col("period") == "2025-12").height == 34
    code, _, err = _run(
        "onestop", "refresh", store, *arguments, "--as-of", "2025-12-11T08:00", "--full"
    )
    assert code == 0
    assert err.startswith("full (incremental refresh not asked)")
    code, _, err = _run("onestop", "refresh", store, *arguments, "--as-of", "tomorrow")
    assert code != 0
    assert "`tomorrow` is not a time" in err
    assert "Traceback" not in err
