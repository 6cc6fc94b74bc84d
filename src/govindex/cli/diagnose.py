"""``govindex diagnose``: one province's PAPI diagnosis, priority list and agency action sheets.

The official record comes from the CSVs bundled with govindex, or from ``--data-dir`` (a
folder such as ``shared/data/papi``). Output is Markdown, JSON, or an XLSX workbook with
one action sheet per responsible agency.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from govindex.errors import SpecError

if TYPE_CHECKING:
    import polars as pl

    from govindex.analysis import Diagnosis, ResponsibilityMap

__all__ = ["diagnose", "diagnosis_document", "diagnosis_markdown"]

DiagnoseFormat = Literal["md", "xlsx", "json"]

_MARKDOWN_COLUMNS = (
    ("code", "Item"),
    ("label_en", "Name"),
    ("value", "Score"),
    ("rank", "Rank"),
    ("group", "Group"),
    ("gap_to_mean", "Gap to mean"),
    ("gap_to_best", "Gap to best"),
    ("previous_change", "Change (previous)"),
    ("previous_status", "Status (previous)"),
    ("baseline_change", "Change (baseline)"),
    ("baseline_status", "Status (baseline)"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.4f}"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value).replace("|", "/")


def _markdown_table(frame: pl.DataFrame, columns: tuple[tuple[str, str], ...]) -> list[str]:
    present = [(name, title) for name, title in columns if name in frame.columns]
    lines = [
        "| " + " | ".join(title for _, title in present) + " |",
        "|" + "|".join("---" for _ in present) + "|",
    ]
    for row in frame.iter_rows(named=True):
        lines.append("| " + " | ".join(_cell(row[name]) for name, _ in present) + " |")
    return lines


def diagnosis_markdown(
    diagnosis: Diagnosis, responsibility: ResponsibilityMap | None = None
) -> str:
    """Render a diagnosis as a Markdown report (items, then priorities, then agencies)."""
    from govindex.analysis import action_sheets

    baseline = f", baseline {diagnosis.baseline_year}" if diagnosis.baseline_year else ""
    lines = [
        f"# PAPI {diagnosis.year}: {diagnosis.province}",
        "",
        f"Compared with {diagnosis.previous_year}{baseline}. Changes are tested with a two-sided "
        f"z test at {diagnosis.parameters['confidence']:.0%} where both standard errors are "
        "published; `no_se` means the change is shown untested, `not_comparable` and "
        "`not_published` mean no change can be given. The national mean is the simple mean "
        "of the provincial scores. Groups: 1 best … 4 poor performers.",
        "",
        "## Scores",
        "",
        *_markdown_table(diagnosis.items, _MARKDOWN_COLUMNS),
        "",
        "## Priorities (declined or in the lowest group)",
        "",
    ]
    if diagnosis.priorities.height:
        lines.extend(
            _markdown_table(
                diagnosis.priorities,
                (("tier", "Tier"), ("code", "Item"), ("label_en", "Name"), ("reasons", "Why")),
            )
        )
    else:
        lines.append("No item declined or sits in the lowest group.")
    if responsibility is not None:
        lines.extend(["", "## Action sheets by agency", ""])
        for agency, sheet in action_sheets(diagnosis.priorities, responsibility).items():
            lines.extend([f"### {agency}", ""])
            lines.extend(
                _markdown_table(
                    sheet, (("code", "Item"), ("item_en", "Name"), ("why_listed", "Why"))
                )
            )
            lines.append("")
    notes = {
        str(row["code"]): row["previous_reason"]
        for row in diagnosis.items.iter_rows(named=True)
        if row.get("previous_status") == "not_comparable"
    }
    if notes:
        lines.extend(["", "## Not comparable", ""])
        lines.extend(f"- `{code}`: {reason}" for code, reason in notes.items())
    return "\n".join(lines).rstrip() + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def diagnosis_document(
    diagnosis: Diagnosis, responsibility: ResponsibilityMap | None = None
) -> dict[str, Any]:
    """Return the diagnosis as a JSON-ready dict."""
    from govindex.analysis import action_sheets

    document: dict[str, Any] = {
        "province": diagnosis.province,
        "year": diagnosis.year,
        "previous_year": diagnosis.previous_year,
        "baseline_year": diagnosis.baseline_year,
        "parameters": dict(diagnosis.parameters),
        "items": diagnosis.items.to_dicts(),
        "priorities": diagnosis.priorities.to_dicts(),
    }
    if responsibility is not None:
        document["action_sheets"] = {
            agency: sheet.to_dicts()
            for agency, sheet in action_sheets(diagnosis.priorities, responsibility).items()
        }
    return {key: _jsonable(value) for key, value in document.items()}


def diagnose(
    province: Annotated[
        str, typer.Argument(help="Province name (old or 2025, diacritics optional).")
    ],
    year: Annotated[int, typer.Option("--year", help="Year to diagnose.")],
    baseline: Annotated[
        int | None, typer.Option("--baseline", help="Baseline year, e.g. 2021 (term start).")
    ] = None,
    previous_year: Annotated[
        int | None, typer.Option("--previous-year", help="Year compared with (default: year - 1).")
    ] = None,
    confidence: Annotated[
        float, typer.Option("--confidence", help="Two-sided level of the change tests.")
    ] = 0.90,
    responsibility: Annotated[
        Path | None,
        typer.Option("--responsibility", help="YAML file assigning item codes to agencies."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="Output format: md, xlsx or json.")
    ] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Folder of the official PAPI CSVs (default: bundled)."),
    ] = None,
) -> None:
    """Diagnose a province: scores, ranks, groups, changes and the items needing action."""
    from govindex.analysis import (
        action_sheets,
        load_responsibility,
        write_action_workbook,
    )
    from govindex.analysis import (
        diagnose as run_diagnosis,
    )
    from govindex.official import load_published_record

    if output_format not in ("md", "xlsx", "json"):
        msg = f"`--format` must be one of md, xlsx, json. Got {output_format!r} instead."
        raise typer.BadParameter(msg, param_hint="'--format'")
    folder = data_dir if data_dir is not None else _bundled()
    record = load_published_record(folder)
    mapping = load_responsibility(responsibility) if responsibility is not None else None
    result = run_diagnosis(
        record, province, year, baseline, previous_year=previous_year, confidence=confidence
    )
    if output_format == "xlsx":
        from govindex.analysis import parse_responsibility

        if out is None:
            msg = "`--format xlsx` needs `--out FILE.xlsx`."
            raise SpecError(msg, expected="--out")
        sheets = action_sheets(
            result.priorities,
            mapping or parse_responsibility({"agencies": {}, "assignments": {}}),
        )
        title = f"PAPI {result.year} – {result.province}: items to act on"
        write_action_workbook(sheets, out, title=title, responsibility=mapping)
        typer.echo(f"wrote {len(sheets)} action sheet(s) to {out}", err=True)
        return
    if output_format == "json":
        text = json.dumps(diagnosis_document(result, mapping), indent=2, ensure_ascii=False) + "\n"
    else:
        text = diagnosis_markdown(result, mapping)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote the {result.province} {result.year} diagnosis to {out}", err=True)


def _bundled() -> Path:
    from govindex.official.bundled import bundled_data_dir

    return bundled_data_dir()
