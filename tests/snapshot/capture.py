"""Capture every number the dashboard, the open-data API, the downloads and the reports show
for the demo store, in a form that can be stored and compared.

What is captured (``capture(store_path)``):

* the JSON twin of every page for a representative set of addresses: every year's overview,
  dimension and sub-dimension overviews, the 34-unit overview, province profiles (Quảng Ninh and
  Hà Nội in Vietnamese and English, and others), compare, the indicator explorer and the runs;
* every table of several pages as CSV, and the cell values of their XLSX downloads;
* the cell values of the national workbook (``govindex report national``) and the text of the
  province profile report (the HTML the PDF is printed from).

Run ids and creation times differ between builds of the same store, so each run id is replaced
by a stable label (``<published-2024>``, ``<synthetic-2024>``) and creation times are dropped.

``python -m tests.snapshot.capture OUT.json.gz`` writes a snapshot of a freshly built demo store.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import openpyxl

with warnings.catch_warnings():
    # This starlette asks for the `httpx2` fork of httpx on import; the test client works
    # with httpx as installed.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

YEARS = range(2011, 2025)
SYNTHETIC = "<synthetic-2024>"
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# The day a workbook was made, as its README sheet signs it ("govindex 0.1.0 · 2026-12-07").
_SIGNED = re.compile(r"(govindex \S+ · )\d{4}-\d{2}-\d{2}")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
# The keys whose values change with the moment a store is built, not with its numbers.
_VOLATILE_KEYS = frozenset({"created_at"})


def _query(**parameters: Any) -> str:
    pairs: list[tuple[str, Any]] = []
    for key, value in parameters.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, item) for item in value)
        else:
            pairs.append((key, value))
    return urlencode(pairs)


def page_addresses(synthetic_run: str) -> list[str]:
    """The page paths (with query) whose JSON twins are captured."""
    run = synthetic_run
    paths: list[str] = ["/runs"]
    for year in YEARS:
        paths.append(f"/overview?{_query(year=year)}")
    paths += [
        f"/overview?{_query(year=2024, lang='en')}",
        f"/overview?{_query(year=2018, level='dimension', code='3')}",
        f"/overview?{_query(year=2016, level='dimension', code='6')}",
        f"/overview?{_query(year=2023, level='subdimension', code='4.1')}",
        f"/overview?{_query(year=2024, level='subdimension', code='4.1')}",  # not published: 404
        f"/overview?{_query(year=2024, geo='34')}",
        f"/overview?{_query(year=2024, geo='34', level='dimension', code='3', lang='en')}",
        f"/overview?{_query(year=2023, geo='34')}",
        f"/overview?{_query(run=run)}",
        f"/overview?{_query(run=run, level='indicator', code='4.1.2')}",
        f"/overview?{_query(run=run, geo='34', level='dimension', code='5')}",
    ]
    paths += [
        f"/overview?{_query(year=2024, level='dimension', code=str(code))}" for code in range(1, 9)
    ]
    profiles = [
        ("Quảng Ninh", {"year": 2024}),
        ("Quảng Ninh", {"year": 2024, "lang": "en"}),
        ("Quang Ninh", {"year": 2023}),
        ("Quảng Ninh", {"year": 2018}),
        ("Quảng Ninh", {"year": 2015}),
        ("Hà Nội", {"year": 2024}),
        ("Hà Nội", {"year": 2024, "lang": "en"}),
        ("ha-noi", {"year": 2020}),
        ("Hà Nội", {"run": run}),
        ("Quảng Ninh", {"run": run, "lang": "en"}),
        ("Hồ Chí Minh", {"year": 2024}),
        ("Điện Biên", {"year": 2022}),
        ("Bắc Ninh", {"year": 2011}),
    ]
    paths += [f"/province/{name}?{_query(**parameters)}" for name, parameters in profiles]
    comparisons: list[dict[str, Any]] = [
        {"province": ["Hà Nội", "Quảng Ninh", "Đà Nẵng"], "year": 2024},
        {"province": ["Hà Nội", "Quảng Ninh"], "year": 2023, "level": "subdimension", "lang": "en"},
        {"province": ["Hà Nội", "Quảng Ninh"], "year": 2024, "level": "subdimension"},  # 404
        {"province": ["Hà Nội", "Hồ Chí Minh"], "year": 2019},
        {"province": ["Hà Nội", "Quảng Ninh"], "run": run, "level": "indicator"},
    ]
    paths += [f"/compare?{_query(**parameters)}" for parameters in comparisons]
    explorers: list[dict[str, Any]] = [
        {},
        {"level": "dimension", "code": "3"},
        {"level": "subdimension", "code": "4.1", "lang": "en"},
        {"run": run, "level": "indicator", "code": "4.1.2"},
    ]
    paths += [f"/indicator?{_query(**parameters)}" for parameters in explorers]
    return paths


def download_addresses(synthetic_run: str) -> list[str]:
    """The pages whose every table is captured as CSV and whose XLSX cells are captured."""
    return [
        f"/overview?{_query(year=2024)}",
        f"/overview?{_query(year=2024, geo='34')}",
        f"/overview?{_query(run=synthetic_run)}",
        f"/province/Quảng Ninh?{_query(year=2024)}",
        f"/province/Hà Nội?{_query(year=2024, lang='en')}",
        f"/compare?{_query(province=['Hà Nội', 'Quảng Ninh'], year=2024)}",
        f"/indicator?{_query(level='dimension', code='3')}",
        "/runs",
    ]


def _twin(path: str, suffix: str, extra: dict[str, Any] | None = None) -> str:
    page, _, query = path.partition("?")
    more = _query(**extra) if extra else ""
    joined = "&".join(part for part in (query, more) if part)
    return f"{page}.{suffix}" + (f"?{joined}" if joined else "")


def _run_labels(client: TestClient) -> dict[str, str]:
    runs = client.get("/runs.json").json()["tables"]["runs"]["rows"]
    labels: dict[str, str] = {}
    for row in runs:
        kind = "synthetic" if row["synthetic"] else str(row["kind"])
        labels[str(row["run_id"])] = f"<{kind}-{row['year']}>"
    if len(set(labels.values())) != len(labels):
        msg = f"run labels are not unique: {labels}"
        raise AssertionError(msg)
    return labels


def _stable_text(text: str, labels: dict[str, str]) -> str:
    for run_id, label in labels.items():
        # Reports quote a run by the first eight characters of its id.
        text = text.replace(run_id, label).replace(run_id[:8], label)
    return _SIGNED.sub(r"\1<date>", _TIMESTAMP.sub("<time>", text))


def stable(value: Any, labels: dict[str, str]) -> Any:
    """``value`` with run ids replaced by labels and creation times dropped."""
    if isinstance(value, dict):
        return {
            key: stable(item, labels) for key, item in value.items() if key not in _VOLATILE_KEYS
        }
    if isinstance(value, list):
        return [stable(item, labels) for item in value]
    if isinstance(value, str):
        return _stable_text(value, labels)
    return value


def _xlsx_cells(content: bytes) -> dict[str, list[list[Any]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheets: dict[str, list[list[Any]]] = {}
    for sheet in workbook.worksheets:
        sheets[sheet.title] = [
            [cell.isoformat() if hasattr(cell, "isoformat") else cell for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    workbook.close()
    return sheets


def _report_text(html: str) -> str:
    # The text a reader sees (styles and scripts dropped), with the generation date removed.
    body = re.sub(r"<style.*?</style>|<script.*?</script>", " ", html, flags=re.DOTALL)
    text = _SPACE.sub(" ", _TAG.sub(" ", body)).strip()
    return _DATE.sub("<date>", text)


def _answer(client: TestClient, url: str) -> tuple[int, Any]:
    response = client.get(url)
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        return response.status_code, response.json()
    if "csv" in kind:
        return response.status_code, list(csv.reader(io.StringIO(response.text)))
    if "spreadsheet" in kind:
        return response.status_code, _xlsx_cells(response.content)
    return response.status_code, response.text


def capture(store_path: Path) -> dict[str, Any]:
    """Every captured answer of the demo store at ``store_path``, keyed by what it is."""
    from govindex.reports import national_workbook, profile_html
    from govindex.views import Dashboard
    from govindex.web import create_app

    dashboard = Dashboard.open(store_path)
    client = TestClient(create_app(dashboard))
    labels = _run_labels(client)
    synthetic_run = next(run for run, label in labels.items() if label == SYNTHETIC)
    found: dict[str, Any] = {}

    def keep(key: str, status: int, body: Any) -> None:
        found[_stable_text(key, labels)] = {"status": status, "body": stable(body, labels)}

    for path in page_addresses(synthetic_run):
        url = _twin(path, "json")
        keep(url, *_answer(client, url))
    for path in download_addresses(synthetic_run):
        status, twin = _answer(client, _twin(path, "json"))
        tables = list(twin.get("tables", {})) if status == 200 else []
        for table in tables:
            url = _twin(path, "csv", {"table": table})
            keep(url, *_answer(client, url))
        url = _twin(path, "xlsx")
        keep(url, *_answer(client, url))
    with tempfile.TemporaryDirectory() as folder:
        for language in ("vi", "en"):
            for run_id in (None, synthetic_run):
                target = Path(folder) / f"national-{language}.xlsx"
                national_workbook(
                    dashboard, year=2024, run_id=run_id, language=language, path=target
                )
                key = f"report national --year 2024 --lang {language} --run {run_id}"
                keep(key, 200, _xlsx_cells(target.read_bytes()))
    for province, language, run_id in (
        ("Hà Nội", "vi", None),
        ("Quảng Ninh", "en", None),
        ("Quảng Ninh", "vi", synthetic_run),
    ):
        html = profile_html(
            dashboard,
            province,
            year=2024 if run_id is None else None,
            run_id=run_id,
            language=language,
        )
        key = f"report {province} --year 2024 --lang {language} --run {run_id}"
        keep(key, 200, _report_text(html))
    return found


def write_snapshot(found: dict[str, Any], path: Path) -> None:
    """Store ``found`` as gzip JSON (keys sorted, so a rebuild gives the same bytes)."""
    text = json.dumps(found, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", mtime=0) as stream:
        stream.write(text.encode("utf-8"))


def read_snapshot(path: Path) -> dict[str, Any]:
    """A snapshot written by :func:`write_snapshot`."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        loaded: dict[str, Any] = json.load(stream)
    # Snapshots taken before the signing day was left out still carry it.
    return _unsigned(loaded)


def _unsigned(value: Any) -> Any:
    """``value`` with the day a workbook was signed on replaced, as :func:`stable` does."""
    if isinstance(value, dict):
        return {key: _unsigned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unsigned(item) for item in value]
    if isinstance(value, str):
        return _SIGNED.sub(r"\1<date>", value)
    return value


def differences(before: Any, after: Any, where: str = "", tolerance: float = 1e-9) -> Iterator[str]:
    """Each place where ``after`` differs from ``before`` (floats within a relative tolerance)."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            if key not in after:
                yield f"{where}/{key}: missing after"
            elif key not in before:
                yield f"{where}/{key}: new after"
            else:
                yield from differences(before[key], after[key], f"{where}/{key}", tolerance)
        return
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            yield f"{where}: {len(before)} items before, {len(after)} after"
            return
        for index, (first, second) in enumerate(zip(before, after, strict=True)):
            yield from differences(first, second, f"{where}[{index}]", tolerance)
        return
    both_numbers = all(
        isinstance(item, (int, float)) and not isinstance(item, bool) for item in (before, after)
    )
    if both_numbers:
        if before != after and abs(before - after) > tolerance * max(abs(before), abs(after)):
            yield f"{where}: {before!r} before, {after!r} after"
        return
    if before != after:
        yield f"{where}: {before!r} before, {after!r} after"


def main(target: str) -> None:
    """Build the demo store in a temporary folder and write its snapshot to ``target``."""
    from govindex.application.demo import build_demo

    with tempfile.TemporaryDirectory() as folder:
        store = build_demo(Path(folder) / "store.duckdb", Path(folder) / "files").store_path
        write_snapshot(capture(store), Path(target))


if __name__ == "__main__":
    main(sys.argv[1])
