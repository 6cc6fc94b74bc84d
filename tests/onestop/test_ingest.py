"""Ingest: the portal's sync layout, checks located by file/line/field, all-or-nothing
batches, idempotent and order-independent upserts, and a fuzz test over malformed input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govindex.errors import DataValidationError, SpecError
from govindex.onestop.profile import parse_profile
from govindex.onestop.records import to_local_seconds
from govindex.onestop_engines.ingest import ingest_files
from govindex.onestop_engines.store import RecordStore

from .builders import AGENCIES, CALENDAR, PROCEDURES


def _store(folder: Path) -> RecordStore:
    store = RecordStore(folder)
    store.write("procedures", PROCEDURES)
    store.write("agencies", AGENCIES)
    return store


def _record(code: str = "H1", **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "MaHoSo": code,
        "MaTTHC": "P5",
        "DonViXuLy": "A1",
        "KenhThucHien": 2,
        "TrangThaiHoSo": 4,
        "NgayNopHoSo": "20250303080000",
        "NgayTiepNhan": "20250303083000",
        "NgayHenTra": "2025-03-10T17:00:00+07:00",
    }
    record.update(fields)
    return record


def _write(path: Path, records: list[Any]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_portal_layout_with_nested_lists_is_loaded(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    record = _record(
        TrangThaiHoSo=10,
        NgayKetThucXuLy="20250307100000",
        NgayTra="20250307150000",
        HinhThuc=2,
        TaiLieuNop=[{"MaThanhPhanHoSo": "TP1", "DuocSoHoa": 2, "DuocLayTuKhoDMQG": 1}],
        DanhSachLePhi=[{"MaPhiLePhi": "L1", "Gia": 50000, "HinhThucThu": 2}],
        DanhSachHoSoBoSung=[
            {"NgayBoSung": "20250304090000", "NgayTiepNhanBoSung": "20250305090000"}
        ],
        DanhSachGiayToKetQua=[
            {"TenGiayTo": "KQ", "DuongDanTepTinKetQua": "https://example.invalid/kq.pdf"}
        ],
        QuaTrinhXuLy=[
            {"TrangThai": 4, "ThoiDiemXuLy": "20250303090000"},
            {"TrangThai": 9, "ThoiDiemXuLy": "20250307100000"},
        ],
    )
    report = ingest_files(store, [_write(tmp_path / "batch.jsonl", [record])], CALENDAR)
    assert (report.records, report.loaded, report.left_out, report.events) == (1, 1, 0, 2)
    row = store.read("dossiers").row(0, named=True)
    assert row["province_code"] == "22"
    assert row["processed_at"] == to_local_seconds(dt.datetime(2025, 3, 7, 10))
    assert row["result_return_method"] == "postal"
    assert (row["reused_components"], row["from_citizen_repository"], row["has_e_result"]) == (
        1,
        True,
        True,
    )
    assert (row["fee_total"], row["paid_noncash"], row["supplement_count"]) == (50000.0, True, 1)
    assert row["supplement_returned_at"] == to_local_seconds(dt.datetime(2025, 3, 5, 9))
    assert row["month"] == "2025-03"
    assert store.read("events").height == 2


def test_every_problem_is_located_and_nothing_is_loaded(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    path = _write(
        tmp_path / "bad.jsonl",
        [
            _record("ok"),
            "{not json",
            _record("agency", DonViXuLy="nowhere"),
            _record("procedure", MaTTHC="P404"),
            _record("due", NgayHenTra="20250301170000"),
            _record("status", TrangThaiHoSo=11),
            _record("dup", MaTTHC="P5"),
            _record("dup", MaTTHC="H8"),
            "[1, 2]",
        ],
    )
    with pytest.raises(DataValidationError) as raised:
        ingest_files(store, [path], CALENDAR)
    described = [issue.describe() for issue in raised.value.issues]
    assert described == [
        "bad.jsonl, row 2: not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        "bad.jsonl, row 3, column `DonViXuLy`: unknown agency (not in the agency tree)",
        "bad.jsonl, row 4, column `MaTTHC`: unknown procedure (not in the catalogue)",
        "bad.jsonl, row 5, column `NgayHenTra`: the due time is before reception",
        "bad.jsonl, row 6, column `TrangThaiHoSo`: code 11 is not one of the known codes",
        "bad.jsonl, row 9: a record must be a JSON object",
        "bad.jsonl, row 8, column `procedure_code`: dossier dup conflicts with bad.jsonl line 7",
    ]
    assert store.files("dossiers") == []
    report = ingest_files(store, [path], CALENDAR, allow_invalid=True)
    assert (report.loaded, report.left_out) == (1, 8)
    assert store.read("dossiers")["dossier_code"].to_list() == ["ok"]


def test_upserts_are_idempotent_and_accept_late_out_of_order_records(tmp_path: Path) -> None:
    received = _record("H1", TrangThaiHoSo=4)
    finished = _record("H1", TrangThaiHoSo=9, NgayKetThucXuLy="20250307100000")
    first = _write(tmp_path / "first.jsonl", [finished])
    late = _write(tmp_path / "late.jsonl", [received])
    forward = _store(tmp_path / "forward")
    ingest_files(forward, [first], CALENDAR)
    ingest_files(forward, [late], CALENDAR)  # an older state arriving late
    backward = _store(tmp_path / "backward")
    ingest_files(backward, [late], CALENDAR)
    ingest_files(backward, [first], CALENDAR)
    ingest_files(backward, [first], CALENDAR)  # the same batch again
    one = forward.read("dossiers")
    assert one.height == 1
    assert one["status"].item() == 9
    assert one["processed_at"].item() == to_local_seconds(dt.datetime(2025, 3, 7, 10))
    assert one.equals(backward.read("dossiers"))


def test_csv_with_portal_field_names(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    path = tmp_path / "batch.csv"
    pl.DataFrame(
        [
            {k: str(v) for k, v in _record("C1").items()},
            {k: str(v) for k, v in _record("C2", KenhThucHien="").items()},
        ]
    ).write_csv(path)
    report = ingest_files(store, [path], CALENDAR)
    assert report.loaded == 2
    assert store.read("dossiers").sort("dossier_code")["channel"].to_list() == [2, None]


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 20),
    st.text(max_size=16),
    st.sampled_from(
        [
            "20250303080000",
            "2025-13-01",
            "2025-03-03T08:00:00+07:00",
            "P5",
            "A1",
            "x" * 40,
            "0001-01-01T00:00:00+14:00",
        ]
    ),
    st.lists(
        st.dictionaries(
            st.sampled_from(["Gia", "DuocSoHoa", "NgayBoSung", "TrangThai", "ThoiDiemXuLy"]),
            st.one_of(st.none(), st.integers(-3, 5), st.text(max_size=8)),
            max_size=3,
        ),
        max_size=3,
    ),
)
_fields = [
    "MaHoSo",
    "MaTTHC",
    "DonViXuLy",
    "KenhThucHien",
    "TrangThaiHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "DanhSachLePhi",
    "TaiLieuNop",
    "DanhSachHoSoBoSung",
    "QuaTrinhXuLy",
    "HinhThuc",
]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutations=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(_fields), _values), max_size=6),
    garbage=st.lists(st.text(max_size=30), max_size=2),
)
def test_fuzzed_records_fail_cleanly_and_never_half_load(
    tmp_path_factory: pytest.TempPathFactory,
    mutations: list[tuple[int, str, Any]],
    garbage: list[str],
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    store = _store(folder / "store")
    records: list[Any] = [_record(f"F{n}") for n in range(4)]
    for index, name, value in mutations:
        records[index][name] = value
    lines = [json.dumps(record) for record in records] + [g.replace("\n", " ") for g in garbage]
    path = folder / "fuzz.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failure: DataValidationError | None = None
    try:
        report = ingest_files(store, [path], CALENDAR)
    except DataValidationError as error:
        failure = error
    if failure is not None:
        assert failure.issues
        assert all(issue.where == "fuzz.jsonl" for issue in failure.issues)
        assert store.files("dossiers") == []
    else:
        assert report.left_out == 0
        assert store.read("dossiers").height == report.loaded


_PROFILE = (
    Path(__file__).parents[2]
    / "src"
    / "govindex"
    / "onestop"
    / "profiles"
    / "qd766-dvcqg-2026.yaml"
).read_text(encoding="utf-8")


# A bad option value, once found only when the profile was resolved.
@example(position=_PROFILE.index("award: exclude") + len("award: "), length=1, insert="")
@settings(max_examples=40, deadline=None)
@given(
    position=st.integers(0, len(_PROFILE) - 1),
    length=st.integers(1, 40),
    insert=st.text(max_size=12),
)
def test_fuzzed_profiles_fail_with_a_spec_error(position: int, length: int, insert: str) -> None:
    text = _PROFILE[:position] + insert + _PROFILE[position + length :]
    failure: SpecError | None = None
    try:
        profile = parse_profile(text, "fuzz.yaml")
    except SpecError as error:
        failure = error
    if failure is not None:
        assert failure.message.startswith("fuzz.yaml")
    else:
        profile.resolve()
