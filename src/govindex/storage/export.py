"""Write a stored run's tables and manifest to CSV, Parquet or one Excel workbook."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from govindex.errors import StorageError
from govindex.manifest import RunManifest
from govindex.spreadsheet_cells import InertWorkbook, neutralise_frame, neutralise_row

__all__ = ["EXPORT_FORMATS", "write_export"]

EXPORT_FORMATS = ("csv", "parquet", "xlsx")
# Excel caps sheet names at 31 characters.
_SHEET_NAME_LIMIT = 31


def write_export(
    manifest: RunManifest, tables: Mapping[str, pl.DataFrame], path: Path, format: str
) -> tuple[Path, ...]:
    """Write ``tables`` (``scores`` first) and ``manifest`` to ``path``; return the files written.

    Examples
    --------
    >>> manifest = store.list_runs(kind="published")[0]
    >>> scores = store.query_scores(run_id=manifest.run_id)
    >>> [file.name for file in write_export(manifest, {"scores": scores}, tmp_path / "run.xlsx", "xlsx")]
    ['run.xlsx']
    """
    if format not in EXPORT_FORMATS:
        msg = f"export format {format!r} is not supported; expected one of {', '.join(EXPORT_FORMATS)}."
        raise StorageError(msg, found=format, expected=EXPORT_FORMATS)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if format == "xlsx":
            return (_write_workbook(manifest, tables, path),)
        return _write_files(manifest, tables, path, format)
    except OSError as error:
        msg = f"could not write the export of run `{manifest.run_id}` to {path} ({error})."
        raise StorageError(msg, where=str(path), found=manifest.run_id) from error


def _write_files(
    manifest: RunManifest, tables: Mapping[str, pl.DataFrame], path: Path, format: str
) -> tuple[Path, ...]:
    written = []
    stem = path.name.removesuffix(f".{format}")
    for name, frame in tables.items():
        target = path if name == "scores" else path.with_name(f"{stem}.{name}.{format}")
        if format == "csv":
            neutralise_frame(frame).write_csv(target)
        else:
            frame.write_parquet(target, metadata={"govindex_manifest": manifest.to_json()})
        written.append(target)
    manifest_file = path.with_name(f"{stem}.manifest.json")
    manifest_file.write_text(manifest.to_json() + "\n", encoding="utf-8")
    written.append(manifest_file)
    return tuple(written)


def _write_workbook(manifest: RunManifest, tables: Mapping[str, pl.DataFrame], path: Path) -> Path:
    workbook = InertWorkbook(str(path), {"nan_inf_to_errors": True})
    try:
        for name, frame in tables.items():
            neutralise_frame(frame).write_excel(
                workbook, worksheet=name[:_SHEET_NAME_LIMIT], autofit=False
            )
        sheet = workbook.add_worksheet("manifest")
        sheet.write_row(0, 0, ["field", "value"])
        for row, (field, value) in enumerate(_manifest_rows(manifest), start=1):
            sheet.write_row(row, 0, neutralise_row([field, value]))
    finally:
        workbook.close()
    return path


def _manifest_rows(manifest: RunManifest) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for field, value in manifest.to_dict().items():
        if isinstance(value, dict):
            rows.extend((f"{field}.{key}", _cell(item)) for key, item in value.items())
        else:
            rows.append((field, _cell(value)))
    return rows


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return "" if value is None else value
    return json.dumps(value)
