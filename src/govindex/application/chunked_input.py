"""A survey file read in row chunks and reduced to per-PSU cell sums (``run --chunk-rows``).

Memory then follows the design (cells × indicators, PSUs × replicates) and the chunk, not
the file: a file many times larger than memory can be run. Every check ``govindex run``
makes on a whole file is made here too: each chunk is validated against the codebook with
its file row numbers, and the checks that need the whole file — respondent ids repeated in
different chunks, weights against the file's and their stratum's median weight — are made
first by polars' streaming engine over the id, stratum and weight columns alone.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from govindex.application.progress import ProgressCallback, report_step
from govindex.errors import DataValidationError

if TYPE_CHECKING:
    from govindex.index import IndexParameters
    from govindex.index.cells import AccumulatedCells
    from govindex.ingest.validate import WeightMedians, WeightPlausibility
    from govindex.spec import IndexSpec

__all__ = ["read_cells"]

_LISTED = 20


def read_cells(
    spec: IndexSpec,
    data_path: Path,
    parameters: IndexParameters,
    plausibility: WeightPlausibility,
    chunk_rows: int,
    *,
    progress: ProgressCallback | None = None,
) -> tuple[AccumulatedCells, bool]:
    """The file's cell sums and whether every chunk says the data are synthetic.

    Examples
    --------
    >>> from govindex.index import IndexParameters
    >>> from govindex.ingest.validate import WeightPlausibility
    >>> read_cells(None, Path("no-data.csv"), IndexParameters(), WeightPlausibility(), 10)
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: no-data.csv: no such file.
    """
    from govindex.application.runs import detect_synthetic
    from govindex.index.cells import CellAccumulator
    from govindex.ingest.readers import read_chunks, read_table_checks
    from govindex.ingest.validate import validate_microdata

    read_table_checks(data_path)
    if parameters.variance == "taylor" and parameters.design.psu is None:
        msg = (
            "--chunk-rows with --variance taylor needs a PSU column: Taylor variances are "
            "formed from PSU totals, and without one every respondent is its own PSU."
        )
        raise DataValidationError(msg, where="--psu", found="none", expected="a PSU column")
    design = parameters.design
    chunks = read_chunks(data_path, chunk_rows)
    first = next(chunks, None)
    if first is None:
        msg = f"{data_path}: the file has no rows."
        raise DataValidationError(msg, where=str(data_path), found="0 rows")
    report_step(progress, "checking ids and weights over the whole file")
    medians = _whole_file_checks(data_path, first.frame.schema, parameters, first.frame.columns)
    accumulator = CellAccumulator(spec, design)
    synthetic = True
    report_step(progress, f"reading, checking and scoring {chunk_rows:,} rows at a time")
    for table in itertools.chain([first], chunks):
        validate_microdata(
            spec,
            table,
            design_columns=design,
            weight_plausibility=plausibility,
            first_row=accumulator.rows + 1,
            weight_medians=medians,
        ).raise_if_errors()
        synthetic = synthetic and detect_synthetic(data_path, table.frame)
        accumulator.add(table.frame)
    return accumulator.result(), synthetic


def _scan(path: Path, schema: pl.Schema) -> pl.LazyFrame:
    if path.suffix.lower() == ".parquet":
        return pl.scan_parquet(path)
    return pl.scan_csv(path, null_values=["", "NA"], schema=schema)


def _whole_file_checks(
    path: Path, schema: pl.Schema, parameters: IndexParameters, columns: list[str]
) -> WeightMedians | None:
    """Refuse ids repeated anywhere in the file; return the file's median weights."""
    from govindex.ingest.validate import WeightMedians

    design = parameters.design
    scan = _scan(path, schema)
    identifier = design.respondent_id
    if identifier in columns:
        repeated = (
            scan.select(pl.col(identifier))
            .drop_nulls()
            .group_by(identifier)
            .agg(pl.len().alias("copies"))
            .filter(pl.col("copies") > 1)
            .sort(identifier)
            .head(_LISTED)
            .collect(engine="streaming")
        )
        if repeated.height:
            shown = ", ".join(f"`{value}`" for value in repeated[identifier].to_list())
            msg = (
                f"{path}: column `{identifier}`: respondent ids repeat in the file "
                f"(e.g. {shown}); found duplicates, expected a unique id per row."
            )
            raise DataValidationError(
                msg, where=f"{path}: {identifier}", found=shown, expected="a unique id"
            )
    weights, strata = design.weights, design.checked_strata
    if weights not in columns:
        return None  # the chunk checks report the missing column
    number = pl.col(weights).cast(pl.Float64, strict=False)
    positive = scan.select(number.alias("w"), *([pl.col(strata)] if strata in columns else []))
    positive = positive.filter(pl.col("w").is_finite() & (pl.col("w") > 0))
    overall = positive.select(pl.col("w").median()).collect(engine="streaming").item()
    by_stratum: dict[str, float] = {}
    if strata in columns:
        grouped = (
            positive.group_by(pl.col(strata).cast(pl.String))
            .agg(pl.col("w").median())
            .collect(engine="streaming")
        )
        by_stratum = {
            str(key): float(value)
            for key, value in grouped.iter_rows()
            if key is not None and value is not None
        }
    if overall is None:
        return None
    return WeightMedians(design=float(overall), strata=by_stratum)
