"""Rows per chunk for ``govindex run --chunk-rows auto``: from the file's columns and a memory budget.

A chunked run holds, besides a fixed part (Python, numpy, polars, DuckDB and the design's
cell sums), two things that grow: a part that follows the whole file (the id and weight
checks that span every chunk) and one chunk at a time — its columns as read, the frames
the codebook checks and the scoring derive from them, and the indicator scores in several
layouts (polars' columns, numpy's rows, the missing-value mask's block). So the rows per
chunk are what the budget leaves after the fixed part and the whole-file part, divided by
an estimate of one chunk row's bytes made from the column types.

The constants are fitted, with a margin, to peak RSS measured on the SYNTHETIC PAPI 2024
survey (177 columns, 120 indicators; 2026-12-07): 349 MiB for 18,636 rows in one chunk;
564, 720 and 895 MiB for 186,360 rows in chunks of 10,000, 43,140 and 100,000 rows (about
3–5 KiB per chunk row, which the column-type estimate, 7.7 KiB, overstates on purpose); and
the earlier scale runs, whose peak grew by about 276 bytes per row from 10× to 50× and 33
bytes per row from 50× to 500×. Most of what grows from 1× to 10× (about 250 MiB) stops
growing after that, so it is counted in the fixed part rather than per row.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from govindex.errors import DataValidationError

__all__ = [
    "DEFAULT_MEMORY",
    "ChunkChoice",
    "available_memory",
    "choose_chunk_rows",
    "choose_for_file",
    "chunk_row_bytes",
    "file_shape",
    "memory_budget",
]

DEFAULT_MEMORY = "50%"
"""The budget when ``--memory`` is not given: half the memory the system has available."""

FIXED_BYTES = 560 * 2**20
"""The process before any chunk: interpreter, libraries, spec, store, the design's cells,
and the part of the whole-file checks that stops growing after a few hundred thousand rows."""

FILE_ROW_BYTES = 128
"""Per row of the whole file beyond that: the id and weight checks that span every chunk."""

MINIMUM_ROWS = 1_000
"""Below this, per-chunk overheads dominate; a budget that allows fewer rows is refused."""

_TEXT_BYTES = 32
"""A text value: the string view plus a short string's bytes."""

_COPIES_OF_INPUT = 2
"""The chunk as read and the frames the codebook checks and the scoring derive from it."""

_COPIES_OF_SCORES = 5
"""Scores as polars columns, as a numpy block, row-major, the mask's block, a product."""

_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


@dataclass(frozen=True)
class ChunkChoice:
    """The rows per chunk chosen for a run, and what they were chosen from."""

    rows: int
    memory_budget: int
    row_bytes: int
    file_rows: int

    def recorded(self) -> dict[str, object]:
        """The choice as the run's ``inputs`` record it (beside ``chunk_rows``).

        Examples
        --------
        >>> ChunkChoice(50_000, 2**30, 8_000, 10**6).recorded()["chunk_rows_rule"]
        'auto'
        """
        return {
            "chunk_rows": self.rows,
            "chunk_rows_rule": "auto",
            "memory_budget_bytes": self.memory_budget,
            "chunk_row_bytes_estimate": self.row_bytes,
            "file_rows_estimate": self.file_rows,
        }


def available_memory() -> int:
    """Bytes of memory the system can give a new process without swapping.

    ``MemAvailable`` of ``/proc/meminfo`` (Linux), else the free pages ``os.sysconf``
    reports, else 2 GiB.

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return 2 * 2**30


def memory_budget(text: str | None, available: int | None = None) -> int:
    """Bytes for ``--memory``: an amount (``1.5G``, ``800M``, ``2GiB``) or a share of the
    available memory (``50%``, the default).

    Examples
    --------
    >>> memory_budget("1.5G")
    1610612736
    >>> memory_budget("25%", available=8 * 2**30) == 2 * 2**30
    True
    >>> memory_budget("lots")
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: --memory `lots`: expected an amount such as 800M, 2G or 2GiB, or a share of the available memory such as 50%.
    """
    given = (text or DEFAULT_MEMORY).strip()
    share = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", given)
    amount = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", given, flags=re.IGNORECASE)
    if share is not None and 0 < float(share.group(1)) <= 100:
        free = available_memory() if available is None else available
        return int(free * float(share.group(1)) / 100)
    if amount is not None and float(amount.group(1)) > 0:
        return int(float(amount.group(1)) * _UNITS[amount.group(2).lower()])
    msg = (
        f"--memory `{given}`: expected an amount such as 800M, 2G or 2GiB, or a share of "
        "the available memory such as 50%."
    )
    raise DataValidationError(msg, where="--memory", found=given, expected="800M, 2G or 50%")


def chunk_row_bytes(schema: pl.Schema, indicators: int) -> int:
    """Estimated bytes one row of a chunk costs while it is checked, scored and summed.

    Examples
    --------
    >>> chunk_row_bytes(pl.Schema({"a": pl.Int64, "s": pl.String}), 120)
    4880
    """
    row = 0
    for dtype in schema.values():
        if dtype.is_numeric() or dtype == pl.Boolean or dtype.is_temporal():
            row += _fixed_width(dtype)
        else:
            row += _TEXT_BYTES
    return _COPIES_OF_INPUT * row + _COPIES_OF_SCORES * 8 * indicators


def _fixed_width(dtype: pl.DataType) -> int:
    """Bytes of one value of a numeric, boolean or temporal column."""
    if dtype == pl.Boolean:
        return 1
    digits = re.search(r"(\d+)", str(dtype))
    return int(digits.group(1)) // 8 if digits is not None else 8


def choose_chunk_rows(
    schema: pl.Schema, indicators: int, file_rows: int, budget: int
) -> ChunkChoice:
    """Rows per chunk that keep a run of a ``file_rows``-row file within ``budget`` bytes.

    Examples
    --------
    >>> schema = pl.Schema({f"q{i}": pl.Int64 for i in range(160)} | {"w": pl.Float64})
    >>> choose_chunk_rows(schema, 120, 10**6, 2 * 2**30).rows
    194181
    >>> choose_chunk_rows(schema, 120, 5_000, 2 * 2**30).rows
    5000
    >>> choose_chunk_rows(schema, 120, 10**6, 500 * 2**20)
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: --memory 500 MiB is too little for this file: a chunked run needs about 560 MiB, plus 122 MiB for the checks over its 1,000,000 rows, plus 8 MiB for chunks of at least 1,000 rows.
    """
    row_bytes = chunk_row_bytes(schema, indicators)
    left = budget - FIXED_BYTES - FILE_ROW_BYTES * file_rows
    rows = left // row_bytes
    if rows < MINIMUM_ROWS:
        mib = 2**20
        msg = (
            f"--memory {budget // mib:,} MiB is too little for this file: a chunked run needs "
            f"about {FIXED_BYTES // mib:,} MiB, plus {FILE_ROW_BYTES * file_rows // mib:,} MiB "
            f"for the checks over its {file_rows:,} rows, plus "
            f"{-(-MINIMUM_ROWS * row_bytes // mib):,} MiB for chunks of at least "
            f"{MINIMUM_ROWS:,} rows."
        )
        needed = budget - left + MINIMUM_ROWS * row_bytes
        raise DataValidationError(msg, where="--memory", found=budget, expected=f">= {needed}")
    # A chunk larger than the file would only be recorded as a misleading number.
    return ChunkChoice(
        rows=int(min(rows, max(file_rows, MINIMUM_ROWS))),
        memory_budget=budget,
        row_bytes=row_bytes,
        file_rows=file_rows,
    )


def file_shape(path: Path) -> tuple[pl.Schema, int]:
    """The columns of a CSV or Parquet file and its number of rows (estimated for CSV).

    Parquet's footer gives both. A CSV's types are inferred as the chunked reader infers
    them, and its rows estimated from the file's size and its first lines' lengths, which
    needs no pass over a file of any size.
    """
    if path.suffix.lower() == ".parquet":
        schema = pl.read_parquet_schema(path)
        rows = pl.scan_parquet(path).select(pl.len()).collect().item()
        return pl.Schema(schema), int(rows)
    schema = pl.scan_csv(path, null_values=["", "NA"]).collect_schema()
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    lines = head.count(b"\n")
    rows = size if lines == 0 else int(size / (len(head) / lines))
    return schema, max(1, rows)


def choose_for_file(path: Path, indicators: int, memory: str | None) -> ChunkChoice:
    """:func:`choose_chunk_rows` for the CSV or Parquet file ``path`` and ``--memory``.

    Examples
    --------
    >>> choose_for_file(Path("no-data.csv"), 120, None)
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: no-data.csv: cannot choose rows per chunk: the file cannot be read (FileNotFoundError).
    """
    budget = memory_budget(memory)
    try:
        schema, rows = file_shape(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        msg = f"{path}: cannot choose rows per chunk: the file cannot be read ({type(error).__name__})."
        raise DataValidationError(msg, where=str(path), found=type(error).__name__) from None
    return choose_chunk_rows(schema, indicators, rows, budget)
