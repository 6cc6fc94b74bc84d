"""One province's PAPI diagnosis, priority list and agency action sheets, from the record.

The official record comes from the CSVs bundled with govindex, or from a folder such as
``shared/data/papi``; an official workbook adds its indicator rows. The diagnosis is
rendered as Markdown, a JSON-ready document, or an XLSX workbook with one action sheet per
responsible agency. The dashboard's profile shows the same diagnosis: both call
:func:`govindex.analysis.diagnose` with the same default baseline rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from govindex.application.progress import ProgressCallback, report_step
from govindex.errors import SpecError
from govindex.i18n import Language, translate

if TYPE_CHECKING:
    import polars as pl

    from govindex.analysis import Diagnosis, ResponsibilityMap
    from govindex.official import OfficialWorkbook
    from govindex.spec import IndexSpec

__all__ = [
    "DiagnosisOutcome",
    "DiagnosisRequest",
    "WorkbookSummary",
    "diagnose",
    "diagnosis_document",
    "diagnosis_markdown",
    "priority_legend",
    "write_diagnosis_workbook",
]


class WorkbookDirections(TypedDict):
    """Where the workbook indicators' directions came from, and what they are."""

    spec: str
    higher_is_better: int
    lower_is_better: list[str]
    unknown: list[str]


class WorkbookSummary(TypedDict):
    """What the official workbook adds to the record (the JSON key ``workbook``)."""

    file: str
    sheets_read: list[int]
    refused_sheets: list[dict[str, str | int | None]]
    rows_added: list[dict[str, object]]
    indicators: int
    directions: WorkbookDirections
    disagreements: list[dict[str, object]]
    notes: list[str]


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


def priority_legend(language: Language) -> str:
    """What the priority numbers 1-5 mean, in ``language`` (the words of page, PDF and CLI).

    Examples
    --------
    >>> priority_legend("en")[:60]
    'Priority 1 is the most urgent: 1 = lowest group and a signif'
    """
    tiers = {f"tier{tier}": translate(f"tier.{tier}", language) for tier in range(1, 6)}
    return translate("priority.legend", language).format(**tiers)


def diagnosis_markdown(
    diagnosis: Diagnosis,
    responsibility: ResponsibilityMap | None = None,
    workbook: WorkbookSummary | None = None,
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
                (("tier", "Priority"), ("code", "Item"), ("label_en", "Name"), ("reasons", "Why")),
            )
        )
        lines.extend(["", priority_legend("en")])
    elif not diagnosis.comparable:
        # The note above names the missing years; "nothing declined" would read "all good".
        lines.append(translate("report.priorities.none_in_lowest", "en"))
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
    workbook: WorkbookSummary | None = None,
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


@dataclass(frozen=True)
class DiagnosisRequest:
    """What to diagnose and from which sources; every choice is explicit.

    ``baseline`` ``None`` means the start of the year's government term (as the dashboard
    and the PDF use); ``previous_year`` ``None`` means ``year - 1``.
    """

    province: str
    year: int
    baseline: int | None = None
    previous_year: int | None = None
    confidence: float = 0.90
    responsibility: Path | None = None
    data_dir: Path | None = None
    workbook: Path | None = None
    spec: Path | None = None


@dataclass(frozen=True)
class DiagnosisOutcome:
    """A diagnosis with the agency map and the workbook summary it was made with."""

    diagnosis: Diagnosis
    responsibility: ResponsibilityMap | None = None
    workbook: WorkbookSummary | None = None
    notes: tuple[str, ...] = field(default=())

    def markdown(self) -> str:
        """The diagnosis as a Markdown report."""
        return diagnosis_markdown(self.diagnosis, self.responsibility, self.workbook)

    def document(self) -> dict[str, Any]:
        """The diagnosis as a JSON-ready dict."""
        return diagnosis_document(self.diagnosis, self.responsibility, self.workbook)


def diagnose(
    request: DiagnosisRequest, *, progress: ProgressCallback | None = None
) -> DiagnosisOutcome:
    """Diagnose a province: scores, ranks, groups, changes and the items needing action.

    Examples
    --------
    >>> outcome = diagnose(DiagnosisRequest("Ha Noi", 2024))
    >>> outcome.diagnosis.previous_year, outcome.diagnosis.baseline_year
    (2023, 2021)
    """
    from govindex.analysis import default_baseline, load_responsibility
    from govindex.analysis import diagnose as run_diagnosis
    from govindex.official import load_published_record

    if request.spec is not None and request.workbook is None:
        msg = "`--spec` gives the directions of the workbook's indicators; add `--workbook FILE`."
        raise SpecError(msg, where="--spec", expected="--workbook FILE")
    report_step(progress, "reading the official record")
    folder = request.data_dir if request.data_dir is not None else _bundled()
    record = load_published_record(folder)
    year = request.year
    baseline = request.baseline
    if baseline is None:
        baseline = default_baseline(year, set(record["year"].to_list()))
    mapping = (
        load_responsibility(request.responsibility) if request.responsibility is not None else None
    )
    directions: dict[str, int] = {}
    summary: WorkbookSummary | None = None
    notes: tuple[str, ...] = ()
    if request.workbook is not None:
        from govindex.official import combine_record

        report_step(progress, "reading the official workbook")
        book = _read_workbook(request.workbook, folder)
        combined = combine_record(record, book.values)
        previous = year - 1 if request.previous_year is None else request.previous_year
        compared = [other for other in (previous, baseline) if other is not None]
        directions, summary = _workbook_summary(
            record, combined, book, year, compared, request.spec
        )
        record = combined
        notes = tuple(summary["notes"])
    report_step(progress, "diagnosing")
    result = run_diagnosis(
        record,
        request.province,
        year,
        baseline,
        previous_year=request.previous_year,
        confidence=request.confidence,
        directions=directions,
    )
    return DiagnosisOutcome(result, mapping, summary, notes)


def write_diagnosis_workbook(outcome: DiagnosisOutcome, out: Path) -> int:
    """Write one action sheet per responsible agency to ``out``; return how many sheets."""
    from govindex.analysis import action_sheets, parse_responsibility, write_action_workbook

    mapping = outcome.responsibility
    sheets = action_sheets(
        outcome.diagnosis.priorities,
        mapping or parse_responsibility({"agencies": {}, "assignments": {}}),
    )
    title = f"PAPI {outcome.diagnosis.year} – {outcome.diagnosis.province}: items to act on"
    write_action_workbook(sheets, out, title=title, responsibility=mapping)
    return len(sheets)


def _bundled() -> Path:
    from govindex.official.bundled import bundled_data_dir

    return bundled_data_dir()


def _read_workbook(path: Path, folder: Path) -> OfficialWorkbook:
    from govindex.official import load_province_lookup, read_official_workbook

    # The record's own province lookup, so that workbook headers get the record's spellings.
    return read_official_workbook(path, provinces=load_province_lookup(folder))


def _direction_spec(path: Path | None, year: int) -> tuple[IndexSpec | None, str]:
    """The spec giving indicator directions and a note on where it came from."""
    from govindex.application.spec_cache import load_spec_cached
    from govindex.errors import SpecError
    from govindex.spec.bundled import default_spec_path

    if path is not None:
        return load_spec_cached(path), str(path)
    for candidate in (year, _DIRECTION_SPEC_YEAR):
        try:
            found = default_spec_path(candidate)
        except SpecError:
            continue
        return load_spec_cached(found), found.name
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
) -> tuple[dict[str, int], WorkbookSummary]:
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
    summary: WorkbookSummary = {
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
