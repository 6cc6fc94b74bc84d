"""Check survey microdata against the spec's codebook and the sample design, all at once.

:func:`validate_microdata` reports every problem with the file, the 1-based data row and
the column: values out of range, undeclared codes, text in numeric items, skip-logic
violations, duplicate respondent ids, rows without design variables, codebook items absent
from the file (and, as warnings, file columns the codebook does not know). Each check is a
polars expression over whole columns; the report lists the first rows of each problem per
column and counts the rest, so a badly broken file still gives a readable report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from govindex.errors import DataValidationError, Issue, SpecError
from govindex.ingest.design_columns import DesignColumns
from govindex.ingest.readers import TableFile
from govindex.ingest.recode import (
    applies_expression,
    codes_for,
    describe_condition,
    is_text_coded,
    matches_any,
    number_expression,
    present_expression,
    unreadable_expression,
    value_expression,
)
from govindex.spec import IndexSpec, Item

__all__ = [
    "PROBLEM_KINDS",
    "BlankAnswers",
    "DesignColumns",
    "Finding",
    "ProblemKind",
    "Severity",
    "ValidationReport",
    "WeightMedians",
    "WeightPlausibility",
    "validate_microdata",
]

ProblemKind = Literal[
    "empty_file",
    "missing_design_column",
    "missing_item",
    "type_mismatch",
    "out_of_range",
    "undeclared_code",
    "answered_not_asked",
    "unanswered",
    "duplicate_id",
    "unknown_province",
    "missing_design_value",
    "invalid_weight",
    "implausible_weight",
    "unknown_column",
]
Severity = Literal["error", "warning"]
BlankAnswers = Literal["allowed", "error"]

#: Every problem kind, in report order, with the heading the CLI shows for it.
PROBLEM_KINDS: dict[ProblemKind, str] = {
    "empty_file": "file has no data rows",
    "missing_design_column": "design columns absent from the file",
    "missing_item": "codebook items absent from the file",
    "type_mismatch": "values of the wrong type",
    "out_of_range": "values out of range",
    "undeclared_code": "codes not in the codebook",
    "answered_not_asked": "answers the skip logic forbids",
    "unanswered": "blank answers where the item applies",
    "duplicate_id": "duplicate respondent ids",
    "unknown_province": "province names not in the spec's list",
    "missing_design_value": "rows without design variables",
    "invalid_weight": "invalid weights",
    "implausible_weight": "weights far out of line with their stratum or the design",
    "unknown_column": "file columns not in the codebook",
}

_ROW = "__govindex_row__"
_VALUE = "__govindex_value__"


@dataclass(frozen=True)
class WeightPlausibility:
    """How far a weight may stray from the others before the file is refused.

    A weight more than ``stratum_ratio`` times (or less than 1/``stratum_ratio`` of) the
    median weight of its stratum, or more than ``design_ratio`` times (or less than
    1/``design_ratio`` of) the median of the whole file, is an error: one absurd weight
    (1e38, a misplaced decimal point) would otherwise carry its province's estimates and
    move it across the ranking. Medians are of the positive finite weights, so the outlier
    does not hide itself. The synthetic PAPI 2024 survey spans 24× and 1/42 of its
    provinces' medians and 32× and 1/83 of the design's.

    Examples
    --------
    >>> WeightPlausibility().to_dict()
    {'stratum_ratio': 100.0, 'design_ratio': 1000.0}
    """

    stratum_ratio: float = 100.0
    design_ratio: float = 1000.0

    def __post_init__(self) -> None:
        for name in ("stratum_ratio", "design_ratio"):
            value = getattr(self, name)
            if not value > 1:
                msg = f"`{name}` must be greater than 1; got {value!r}."
                raise SpecError(msg, where=name, found=value, expected="a number > 1")

    def to_dict(self) -> dict[str, float]:
        """The thresholds, for reports and manifests."""
        return {"stratum_ratio": self.stratum_ratio, "design_ratio": self.design_ratio}


@dataclass(frozen=True)
class WeightMedians:
    """A whole file's median positive weight, overall and per stratum (text of its value).

    Examples
    --------
    >>> WeightMedians(design=2.0, strata={"A": 1.5}).design
    2.0
    """

    design: float
    strata: Mapping[str, float]


@dataclass(frozen=True)
class Finding:
    """One reported problem: its kind and severity, where it is, and how many cells it stands for.

    ``count`` is 1 for a problem located at one row; a summary line for the rows beyond the
    listing cap carries the number of rows it stands for.
    """

    kind: ProblemKind
    severity: Severity
    issue: Issue
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: kind, severity, count and the issue's fields."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "count": self.count,
            **self.issue.to_dict(),
        }


@dataclass(frozen=True)
class ValidationReport:
    """Everything :func:`validate_microdata` found in one file.

    Examples
    --------
    >>> report = ValidationReport(source="d.csv", rows=0, columns=0, findings=())
    >>> (report.ok, report.error_count)
    (True, 0)
    """

    source: str
    rows: int
    columns: int
    findings: tuple[Finding, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    """The thresholds the checks used (``weight_plausibility``), recorded with the report."""

    @property
    def issues(self) -> tuple[Issue, ...]:
        """The errors, listed (rows beyond the cap appear as one summary issue per column)."""
        return tuple(finding.issue for finding in self.findings if finding.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The warnings (they never make the file fail)."""
        return tuple(finding.issue for finding in self.findings if finding.severity == "warning")

    @property
    def error_count(self) -> int:
        """How many problems were found in all, including the rows not listed."""
        return sum(finding.count for finding in self.findings if finding.severity == "error")

    @property
    def warning_count(self) -> int:
        """How many warnings were found in all."""
        return sum(finding.count for finding in self.findings if finding.severity == "warning")

    @property
    def ok(self) -> bool:
        """Whether the file has no errors (warnings allowed)."""
        return self.error_count == 0

    def summary(self) -> str:
        """One sentence: the file and how many problems it has."""
        noun = "problem" if self.error_count == 1 else "problems"
        return f"{self.source} failed validation: {self.error_count} {noun}"

    def raise_if_errors(self) -> None:
        """Raise :class:`~govindex.errors.DataValidationError` carrying every error issue."""
        if not self.ok:
            raise DataValidationError(
                self.summary(), where=self.source, found=self.error_count, issues=self.issues
            )


@dataclass(frozen=True)
class _RowCheck:
    """A problem that concerns single rows: a boolean mask and what to show for each row."""

    kind: ProblemKind
    column: str
    mask: pl.Expr
    found: pl.Expr | None
    message: str
    expected: str
    severity: Severity = "error"


def validate_microdata(
    spec: IndexSpec,
    table: TableFile,
    *,
    design_columns: DesignColumns | None = None,
    blank_answers: BlankAnswers = "allowed",
    listed_rows: int = 20,
    weight_plausibility: WeightPlausibility | None = None,
    first_row: int = 1,
    weight_medians: WeightMedians | None = None,
) -> ValidationReport:
    """Check ``table`` against the codebook of ``spec`` and the design columns.

    Parameters
    ----------
    spec
        The index spec whose codebook the data must follow.
    table
        The file as :func:`~govindex.ingest.read_table` read it.
    design_columns
        Respondent id, strata, PSU and weight columns (default :class:`DesignColumns`).
    blank_answers
        ``"allowed"``: a blank cell (null) where the item applies is accepted; ``"error"``:
        it is reported (a declared missing code still counts as an answer).
    listed_rows
        Rows listed per column and problem; the rest are counted in one summary line.
    weight_plausibility
        How far a weight may be from its stratum's and the file's median weight
        (default :class:`WeightPlausibility`); recorded in the report's ``parameters``.
    first_row
        The file row number of the table's first row (a chunk of a file read in parts).
    weight_medians
        The whole file's median weights, for a chunk: its weights are checked against
        them, not against the chunk's own medians.

    Returns
    -------
    ValidationReport
        Never raises for bad data; call :meth:`ValidationReport.raise_if_errors`.

    Examples
    --------
    >>> from govindex.ingest.readers import read_table
    >>> microdata.write_parquet(tmp_path / "survey.parquet")
    >>> report = validate_microdata(spec, read_table(tmp_path / "survey.parquet"))
    >>> report.ok, report.error_count
    (True, 0)
    """
    design = design_columns or DesignColumns()
    plausibility = weight_plausibility or WeightPlausibility()
    source = str(table.path)
    frame = table.frame
    schema = frame.schema
    items = spec.codebook.by_id()
    findings: list[Finding] = []

    def column_issue(
        kind: ProblemKind, column: str, message: str, expected: str, severity: Severity = "error"
    ) -> None:
        findings.append(
            Finding(
                kind,
                severity,
                Issue(
                    message=f"{message}; expected {expected}",
                    where=source,
                    column=column,
                    found="absent" if kind != "unknown_column" else column,
                    expected=expected,
                ),
            )
        )

    if frame.height == 0:
        findings.append(
            Finding(
                "empty_file",
                "error",
                Issue(
                    message="the file has no data rows; expected at least one respondent",
                    where=source,
                    found="0 rows",
                    expected="at least one respondent",
                ),
            )
        )
    roles = ("respondent id", "strata", "PSU", "weight")
    for role, column in zip(roles, design.names(), strict=True):
        if column not in schema:
            column_issue(
                "missing_design_column",
                column,
                f"the {role} column is absent{_similar(column, frame.columns)}",
                f"a column named `{column}`",
            )
    for item in spec.codebook.items:
        if item.id not in schema:
            column_issue(
                "missing_item",
                item.id,
                f"codebook item is absent from the file{_similar(item.id, frame.columns)}",
                f"a column named `{item.id}`",
            )
    known = {*items, *design.names()}
    for column in frame.columns:
        if column not in known:
            column_issue(
                "unknown_column",
                column,
                "column is not in the codebook (not checked)",
                "a codebook item or design column",
                severity="warning",
            )

    present = [item for item in spec.codebook.items if item.id in schema]
    prepared = frame.with_columns(
        pl.int_range(first_row, pl.len() + first_row, dtype=pl.Int64).alias(_ROW),
        *[value_expression(item, schema[item.id]).alias(_VALUE + item.id) for item in present],
    )
    values = {item.id: pl.col(_VALUE + item.id) for item in present}
    checks = [
        *(
            check
            for item in present
            for check in _item_checks(item, schema[item.id], values, items, blank_answers)
        ),
        *_design_checks(design, schema),
        *_plausibility_checks(design, schema, plausibility, weight_medians),
        *_province_checks(design, schema, spec.provinces),
    ]
    findings.extend(_evaluate(prepared, checks, source, listed_rows))
    order = list(PROBLEM_KINDS)
    findings.sort(key=lambda finding: order.index(finding.kind))  # stable: column order kept
    return ValidationReport(
        source=source,
        rows=frame.height,
        columns=frame.width,
        findings=tuple(findings),
        parameters={"weight_plausibility": plausibility.to_dict()},
    )


# ------------------------------------------------------------------------------ item checks
def _item_checks(
    item: Item,
    dtype: pl.DataType,
    values: dict[str, pl.Expr],
    items: dict[str, Item],
    blank_answers: BlankAnswers,
) -> list[_RowCheck]:
    raw = pl.col(item.id)
    found = None if dtype.is_nested() else raw
    value = values[item.id]
    answered = present_expression(item.id, dtype)
    declared = value.is_not_null() & ~matches_any(value, codes_for(item, item.missing_codes))
    missing_text = _missing_text(item)
    checks = [
        _RowCheck(
            "type_mismatch",
            item.id,
            unreadable_expression(item, dtype),
            found,
            f"{item.type} item holds a value of the wrong type",
            "text" if is_text_coded(item) else "a number",
        )
    ]
    valid_values = item.valid_values
    if valid_values is not None:
        codes = codes_for(item, valid_values)
        listed = ", ".join(_show(code) for code in valid_values)
        unknown = declared & ~matches_any(value, codes)
        bounds = item.theoretical_range if item.type == "ordinal" else None
        if bounds is not None:
            outside = (value < bounds.min) | (value > bounds.max)
            checks.append(
                _RowCheck(
                    "out_of_range",
                    item.id,
                    unknown & outside,
                    found,
                    "value is out of range",
                    f"{_show(bounds.min)} to {_show(bounds.max)}{missing_text}",
                )
            )
            unknown = unknown & ~outside
        checks.append(
            _RowCheck(
                "undeclared_code",
                item.id,
                unknown,
                found,
                "code is not declared in the codebook",
                f"one of {listed}{missing_text}",
            )
        )
    elif item.range is not None:
        low, high = _show(item.range.min), _show(item.range.max)
        outside = declared & ((value < item.range.min) | (value > item.range.max))
        checks.append(
            _RowCheck(
                "out_of_range",
                item.id,
                outside,
                found,
                "value is out of range",
                f"{low} to {high}{missing_text}",
            )
        )
    condition = item.applies_to
    gates = () if condition is None else condition.referenced_items()
    if all(gate in values for gate in gates):
        asked = applies_expression(condition, values, items)
        shown = "" if condition is None else describe_condition(condition)
        rule = f" (it applies only when {shown})" if shown else ""
        if condition is not None:
            checks.append(
                _RowCheck(
                    "answered_not_asked",
                    item.id,
                    ~asked & answered,
                    found,
                    f"answered although the skip logic says it was not asked{rule}",
                    "blank (not asked)",
                )
            )
        if blank_answers == "error":
            checks.append(
                _RowCheck(
                    "unanswered",
                    item.id,
                    asked & ~answered,
                    None,
                    f"blank although the item applies to this respondent{rule}",
                    f"an answer{missing_text}",
                )
            )
    return checks


def _missing_text(item: Item) -> str:
    if not item.missing_codes:
        return ""
    return " or a missing code (" + ", ".join(_show(code) for code in item.missing_codes) + ")"


# ---------------------------------------------------------------------------- design checks
def _design_checks(design: DesignColumns, schema: pl.Schema) -> list[_RowCheck]:
    checks: list[_RowCheck] = []
    roles = (
        ("respondent id", design.respondent_id),
        ("stratum", design.checked_strata),
        ("PSU", design.checked_psu),
    )
    for role, column in roles:
        if column in schema:
            checks.append(
                _RowCheck(
                    "missing_design_value",
                    column,
                    ~present_expression(column, schema[column]),
                    None,
                    f"the {role} is blank",
                    f"a {role}",
                )
            )
    identifier = design.respondent_id
    if identifier in schema and not schema[identifier].is_nested():
        given = present_expression(identifier, schema[identifier])
        repeated = given & pl.col(identifier).is_duplicated()
        checks.append(
            _RowCheck(
                "duplicate_id",
                identifier,
                repeated,
                pl.col(identifier),
                "respondent id appears on more than one row",
                "a unique id",
            )
        )
    weights = design.weights
    if weights in schema:
        dtype = schema[weights]
        given = present_expression(weights, dtype)
        number = number_expression(weights, dtype)
        found = None if dtype.is_nested() else pl.col(weights)
        checks.extend(
            [
                _RowCheck(
                    "missing_design_value",
                    weights,
                    ~given,
                    None,
                    "the weight is blank",
                    "a positive weight",
                ),
                _RowCheck(
                    "invalid_weight",
                    weights,
                    given & number.is_null(),
                    found,
                    "the weight is not a number",
                    "a positive number",
                ),
                _RowCheck(
                    "invalid_weight",
                    weights,
                    ((number <= 0) | number.is_infinite() | number.is_nan()).fill_null(False),
                    found,
                    "the weight is not positive and finite",
                    "a positive finite number",
                ),
            ]
        )
    return checks


def _province_checks(
    design: DesignColumns, schema: pl.Schema, provinces: Sequence[str]
) -> list[_RowCheck]:
    """Province values the spec does not list (a typo, another year's name, a formula)."""
    column = design.province
    if not provinces or column not in schema or schema[column].is_nested():
        return []
    given = present_expression(column, schema[column])
    text = pl.col(column).cast(pl.String)
    example = ", ".join(f"`{name}`" for name in provinces[:2])
    return [
        _RowCheck(
            "unknown_province",
            column,
            given & ~text.is_in(list(provinces)),
            text,
            "the province is not one the spec lists",
            f"one of the spec's {len(provinces)} provinces (e.g. {example})",
        )
    ]


def _plausibility_checks(
    design: DesignColumns,
    schema: pl.Schema,
    plausibility: WeightPlausibility,
    medians: WeightMedians | None = None,
) -> list[_RowCheck]:
    """Weights far from their stratum's median or the file's median weight."""
    weights = design.weights
    if weights not in schema or schema[weights].is_nested():
        return []
    number = number_expression(weights, schema[weights])
    usable = ((number > 0) & number.is_finite()).fill_null(False)
    positive = pl.when(usable).then(number)
    checks: list[_RowCheck] = []
    scopes: list[tuple[str, pl.Expr, float]] = []
    strata = design.checked_strata
    if strata in schema and not schema[strata].is_nested():
        stratum_median = (
            positive.median().over(strata)
            if medians is None
            else pl.col(strata)
            .cast(pl.String)
            .replace_strict(dict(medians.strata), default=None, return_dtype=pl.Float64)
        )
        scopes.append(("its stratum", stratum_median, plausibility.stratum_ratio))
    file_median = positive.median() if medians is None else pl.lit(medians.design)
    scopes.append(("the whole file", file_median, plausibility.design_ratio))
    for scope, median, limit in scopes:
        ratio = number / median
        checks.append(
            _RowCheck(
                "implausible_weight",
                weights,
                usable & ((ratio > limit) | (ratio < 1.0 / limit)),
                pl.format(
                    "{} ({} × the median {} of {})",
                    number,
                    ratio.round_sig_figs(3),
                    median.round_sig_figs(6),
                    pl.lit(scope),
                ),
                f"the weight is far out of line with {scope}",
                f"between 1/{limit:g} and {limit:g} × the median weight of {scope}",
            )
        )
    return checks


# ------------------------------------------------------------------------------- evaluation
def _evaluate(
    prepared: pl.DataFrame, checks: Sequence[_RowCheck], source: str, listed_rows: int
) -> list[Finding]:
    """Count every check's rows in one pass, then list the first rows of the failing ones."""
    if not checks or prepared.height == 0:
        return []
    counts = prepared.select(
        [check.mask.fill_null(False).sum().alias(str(index)) for index, check in enumerate(checks)]
    ).row(0)
    failing = [(check, int(count)) for check, count in zip(checks, counts, strict=True) if count]
    if not failing:
        return []
    columns: list[pl.Expr] = []
    for index, (check, _) in enumerate(failing):
        mask = check.mask.fill_null(False)
        columns.append(pl.col(_ROW).filter(mask).head(listed_rows).implode().alias(f"row{index}"))
        found = pl.lit(None) if check.found is None else check.found
        columns.append(found.filter(mask).head(listed_rows).implode().alias(f"found{index}"))
    listing = prepared.select(columns).row(0)
    findings: list[Finding] = []
    for index, (check, count) in enumerate(failing):
        rows, shown = listing[2 * index], listing[2 * index + 1]
        for row, value in zip(
            rows, shown if check.found is not None else [None] * len(rows), strict=True
        ):
            text = _show(value) if check.found is not None else "blank"
            message = f"{check.message}: found {text}, expected {check.expected}"
            findings.append(
                Finding(
                    check.kind,
                    check.severity,
                    Issue(
                        message=message,
                        where=source,
                        row=row,
                        column=check.column,
                        found=text,
                        expected=check.expected,
                    ),
                )
            )
        rest = count - len(rows)
        if rest > 0:
            noun = "row" if rest == 1 else "rows"
            message = f"{check.message}: {rest} more {noun} not listed"
            findings.append(
                Finding(
                    check.kind,
                    check.severity,
                    Issue(
                        message=message,
                        where=source,
                        column=check.column,
                        found=f"{rest} more {noun}",
                        expected=check.expected,
                    ),
                    count=rest,
                )
            )
    return findings


def _show(value: object) -> str:
    """A value as the report shows it: integral floats without ``.0``, text quoted."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _similar(name: str, columns: Sequence[str]) -> str:
    """``" (the file has `Q1`)"`` when a column differs from ``name`` only in case or spaces."""
    wanted = name.casefold()
    matches = [column for column in columns if column.strip().casefold() == wanted]
    return f" (the file has `{matches[0]}`; names must match exactly)" if matches else ""
