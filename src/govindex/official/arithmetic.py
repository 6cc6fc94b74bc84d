"""Check the arithmetic of an official PAPI record against the rules it must obey.

Three checks (papi-methodology §4.1–4.3):

* ``subdimensions_sum`` — each dimension equals the sum of its sub-dimensions;
* ``dimensions_sum`` — the (unweighted) total equals the sum of the dimensions;
* ``exact_formula`` — sub-dimensions that are an exact linear function of published
  indicator values are recomputed from those values. The coefficients are data, in
  ``exact_formulas.csv`` beside this module: §4.3's table, with the 2023 coefficient of 3.2
  at its full value 0.37125 (§4.3 prints 0.3712) and 7.3 in 2019, which is exact as well.

A comparison is made only when every value it needs is published; withheld values are
never read as zero. The 2019 weighted total is not checked: its published four-decimal
dimension weights reproduce it only to about 1e-3.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources

import polars as pl

from govindex.errors import DataValidationError, Issue
from govindex.official.provinces import ascii_fold

__all__ = [
    "DEFAULT_TOLERANCE",
    "ArithmeticReport",
    "ExactFormula",
    "load_exact_formulas",
    "verify_arithmetic",
]

DEFAULT_TOLERANCE = 1e-4
_KEYS = ["year", "province", "level", "code"]
_CHECK_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int32(),
    "province": pl.String(),
    "check": pl.String(),
    "code": pl.String(),
    "expected": pl.Float64(),
    "computed": pl.Float64(),
    "residual": pl.Float64(),
}


@dataclass(frozen=True)
class ExactFormula:
    """``subdimension = constant + Σ coefficient × indicator`` for one year.

    ``terms`` pairs each indicator code with its coefficient and the Vietnamese label the
    indicator must carry, so a re-ordered sheet cannot silently feed the wrong row.
    """

    year: int
    subdimension: str
    constant: float
    terms: tuple[tuple[str, float, str], ...]


@dataclass(frozen=True, eq=False)
class ArithmeticReport:
    """Every comparison made, the ones above tolerance, and a summary per check.

    ``comparisons`` and ``residuals`` have columns year, province, check, code, expected
    (the official value), computed and residual (absolute difference).
    """

    comparisons: pl.DataFrame
    tolerance: float
    issues: tuple[Issue, ...]

    @property
    def residuals(self) -> pl.DataFrame:
        """The comparisons whose residual exceeds the tolerance."""
        return self.comparisons.filter(pl.col("residual") > self.tolerance)

    @property
    def ok(self) -> bool:
        """True when no residual exceeds the tolerance and no formula was unusable."""
        return self.residuals.is_empty() and not self.issues

    def summary(self) -> pl.DataFrame:
        """Return one row per check: comparisons made, failures and the largest residual."""
        return (
            self.comparisons.group_by("check")
            .agg(
                pl.len().alias("compared"),
                (pl.col("residual") > self.tolerance).sum().alias("failed"),
                pl.col("residual").max().alias("max_residual"),
            )
            .sort("check")
        )

    def max_residual(self, check: str | None = None) -> float:
        """Return the largest residual, of one check or of all; 0.0 if nothing was compared."""
        frame = self.comparisons if check is None else self.comparisons.filter(check=check)
        largest = frame["residual"].max()
        return float(largest) if isinstance(largest, int | float) else 0.0


def load_exact_formulas() -> tuple[ExactFormula, ...]:
    """Return the exact sub-dimension formulas shipped in ``exact_formulas.csv``.

    Examples
    --------
    >>> formula = next(item for item in load_exact_formulas() if item.subdimension == "7.2")
    >>> round(formula.constant, 6), [code for code, _, _ in formula.terms]
    (0.333333, ['7.2.1', '7.2.2', '7.2.3'])
    """
    text = resources.files("govindex.official").joinpath("exact_formulas.csv").read_text("utf-8")
    grouped: dict[tuple[int, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        grouped.setdefault((int(row["year"]), row["subdimension"]), []).append(row)
    formulas = []
    for (year, subdimension), rows in grouped.items():
        constant = sum(
            float(Fraction(row["coefficient"])) for row in rows if row["term"] == "constant"
        )
        terms = tuple(
            (row["term"], float(Fraction(row["coefficient"])), row["indicator_label_vi"])
            for row in rows
            if row["term"] != "constant"
        )
        formulas.append(ExactFormula(year, subdimension, constant, terms))
    return tuple(formulas)


def verify_arithmetic(
    record: pl.DataFrame,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    formulas: tuple[ExactFormula, ...] | None = None,
) -> ArithmeticReport:
    """Check sums and exact formulas in an official record (workbook or published CSVs).

    Parameters
    ----------
    record
        A table in :data:`~govindex.official.schema.RECORD_SCHEMA`, from
        :func:`~govindex.official.read_official_workbook` (``.values``) or
        :func:`~govindex.official.load_published_record`.
    tolerance
        Residuals above it are reported in ``residuals``.
    formulas
        Exact formulas to apply; by default those in ``exact_formulas.csv``.

    Examples
    --------
    >>> import polars as pl
    >>> from govindex.official.schema import RECORD_SCHEMA
    >>> rows = [
    ...     {"year": 2023, "province": "A", "level": level, "code": code, "statistic": "score",
    ...      "estimate": value, "withheld": False}
    ...     for level, code, value in [("subdimension", "1.1", 1.0), ("subdimension", "1.2", 2.0),
    ...                                ("dimension", "1", 3.0), ("total", "total", 3.5)]
    ... ]
    >>> record = pl.DataFrame(rows).with_columns(
    ...     pl.col("code").str.split(".").list.first().alias("dimension"))
    >>> report = verify_arithmetic(record, formulas=())
    >>> report.residuals.select("check", "expected", "computed").rows()
    [('dimensions_sum', 3.5, 3.0)]
    """
    scores = _scores(record)
    chosen = load_exact_formulas() if formulas is None else formulas
    formula_comparisons, issues = _exact_formulas(scores, chosen)
    comparisons = pl.concat(
        [_subdimension_sums(scores), _dimension_sums(scores), formula_comparisons], how="vertical"
    ).sort(["check", "year", "province", "code"])
    return ArithmeticReport(comparisons=comparisons, tolerance=tolerance, issues=tuple(issues))


def _scores(record: pl.DataFrame) -> pl.DataFrame:
    scores = record.filter(pl.col("statistic") == "score").select(
        pl.col("year").cast(pl.Int32),
        "province",
        "level",
        "code",
        "dimension",
        "estimate",
        "withheld",
        *(["label_vi"] if "label_vi" in record.columns else []),
    )
    duplicated = scores.filter(pl.struct(_KEYS).is_duplicated())
    if duplicated.height:
        first = duplicated.row(0, named=True)
        msg = (
            f"the record holds {duplicated.height} scores more than once (first: {first['year']} "
            f"{first['province']} {first['level']} `{first['code']}`)."
        )
        raise DataValidationError(msg, found=first["code"], hint="verify each source separately.")
    return scores


def _comparison(frame: pl.DataFrame, check: str) -> pl.DataFrame:
    return frame.select(
        "year",
        "province",
        pl.lit(check).alias("check"),
        "code",
        "expected",
        "computed",
        (pl.col("expected") - pl.col("computed")).abs().alias("residual"),
    ).cast(_CHECK_SCHEMA)  # type: ignore[arg-type]


def _sum_against(
    parts: pl.DataFrame, wholes: pl.DataFrame, parent: str, check: str
) -> pl.DataFrame:
    sums = parts.group_by("year", "province", parent).agg(
        pl.col("estimate").sum().alias("computed"),
        (pl.col("withheld") | pl.col("estimate").is_null()).any().alias("incomplete"),
    )
    joined = wholes.filter(~pl.col("withheld") & pl.col("estimate").is_not_null()).join(
        sums, left_on=["year", "province", "code"], right_on=["year", "province", parent]
    )
    return _comparison(joined.filter(~pl.col("incomplete")).rename({"estimate": "expected"}), check)


def _subdimension_sums(scores: pl.DataFrame) -> pl.DataFrame:
    parts = scores.filter(level="subdimension")
    wholes = scores.filter(level="dimension")
    return _sum_against(parts, wholes, "dimension", "subdimensions_sum")


def _dimension_sums(scores: pl.DataFrame) -> pl.DataFrame:
    parts = scores.filter(level="dimension").with_columns(pl.lit("total").alias("parent"))
    wholes = scores.filter(level="total", code="total")
    return _sum_against(parts, wholes, "parent", "dimensions_sum")


def _same_label(left: str, right: str) -> bool:
    def clean(text: str) -> str:
        return re.sub(r"\s+", " ", ascii_fold(text).replace("*", "")).strip()

    return clean(left) == clean(right)


def _exact_formulas(
    scores: pl.DataFrame, formulas: tuple[ExactFormula, ...]
) -> tuple[pl.DataFrame, list[Issue]]:
    parts = [pl.DataFrame(schema=_CHECK_SCHEMA)]
    issues: list[Issue] = []
    for formula in formulas:
        year_scores = scores.filter(year=formula.year)
        target = year_scores.filter(level="subdimension", code=formula.subdimension)
        # Records without indicator rows (the published CSVs) cannot use the formulas.
        if target.is_empty() or year_scores.filter(level="indicator").is_empty():
            continue
        computed = target.select(
            "year", "province", "code", pl.col("estimate").alias("expected"), "withheld"
        )
        expression = pl.lit(formula.constant)
        usable = True
        for code, coefficient, label in formula.terms:
            indicator = year_scores.filter(level="indicator", code=code)
            labels = (
                indicator["label_vi"].drop_nulls().unique().to_list()
                if "label_vi" in indicator.columns
                else []
            )
            if indicator.is_empty() or not all(_same_label(found, label) for found in labels):
                issues.append(
                    Issue(
                        message=f"indicator `{code}` does not carry the label the formula expects.",
                        where=f"exact formula {formula.subdimension} ({formula.year})",
                        found=labels[0] if labels else None,
                        expected=label,
                    )
                )
                usable = False
                break
            column = f"term_{code}"
            computed = computed.join(
                indicator.select("province", pl.col("estimate").alias(column)),
                on="province",
                how="left",
            )
            expression = expression + coefficient * pl.col(column)
        if not usable:
            continue
        # A null indicator or target leaves the comparison out rather than reading it as 0.
        computed = computed.with_columns(expression.alias("computed")).filter(
            ~pl.col("withheld")
            & pl.col("expected").is_not_null()
            & pl.col("computed").is_not_null()
        )
        parts.append(_comparison(computed, "exact_formula"))
    return pl.concat(parts, how="vertical"), issues
