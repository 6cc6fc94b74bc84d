"""Which agency answers for which PAPI item, and per-agency action sheets from a diagnosis.

A responsibility file (YAML) names the agencies (English and Vietnamese) and assigns item
codes to them; an indicator or sub-dimension without its own entry falls back to its
sub-dimension, then its dimension. Example: ``examples/responsibility-ha-noi.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from govindex.errors import Issue, SpecError

__all__ = [
    "ACTION_COLUMNS",
    "UNASSIGNED",
    "Agency",
    "ResponsibilityMap",
    "action_sheets",
    "load_responsibility",
    "parse_responsibility",
    "write_action_workbook",
]

_CODE = re.compile(r"^(total|\d+(\.\d+){0,2})$")
#: Columns of every action sheet; the last four are for the agency to fill in.
ACTION_COLUMNS = (
    "code",
    "level",
    "item_en",
    "item_vi",
    "score",
    "change_since_previous",
    "change_status",
    "group",
    "why_listed",
    "cause_analysis",
    "target",
    "commitment",
    "deadline",
)
#: Sheet name of items no agency is assigned to.
UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class Agency:
    """An agency, with its short id and names in English and Vietnamese."""

    identifier: str
    name_en: str
    name_vi: str


@dataclass(frozen=True)
class ResponsibilityMap:
    """Agencies and the item codes assigned to each (see :func:`parse_responsibility`)."""

    province: str | None
    agencies: Mapping[str, Agency]
    assignments: Mapping[str, str]

    def agency_for(self, code: str) -> Agency | None:
        """Return the agency for ``code``, falling back to its parent codes.

        Examples
        --------
        >>> mapping = parse_responsibility({
        ...     "agencies": {"justice": {"en": "Department of Justice", "vi": "Sở Tư pháp"}},
        ...     "assignments": {"3": "justice"}})
        >>> mapping.agency_for("3.3.1").name_en
        'Department of Justice'
        >>> mapping.agency_for("4") is None
        True
        """
        parts = code.split(".")
        for length in range(len(parts), 0, -1):
            identifier = self.assignments.get(".".join(parts[:length]))
            if identifier is not None:
                return self.agencies[identifier]
        return None


def parse_responsibility(
    document: Mapping[str, Any], *, where: str = "responsibility"
) -> ResponsibilityMap:
    """Validate a responsibility document (already parsed from YAML).

    Expected shape::

        province: Ha Noi                # optional
        agencies:
          justice: {en: Department of Justice, vi: Sở Tư pháp}
        assignments:
          "3.3": justice                # item code → agency id

    Every problem is reported at once, each with its path.

    Examples
    --------
    >>> parse_responsibility({"agencies": {}, "assignments": {"9.9": "nobody"}})
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: responsibility: 1 problem(s) in the responsibility file.
    """
    problems: list[str] = []
    raw_agencies = document.get("agencies")
    raw_assignments = document.get("assignments")
    if not isinstance(raw_agencies, Mapping):
        problems.append(f"{where}: agencies: expected a mapping of agency id → names")
        raw_agencies = {}
    if not isinstance(raw_assignments, Mapping):
        problems.append(f"{where}: assignments: expected a mapping of item code → agency id")
        raw_assignments = {}
    agencies: dict[str, Agency] = {}
    for identifier, names in raw_agencies.items():
        if not isinstance(names, Mapping) or not names.get("en") or not names.get("vi"):
            problems.append(f"{where}: agencies.{identifier}: needs both `en` and `vi` names")
            continue
        agencies[str(identifier)] = Agency(str(identifier), str(names["en"]), str(names["vi"]))
    assignments: dict[str, str] = {}
    for code, identifier in raw_assignments.items():
        text = str(code)
        if not _CODE.match(text):
            problems.append(
                f"{where}: assignments.{text}: not an item code (e.g. '5', '5.3', '5.3.2')"
            )
        elif str(identifier) not in agencies:
            known = ", ".join(repr(name) for name in sorted(agencies))
            problems.append(
                f"{where}: assignments.{text}: unknown agency {identifier!r} (known: {known})"
            )
        else:
            assignments[text] = str(identifier)
    if problems:
        msg = f"{where}: {len(problems)} problem(s) in the responsibility file."
        raise SpecError(msg, where=where, issues=[Issue(message=text) for text in problems])
    province = document.get("province")
    return ResponsibilityMap(
        province=None if province is None else str(province),
        agencies=agencies,
        assignments=assignments,
    )


def load_responsibility(path: str | Path) -> ResponsibilityMap:
    """Read and validate a responsibility YAML file.

    Examples
    --------
    >>> load_responsibility("examples/responsibility-ha-noi.yaml").province
    'Ha Noi'
    """
    file = Path(path)
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        msg = f"{file}: cannot read the responsibility file ({error})."
        raise SpecError(msg, where=str(file)) from error
    if not isinstance(document, Mapping):
        msg = f"{file}: expected a mapping with `agencies` and `assignments`."
        raise SpecError(msg, where=str(file))
    return parse_responsibility(document, where=str(file))


def action_sheets(
    priorities: pl.DataFrame, responsibility: ResponsibilityMap
) -> dict[str, pl.DataFrame]:
    """Split a diagnosis's priority list into one action sheet per responsible agency.

    Keys are agency English names (``"unassigned"`` for items no entry covers), in order of
    each agency's most urgent item. The cause, target, commitment and deadline columns are
    left blank for the agency to fill in.

    Examples
    --------
    >>> priorities = pl.DataFrame({"code": ["3.3"], "level": ["subdimension"],
    ...     "label_en": ["Access to Justice"], "label_vi": ["Tiếp cận tư pháp"], "estimate": [1.2],
    ...     "previous_change": [-0.1], "previous_status": ["no_se"], "group": [4],
    ...     "reasons": ["in the lowest group (4)"]})
    >>> mapping = parse_responsibility({
    ...     "agencies": {"justice": {"en": "Department of Justice", "vi": "Sở Tư pháp"}},
    ...     "assignments": {"3": "justice"}})
    >>> list(action_sheets(priorities, mapping))
    ['Department of Justice']
    """
    sheets: dict[str, list[dict[str, Any]]] = {}
    for row in priorities.iter_rows(named=True):
        agency = responsibility.agency_for(str(row["code"]))
        key = agency.name_en if agency is not None else UNASSIGNED
        sheets.setdefault(key, []).append(
            {
                "code": row["code"],
                "level": row["level"],
                "item_en": row.get("label_en"),
                "item_vi": row.get("label_vi"),
                "score": row.get("estimate"),
                "change_since_previous": row.get("previous_change"),
                "change_status": row.get("previous_status"),
                "group": row.get("group"),
                "why_listed": row.get("reasons"),
                "cause_analysis": None,
                "target": None,
                "commitment": None,
                "deadline": None,
            }
        )
    schema = {name: pl.String for name in ACTION_COLUMNS} | {
        "score": pl.Float64,
        "change_since_previous": pl.Float64,
        "group": pl.Int64,
    }
    return {key: pl.DataFrame(rows, schema=schema) for key, rows in sheets.items()}


def _sheet_name(name: str, used: set[str]) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\ and unique.
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip() or "sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def write_action_workbook(
    sheets: Mapping[str, pl.DataFrame],
    path: str | Path,
    *,
    title: str,
    responsibility: ResponsibilityMap | None = None,
) -> Path:
    """Write one worksheet per agency with xlsxwriter; return the path written.

    Each sheet starts with ``title`` and the agency's bilingual name; the columns to fill in
    are highlighted.
    """
    from govindex.spreadsheet_cells import InertWorkbook

    file = Path(path)
    names_vi = {
        agency.name_en: agency.name_vi
        for agency in (responsibility.agencies.values() if responsibility else ())
    }
    workbook = InertWorkbook(str(file))
    try:
        bold = workbook.add_format({"bold": True})
        header = workbook.add_format(
            {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True}
        )
        to_fill = workbook.add_format({"bg_color": "#FFF2CC", "border": 1})
        number = workbook.add_format({"num_format": "0.0000"})
        used: set[str] = set()
        blank_columns = ACTION_COLUMNS.index("cause_analysis")
        for agency, frame in sheets.items():
            sheet = workbook.add_worksheet(_sheet_name(agency, used))
            sheet.write(0, 0, title, bold)
            sheet.write(1, 0, f"{agency} / {names_vi.get(agency, '')}".rstrip(" /"), bold)
            for column, name in enumerate(ACTION_COLUMNS):
                sheet.write(3, column, name, header)
            for row_number, row in enumerate(frame.iter_rows(named=True), start=4):
                for column, name in enumerate(ACTION_COLUMNS):
                    value = row[name]
                    if column >= blank_columns:
                        sheet.write_blank(row_number, column, None, to_fill)
                    elif isinstance(value, float):
                        sheet.write_number(row_number, column, value, number)
                    elif value is not None:
                        sheet.write(row_number, column, value)
            sheet.set_column(0, 1, 12)
            sheet.set_column(2, 3, 40)
            sheet.set_column(4, 7, 14)
            sheet.set_column(8, 8, 50)
            sheet.set_column(blank_columns, len(ACTION_COLUMNS) - 1, 30)
            sheet.freeze_panes(4, 0)
    finally:
        workbook.close()
    return file
