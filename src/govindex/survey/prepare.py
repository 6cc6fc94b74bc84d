"""Turn named columns and an optional domain column into estimation-ready arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from govindex.errors import EstimationError
from govindex.survey.arrays import BoolArray, FloatArray, IntArray
from govindex.survey.design import SurveyDesign

__all__ = ["Domains", "Variables", "prepare_domains", "prepare_variables"]


@dataclass(frozen=True, eq=False)
class Variables:
    """Analysis variables as a (rows × variables) matrix with a missing-value mask."""

    names: tuple[str, ...]
    values: FloatArray  # missing values replaced by 0
    present: BoolArray  # True where the value is not missing
    source_columns: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Domains:
    """Domain membership: a code per row (-1 = in no domain) and the domain labels."""

    codes: IntArray
    labels: tuple[str, ...]
    column: str | None

    @property
    def count(self) -> int:
        """Number of domains."""
        return len(self.labels)

    def mask(self, index: int) -> BoolArray:
        """Rows belonging to domain ``index``."""
        return np.asarray(self.codes == index)

    def empty_error(self, index: int, variable: str, consequence: str) -> EstimationError:
        """The error for a domain with no respondents who have a value of ``variable``."""
        where = (
            f"domain `{self.column}`=`{self.labels[index]}`"
            if self.column is not None
            else "the whole sample"
        )
        msg = f"{where} has no respondents with a value of `{variable}` (weight sum 0); {consequence}."
        return EstimationError(msg, where=self.column or variable, found=self.labels[index])


def prepare_variables(
    design: SurveyDesign, variables: str | Sequence[str], *, na_rm: bool
) -> Variables:
    """Numeric matrix for ``variables``; text columns become one 0/1 column per level.

    Examples
    --------
    >>> frame = pl.DataFrame({"psu": [1, 2, 3], "w": [1.0, 1, 1], "s": ["a", "b", "a"]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> prepare_variables(design, ["s"], na_rm=False).names
    ('s=a', 's=b')
    """
    columns = [variables] if isinstance(variables, str) else list(variables)
    if not columns:
        msg = "no variables were given to estimate."
        raise EstimationError(msg, where="variables", expected="one or more column names")
    for column in columns:
        design.column(column)  # a clear error for an unknown column, before any work
    frame = design.frame
    if all(
        frame[column].dtype.is_numeric() or frame[column].dtype == pl.Boolean for column in columns
    ):
        return _numeric_variables(frame, columns, na_rm=na_rm)
    names: list[str] = []
    blocks: list[FloatArray] = []
    masks: list[BoolArray] = []
    sources: list[str] = []
    for column in columns:
        series = design.column(column)
        missing = series.is_null().to_numpy()
        if series.dtype.is_numeric() or series.dtype == pl.Boolean:
            numeric = series.cast(pl.Float64).to_numpy()
            missing = missing | np.isnan(numeric)
            names.append(column)
            blocks.append(np.where(missing, 0.0, numeric)[:, None])
            masks.append(~missing[:, None])
            sources.append(column)
        else:
            text = series.cast(pl.String)
            levels = sorted(level for level in text.unique().to_list() if level is not None)
            values = text.to_numpy()
            for level in levels:
                names.append(f"{column}={level}")
                blocks.append(np.where(missing, 0.0, (values == level).astype(np.float64))[:, None])
                masks.append(~missing[:, None])
                sources.append(column)
        _check_missing(column, missing, na_rm=na_rm)
    return Variables(
        names=tuple(names),
        values=np.hstack(blocks),
        present=np.hstack(masks),
        source_columns=tuple(sources),
    )


def _numeric_variables(frame: pl.DataFrame, columns: list[str], *, na_rm: bool) -> Variables:
    """Fast path for numeric columns: one conversion of the whole block.

    Row-major order: every later step multiplies this block by sparse group indicators,
    which need C-contiguous data; converting once here is cheaper than once per product.
    """
    matrix = np.asarray(
        frame.select(pl.col(columns).cast(pl.Float64)).to_numpy(order="c"), dtype=np.float64
    )
    present = matrix == matrix  # NaN is the only value unequal to itself
    if not present.all():
        # Column by column only where a message may be due: the first column that has no
        # value at all, or (without na_rm) any missing value, as before.
        flagged = ~present.any(axis=0) if na_rm else ~present.all(axis=0)
        for index in np.flatnonzero(flagged):
            _check_missing(columns[index], ~present[:, index], na_rm=na_rm)
        if not matrix.flags.writeable:
            matrix = matrix.copy()
        # In place: the converted block is this function's own, and a rows × variables
        # copy costs as much as the conversion.
        np.copyto(matrix, 0.0, where=~present)
    return Variables(
        names=tuple(columns),
        values=matrix,
        present=present,
        source_columns=tuple(columns),
    )


def _check_missing(column: str, missing: BoolArray, *, na_rm: bool) -> None:
    if missing.all():
        msg = f"column `{column}` has no non-missing values; nothing can be estimated from it."
        raise EstimationError(msg, where=column, found="all missing", expected="some values")
    if missing.any() and not na_rm:
        row = int(np.flatnonzero(missing)[0]) + 1
        msg = (
            f"column `{column}` has {int(missing.sum())} missing value(s) (first in row "
            f"{row}); pass `na_rm=True` (--na-rm) to estimate from the rows that have a value."
        )
        raise EstimationError(
            msg, where=column, found="missing values", expected="complete data or na_rm"
        )


def prepare_domains(design: SurveyDesign, by: str | None) -> Domains:
    """Domain codes for ``by`` (labels as the values appear in the data), or one whole domain.

    Examples
    --------
    >>> frame = pl.DataFrame({"psu": [1, 2, 3], "w": [1.0, 1, 1], "g": [2, 1, 2]})
    >>> design = SurveyDesign.from_frame(frame, weights="w", psu="psu")
    >>> prepare_domains(design, "g").labels
    ('1', '2')
    """
    if by is None:
        return Domains(codes=np.zeros(design.n_rows, np.int64), labels=("",), column=None)
    series = design.column(by)
    present = series.is_not_null().to_numpy()
    distinct = series.drop_nulls().unique().sort()
    labels = tuple(_label(value) for value in distinct.to_list())
    mapped = series.replace_strict(
        old=distinct,
        new=pl.Series(np.arange(len(distinct), dtype=np.int64)),
        default=-1,
        return_dtype=pl.Int64,
    )
    codes = np.where(present, mapped.fill_null(-1).to_numpy(), -1).astype(np.int64)
    return Domains(codes=codes, labels=labels, column=by)


def _label(value: object) -> str:
    return str(value)
