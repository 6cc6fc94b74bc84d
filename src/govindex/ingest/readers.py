"""Read a survey data file (CSV, Parquet, SPSS, Stata, Excel) into a polars DataFrame.

Values are read as stored; no recoding happens here. Value labels from SPSS and Stata
files are kept on the returned :class:`TableFile`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from govindex.errors import DataValidationError

__all__ = ["SUPPORTED_SUFFIXES", "TableFile", "read_table"]

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".sav", ".zsav", ".dta", ".xlsx")


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
            return TableFile(path=file, frame=pl.read_excel(file, engine="openpyxl"))
        return _read_labelled(file, suffix)
    except DataValidationError:
        raise
    except Exception as error:  # every reader failure becomes one clear message
        msg = (
            f"{file}: could not be read as {suffix[1:].upper()} ({type(error).__name__}: {error})."
        )
        raise DataValidationError(msg, where=str(file), found=type(error).__name__) from error


def _read_csv(file: Path, text_columns: Sequence[str]) -> TableFile:
    header = pl.read_csv(file, n_rows=0).columns
    overrides = {name: pl.String for name in text_columns if name in header}
    frame = pl.read_csv(
        file, null_values=["", "NA"], infer_schema_length=None, schema_overrides=overrides
    )
    return TableFile(path=file, frame=frame)


def _read_labelled(file: Path, suffix: str) -> TableFile:
    import pyreadstat

    if suffix == ".dta":
        data, meta = pyreadstat.read_dta(str(file))
    else:
        data, meta = pyreadstat.read_sav(str(file))
    frame = pl.from_pandas(data)
    value_labels = {
        column: {str(key): str(label) for key, label in labels.items()}
        for column, labels in (meta.variable_value_labels or {}).items()
    }
    column_labels = {
        name: label
        for name, label in zip(meta.column_names, meta.column_labels or [], strict=False)
        if label
    }
    return TableFile(path=file, frame=frame, value_labels=value_labels, column_labels=column_labels)
