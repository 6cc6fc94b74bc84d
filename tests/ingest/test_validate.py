"""validate_microdata: every problem is found, with the exact file, row and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from govindex.errors import DataValidationError
from govindex.ingest import DesignColumns, TableFile, ValidationReport, validate_microdata
from govindex.ingest.recode import recode_missing
from govindex.spec import Codebook, IndexSpec, Item

SOURCE = Path("survey.csv")


def check(spec: IndexSpec, frame: pl.DataFrame, **options: object) -> ValidationReport:
    table = TableFile(path=SOURCE, frame=frame)
    return validate_microdata(spec, table, **options)  # type: ignore[arg-type]


def located(report: ValidationReport) -> set[tuple[str, int | None, str | None]]:
    """(kind, row, column) of every error."""
    return {
        (finding.kind, finding.issue.row, finding.issue.column)
        for finding in report.findings
        if finding.severity == "error"
    }


def put(frame: pl.DataFrame, row: int, column: str, value: object) -> pl.DataFrame:
    """A copy of ``frame`` with the cell at 1-based ``row`` set to ``value`` (cast if needed)."""
    values = frame[column].to_list()
    values[row - 1] = value
    return frame.with_columns(pl.Series(column, values, strict=False))


# ------------------------------------------------------------------------------ clean data
def test_clean_small_file_passes(small_spec: IndexSpec, small_frame: pl.DataFrame) -> None:
    report = check(small_spec, small_frame)
    assert report.ok
    assert report.findings == ()
    report.raise_if_errors()


def test_synthetic_survey_passes(papi_spec: IndexSpec, synthetic_microdata: pl.DataFrame) -> None:
    report = check(papi_spec, synthetic_microdata)
    assert report.ok, [issue.describe() for issue in report.issues[:5]]
    assert report.rows == synthetic_microdata.height
    # design and respondent columns the codebook does not know are warnings, never errors
    assert {finding.kind for finding in report.findings} <= {"unknown_column"}
    assert "sex" in {issue.column for issue in report.warnings}


def test_blank_answers_policy(small_spec: IndexSpec, small_frame: pl.DataFrame) -> None:
    blank = put(small_frame, 3, "more_1_candidate_select", None)
    assert check(small_spec, blank).ok
    strict = check(small_spec, blank, blank_answers="error")
    assert located(strict) == {("unanswered", 3, "more_1_candidate_select")}
    # a declared missing code is an answer; not-asked rows may stay blank
    assert check(small_spec, small_frame, blank_answers="error").ok


# ------------------------------------------------------------------------- each problem kind
Injection = Callable[[pl.DataFrame], pl.DataFrame]

CASES: dict[str, tuple[Injection, set[tuple[str, int | None, str | None]]]] = {
    "ordinal out of range": (
        lambda frame: put(frame, 2, "impact_land_plan_families", 7),
        {("out_of_range", 2, "impact_land_plan_families")},
    ),
    "numeric out of range": (
        lambda frame: put(frame, 6, "denunciation_price_000s_vnd", 150001.0),
        {("out_of_range", 6, "denunciation_price_000s_vnd")},
    ),
    "binary undeclared code": (
        lambda frame: put(frame, 1, "civic_knowledge", 2),
        {("undeclared_code", 1, "civic_knowledge")},
    ),
    "undeclared missing code": (
        lambda frame: put(frame, 5, "drinking_water_source", 99),
        {("undeclared_code", 5, "drinking_water_source")},
    ),
    "ordinal code inside the range but not listed": (
        lambda frame: put(frame, 4, "impact_land_plan_families", 2.5),
        {("undeclared_code", 4, "impact_land_plan_families")},
    ),
    "text in a numeric item": (
        lambda frame: put(
            frame.with_columns(pl.col("civic_knowledge").cast(pl.String)),
            3,
            "civic_knowledge",
            "yes",
        ),
        {("type_mismatch", 3, "civic_knowledge")},
    ),
    "answered although not asked": (
        lambda frame: put(frame, 2, "more_1_candidate_select", 1),
        {("answered_not_asked", 2, "more_1_candidate_select")},
    ),
    "missing code although not asked": (
        lambda frame: put(frame, 6, "more_1_candidate_select", -9),
        {("answered_not_asked", 6, "more_1_candidate_select")},
    ),
    "duplicate respondent id": (
        lambda frame: put(frame, 5, "respondent_id", 2),
        {("duplicate_id", 2, "respondent_id"), ("duplicate_id", 5, "respondent_id")},
    ),
    "blank respondent id": (
        lambda frame: put(frame, 4, "respondent_id", None),
        {("missing_design_value", 4, "respondent_id")},
    ),
    "blank province": (
        lambda frame: put(frame, 1, "province", None),
        {("missing_design_value", 1, "province")},
    ),
    "blank district": (
        lambda frame: put(frame, 6, "district", None),
        {("missing_design_value", 6, "district")},
    ),
    "blank weight": (
        lambda frame: put(frame, 2, "weight", None),
        {("missing_design_value", 2, "weight")},
    ),
    "zero weight": (
        lambda frame: put(frame, 3, "weight", 0.0),
        {("invalid_weight", 3, "weight")},
    ),
    "infinite weight": (
        lambda frame: put(frame, 3, "weight", float("inf")),
        {("invalid_weight", 3, "weight")},
    ),
    "text weight": (
        lambda frame: put(
            frame.with_columns(pl.col("weight").cast(pl.String)), 1, "weight", "heavy"
        ),
        {("invalid_weight", 1, "weight")},
    ),
    "codebook item absent": (
        lambda frame: frame.drop("civic_knowledge"),
        {("missing_item", None, "civic_knowledge")},
    ),
    "design column absent": (
        lambda frame: frame.drop("district"),
        {("missing_design_column", None, "district")},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_problem_is_located(
    case: str, small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    inject, expected = CASES[case]
    report = check(small_spec, inject(small_frame))
    assert located(report) == expected
    assert not report.ok
    for issue in report.issues:
        assert issue.where == str(SOURCE)
        assert issue.found is not None
        assert issue.expected is not None
        assert "found" in issue.message or issue.row is None


def test_issue_text_names_file_row_column_found_expected(
    small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    report = check(small_spec, put(small_frame, 2, "impact_land_plan_families", 7))
    (issue,) = report.issues
    assert issue.describe() == (
        "survey.csv, row 2, column `impact_land_plan_families`: value is out of range: "
        "found 7, expected 1 to 3 or a missing code (-9, -8)"
    )
    skipped = check(small_spec, put(small_frame, 2, "more_1_candidate_select", 1)).issues[0]
    assert "village_head_elected = 1" in skipped.message


def test_unknown_columns_are_warnings(small_spec: IndexSpec, small_frame: pl.DataFrame) -> None:
    report = check(small_spec, small_frame.with_columns(pl.lit(1).alias("interviewer")))
    assert report.ok
    assert [(issue.column, issue.row) for issue in report.warnings] == [("interviewer", None)]
    assert report.warning_count == 1


def test_absent_column_with_other_case_is_hinted(
    small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    report = check(small_spec, small_frame.rename({"civic_knowledge": "Civic_Knowledge"}))
    (issue,) = report.issues
    assert "the file has `Civic_Knowledge`" in issue.message


def test_empty_file(small_spec: IndexSpec, small_frame: pl.DataFrame) -> None:
    report = check(small_spec, small_frame.clear())
    assert located(report) == {("empty_file", None, None)}


def test_gate_absent_skips_the_skip_logic_check(
    small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    report = check(small_spec, small_frame.drop("village_head_elected"))
    assert located(report) == {("missing_item", None, "village_head_elected")}


def test_custom_design_columns(small_spec: IndexSpec, small_frame: pl.DataFrame) -> None:
    renamed = small_frame.rename({"respondent_id": "id", "weight": "w"})
    design = DesignColumns(respondent_id="id", weights="w")
    assert check(small_spec, renamed, design_columns=design).ok
    assert located(check(small_spec, renamed)) == {
        ("missing_design_column", None, "respondent_id"),
        ("missing_design_column", None, "weight"),
    }


# ------------------------------------------------------------------------- many at once
def test_all_problems_reported_at_once(small_spec: IndexSpec, small_frame: pl.DataFrame) -> None:
    frame = small_frame
    expected: set[tuple[str, int | None, str | None]] = set()
    for case in (
        "ordinal out of range",
        "binary undeclared code",
        "answered although not asked",
        "zero weight",
        "blank province",
        "numeric out of range",
    ):
        inject, where = CASES[case]
        frame = inject(frame)
        expected |= where
    report = check(small_spec, frame)
    assert located(report) == expected
    assert report.error_count == len(expected)
    with pytest.raises(DataValidationError) as raised:
        report.raise_if_errors()
    assert raised.value.issues == report.issues
    assert raised.value.message == f"survey.csv failed validation: {len(expected)} problems"


def test_one_of_each_in_the_synthetic_survey(
    papi_spec: IndexSpec, synthetic_microdata: pl.DataFrame
) -> None:
    frame = synthetic_microdata.head(500)
    not_asked = frame.with_row_index("row", offset=1).filter(pl.col("village_head_elected") != 1)[
        "row"
    ][0]
    frame = put(frame, 10, "civic_knowledge", 5)
    frame = put(frame, not_asked, "voted_winner", 1)
    frame = put(frame, 20, "respondent_id", frame["respondent_id"][29])
    frame = put(frame, 40, "weight", -3.0)
    frame = put(frame, 50, "district", None)
    frame = frame.drop("drinking_water_source")
    report = check(papi_spec, frame)
    assert located(report) == {
        ("undeclared_code", 10, "civic_knowledge"),
        ("answered_not_asked", not_asked, "voted_winner"),
        ("duplicate_id", 20, "respondent_id"),
        ("duplicate_id", 30, "respondent_id"),
        ("invalid_weight", 40, "weight"),
        ("missing_design_value", 50, "district"),
        ("missing_item", None, "drinking_water_source"),
    }


def test_listing_is_capped_but_everything_counted(
    papi_spec: IndexSpec, synthetic_microdata: pl.DataFrame
) -> None:
    frame = synthetic_microdata.with_columns(pl.lit(-1.0).alias("weight"))
    report = check(papi_spec, frame, listed_rows=20)
    weights = [finding for finding in report.findings if finding.issue.column == "weight"]
    assert [finding.issue.row for finding in weights[:20]] == list(range(1, 21))
    summary = weights[20]
    assert summary.issue.row is None
    assert summary.count == frame.height - 20
    assert report.error_count == frame.height
    assert "more rows not listed" in summary.issue.message


def test_listing_is_ordered_by_kind(small_spec: IndexSpec, small_frame: pl.DataFrame) -> None:
    frame = put(put(small_frame, 1, "weight", 0.0), 2, "civic_knowledge", 3)
    frame = frame.drop("drinking_water_source")
    kinds = [finding.kind for finding in check(small_spec, frame).findings]
    assert kinds == ["missing_item", "undeclared_code", "invalid_weight"]


# ------------------------------------------------------------------------------ recoding
def test_recode_missing_turns_codes_to_null(
    small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    recoded = recode_missing(small_spec, small_frame)
    assert recoded["civic_knowledge"].to_list() == [1.0, 0.0, 1.0, None, 0.0, 1.0]
    assert recoded["province"].to_list() == small_frame["province"].to_list()
    assert small_frame["civic_knowledge"][3] == -9  # the input is not changed


def test_text_codes_and_categorical_columns(
    small_spec: IndexSpec, small_frame: pl.DataFrame
) -> None:
    region = Item.model_validate(
        {
            "id": "region",
            "type": "categorical",
            "label": {"vi": "vùng", "en": "region"},
            "values": ["north", "south"],
            "missing_codes": ["dk"],
        }
    )
    codebook = Codebook(items=(*small_spec.codebook.items, region))
    spec = small_spec.model_copy(update={"codebook": codebook})
    frame = small_frame.with_columns(
        pl.Series("region", ["north", "south", "dk", " north ", "east", None]).cast(pl.Categorical),
        pl.col("province").cast(pl.Categorical),
    )
    report = check(spec, frame)
    assert located(report) == {("undeclared_code", 5, "region")}
    assert report.issues[0].found == "'east'"
