"""Fuzz: randomly corrupted valid files always give a report, never an exception or a hang."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ingest.samples import small_frame, small_spec

from govindex.errors import DataValidationError
from govindex.ingest import TableFile, validate_microdata

COLUMNS = (
    "respondent_id",
    "province",
    "district",
    "weight",
    "civic_knowledge",
    "village_head_elected",
    "more_1_candidate_select",
    "impact_land_plan_families",
    "denunciation_price_000s_vnd",
    "drinking_water_source",
    "interviewer",
)
ROWS = 6

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)


@st.composite
def corruptions(draw: st.DrawFn) -> list[tuple[str, int, str, object]]:
    """A list of (operation, row, column, value) edits."""
    edit = st.tuples(
        st.sampled_from(
            ("set", "as_text", "drop", "duplicate_id", "null_row", "retype", "as_list", "as_date")
        ),
        st.integers(min_value=0, max_value=ROWS - 1),
        st.sampled_from(COLUMNS),
        cell_values,
    )
    return draw(st.lists(edit, max_size=8))


def corrupt(frame: pl.DataFrame, edits: list[tuple[str, int, str, object]]) -> pl.DataFrame:
    """Apply ``edits`` in turn; an edit polars itself cannot make (a list as text) is skipped."""
    for edit in edits:
        try:
            frame = _apply(frame, *edit)
        except pl.exceptions.PolarsError:
            continue
    return frame


def _apply(
    frame: pl.DataFrame, operation: str, row: int, column: str, value: object
) -> pl.DataFrame:
    if column in frame.columns:
        if operation == "drop":
            frame = frame.drop(column)
        elif operation == "as_text":
            frame = frame.with_columns(pl.col(column).cast(pl.String))
        elif operation == "retype":
            frame = frame.with_columns(pl.lit(value).alias(column))
        elif operation == "as_list":
            frame = frame.with_columns(pl.concat_list(pl.col(column), pl.col(column)).alias(column))
        elif operation == "as_date":
            frame = frame.with_columns(pl.date(2024, 1, 1 + row).alias(column))
        elif operation == "duplicate_id" and "respondent_id" in frame.columns:
            values = frame["respondent_id"].to_list()
            values[row] = values[(row + 1) % ROWS]
            frame = frame.with_columns(pl.Series("respondent_id", values, strict=False))
        elif operation == "null_row":
            frame = frame.with_columns(
                pl.when(pl.int_range(pl.len()) == row).then(None).otherwise(pl.all()).name.keep()
            )
        else:
            values = frame[column].to_list()
            values[row] = value
            try:
                series = pl.Series(column, values, strict=False)
            except (TypeError, OverflowError, pl.exceptions.PolarsError):
                series = pl.Series(column, [], dtype=pl.Object)
            if series.dtype == pl.Object:  # no reader makes object columns: mixed cells are text
                series = pl.Series(column, [None if cell is None else str(cell) for cell in values])
            frame = frame.with_columns(series)
    return frame


@settings(max_examples=150, deadline=None)
@given(edits=corruptions())
def test_corruption_gives_a_report(edits: list[tuple[str, int, str, object]]) -> None:
    frame = corrupt(small_frame().with_columns(pl.lit("x").alias("interviewer")), edits)
    report = validate_microdata(small_spec(), TableFile(path=Path("fuzz.csv"), frame=frame))
    assert report.ok == (report.error_count == 0)
    assert report.error_count >= len(report.issues)
    for issue in (*report.issues, *report.warnings):
        assert issue.where == "fuzz.csv"
        assert issue.row is None or 1 <= issue.row <= frame.height
        assert issue.column is None or issue.column in frame.columns or issue.row is None
        issue.describe()
    if report.ok:
        report.raise_if_errors()
    else:
        with pytest.raises(DataValidationError) as raised:
            report.raise_if_errors()
        assert raised.value.issues == report.issues
