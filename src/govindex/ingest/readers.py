"""Read a survey data file (CSV, Parquet, SPSS, Stata, Excel) into a polars DataFrame.

Values are read as stored; no recoding happens here. Value labels from SPSS and Stata
files are kept on the returned :class:`TableFile`. A header that names a column twice is
refused: readers would rename the second copy and silently use the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from govindex.errors import DataValidationError, Issue

__all__ = [
    "CHUNKED_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "TableFile",
    "read_chunks",
    "read_table",
    "refuse_duplicate_headers",
]

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".sav", ".zsav", ".dta", ".xlsx")
CHUNKED_SUFFIXES = (".csv", ".parquet")
"""Formats that can be read a chunk of rows at a time."""


@dataclass(frozen=True, eq=False)
class TableFile:
    """A data file as read: the frame, its path and any value labels it carried."""

    path: Path
    frame: pl.DataFrame
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)


def read_table(path: str | Path, *, text_columns: Sequence[str] = ()) -> TableFile:
    """Read ``path`` by its suffix; ``text_columns`` are kept as text exactly as written (CSV).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("x,g\\n1,01\\n2,02\\n")
    >>> read_table(folder / "a.csv", text_columns=["g"]).frame["g"].to_list()
    ['01', '02']
    """
    file = Path(path)
    if not file.exists():
        msg = f"{file}: no such file."
        raise DataValidationError(msg, where=str(file), found="missing file")
    if file.is_dir():
        msg = f"{file}: is a folder; expected a data file ({', '.join(SUPPORTED_SUFFIXES)})."
        raise DataValidationError(msg, where=str(file), found="a folder", expected="a file")
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        msg = f"{file}: cannot read `{suffix or 'no suffix'}` files (supported: {', '.join(SUPPORTED_SUFFIXES)})."
        raise DataValidationError(msg, where=str(file), found=suffix, expected=SUPPORTED_SUFFIXES)
    try:
        if suffix == ".csv":
            return _read_csv(file, text_columns)
        if suffix == ".parquet":
            return TableFile(path=file, frame=pl.read_parquet(file))
        if suffix == ".xlsx":
            refuse_duplicate_headers(file, _xlsx_header(file))
            return TableFile(path=file, frame=pl.read_excel(file, engine="openpyxl"))
        return _read_labelled(file, suffix)
    except DataValidationError:
        raise
    except Exception as error:  # every reader failure becomes one clear message
        msg = (
            f"{file}: could not be read as {suffix[1:].upper()} ({type(error).__name__}: {error})."
        )
        raise DataValidationError(msg, where=str(file), found=type(error).__name__) from error


def read_chunks(path: str | Path, rows: int) -> Iterator[TableFile]:
    """Read ``path`` (CSV or Parquet) ``rows`` rows at a time, each chunk a :class:`TableFile`.

    Both are read by polars' streaming engine; CSV column types are inferred from the whole
    file (as :func:`read_table` infers them), so a chunk's columns have the types the whole
    file would have. Only a chunk or two is held at a time.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("x,g\\n1,a\\n2,b\\n3,\\n")
    >>> [chunk.frame.height for chunk in read_chunks(folder / "a.csv", 2)]
    [2, 1]
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in CHUNKED_SUFFIXES:
        msg = f"{file}: `{suffix or 'no suffix'}` files cannot be read in row chunks (only {', '.join(CHUNKED_SUFFIXES)})."
        raise DataValidationError(msg, where=str(file), found=suffix, expected=CHUNKED_SUFFIXES)
    if rows < 1:
        msg = f"the chunk size must be at least 1 row; got {rows}."
        raise DataValidationError(msg, where="chunk rows", found=rows, expected=">= 1")
    read_table_checks(file)
    try:
        if suffix == ".parquet":
            batches = pl.scan_parquet(file).collect_batches(chunk_size=rows)
            for frame in batches:
                yield TableFile(path=file, frame=frame)
            return
        refuse_duplicate_headers(file, _csv_header(file))
        schema = pl.scan_csv(
            file, null_values=["", "NA"], infer_schema_length=None
        ).collect_schema()
        for frame in pl.scan_csv(file, null_values=["", "NA"], schema=schema).collect_batches(
            chunk_size=rows
        ):
            yield TableFile(path=file, frame=frame)
    except DataValidationError:
        raise
    except Exception as error:  # every reader failure becomes one clear message
        msg = (
            f"{file}: could not be read as {suffix[1:].upper()} ({type(error).__name__}: {error})."
        )
        raise DataValidationError(msg, where=str(file), found=type(error).__name__) from error


def read_table_checks(file: Path) -> None:
    """Refuse a missing file or a folder, as :func:`read_table` does."""
    if not file.exists():
        msg = f"{file}: no such file."
        raise DataValidationError(msg, where=str(file), found="missing file")
    if file.is_dir():
        msg = f"{file}: is a folder; expected a data file ({', '.join(SUPPORTED_SUFFIXES)})."
        raise DataValidationError(msg, where=str(file), found="a folder", expected="a file")


def refuse_duplicate_headers(
    file: Path, names: Sequence[object], *, fold_case: bool = False
) -> None:
    """Refuse a header that names a column more than once, naming every repeated name.

    ``fold_case`` compares names regardless of case (SPSS's rule); the first spelling is
    shown.

    Examples
    --------
    >>> refuse_duplicate_headers(Path("d.csv"), ["id", "weight", "q1"])
    >>> refuse_duplicate_headers(Path("d.csv"), ["id", "weight", "weight"])
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: d.csv: the header names column `weight` 2 times (columns 2, 3); expected every column name once.
    """
    positions: dict[str, list[int]] = {}
    spelling: dict[str, str] = {}
    for number, name in enumerate(names, start=1):
        key = str(name).casefold() if fold_case else str(name)
        positions.setdefault(key, []).append(number)
        spelling.setdefault(key, str(name))
    repeated = {spelling[key]: where for key, where in positions.items() if len(where) > 1}
    if not repeated:
        return
    issues = [
        Issue(
            message=(
                f"the header names column `{name}` {len(where)} times (columns "
                f"{', '.join(map(str, where))}); expected every column name once"
            ),
            where=str(file),
            row=1,
            column=name,
            found=f"{len(where)} columns named `{name}`",
            expected="each column name once",
        )
        for name, where in repeated.items()
    ]
    name, where = next(iter(repeated.items()))
    msg = (
        f"{file}: the header names column `{name}` {len(where)} times (columns "
        f"{', '.join(map(str, where))}); expected every column name once."
    )
    if len(repeated) > 1:
        msg += f" {len(repeated) - 1} more column name(s) repeat: " + ", ".join(
            f"`{other}`" for other in list(repeated)[1:]
        )
    raise DataValidationError(
        msg, where=str(file), found=name, expected="each column name once", issues=issues
    )


def _csv_header(file: Path) -> list[str]:
    import csv

    with file.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return next(csv.reader(handle), [])


def _xlsx_header(file: Path) -> list[object]:
    import openpyxl

    workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        first = workbook.worksheets[0]
        row = next(first.iter_rows(min_row=1, max_row=1, values_only=True), ())
        return [value for value in row if value is not None]
    finally:
        workbook.close()


def _read_csv(file: Path, text_columns: Sequence[str]) -> TableFile:
    refuse_duplicate_headers(file, _csv_header(file))
    header = pl.read_csv(file, n_rows=0).columns
    overrides = {name: pl.String for name in text_columns if name in header}
    frame = pl.read_csv(
        file, null_values=["", "NA"], infer_schema_length=None, schema_overrides=overrides
    )
    return TableFile(path=file, frame=frame)


def _read_labelled(file: Path, suffix: str) -> TableFile:
    import warnings

    import pyreadstat

    with warnings.catch_warnings(record=True) as caught:
        # pyreadstat renames a repeated name (x, x_duplicated1) with only a warning.
        warnings.simplefilter("always")
        if suffix == ".dta":
            data, meta = pyreadstat.read_dta(str(file))
        else:
            data, meta = pyreadstat.read_sav(str(file))
    renamed: set[str] = set()
    for warning in caught:
        found = re.search(r"column '(.*)' is duplicated", str(warning.message))
        if found:
            renamed.add(found.group(1))
        else:
            warnings.warn(warning.message, warning.category, stacklevel=2)
    names = [_original_name(str(name), renamed) for name in meta.column_names]
    # SPSS variable names are unique regardless of case; Stata's are case-sensitive.
    refuse_duplicate_headers(file, names, fold_case=suffix != ".dta")
    frame = pl.from_pandas(data)
    labels = list(meta.column_labels or [])
    restored = _long_names(meta.column_names, labels) if suffix == ".dta" else {}
    frame = frame.rename(restored)
    value_labels = {
        restored.get(column, column): {str(key): str(label) for key, label in labels_of.items()}
        for column, labels_of in (meta.variable_value_labels or {}).items()
    }
    # A label that only carried the full name is not kept as a label.
    column_labels = {
        restored.get(name, name): label
        for name, label in zip(meta.column_names, labels, strict=False)
        if label and name not in restored
    }
    return TableFile(path=file, frame=frame, value_labels=value_labels, column_labels=column_labels)


def _original_name(name: str, renamed: set[str]) -> str:
    """``x_duplicated1`` → ``x`` when pyreadstat reported renaming ``x``."""
    base = re.sub(r"_duplicated\d+$", "", name)
    return base if base != name and base in renamed else name


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STATA_NAME_LENGTH = 32


def _long_names(names: Sequence[str], labels: Sequence[str | None]) -> dict[str, str]:
    """Stata names shortened to 32 characters, mapped back to the full names in their labels.

    Stata allows at most 32 characters in a name, so a longer name (a codebook item id) is
    written shortened (``name[:32]``, or ``name[:30] + "_1"`` when that is taken) with the
    full name as the variable label. A label that is itself a longer identifier starting
    with the shortened stem is that full name; any other label is left alone.

    Examples
    --------
    >>> long = "satisfied_with_public_health_insurance_services"
    >>> _long_names([long[:32], "weight"], [long, "Survey weight"])
    {'satisfied_with_public_health_ins': 'satisfied_with_public_health_insurance_services'}
    """
    result: dict[str, str] = {}
    taken = set(names)
    for name, label in zip(names, labels, strict=False):
        if not label or len(label) <= _STATA_NAME_LENGTH or not _IDENTIFIER.fullmatch(label):
            continue
        stem = re.sub(r"_\d+$", "", name) if not label.startswith(name) else name
        if label.startswith(stem) and label not in taken and label not in result.values():
            result[name] = label
    return result
