"""Fuzzing ``govindex run`` end to end over damaged SYNTHETIC microdata, spec files and options.

One small valid survey (4 provinces, ~400 respondents) is damaged at random: columns dropped
or renamed, cells set to out-of-range codes, text, NaN, inf, negative or huge values, ids
duplicated, rows shuffled or cut, a province left with one PSU, an item emptied, the file
written as CSV, Parquet or Excel, or cut short and filled with garbage. Whatever happens, the
command must end with exit 0 or a user error (1, 2): never a traceback or an internal error
(70), never a run stored or a folder published when it fails, and every stored run must add
up (total = the sum of its dimensions). Spec *models* are fuzzed in tests/spec; here the spec
only suffers file-level damage.

A second property runs valid variations (a subset of provinces, weights scaled by a
constant, rows shuffled) and checks that the index is invariant to the scaling and the order.

The bugs the fuzzing found (answers not checked against the codebook, non-finite answers,
a text ``synthetic`` column, an output path that is a file, an empty item not named, no
lonely-PSU option) each keep a regression test at the end of the file.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from tests.cli.conftest import Invoke
from tests.conftest import PAPI_DATA
from typer.testing import Result

from govindex.spec import Item, load_spec
from govindex.storage import RunStore
from govindex.synthetic import load_size_classes, province_table, synthesise_papi
from govindex.synthetic.output import write_survey

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"

PROVINCES = ("Bac Kan", "Da Nang", "Ca Mau", "Lao Cai")
USER_ERROR_CODES = (1, 2)
OUTPUT_FILES = ("scores.csv", "national.csv", "manifest.json")
COMPARED_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "n", "rank", "rank_low", "rank_high")

# Each example is a whole CLI run (~0.4 s idle); these bounds keep the file under a minute.
FUZZ = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    # No shrinking or explaining: each step is a whole run (explain traces every line, far
    # too slow); a failing Damage is printed as drawn and is readable as it is.
    phases=(Phase.explicit, Phase.generate),
    # `invoke` is function-scoped but stateless: one CliRunner call per use.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INVARIANCE = settings(FUZZ, max_examples=5)


# ---------------------------------------------------------------------- the valid survey
@dataclass(frozen=True)
class Survey:
    """The valid SYNTHETIC survey, its item columns, and a store already holding its run."""

    frame: pl.DataFrame
    items: tuple[str, ...]
    codebook: tuple[Item, ...]
    store: Path
    scores: pl.DataFrame


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    """Synthesise once, keep four 3-district provinces and 40% of respondents, run it once."""
    from typer.testing import CliRunner

    from govindex.cli import app

    spec = load_spec(SPEC)
    published = pl.read_csv(PAPI_DATA / "published_scores.csv")
    provinces = province_table(published["province"].unique(), load_size_classes())
    synthesised = synthesise_papi(spec, seed=7, targets=published, provinces=provinces)
    frame = synthesised.microdata.filter(
        pl.col("province").is_in(PROVINCES) & (pl.col("respondent_id") % 5 < 2)
    ).with_columns(pl.lit(True).alias("synthetic"))
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "survey.csv"
    write_survey(replace(synthesised, microdata=frame.drop("synthetic")), path)
    store = folder / "seed.duckdb"
    result = CliRunner().invoke(
        app, ["run", str(SPEC), str(path), "--out", str(folder / "out"), "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    with RunStore(store) as opened:
        (manifest,) = opened.list_runs()
        scores = opened.read_table(manifest.run_id, "scores")
    items = tuple(item.id for item in spec.codebook.items if item.id in frame.columns)
    assert invalid_answers(frame, spec.codebook.items) == []
    return Survey(frame, items, spec.codebook.items, store, scores)


# ---------------------------------------------------------------------- damage
BAD_VALUES: tuple[Any, ...] = (
    None, math.nan, math.inf, -math.inf, -1, 0, 7, 99, -7, -8, -9, 2, 0.5, -0.0, 1e300, -1e300,
    10**15, "abc", "", " 1", "NA", "Atlantis", "1,5",
)  # fmt: skip
NEW_NAMES = ("Weight", "weight ", "district_2", "", "province", "weight", "district")
DESIGN_COLUMNS = ("province", "weight", "district", "respondent_id", "synthetic")
FILE_FORMATS = ("csv", "csv", "parquet", "parquet", "xlsx")
# Mostly intact files, so that many examples get as far as the index.
SPEC_DAMAGE = ("none",) * 28 + ("truncated", "garbage", "empty", "list")
FILE_DAMAGE = ("none",) * 24 + ("truncated", "garbage", "empty")


@dataclass(frozen=True)
class Damage:
    """Everything done to one example, printed by hypothesis when a property fails."""

    operations: tuple[tuple[Any, ...], ...]
    file_format: str
    file_damage: tuple[str, int]
    spec_damage: tuple[str, int]
    options: tuple[str, ...]
    existing_output: str


@st.composite
def operations(draw: st.DrawFn, items: Sequence[str]) -> tuple[Any, ...]:
    """One damaging operation on the frame, as a plain tuple (readable in failure reports)."""
    column = draw(st.sampled_from(DESIGN_COLUMNS) | st.sampled_from(items))
    rows = tuple(draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=5)))
    kind = draw(
        st.sampled_from(
            ["set", "set", "set", "drop", "rename", "fill", "empty", "duplicate_ids",
             "duplicate_rows", "shuffle", "truncate", "single_psu"]
        )
    )  # fmt: skip
    if kind == "set":
        value = draw(st.sampled_from(BAD_VALUES) | st.floats() | st.integers(-(10**6), 10**6))
        return (kind, column, rows, value)
    if kind == "fill":
        return (kind, column, draw(st.sampled_from(BAD_VALUES)))
    if kind == "rename":
        return (kind, column, draw(st.sampled_from(NEW_NAMES)))
    if kind in ("drop", "empty"):
        return (kind, column)
    if kind == "truncate":
        return (kind, draw(st.integers(0, 2)))
    if kind == "single_psu":
        return (kind, draw(st.sampled_from(PROVINCES)))
    if kind == "shuffle":
        return (kind, draw(st.integers(0, 2**16)))
    return (kind, rows)


@st.composite
def options(draw: st.DrawFn) -> tuple[str, ...]:
    """Command-line options: mostly the defaults, sometimes odd but well-formed choices."""
    chosen: list[str] = ["--variance", draw(st.sampled_from(["taylor", "jkn", "bootstrap"]))]
    if chosen[-1] == "bootstrap":
        chosen += ["--replicates", str(draw(st.sampled_from([5, 20, 1, 0, -3])))]
    # One example in four changes the design or statistics options; the rest keep defaults.
    odd = st.booleans() if draw(st.integers(0, 3)) == 0 else st.just(False)
    if draw(odd):
        chosen += ["--level", str(draw(st.sampled_from([0.9, 0.0, 1.0, 1.5, -0.1, math.nan])))]
    if draw(odd):
        chosen += ["--df-rule", draw(st.sampled_from(["design", "normal", "domain"]))]
    if draw(odd):
        chosen += ["--psu", draw(st.sampled_from(["commune", "village", "respondent_id", "province", "weight", "sex"]))]  # fmt: skip
    if draw(odd):
        chosen += ["--weights", draw(st.sampled_from(["design_weight", "district", "civic_knowledge", "province"]))]  # fmt: skip
    if draw(odd):
        chosen += ["--strata", draw(st.sampled_from(["district", "size_class", "sex"]))]
    if draw(odd):
        chosen += ["--province", draw(st.sampled_from(["district", "sex", "size_class"]))]
    if draw(odd):
        chosen += ["--weighted-total", draw(st.sampled_from(["weighted_2019", "nope"]))]
    if draw(st.booleans()):
        chosen.append(draw(st.sampled_from(["--papi-intervals", "--exclude-suppressed"])))
    return tuple(chosen)


@st.composite
def damages(draw: st.DrawFn, items: Sequence[str]) -> Damage:
    """Up to three frame operations plus file, spec and option damage."""
    return Damage(
        operations=tuple(draw(st.lists(operations(items), min_size=0, max_size=3))),
        file_format=draw(st.sampled_from(FILE_FORMATS)),
        file_damage=(draw(st.sampled_from(FILE_DAMAGE)), draw(st.integers(0, 2**16 - 1))),
        spec_damage=(draw(st.sampled_from(SPEC_DAMAGE)), draw(st.integers(0, 2**16 - 1))),
        options=draw(options()),
        existing_output=draw(st.sampled_from(["none", "folder", "file"])),
    )


def damaged_frame(frame: pl.DataFrame, steps: Sequence[tuple[Any, ...]]) -> pl.DataFrame:
    """Apply the operations in order; one whose column is already gone is skipped."""
    for kind, *arguments in steps:
        if kind in ("set", "fill", "rename", "drop", "empty") and arguments[0] not in frame.columns:
            continue
        if kind == "set":
            column, rows, value = arguments
            frame = _set_cells(frame, column, [row % max(frame.height, 1) for row in rows], value)
        elif kind == "fill":
            column, value = arguments
            frame = _set_cells(frame, column, list(range(frame.height)), value)
        elif kind == "drop":
            frame = frame.drop(arguments[0])
        elif kind == "rename" and arguments[1] not in frame.columns:
            frame = frame.rename({arguments[0]: arguments[1]})
        elif kind == "empty":
            frame = frame.with_columns(pl.lit(None, frame[arguments[0]].dtype).alias(arguments[0]))
        elif kind == "duplicate_ids" and "respondent_id" in frame.columns and frame.height:
            rows = [row % frame.height for row in arguments[0]]
            frame = _set_cells(frame, "respondent_id", rows, frame["respondent_id"][0])
        elif kind == "duplicate_rows" and frame.height:
            frame = pl.concat([frame, frame[[row % frame.height for row in arguments[0]]]])
        elif kind == "shuffle":
            frame = frame.sample(fraction=1.0, shuffle=True, seed=arguments[0])
        elif kind == "truncate":
            frame = frame.head(arguments[0])
        elif kind == "single_psu" and {"province", "district"} <= set(frame.columns):
            first = frame.filter(pl.col("province") == arguments[0])["district"].head(1)
            if first.len():
                frame = frame.with_columns(
                    pl.when(pl.col("province") == arguments[0])
                    .then(pl.lit(first[0], frame["district"].dtype))
                    .otherwise(pl.col("district"))
                    .alias("district")
                )
    return frame


def _set_cells(frame: pl.DataFrame, column: str, rows: Sequence[int], value: Any) -> pl.DataFrame:
    """Set ``rows`` of ``column`` to ``value``, widening the column's type when it must."""
    if frame.height == 0:
        return frame
    series = frame[column]
    dtype: Any = series.dtype
    if isinstance(value, str) or (value is not None and dtype == pl.String):
        dtype, value = pl.String, None if value is None else str(value)
    elif isinstance(value, float) or (value is not None and not dtype.is_numeric()):
        dtype, value = pl.Float64, float(value)
    values = series.cast(dtype).to_list()
    for row in rows:
        values[row] = value
    return frame.with_columns(pl.Series(column, values, dtype=dtype))


def write_data(frame: pl.DataFrame, damage: Damage, folder: Path) -> Path:
    """Write the damaged frame in the chosen format, then damage the bytes if asked."""
    path = folder / f"survey.{damage.file_format}"
    if damage.file_format == "parquet":
        frame.write_parquet(path, metadata={"govindex.synthetic": "true"})
    elif damage.file_format == "xlsx":
        # xlsxwriter warns about headers that differ only in case or spaces: that is the point.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            frame.write_excel(path)
    else:
        frame.write_csv(path)
        # Duplicate headers cannot exist in a polars frame: make them in the text.
        for kind, *arguments in damage.operations:
            if kind == "rename" and {arguments[0], arguments[1]} <= set(frame.columns):
                header, body = path.read_text(encoding="utf-8").split("\n", 1)
                names = [
                    arguments[1] if name == arguments[0] else name for name in header.split(",")
                ]
                path.write_text(",".join(names) + "\n" + body, encoding="utf-8")
        (folder / f"{path.name}.meta.json").write_text('{"synthetic": true}\n', encoding="utf-8")
    _damage_bytes(path, damage.file_damage)
    return path


def write_spec(damage: Damage, folder: Path) -> Path:
    """The shipped spec, or its file damaged (truncated, garbage, empty, not a mapping)."""
    path = folder / "spec.yaml"
    text = SPEC.read_text(encoding="utf-8")
    kind, _ = damage.spec_damage
    path.write_text("- a\n- b\n" if kind == "list" else text, encoding="utf-8")
    _damage_bytes(path, damage.spec_damage)
    return path


def _damage_bytes(path: Path, damage: tuple[str, int]) -> None:
    kind, seed = damage
    content = path.read_bytes()
    if kind == "truncated":
        path.write_bytes(content[: len(content) * seed // 2**16])
    elif kind == "garbage":
        path.write_bytes(bytes((seed * 7919 + index * 104729) % 256 for index in range(4096)))
    elif kind == "empty":
        path.write_bytes(b"")


def invalid_answers(frame: pl.DataFrame, codebook: Sequence[Item]) -> list[str]:
    """Item columns holding a number that is neither a valid code nor a missing code.

    ``govindex run`` checks the data against the codebook first, so a run with any of these
    must be refused.
    """
    found = []
    for item in codebook:
        if item.id not in frame.columns:
            continue
        numbers = frame[item.id].cast(pl.Float64, strict=False).drop_nulls().drop_nans()
        missing = {float(code) for code in item.missing_codes if not isinstance(code, str)}
        if any(
            value not in missing and not item.is_valid_value(value)
            for value in numbers.unique().to_list()
        ):
            found.append(item.id)
    return found


# ---------------------------------------------------------------------- checks
@dataclass(frozen=True)
class Snapshot:
    """What a failed run must leave exactly as it was: the output folder and the store."""

    output: dict[str, bytes] | None
    runs: tuple[str, ...]
    tables: tuple[tuple[str, int], ...]
    staging: tuple[str, ...]


def snapshot(output: Path, store: Path) -> Snapshot:
    """The output folder's files, the stored run ids and every store table with its rows."""
    files: dict[str, bytes] | None = None
    if output.is_file():
        files = {".": output.read_bytes()}
    elif output.exists():
        files = {str(path.relative_to(output)): path.read_bytes() for path in output.rglob("*")}
    with RunStore(store) as opened:
        runs = tuple(sorted(manifest.run_id for manifest in opened.list_runs()))
    # Row counts too: a half-written run would show as an orphan table or extra score rows.
    with duckdb.connect(str(store), read_only=True) as connection:
        names = connection.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        tables = tuple(
            (name, connection.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0])
            for (name,) in names
        )
    staging = tuple(sorted(path.name for path in output.parent.glob(".out*")))
    return Snapshot(output=files, runs=runs, tables=tables, staging=staging)


def check_outcome(result: Result, before: Snapshot, output: Path, store: Path) -> str | None:
    """Assert the run either succeeded completely or failed cleanly; the new run id if any."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        message = f"an exception escaped the CLI: {result.exception!r}"
        raise AssertionError(message)
    assert result.exit_code in (0, *USER_ERROR_CODES), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    after = snapshot(output, store)
    assert after.staging == before.staging, "a staging folder was left behind"
    if result.exit_code != 0:
        lines = result.stderr.splitlines()
        assert [line for line in lines if line.startswith("error: ")] == lines[:1], lines
        assert all(line.startswith(("hint: ", "  ", "note: ")) for line in lines[1:]), lines
        assert after.runs == before.runs, "a failed run was stored"
        assert after.tables == before.tables, "a failed run changed the store"
        assert after.output == before.output, "a failed run changed the output folder"
        return None
    assert after.output is not None
    added = set(after.runs) - set(before.runs)
    if added:
        (new,) = added
    else:  # an identical run was stored already: its folder is written from the store
        assert "is already stored" in result.output
        new = json.loads(after.output["manifest.json"])["run_id"]
        assert new in after.runs
    # The folder is replaced as a whole: nothing of an earlier one survives.
    assert set(OUTPUT_FILES) <= set(after.output)
    assert "earlier.txt" not in after.output
    assert new in after.output["manifest.json"].decode()
    with RunStore(store) as opened:
        scores = opened.read_table(new, "scores")
    published = pl.read_csv(output / "scores.csv", infer_schema_length=None)
    assert published.height >= scores.height
    check_identities(scores)
    return new


SCALES = {"indicator": (0.0, 1.0), "dimension": (1.0, 10.0), "total": (8.0, 80.0)}


def check_identities(scores: pl.DataFrame) -> None:
    """Finite scores on their scales, and total = the sum of the dimensions to 1e-9 for every
    province where all dimensions are present."""
    for level, (low, high) in SCALES.items():
        estimates = scores.filter(pl.col("level") == level)["estimate"].drop_nulls()
        outside = estimates.filter(~estimates.is_between(low - 1e-9, high + 1e-9))
        assert outside.len() == 0, (level, outside.to_list()[:5])
    dimensions = scores.filter(pl.col("level") == "dimension")
    count = dimensions["code"].n_unique()
    sums = (
        dimensions.group_by("province")
        .agg(pl.col("estimate").sum().alias("sum"), pl.col("estimate").count().alias("present"))
        .join(scores.filter(pl.col("level") == "total"), on="province")
        .filter((pl.col("present") == count) & pl.col("estimate").is_not_null())
    )
    for row in sums.iter_rows(named=True):
        assert abs(row["estimate"] - row["sum"]) <= 1e-9, row


# ---------------------------------------------------------------------- properties
@pytest.mark.timeout(120)
@FUZZ
@given(data=st.data())
def test_damaged_inputs_fail_cleanly_or_add_up(
    invoke: Invoke, survey: Survey, data: st.DataObject
) -> None:
    damage = data.draw(damages(survey.items), label="damage")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = folder / "store.duckdb"
        shutil.copyfile(survey.store, store)
        output = folder / "out"
        if damage.existing_output == "folder":
            output.mkdir()
            (output / "earlier.txt").write_text("an earlier run\n", encoding="utf-8")
        elif damage.existing_output == "file":
            output.write_text("not a folder\n", encoding="utf-8")
        frame = damaged_frame(survey.frame, damage.operations)
        path = write_data(frame, damage, folder)
        spec = write_spec(damage, folder)
        before = snapshot(output, store)
        result = invoke("run", spec, path, "--out", output, "--store", store, *damage.options)
        event(f"exit code {result.exit_code}")  # shown by --hypothesis-show-statistics
        check_outcome(result, before, output, store)
        if result.exit_code == 0 and damage.file_damage[0] == "none":
            # an answer outside the codebook must refuse the run, never enter the scores
            assert invalid_answers(frame, survey.codebook) == []


@pytest.mark.timeout(120)
@INVARIANCE
@given(
    chosen=st.lists(st.sampled_from(PROVINCES), min_size=1, max_size=4, unique=True),
    factor=st.sampled_from([1e-3, 0.37, 2.0, 1e3]) | st.floats(1e-2, 1e2),
    seed=st.integers(0, 2**16),
    variance=st.sampled_from(["taylor", "jkn", "bootstrap"]),
)
def test_valid_variations_are_invariant_to_weight_scale_and_row_order(
    invoke: Invoke, survey: Survey, chosen: list[str], factor: float, seed: int, variance: str
) -> None:
    subset = survey.frame.filter(pl.col("province").is_in(chosen))
    varied = subset.sample(fraction=1.0, shuffle=True, seed=seed).with_columns(
        pl.col("weight") * factor
    )
    tables = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for label, frame in (("plain", subset), ("varied", varied)):
            path = folder / f"{label}.csv"
            frame.write_csv(path)
            store, output = folder / f"{label}.duckdb", folder / label
            result = invoke(
                "run", SPEC, path, "--out", output, "--store", store, "--variance", variance
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            with RunStore(store) as opened:
                (manifest,) = opened.list_runs()
                tables.append(opened.read_table(manifest.run_id, "scores"))
    plain, varied_scores = (table.sort("province", "level", "code") for table in tables)
    check_identities(plain)
    assert_close(plain, varied_scores, COMPARED_COLUMNS)
    # A province's estimates use its own respondents only: the subset must not move them.
    own = survey.scores.filter(pl.col("province").is_in(chosen)).sort("province", "level", "code")
    assert_close(own, plain, ("estimate", "n"))


def assert_close(left: pl.DataFrame, right: pl.DataFrame, columns: Sequence[str]) -> None:
    """Same rows, and every value of ``columns`` equal to 1e-9 (nulls in the same places)."""
    assert left.select("province", "level", "code").equals(
        right.select("province", "level", "code")
    )
    for column in columns:
        for one, other in zip(left[column].to_list(), right[column].to_list(), strict=True):
            if one is None or other is None:
                assert one is other, (column, one, other)
            else:
                assert abs(float(one) - float(other)) <= 1e-9, (column, one, other)


# ---------------------------------------------------------------------- regressions (bugs the fuzzing found)
def run_once(invoke: Invoke, frame: pl.DataFrame, survey: Survey, folder: Path) -> Result:
    """Run ``frame`` as CSV into a copy of the seeded store, check the outcome, return it."""
    path, store, output = folder / "survey.csv", folder / "store.duckdb", folder / "out"
    frame.write_csv(path)
    shutil.copyfile(survey.store, store)
    before = snapshot(output, store)
    result = invoke("run", SPEC, path, "--out", output, "--store", store, "--variance", "taylor")
    check_outcome(result, before, output, store)
    return result


@pytest.mark.timeout(120)
def test_undeclared_codes_are_refused_or_kept_out_of_the_scores(
    invoke: Invoke, survey: Survey, tmp_path: Path
) -> None:
    item = "personal_procedure_quality_criterion_1"  # binary, scored by indicator 5.4.3 (mean)
    run_once(invoke, survey.frame.with_columns(pl.lit(99).alias(item)), survey, tmp_path)


@pytest.mark.timeout(120)
def test_infinite_answers_are_refused_or_kept_out_of_the_scores(
    invoke: Invoke, survey: Survey, tmp_path: Path
) -> None:
    item = "personal_procedure_quality_criterion_1"
    frame = survey.frame.with_columns(pl.lit(-math.inf).alias(item))
    run_once(invoke, frame, survey, tmp_path)


@pytest.mark.timeout(120)
def test_a_text_synthetic_column_is_not_an_internal_error(
    invoke: Invoke, survey: Survey, tmp_path: Path
) -> None:
    frame = survey.frame.with_columns(pl.lit("yes").alias("synthetic"))
    run_once(invoke, frame, survey, tmp_path)


@pytest.mark.timeout(120)
def test_an_output_path_that_is_a_file_leaves_nothing_behind(
    invoke: Invoke, survey: Survey, tmp_path: Path
) -> None:
    (tmp_path / "out").write_text("my notes\n", encoding="utf-8")
    run_once(invoke, survey.frame, survey, tmp_path)


@pytest.mark.timeout(120)
def test_an_empty_item_is_named_in_the_error(
    invoke: Invoke, survey: Survey, tmp_path: Path
) -> None:
    item = "no_bribes_state_employment"  # the only item of indicator 4.3.1
    result = run_once(
        invoke, survey.frame.with_columns(pl.lit(None, pl.Int64).alias(item)), survey, tmp_path
    )
    assert result.exit_code == 0 or item in result.stderr


@pytest.mark.timeout(120)
def test_a_lonely_psu_error_names_an_option_run_has(
    invoke: Invoke, survey: Survey, tmp_path: Path
) -> None:
    frame = damaged_frame(survey.frame, [("single_psu", "Da Nang")])
    result = run_once(invoke, frame, survey, tmp_path)
    if "lonely_psu" in result.stderr:
        assert "--lonely-psu" in invoke("run", "--help").output
