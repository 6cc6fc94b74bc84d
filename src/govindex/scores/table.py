"""The ScoreTable: one shape for every published number of every instrument.

PAPI, SIPAS, the PAR Index and the one-stop 766 index differ in their raw material and agree
in what they publish: a number per unit, period and code, with its uncertainty, rank, group,
status and provenance. Each instrument's producer writes its numbers in this table; pages,
downloads and reports know no other shape.

A number that is not shown keeps its row: ``status`` says whether it was withheld by the
publisher, suppressed by govindex's own rules, missing from the source or not comparable, and
``reason`` says why in a stable code (see :data:`REASONS`). ``estimate`` is then null, never
zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

import polars as pl
from pydantic import BaseModel, ConfigDict, model_validator

from govindex.errors import DataValidationError

__all__ = [
    "GEOGRAPHIES",
    "INSTRUMENTS",
    "LEVELS",
    "REASONS",
    "SCORE_TABLE_SCHEMA",
    "STATUSES",
    "Geography",
    "Instrument",
    "Reason",
    "ScoreRow",
    "ScoreTable",
    "Status",
]

Instrument = Literal["papi", "sipas", "par", "onestop"]
INSTRUMENTS: tuple[Instrument, ...] = get_args(Instrument)

Geography = Literal["province63", "unit34", "agency", "commune", "procedure"]
"""``province63``: the 63 provinces before July 2025; ``unit34``: the 34 provincial units
after it; finer units for the instruments that publish them."""
GEOGRAPHIES: tuple[Geography, ...] = get_args(Geography)

LEVELS: tuple[str, ...] = (
    "total",
    "dimension",
    "subdimension",
    "indicator",
    "group",
    "area",
    "criterion",
    "subcriterion",
)
"""Levels from the aggregate down. One code scheme across sources: ``total``, a dimension
``3``, a sub-dimension ``3.1``, an indicator ``3.1.2`` (no ``D3``). The PAR Index keeps its
own rubric levels (``area`` → ``criterion`` → ``subcriterion``); the one-stop 766 index has
``group`` → ``indicator``."""

Status = Literal["published", "withheld", "suppressed", "missing", "not_comparable"]
STATUSES: tuple[Status, ...] = get_args(Status)

Reason = Literal[
    "withheld_by_publisher",
    "not_in_bundled_source",
    "suppressed_few_respondents",
    "not_comparable_restructured",
    "derived_from_withheld",
    "no_respondents",
    "no_input",
    "input_not_in_records",
    "no_denominator",
    "not_applicable",
]
REASONS: dict[Reason, tuple[Status, str]] = {
    "withheld_by_publisher": (
        "withheld",
        "the publisher printed no number for this cell (blank cell or 'KCDL')",
    ),
    "not_in_bundled_source": (
        "missing",
        "the source bundled with govindex does not carry this number",
    ),
    "suppressed_few_respondents": (
        "suppressed",
        "fewer respondents than the publication threshold; hidden by govindex's rules",
    ),
    "not_comparable_restructured": (
        "not_comparable",
        "the instrument was restructured; this number is not comparable with the others shown",
    ),
    "derived_from_withheld": (
        "withheld",
        "a derived unit whose source units include a withheld number",
    ),
    "no_respondents": ("missing", "no respondent answered in this cell"),
    "no_input": (
        "missing",
        "no self-assessed score, appraisal decision or survey value was given for a scored item",
    ),
    "input_not_in_records": ("missing", "the records carry no field this number needs"),
    "no_denominator": ("missing", "nothing to count: the ratio's denominator is zero"),
    "not_applicable": ("missing", "the indicator does not apply to this kind of unit"),
}
"""Every reason code, the status it explains and its wording."""

SCORE_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "instrument": pl.String(),
    "edition": pl.String(),
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "geography": pl.String(),
    "unit": pl.String(),
    "level": pl.String(),
    "code": pl.String(),
    "name_vi": pl.String(),
    "name_en": pl.String(),
    "estimate": pl.Float64(),
    "se": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "ci_level": pl.Float64(),
    "ci_rule": pl.String(),
    "df": pl.Float64(),
    "n": pl.Int64(),
    "rank": pl.Int32(),
    "rank_low": pl.Int32(),
    "rank_high": pl.Int32(),
    "group": pl.Int32(),
    "group_label": pl.String(),
    "status": pl.String(),
    "reason": pl.String(),
    "synthetic": pl.Boolean(),
    "run_id": pl.String(),
    "source_file": pl.String(),
    "source_sheet": pl.String(),
    "source_row": pl.Int32(),
    "source_column": pl.String(),
    "source_url": pl.String(),
}
"""The columns of a ScoreTable, in order.

``period`` is written as its publisher writes it (``2024``, ``2025-03``, ``2025-Q1``,
``2025-W14``) and bounded by ``period_start``/``period_end``. ``ci_level`` is the interval's
nominal coverage and ``ci_rule`` how it was made (``t with design df``, ``as published``, …).
``rank`` is 1 for the best unit (ties share the lowest rank); ``group`` is the group's
position, 1 (best) … n, and ``group_label`` the publisher's name for it where that is not the
number (the PAR Index's ``A``, ``B``, …; null for PAPI's groups 1–4).
Provenance is the ``run_id`` of the run that made the number and, for numbers read from a
publication, the file, sheet, row, column and URL they were read from.
"""

KEY_COLUMNS = ("instrument", "edition", "period", "geography", "unit", "level", "code")
_REQUIRED = (*KEY_COLUMNS, "period_start", "period_end", "status", "synthetic", "run_id")


class ScoreRow(BaseModel):
    """One row of a ScoreTable, checked (what a producer writes, one number at a time).

    Examples
    --------
    >>> import datetime as dt
    >>> row = ScoreRow(instrument="papi", edition="papi-2024", period="2024",
    ...     period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31),
    ...     geography="province63", unit="Ha Noi", level="total", code="total",
    ...     estimate=None, status="withheld", reason="withheld_by_publisher",
    ...     synthetic=False, run_id="abc")
    >>> row.status, row.estimate
    ('withheld', None)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: Instrument
    edition: str
    period: str
    period_start: dt.date
    period_end: dt.date
    geography: Geography
    unit: str
    level: str
    code: str
    name_vi: str | None = None
    name_en: str | None = None
    estimate: float | None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = None
    ci_rule: str | None = None
    df: float | None = None
    n: int | None = None
    rank: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    group: int | None = None
    group_label: str | None = None
    status: Status
    reason: Reason | None = None
    synthetic: bool
    run_id: str
    source_file: str | None = None
    source_sheet: str | None = None
    source_row: int | None = None
    source_column: str | None = None
    source_url: str | None = None

    @model_validator(mode="after")
    def _status_agrees(self) -> ScoreRow:
        problem = _row_problem(self.status, self.reason, self.estimate is None)
        if problem:
            raise ValueError(problem)
        if self.period_end < self.period_start:
            msg = f"period_end {self.period_end} is before period_start {self.period_start}"
            raise ValueError(msg)
        return self


def _row_problem(status: str, reason: str | None, estimate_null: bool) -> str | None:
    if status == "published":
        if estimate_null:
            return "a published row needs an estimate"
        if reason is not None:
            return f"a published row has no reason (found {reason!r})"
        return None
    if reason is None:
        return f"a {status} row needs a reason code"
    expected = REASONS.get(reason)  # type: ignore[call-overload]
    if expected is None:
        return f"unknown reason code {reason!r}; expected one of {sorted(REASONS)}"
    if expected[0] != status:
        return f"reason {reason!r} explains status {expected[0]!r}, not {status!r}"
    if status != "not_comparable" and not estimate_null:
        return f"a {status} row must have a null estimate"
    return None


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """A checked ScoreTable: every column of :data:`SCORE_TABLE_SCHEMA`, typed and consistent.

    Build one with :meth:`from_frame` (missing optional columns become null).

    Examples
    --------
    >>> import datetime as dt
    >>> frame = pl.DataFrame({"instrument": ["papi"], "edition": ["papi-2024"],
    ...     "period": ["2024"], "period_start": [dt.date(2024, 1, 1)],
    ...     "period_end": [dt.date(2024, 12, 31)], "geography": ["province63"],
    ...     "unit": ["Ha Noi"], "level": ["total"], "code": ["total"], "estimate": [42.5],
    ...     "status": ["published"], "synthetic": [False], "run_id": ["abc"]})
    >>> ScoreTable.from_frame(frame).frame.select("estimate", "se", "status").row(0)
    (42.5, None, 'published')
    """

    frame: pl.DataFrame

    @classmethod
    def from_frame(cls, frame: pl.DataFrame, *, where: str = "score table") -> ScoreTable:
        """Check ``frame`` and return it as a ScoreTable (columns in schema order).

        Raises :class:`~govindex.errors.DataValidationError` naming the column and the first
        offending row for a missing required column, an unknown column, a value outside the
        vocabulary, a repeated key or a status that disagrees with its estimate and reason.
        """
        missing = [column for column in _REQUIRED if column not in frame.columns]
        if missing:
            msg = f"{where}: missing columns {missing}; expected at least {list(_REQUIRED)}."
            raise DataValidationError(msg, where=where, found=frame.columns, expected=_REQUIRED)
        unknown = [column for column in frame.columns if column not in SCORE_TABLE_SCHEMA]
        if unknown:
            msg = f"{where}: unknown columns {unknown}; expected only {list(SCORE_TABLE_SCHEMA)}."
            raise DataValidationError(msg, where=where, found=unknown)
        added = [
            pl.lit(None, dtype).alias(column)
            for column, dtype in SCORE_TABLE_SCHEMA.items()
            if column not in frame.columns
        ]
        try:
            typed = frame.with_columns(added).select(list(SCORE_TABLE_SCHEMA))
            typed = typed.cast(SCORE_TABLE_SCHEMA)  # type: ignore[arg-type]
        except pl.exceptions.PolarsError as error:
            msg = f"{where}: columns cannot take the score table's types ({error})."
            raise DataValidationError(msg, where=where) from error
        _check(typed, where)
        return cls(typed)

    @classmethod
    def empty(cls) -> ScoreTable:
        """A ScoreTable with no rows.

        Examples
        --------
        >>> ScoreTable.empty().frame.height
        0
        """
        return cls(pl.DataFrame(schema=SCORE_TABLE_SCHEMA))


def _first(frame: pl.DataFrame, condition: pl.Expr) -> tuple[int, dict[str, object]] | None:
    found = frame.with_row_index("_row").filter(condition)
    if not found.height:
        return None
    row = found.row(0, named=True)
    return int(row.pop("_row")) + 1, row


def _check(frame: pl.DataFrame, where: str) -> None:
    for column in _REQUIRED:
        bad = _first(frame, pl.col(column).is_null())
        if bad:
            msg = f"{where}, row {bad[0]}, column `{column}`: null; expected a value."
            raise DataValidationError(msg, where=f"row {bad[0]}", found=column)
    vocabularies: dict[str, tuple[str, ...]] = {
        "instrument": INSTRUMENTS,
        "geography": GEOGRAPHIES,
        "level": LEVELS,
        "status": STATUSES,
    }
    for column, allowed in vocabularies.items():
        bad = _first(frame, ~pl.col(column).is_in(list(allowed)))
        if bad:
            msg = (
                f"{where}, row {bad[0]}, column `{column}`: {bad[1][column]!r}; "
                f"expected one of {list(allowed)}."
            )
            raise DataValidationError(msg, where=f"row {bad[0]}", found=bad[1][column])
    repeated = _first(frame, ~pl.struct(KEY_COLUMNS).is_first_distinct())
    if repeated:
        key = ", ".join(f"{column}={repeated[1][column]}" for column in KEY_COLUMNS)
        msg = f"{where}, row {repeated[0]}: key ({key}) appears more than once; expected once."
        raise DataValidationError(msg, where=f"row {repeated[0]}", found=key)
    statuses = frame.select(
        "status", "reason", pl.col("estimate").is_null().alias("null")
    ).with_row_index("_row")
    for status, reason, null, row in zip(
        statuses["status"], statuses["reason"], statuses["null"], statuses["_row"], strict=True
    ):
        problem = _row_problem(status, reason, bool(null))
        if problem:
            msg = f"{where}, row {row + 1}, column `status`: {problem}."
            raise DataValidationError(msg, where=f"row {row + 1}", found=status)
