"""Find year sheets whose provincial numbers repeat another year's sheet.

The shared copy of the official workbook fills its ``2020`` and ``2021`` sheets with the
``2019`` numbers (``2021`` drops the variance rows). Two genuine PAPI years never share a
row of 63 provincial values, so a sheet whose rows are mostly found in another sheet is a
copy. Of two such sheets the earlier year is kept: a survey cannot be published in the
sheet of a year before it was fielded, so the later sheet is the placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DUPLICATE_SHARE", "RefusedSheet", "find_duplicate_sheets"]

DUPLICATE_SHARE = 0.9
"""Share of a sheet's value rows found in another sheet above which it is a copy."""

# Rows with fewer distinct values (all zero, all blank) match across genuine years too.
_MINIMUM_DISTINCT_VALUES = 3


@dataclass(frozen=True)
class RefusedSheet:
    """A year sheet that was not read, and why.

    ``duplicate_of`` names the sheet it repeats; ``matching_rows`` of its
    ``compared_rows`` value rows were found there.
    """

    sheet: str
    reason: str
    duplicate_of: str | None = None
    matching_rows: int = 0
    compared_rows: int = 0


Signature = frozenset[tuple[str, float]]


def find_duplicate_sheets(sheets: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[RefusedSheet]:
    """Return the sheets to refuse because they repeat an earlier kept sheet.

    ``sheets`` maps each sheet name to its records (dicts with ``source_row``,
    ``province`` and ``estimate``); names sort in year order.

    Examples
    --------
    >>> rows = [{"source_row": 1, "province": p, "estimate": v} for p, v in zip("abc", (1.0, 2.0, 3.0))]
    >>> [item.duplicate_of for item in find_duplicate_sheets({"2019": rows, "2020": rows})]
    ['2019']
    """
    signatures = {name: _row_signatures(records) for name, records in sheets.items()}
    kept: list[str] = []
    refused: list[RefusedSheet] = []
    for name in sorted(signatures):
        rows = signatures[name]
        match = _best_match(rows, {earlier: signatures[earlier] for earlier in kept})
        if match is None:
            kept.append(name)
            continue
        earlier, matching = match
        reason = (
            f"sheet `{name}` repeats sheet `{earlier}`: {matching} of its {len(rows)} rows of "
            f"provincial values are identical to rows of `{earlier}`, so it holds {earlier} "
            f"data, not {name} data."
        )
        refused.append(
            RefusedSheet(
                sheet=name,
                reason=reason,
                duplicate_of=earlier,
                matching_rows=matching,
                compared_rows=len(rows),
            )
        )
    return refused


def _row_signatures(records: Sequence[Mapping[str, Any]]) -> list[Signature]:
    by_row: dict[int, set[tuple[str, float]]] = {}
    for record in records:
        if record["estimate"] is not None:
            by_row.setdefault(record["source_row"], set()).add(
                (record["province"], record["estimate"])
            )
    return [
        frozenset(cells)
        for cells in by_row.values()
        if len({value for _, value in cells}) >= _MINIMUM_DISTINCT_VALUES
    ]


def _best_match(
    rows: list[Signature], earlier: Mapping[str, list[Signature]]
) -> tuple[str, int] | None:
    if not rows:
        return None
    best: tuple[str, int] | None = None
    for name, other in earlier.items():
        other_rows = set(other)
        matching = sum(1 for row in rows if row in other_rows)
        if matching / len(rows) >= DUPLICATE_SHARE and (best is None or matching > best[1]):
            best = (name, matching)
    return best
