"""Read survey values (SIPAS, PAPI, the PAR survey, one-stop) from a CSV file."""

from __future__ import annotations

import math
from pathlib import Path
from typing import get_args

import polars as pl

from govindex.errors import DataValidationError, Issue
from govindex.rubric import SurveyValue, SurveyValueTable
from govindex.rubric.inputs import Instrument

__all__ = ["SURVEY_VALUE_COLUMNS", "read_survey_values", "write_survey_values"]

SURVEY_VALUE_COLUMNS = (
    "instrument",
    "province",
    "year",
    "code",
    "value",
    "source",
    "se",
    "synthetic",
)
_REQUIRED = SURVEY_VALUE_COLUMNS[:6]


def read_survey_values(path: str | Path) -> SurveyValueTable:
    """Read ``instrument,province,year,code,value,source[,se,synthetic]`` rows; every bad
    cell is reported with its row and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "v.csv").write_text(
    ...     "instrument,province,year,code,value,source\\nsipas,Ha Noi,2024,overall,86.5,report\\n")
    >>> read_survey_values(folder / "v.csv").get("sipas", "Ha Noi", 2024, "overall").value
    86.5
    """
    file = Path(path)
    try:
        frame = pl.read_csv(file, infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as error:
        msg = f"cannot read survey values `{file}`: {error}"
        raise DataValidationError(msg, where=str(file)) from error
    missing = [column for column in _REQUIRED if column not in frame.columns]
    if missing:
        msg = f"`{file.name}` lacks columns {missing}; expected {list(_REQUIRED)} (and optionally se, synthetic)."
        raise DataValidationError(msg, where=file.name, found=frame.columns, expected=_REQUIRED)
    issues: list[Issue] = []
    values: list[SurveyValue] = []
    instruments = get_args(Instrument)
    for index, row in enumerate(frame.iter_rows(named=True)):
        line = index + 2  # the header is line 1

        def bad(column: str, message: str, found: object, line: int = line) -> None:
            issues.append(
                Issue(message=message, where=file.name, row=line, column=column, found=found)
            )

        instrument = row["instrument"]
        if instrument not in instruments:
            bad(
                "instrument",
                f"unknown instrument {instrument!r}; expected one of {list(instruments)}",
                instrument,
            )
        year = _number(row["year"])
        if year is None or not float(year).is_integer():
            bad("year", f"year {row['year']!r} is not a whole number", row["year"])
        value = _number(row["value"])
        if value is None:
            bad("value", f"value {row['value']!r} is not a number", row["value"])
        se = _number(row.get("se")) if row.get("se") not in (None, "") else None
        for column in ("province", "code", "source"):
            if not (row[column] or "").strip():
                bad(column, f"`{column}` is empty", row[column])
        if issues and issues[-1].row == line:
            continue
        values.append(
            SurveyValue(
                instrument=instrument,
                province=row["province"].strip(),
                year=int(year or 0),
                code=row["code"].strip(),
                value=float(value or 0.0),
                source=row["source"].strip(),
                se=se,
                synthetic=(row.get("synthetic") or "").strip().lower() in ("true", "1", "yes"),
            )
        )
    if issues:
        msg = f"`{file.name}` has {len(issues)} bad survey value{'s' if len(issues) != 1 else ''}: {issues[0].describe()}"
        raise DataValidationError(msg, where=file.name, issues=issues)
    return SurveyValueTable.of(values)


def write_survey_values(values: SurveyValueTable, path: str | Path) -> Path:
    """Write survey values as the CSV :func:`read_survey_values` reads.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = SurveyValueTable.of([SurveyValue("sipas", "Hue", 2024, "overall", 85.0, "x")])
    >>> path = write_survey_values(table, pathlib.Path(tempfile.mkdtemp()) / "v.csv")
    >>> read_survey_values(path) == table
    True
    """
    rows = [
        {
            "instrument": value.instrument,
            "province": value.province,
            "year": value.year,
            "code": value.code,
            "value": value.value,
            "source": value.source,
            "se": value.se,
            "synthetic": value.synthetic,
        }
        for value in values.values.values()
    ]
    from govindex.spreadsheet_cells import neutralise_frame

    file = Path(path)
    table = pl.DataFrame(
        rows,
        schema={
            "instrument": pl.String,
            "province": pl.String,
            "year": pl.Int64,
            "code": pl.String,
            "value": pl.Float64,
            "source": pl.String,
            "se": pl.Float64,
            "synthetic": pl.Boolean,
        },
    )
    neutralise_frame(table).write_csv(file)
    return file


def _number(text: object) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None
