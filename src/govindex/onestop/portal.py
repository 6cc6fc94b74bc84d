"""Records in the portal's sync layout (HoSoDongBoDVC field names) to dossier rows, with
every problem located by source, line and field.

Field mapping (Vietnamese name → dossier column): MaHoSo → dossier_code, MaTTHC →
procedure_code, DonViXuLy → agency_id (its province comes from the agency tree),
KenhThucHien → channel, TrangThaiHoSo → status, NgayNopHoSo → submitted_at, NgayTiepNhan →
received_at, NgayHenTra → due_at, NgayKetThucXuLy → processed_at (status 9/10), stopped_at (8)
or withdrawn_at (7), NgayTra → returned_at, NgayTuChoi → rejected_at, HinhThuc → result
return method (1 counter, 2 post, 3 online, or those words), HoSoCoThanhPhanSoHoa,
TaiKhoanDuocXacThucVoiVNeID, DuocThanhToanTrucTuyen, NgayDongBo → synced_to_portal_at, and
the nested lists TaiLieuNop (DuocSoHoa, DuocTaiSuDung, DuocLayTuKhoDMQG), DanhSachLePhi (Gia,
HinhThucThu: 1 = cash, anything else non-cash), DanhSachHoSoBoSung (NgayBoSung,
NgayTiepNhanBoSung), DanhSachGiayToKetQua (DuongDanTepTinKetQua), DSKetNoiCSDL and
QuaTrinhXuLy (TrangThai, ThoiDiemXuLy → status events). Times are ``yyyyMMddHHmmss`` (local)
or ISO 8601 (an offset is converted to Viet Nam time).

Examples
--------
>>> row, events, issues = dossier_from_portal(
...     {"MaHoSo": "H1", "MaTTHC": "P5", "DonViXuLy": "A1", "TrangThaiHoSo": 2,
...      "NgayTiepNhan": "20250124093000", "NgayHenTra": "2025-01-20T17:00:00+07:00"},
...     where="batch.jsonl", line=3, agencies={"A1": "22"}, procedures={"P5"})
>>> row is None, issues[0].describe()
(True, 'batch.jsonl, row 3, column `NgayHenTra`: the due time is before reception')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Mapping, Sequence
from typing import Any

from govindex.errors import Issue
from govindex.onestop.records import STATUS_NAMES, to_local_seconds

__all__ = ["dossier_from_portal", "parse_time"]

_COMPACT = re.compile(r"\d{14}")
_RETURN_METHODS = {
    "1": "counter",
    "2": "postal",
    "3": "online",
    "counter": "counter",
    "postal": "postal",
    "online": "online",
}


def parse_time(value: Any) -> int | None:
    """Local seconds of a portal time, ``None`` for empty; raises ValueError when malformed.

    Examples
    --------
    >>> parse_time("20250131235900") == parse_time("2025-01-31T16:59:00Z")
    True
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str):
        msg = f"expected a time string, found {type(value).__name__}"
        raise ValueError(msg)
    text = value.strip()
    if _COMPACT.fullmatch(text):
        return to_local_seconds(dt.datetime.strptime(text, "%Y%m%d%H%M%S"))
    return to_local_seconds(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))


def _flag(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if value in (1, "1", True, "true"):
        return True
    if value in (0, "0", False, "false"):
        return False
    msg = f"expected 0 or 1, found {value!r}"
    raise ValueError(msg)


def _code(value: Any, allowed: Container[int]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        msg = f"expected a code, found {value!r}"
        raise ValueError(msg)
    number = int(value)
    if number not in allowed:
        msg = f"code {number} is not one of the known codes"
        raise ValueError(msg)
    return number


def _items(
    record: Mapping[str, Any], name: str, issues: list[Issue], where: str, line: int
) -> Sequence[Mapping[str, Any]]:
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        issues.append(
            Issue(
                "expected a list of objects",
                where=where,
                row=line,
                column=name,
                found=type(value).__name__,
            )
        )
        return []
    return value


def dossier_from_portal(
    record: Any,
    *,
    where: str,
    line: int,
    agencies: Mapping[str, str],
    procedures: Container[str],
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], list[Issue]]:
    """One sync record to (dossier row or None, status events, issues)."""
    issues: list[Issue] = []
    if not isinstance(record, dict):
        return (
            None,
            [],
            [
                Issue(
                    "a record must be a JSON object",
                    where=where,
                    row=line,
                    found=type(record).__name__,
                )
            ],
        )

    def field(name: str, convert: Any, *args: Any) -> Any:
        try:
            return convert(record.get(name), *args)
        except (ValueError, TypeError, OverflowError) as error:
            issues.append(
                Issue(str(error), where=where, row=line, column=name, found=record.get(name))
            )
            return None

    def text(name: str) -> str | None:
        value = record.get(name)
        if value is None or value == "":
            issues.append(Issue("a value is required", where=where, row=line, column=name))
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            issues.append(
                Issue("expected a text code", where=where, row=line, column=name, found=value)
            )
            return None
        return str(value)

    code = text("MaHoSo")
    procedure = text("MaTTHC")
    agency = text("DonViXuLy")
    status = field("TrangThaiHoSo", _code, STATUS_NAMES)
    if status is None and not any(i.column == "TrangThaiHoSo" for i in issues):
        issues.append(Issue("a value is required", where=where, row=line, column="TrangThaiHoSo"))
    channel = field("KenhThucHien", _code, (1, 2, 3))
    submitted = field("NgayNopHoSo", parse_time)
    received = field("NgayTiepNhan", parse_time)
    due = field("NgayHenTra", parse_time)
    ended = field("NgayKetThucXuLy", parse_time)
    returned = field("NgayTra", parse_time)
    rejected = field("NgayTuChoi", parse_time)
    synced = field("NgayDongBo", parse_time)
    if procedure is not None and procedure not in procedures:
        issues.append(
            Issue(
                "unknown procedure (not in the catalogue)",
                where=where,
                row=line,
                column="MaTTHC",
                found=procedure,
            )
        )
    if agency is not None and agency not in agencies:
        issues.append(
            Issue(
                "unknown agency (not in the agency tree)",
                where=where,
                row=line,
                column="DonViXuLy",
                found=agency,
            )
        )
    if due is not None and received is not None and due < received:
        issues.append(
            Issue(
                "the due time is before reception",
                where=where,
                row=line,
                column="NgayHenTra",
                found=record.get("NgayHenTra"),
                expected=f">= {record.get('NgayTiepNhan')}",
            )
        )
    method_value = record.get("HinhThuc")
    method = None if method_value in (None, "") else _RETURN_METHODS.get(str(method_value))
    if method_value not in (None, "") and method is None:
        issues.append(
            Issue(
                "unknown result-return method",
                where=where,
                row=line,
                column="HinhThuc",
                found=method_value,
                expected="1, 2, 3, counter, postal, online",
            )
        )
    digitised = field("HoSoCoThanhPhanSoHoa", _flag)
    vneid = field("TaiKhoanDuocXacThucVoiVNeID", _flag)
    paid_online = field("DuocThanhToanTrucTuyen", _code, (0, 1, 2))

    components = _items(record, "TaiLieuNop", issues, where, line)
    fees = _items(record, "DanhSachLePhi", issues, where, line)
    supplements = _items(record, "DanhSachHoSoBoSung", issues, where, line)
    results = _items(record, "DanhSachGiayToKetQua", issues, where, line)
    databases = _items(record, "DSKetNoiCSDL", issues, where, line)
    history = _items(record, "QuaTrinhXuLy", issues, where, line)
    reused = 0
    repository = False
    for index, component in enumerate(components):
        try:
            state = int(component.get("DuocSoHoa") or 0)
            reused += int(state in (2, 3) or _flag(component.get("DuocTaiSuDung")) is True)
            repository = repository or _flag(component.get("DuocLayTuKhoDMQG")) is True
            digitised = bool(digitised) or state >= 1
        except (ValueError, TypeError, OverflowError):
            issues.append(
                Issue(
                    "malformed component flags",
                    where=where,
                    row=line,
                    column=f"TaiLieuNop[{index}]",
                )
            )
    fee_total = 0.0
    noncash = False
    for index, fee in enumerate(fees):
        try:
            amount = float(fee.get("Gia") or 0)
        except (ValueError, TypeError, OverflowError):
            issues.append(
                Issue(
                    "fee amount is not a number",
                    where=where,
                    row=line,
                    column=f"DanhSachLePhi[{index}].Gia",
                    found=fee.get("Gia"),
                )
            )
            continue
        if amount < 0:
            issues.append(
                Issue(
                    "fee amount is negative",
                    where=where,
                    row=line,
                    column=f"DanhSachLePhi[{index}].Gia",
                    found=amount,
                )
            )
        fee_total += amount
        noncash = noncash or (amount > 0 and str(fee.get("HinhThucThu") or "1") != "1")
    requests: list[int] = []
    answers: list[int | None] = []
    for index, supplement in enumerate(supplements):
        try:
            asked = parse_time(supplement.get("NgayBoSung"))
            answered = parse_time(supplement.get("NgayTiepNhanBoSung"))
        except (ValueError, TypeError, OverflowError) as error:
            issues.append(
                Issue(str(error), where=where, row=line, column=f"DanhSachHoSoBoSung[{index}]")
            )
            continue
        if asked is not None:
            requests.append(asked)
            answers.append(answered)
    order = sorted(range(len(requests)), key=lambda i: requests[i])
    events: list[dict[str, Any]] = []
    for index, step in enumerate(history):
        try:
            step_status = _code(step.get("TrangThai"), STATUS_NAMES)
            step_at = parse_time(step.get("ThoiDiemXuLy"))
        except (ValueError, TypeError, OverflowError) as error:
            issues.append(Issue(str(error), where=where, row=line, column=f"QuaTrinhXuLy[{index}]"))
            continue
        if step_status is not None and step_at is not None and code is not None:
            events.append(
                {"dossier_code": code, "status": step_status, "at": step_at, "detail": None}
            )
    if issues or code is None:
        return None, [], issues

    def step_time(wanted: int) -> int | None:
        times = [event["at"] for event in events if event["status"] == wanted]
        return min(times) if times else None

    processed = ended if status in (9, 10) else step_time(9)
    row: dict[str, Any] = {
        "dossier_code": code,
        "source_system": record.get("source_system") or "portal-sync",
        "province_code": agencies[str(agency)],
        "agency_id": agency,
        "procedure_code": procedure,
        "channel": channel,
        "status": status,
        "status_at": max(
            [
                t
                for t in (received, ended, returned, rejected, *[e["at"] for e in events])
                if t is not None
            ],
            default=None,
        ),
        "submitted_at": submitted,
        "received_at": received if status not in (1, 3) else None,
        "due_at": due,
        "due_at_original": due,
        "processed_at": processed,
        "returned_at": returned if returned is not None else step_time(10),
        "stopped_at": ended if status == 8 else step_time(8),
        "rejected_at": rejected,
        "withdrawn_at": (ended or step_time(7)) if status == 7 and received is not None else None,
        "supplement_count": len(requests),
        "supplement_requested_at": requests[order[0]] if requests else None,
        "supplement_returned_at": answers[order[0]] if requests else None,
        "supplement_second_requested_at": requests[order[1]] if len(requests) > 1 else None,
        "result_return_method": method,
        "has_e_result": any(bool(result.get("DuongDanTepTinKetQua")) for result in results),
        "has_digitized_components": digitised,
        "reused_components": reused,
        "from_citizen_repository": repository,
        "vneid_authenticated": vneid,
        "population_db": bool(databases),
        "fee_total": fee_total,
        "has_fee_lines": bool(fees),
        "paid_online": paid_online,
        "paid_noncash": noncash or (paid_online in (1, 2)),
        "apology_issued": None,
        "synced_to_portal_at": synced,
    }
    return row, events, []
