"""``govindex diagnose``: one province's PAPI diagnosis, priority list and agency action sheets.

The official record comes from the CSVs bundled with govindex, or from ``--data-dir`` (a
folder such as ``shared/data/papi``); ``--workbook`` adds the indicator rows of the official
workbook. Output is Markdown, JSON, or an XLSX workbook with one action sheet per responsible
agency.
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
    from govindex.official import OfficialWorkbook
    from govindex.spec import IndexSpec

__all__ = ["diagnose", "diagnosis_document", "diagnosis_markdown"]

DiagnoseFormat = Literal["md", "xlsx", "json"]

# The only shipped spec; its indicator tree is PAPI's since 2021, and its directions are
# matched to workbook rows by label, so it serves the earlier workbook years too.
_DIRECTION_SPEC_YEAR = 2024
_BETTER = {1: "higher", -1: "lower"}
_UNKNOWN_DIRECTION = "direction unknown"
# Notes name this many disagreeing values; the JSON `disagreements` list has them all.
_LISTED_DISAGREEMENTS = 10

_MARKDOWN_COLUMNS = (
    ("code", "Item"),
    ("label_en", "Name"),
    ("estimate", "Score"),
    ("better", "Better"),
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


def _has_indicators(diagnosis: Diagnosis) -> bool:
    return "indicator" in diagnosis.items["level"].to_list()


def _with_better(frame: pl.DataFrame, *, indicators: bool) -> pl.DataFrame:
    """Add ``better`` ("higher", "lower" or "direction unknown") when indicators are listed."""
    import polars as pl

    if not indicators or "direction" not in frame.columns:
        return frame
    return frame.with_columns(
        pl.col("direction")
        .replace_strict(_BETTER, default=_UNKNOWN_DIRECTION, return_dtype=pl.String)
        .alias("better")
    )


def diagnosis_markdown(
    diagnosis: Diagnosis,
    responsibility: ResponsibilityMap | None = None,
    workbook: dict[str, Any] | None = None,
) -> str:
    """Render a diagnosis as a Markdown report (items, then priorities, then agencies).

    ``workbook`` is the summary of the indicator rows taken from the official workbook
    (as ``govindex diagnose --workbook`` builds it); its notes close the report.
    """
    from govindex.analysis import action_sheets

    note = diagnosis.note()
    lines = [
        f"# PAPI {diagnosis.year}: {diagnosis.province}",
        "",
        f"{note[0].upper()}{note[1:]} Changes use a two-sided z test where both standard "
        "errors are published; `no_se` means the change is shown untested, `not_comparable` and "
        "`not_published` mean no change can be given. The national mean is the simple mean "
        "of the provincial scores. Groups: 1 best … 4 poor performers.",
        "",
        "## Scores",
        "",
        *_markdown_table(
            _with_better(diagnosis.items, indicators=_has_indicators(diagnosis)),
            _MARKDOWN_COLUMNS,
        ),
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
    if workbook is not None:
        lines.extend(["", "## Indicators from the official workbook", ""])
        lines.append(
            f"`{Path(workbook['file']).name}`: {workbook['indicators']} indicators for "
            f"{diagnosis.year}; sheets read: {', '.join(map(str, workbook['sheets_read']))}. "
            "Where the CSVs and the workbook both publish a value, the CSV value is used."
        )
        lines.append("")
        lines.extend(f"- {note}" for note in workbook["notes"])
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
    diagnosis: Diagnosis,
    responsibility: ResponsibilityMap | None = None,
    workbook: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the diagnosis as a JSON-ready dict.

    With indicators, every item and priority says which way is ``better``: "higher",
    "lower" or "direction unknown" (no rank, group or priority then). ``workbook``, the
    summary of the rows taken from the official workbook, is kept under the key ``workbook``.
    """
    from govindex.analysis import action_sheets

    indicators = _has_indicators(diagnosis)
    document: dict[str, Any] = {
        "province": diagnosis.province,
        "year": diagnosis.year,
        "previous_year": diagnosis.previous_year,
        "baseline_year": diagnosis.baseline_year,
        "comparison_possible": diagnosis.comparable,
        "comparison_unavailable": [
            {"year": year, "role": role} for year, role in diagnosis.unavailable
        ],
        "note": diagnosis.note(),
        "parameters": dict(diagnosis.parameters),
        "items": _with_better(diagnosis.items, indicators=indicators).to_dicts(),
        "priorities": _with_better(diagnosis.priorities, indicators=indicators).to_dicts(),
    }
    if workbook is not None:
        document["workbook"] = workbook
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
        int | None,
        typer.Option(
            "--baseline",
            help="Baseline year (default: the start of the year's government term, e.g. 2021, "
            "as the dashboard and the PDF use).",
        ),
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
    workbook: Annotated[
        Path | None,
        typer.Option(
            "--workbook",
            help="Official PAPI workbook (.xlsm): adds its indicator rows, and any "
            "sub-dimension the CSVs lack, for the years whose sheet it accepts.",
        ),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            help="Index spec whose indicator directions apply to the workbook rows "
            "(default: the shipped PAPI spec).",
        ),
    ] = None,
) -> None:
    """Diagnose a province: scores, ranks, groups, changes and the items needing action."""
    from govindex.analysis import (
        action_sheets,
        default_baseline,
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
    if spec is not None and workbook is None:
        msg = "`--spec` gives the directions of the workbook's indicators; add `--workbook FILE`."
        raise typer.BadParameter(msg, param_hint="'--spec'")
    folder = data_dir if data_dir is not None else _bundled()
    record = load_published_record(folder)
    if baseline is None:
        baseline = default_baseline(year, set(record["year"].to_list()))
    mapping = load_responsibility(responsibility) if responsibility is not None else None
    directions: dict[str, int] = {}
    summary: dict[str, Any] | None = None
    if workbook is not None:
        from govindex.official import combine_record

        book = _read_workbook(workbook, folder)
        combined = combine_record(record, book.values)
        compared = [year - 1 if previous_year is None else previous_year, baseline]
        directions, summary = _workbook_summary(
            record, combined, book, year, [other for other in compared if other is not None], spec
        )
        record = combined
        for note in summary["notes"]:
            typer.echo(f"note: {note}", err=True)
    result = run_diagnosis(
        record,
        province,
        year,
        baseline,
        previous_year=previous_year,
        confidence=confidence,
        directions=directions,
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
        document = diagnosis_document(result, mapping, summary)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = diagnosis_markdown(result, mapping, summary)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote the {result.province} {result.year} diagnosis to {out}", err=True)


def _bundled() -> Path:
    from govindex.official.bundled import bundled_data_dir

    return bundled_data_dir()


def _read_workbook(path: Path, folder: Path) -> OfficialWorkbook:
    from govindex.official import load_province_lookup, read_official_workbook

    # The record's own province lookup, so that workbook headers get the record's spellings.
    return read_official_workbook(path, provinces=load_province_lookup(folder))


def _direction_spec(path: Path | None, year: int) -> tuple[IndexSpec | None, str]:
    """The spec giving indicator directions and a note on where it came from."""
    from govindex.errors import SpecError
    from govindex.spec import load_spec
    from govindex.spec.bundled import default_spec_path

    if path is not None:
        return load_spec(path), str(path)
    for candidate in (year, _DIRECTION_SPEC_YEAR):
        try:
            found = default_spec_path(candidate)
        except SpecError:
            continue
        return load_spec(found), found.name
    return None, "no shipped spec found (pass --spec FILE)"


def _source_value(value: float | None, marker: str | None) -> str:
    return f"{value:g}" if value is not None else f"withheld ({marker or 'blank'})"


def _workbook_summary(
    record: pl.DataFrame,
    combined: pl.DataFrame,
    book: OfficialWorkbook,
    year: int,
    compared: list[int],
    spec_path: Path | None,
) -> tuple[dict[str, int], dict[str, Any]]:
    """Return the directions of ``year``'s workbook indicators and what the workbook adds."""
    import polars as pl

    from govindex.official import indicator_directions, source_disagreements

    values = book.values
    # combine_record appends the workbook rows after the record's own.
    added = combined.slice(record.height)
    codes = sorted(set(values.filter(year=year, level="indicator")["code"].to_list()))
    spec, spec_source = _direction_spec(spec_path, year)
    found = indicator_directions(values, spec, year=year) if spec is not None else {}
    directions = {code: found[code] for code in codes if code in found}
    unknown = [code for code in codes if code not in directions]
    disagreements = source_disagreements(record, values)
    notes = [f"{item.reason} The sheet was refused." for item in book.refused_sheets]
    if year not in book.years:
        notes.append(f"the workbook has no accepted {year} sheet, so no indicator is diagnosed.")
    else:
        notes.extend(
            f"the workbook has no accepted {other} sheet, so indicator changes since {other} "
            "are `not_published`."
            for other in compared
            if other not in book.years
        )
    if unknown:
        notes.append(
            f"direction unknown for {len(unknown)} indicator(s) ({', '.join(unknown)}): "
            f"no match in {spec_source}, so no rank, group, gap to the best or priority."
        )
    if disagreements.height:
        notes.append(
            f"{disagreements.height} value(s) differ between the CSVs and the workbook; the "
            "CSV value is used: "
            + "; ".join(
                f"{row['year']} {row['province']} {row['code']} {row['statistic']}: CSV "
                f"{_source_value(row['record_estimate'], row['record_marker'])}, workbook "
                f"{_source_value(row['workbook_estimate'], row['workbook_marker'])} (sheet "
                f"{row['sheet']}, cell {row['source_column']}{row['source_row']})"
                for row in disagreements.head(_LISTED_DISAGREEMENTS).iter_rows(named=True)
            )
            + ("; …" if disagreements.height > _LISTED_DISAGREEMENTS else "")
            + "."
        )
    summary: dict[str, Any] = {
        "file": str(book.path),
        "sheets_read": list(book.years),
        "refused_sheets": [
            {"sheet": item.sheet, "duplicate_of": item.duplicate_of, "reason": item.reason}
            for item in book.refused_sheets
        ],
        "rows_added": added.group_by("year", "level")
        .agg(pl.len().alias("rows"))
        .sort("year", "level")
        .to_dicts(),
        "indicators": len(codes),
        "directions": {
            "spec": spec_source,
            "higher_is_better": sum(1 for sign in directions.values() if sign > 0),
            "lower_is_better": [code for code, sign in directions.items() if sign < 0],
            "unknown": unknown,
        },
        "disagreements": disagreements.to_dicts(),
        "notes": notes,
    }
    return directions, summary
