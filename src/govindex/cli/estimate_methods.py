"""The survey-method choices of ``govindex estimate`` beyond the sample design itself.

Supplied replicate weights, regression calibration to model totals, and the checks that
refuse an option which would otherwise be silently ignored (a quantile rule on a mean, a
PPS variance form without PPS, ``--mse`` without replicates). The survey library does the
work; this module only turns command-line text into its arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from govindex.errors import ColumnNotFound

if TYPE_CHECKING:
    import polars as pl

    from govindex.survey.design import SurveyDesign

__all__ = ["CalibrationModel", "SuppliedReplicates", "check_method_options", "supplied_replicates"]


@dataclass(frozen=True)
class SuppliedReplicates:
    """Replicate weights delivered with the data (R ``svrepdesign``), as named on the command line."""

    pattern: str
    method: str
    scale: float | None
    rscales: tuple[float, ...] | None

    def columns(self, frame: pl.DataFrame) -> tuple[str, ...]:
        """The replicate-weight columns: the names listed, or those the pattern matches.

        Examples
        --------
        >>> import polars as pl
        >>> frame = pl.DataFrame({"pw": [1.0], "rep1": [1.0], "rep2": [0.0]})
        >>> SuppliedReplicates("rep[0-9]+", "jk1", None, None).columns(frame)
        ('rep1', 'rep2')
        """
        listed = [part.strip() for part in self.pattern.split(",") if part.strip()]
        if len(listed) > 1 or (listed and listed[0] in frame.columns):
            missing = [name for name in listed if name not in frame.columns]
            if missing:
                msg = f"replicate-weight column `{missing[0]}` is not in the data."
                raise ColumnNotFound(
                    msg, where=missing[0], found=missing[0], expected=frame.columns
                )
            return tuple(listed)
        expression = re.compile(self.pattern)
        matched = tuple(name for name in frame.columns if expression.search(name))
        if not matched:
            msg = f"no column of the data matches the replicate-weight pattern {self.pattern!r}."
            raise ColumnNotFound(msg, where="--replicate-weights", found=self.pattern)
        return matched

    def design(
        self,
        frame: pl.DataFrame,
        weights: str | None,
        mse: bool,
        fay_rho: float | None,
        lonely_psu: Any,
    ) -> SurveyDesign:
        """The replicate design these weights describe."""
        from govindex.survey.supplied_replicates import replicate_design_from_columns

        assert weights is not None  # checked by supplied_replicates
        return replicate_design_from_columns(
            frame,
            weights=weights,
            replicate_columns=list(self.columns(frame)),
            method=self.method,  # type: ignore[arg-type]
            scale=self.scale,
            rscales=self.rscales,
            mse=mse,
            fay_rho=fay_rho,
            lonely_psu=lonely_psu,
        )


def supplied_replicates(
    pattern: str | None,
    method: str | None,
    scale: float | None,
    rscales: str | None,
    weights: str | None,
    variance: str,
) -> SuppliedReplicates | None:
    """Check the ``--replicate-*`` options together; None when no replicates are supplied.

    Examples
    --------
    >>> supplied_replicates(None, None, None, None, "pw", "taylor") is None
    True
    >>> supplied_replicates("rep[0-9]+", "jk1", 0.9, None, "pw", "taylor").scale
    0.9
    """
    if pattern is None:
        for option, value in (
            ("--replicate-type", method),
            ("--replicate-scale", scale),
            ("--replicate-rscales", rscales),
        ):
            if value is not None:
                msg = "only used with --replicate-weights."
                raise typer.BadParameter(msg, param_hint=f"'{option}'")
        return None
    if method is None:
        msg = "supplied replicate weights need their type: add --replicate-type (e.g. jk1)."
        raise typer.BadParameter(msg, param_hint="'--replicate-weights'")
    if weights is None:
        msg = "supplied replicate weights need the full-sample weights: add --weights COL."
        raise typer.BadParameter(msg, param_hint="'--replicate-weights'")
    if variance != "taylor":
        msg = (
            "the data already carries replicate weights; do not build others with "
            f"--variance {variance}."
        )
        raise typer.BadParameter(msg, param_hint="'--replicate-weights'")
    parsed: tuple[float, ...] | None = None
    if rscales is not None:
        try:
            parsed = tuple(float(part) for part in rscales.split(",") if part.strip())
        except ValueError:
            msg = f"expected numbers such as 0.5,0.5; got {rscales!r}."
            raise typer.BadParameter(msg, param_hint="'--replicate-rscales'") from None
    return SuppliedReplicates(pattern=pattern, method=method, scale=scale, rscales=parsed)


def check_method_options(
    statistic: str,
    proportion_method: str | None,
    quantile_rule: str | None,
    pps: str | None,
    pps_variance: str | None,
    mse: bool,
    variance: str,
    supplied: SuppliedReplicates | None,
) -> None:
    """Refuse, as usage errors, method options that the chosen statistic or design ignores.

    Examples
    --------
    >>> check_method_options("mean", None, None, None, None, False, "taylor", None)
    """
    if proportion_method is not None and statistic != "proportion":
        msg = f"only used with --statistic proportion, not --statistic {statistic}."
        raise typer.BadParameter(msg, param_hint="'--proportion-method'")
    if quantile_rule is not None and statistic != "quantile":
        msg = f"only used with --statistic quantile, not --statistic {statistic}."
        raise typer.BadParameter(msg, param_hint="'--quantile-rule'")
    if pps_variance is not None and pps not in ("overton", "hartley-rao"):
        msg = (
            "only used with --pps overton or hartley-rao (Brewer's approximation has only "
            "the HT form)."
        )
        raise typer.BadParameter(msg, param_hint="'--pps-variance'")
    if pps is not None and (variance != "taylor" or supplied is not None):
        msg = "a PPS design is estimated by linearisation; drop --variance / --replicate-weights."
        raise typer.BadParameter(msg, param_hint="'--pps'")
    if mse and variance == "taylor" and supplied is None:
        msg = "only applies to replicate variance (--variance ... or --replicate-weights)."
        raise typer.BadParameter(msg, param_hint="'--mse'")


@dataclass(frozen=True)
class CalibrationModel:
    """``--calibrate`` with its totals file, distance and bounds."""

    columns: tuple[str, ...]
    totals: Path
    method: str
    bounds: tuple[float, float] | None

    @classmethod
    def parse(
        cls, columns: str | None, totals: Path | None, method: str, bounds: str | None
    ) -> CalibrationModel | None:
        """Check the calibration options together; None when there is no ``--calibrate``.

        Examples
        --------
        >>> from pathlib import Path
        >>> CalibrationModel.parse("stype,api99", Path("t.csv"), "linear", "0.6,1.6").bounds
        (0.6, 1.6)
        """
        if columns is None:
            for option, value in (("--calibration-totals", totals), ("--bounds", bounds)):
                if value is not None:
                    msg = "only used with --calibrate COL[,COL...]."
                    raise typer.BadParameter(msg, param_hint=f"'{option}'")
            if method != "linear":
                msg = "only used with --calibrate COL[,COL...]."
                raise typer.BadParameter(msg, param_hint="'--calfun'")
            return None
        if totals is None:
            msg = "calibration needs the population totals: add --calibration-totals FILE."
            raise typer.BadParameter(msg, param_hint="'--calibrate'")
        parsed: tuple[float, float] | None = None
        if bounds is not None:
            parts = [part.strip() for part in bounds.split(",")]
            try:
                low, high = (float(part) for part in parts)
            except ValueError:
                msg = f"expected LOW,HIGH such as 0.6,1.6; got {bounds!r}."
                raise typer.BadParameter(msg, param_hint="'--bounds'") from None
            if not low < 1 < high:
                msg = f"expected LOW < 1 < HIGH (limits on the weight ratio); got {bounds!r}."
                raise typer.BadParameter(msg, param_hint="'--bounds'")
            parsed = (low, high)
        names = tuple(part.strip() for part in columns.split(",") if part.strip())
        return cls(columns=names, totals=totals, method=method, bounds=parsed)

    def read_totals(self) -> dict[str, float]:
        """The totals file: columns ``term`` and ``total``."""
        from govindex.ingest import read_table

        frame = read_table(self.totals, text_columns=["term"]).frame
        for column in ("term", "total"):
            if column not in frame.columns:
                msg = (
                    f"calibration totals file {self.totals} has no column `{column}` (columns: "
                    f"{', '.join(frame.columns)}); expected columns `term` and `total`."
                )
                raise ColumnNotFound(
                    msg, where=str(self.totals), found=frame.columns, expected=column
                )
        return {
            str(term): float(total)
            for term, total in zip(frame["term"].to_list(), frame["total"].to_list(), strict=True)
        }

    def apply(self, design: SurveyDesign) -> SurveyDesign:
        """Calibrate ``design`` to the totals."""
        from govindex.survey.regression_calibration import calibrate

        return calibrate(
            design,
            list(self.columns),
            self.read_totals(),
            method=self.method,  # type: ignore[arg-type]
            bounds=self.bounds,
        )

    def describe(self) -> str:
        """One line for the output header."""
        bounded = "" if self.bounds is None else f", bounds {self.bounds[0]:g}–{self.bounds[1]:g}"
        return f"calibrated ({self.method}{bounded}) on " + ", ".join(self.columns)
