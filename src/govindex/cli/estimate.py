"""``govindex estimate``: design-based estimates from a survey data file.

The command reads a data file, describes its sample design, optionally builds replicate
weights and calibrates, estimates one statistic for each variable (and domain), and prints
the estimates with their uncertainty. Every statistical choice is an option with a named
value, and every choice is echoed in the output.
"""

# No ``from __future__ import annotations``: typer reads the options' annotations on every
# run, and as strings each is compiled and evaluated, twice (about 10 ms of start-up).
# Names imported only for type checking are quoted instead.
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from govindex.cli.estimate_methods import (
    CalibrationModel,
    check_method_options,
    supplied_replicates,
)
from govindex.cli.rendering import OutputFormat, estimates_frame, progress, render_estimates
from govindex.errors import ColumnNotFound

if TYPE_CHECKING:
    import polars as pl

    from govindex.survey.design import SurveyDesign
    from govindex.survey.results import DegreesOfFreedomRule, EstimateTable

__all__ = ["Margin", "estimate", "parse_margin"]

Statistic = Literal["mean", "total", "proportion", "ratio", "quantile"]
ReplicationMethod = Literal["jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap"]
VarianceMethod = Literal["taylor", ReplicationMethod]
LonelyPSUOption = Literal["fail", "remove", "adjust", "average", "certainty"]
DegreesOfFreedomOption = Literal["design", "domain", "normal"]
SuppliedReplicateType = Literal["jk1", "jkn", "brr", "fay", "bootstrap", "other"]
PPSOption = Literal["brewer", "overton", "hartley-rao"]
PPSVarianceOption = Literal["HT", "YG"]
ProportionMethodOption = Literal["logit", "xlogit", "mean", "asin", "beta", "likelihood"]
QuantileRuleOption = Literal[
    "math", "school", "shahvaish", "hf1", "hf2", "hf3", "hf4", "hf5", "hf6", "hf7", "hf8", "hf9"
]
CalibrationFunction = Literal["linear", "raking"]

_DESIGN = "Design"
_ESTIMATE = "Estimate"
_VARIANCE = "Variance"
_CALIBRATION = "Calibration"
_OUTPUT = "Output"


@dataclass(frozen=True)
class Margin:
    """A calibration margin named on the command line as ``VAR=FILE``."""

    variable: str
    path: Path

    def read(self) -> "pl.DataFrame":
        """Read the margin file: a column named after the variable and a ``Freq`` column.

        This is the layout R's ``rake`` and ``postStratify`` take (``data.frame(VAR, Freq)``).
        """
        from govindex.ingest import read_table

        frame = read_table(self.path, text_columns=[self.variable]).frame
        for column in (self.variable, "Freq"):
            if column not in frame.columns:
                msg = (
                    f"margin file {self.path} has no column `{column}` (columns: "
                    f"{', '.join(frame.columns)}); expected columns `{self.variable}` and `Freq`."
                )
                raise ColumnNotFound(
                    msg, where=str(self.path), found=frame.columns, expected=column
                )
        return frame.select(self.variable, "Freq")


def parse_margin(text: str, option: str) -> Margin:
    """Parse ``VAR=FILE`` as given to ``--rake`` or ``--post-stratify``.

    Examples
    --------
    >>> parse_margin("stype=margins/stype.csv", "--rake")
    Margin(variable='stype', path=PosixPath('margins/stype.csv'))
    """
    variable, separator, path = text.partition("=")
    if not separator or not variable.strip() or not path.strip():
        msg = f"expected VAR=FILE (e.g. stype=stype_margins.csv); got {text!r}."
        raise typer.BadParameter(msg, param_hint=f"'{option}'")
    return Margin(variable=variable.strip(), path=Path(path.strip()))


def estimate(
    data: Annotated[
        Path, typer.Argument(help="Survey data file (.csv, .parquet, .sav, .zsav, .dta, .xlsx).")
    ],
    var: Annotated[
        str, typer.Option("--var", help="Variable(s) to estimate, comma-separated: V[,V...].")
    ],
    weights: Annotated[
        str | None,
        typer.Option("--weights", help="Sampling-weight column.", rich_help_panel=_DESIGN),
    ] = None,
    strata: Annotated[
        str | None, typer.Option("--strata", help="Stratum column.", rich_help_panel=_DESIGN)
    ] = None,
    psu: Annotated[
        str | None,
        typer.Option(
            "--psu", help="Cluster column per stage: PSU[,SSU...].", rich_help_panel=_DESIGN
        ),
    ] = None,
    fpc: Annotated[
        str | None,
        typer.Option(
            "--fpc",
            help="Finite-population correction per stage (size or fraction): COL[,COL...].",
            rich_help_panel=_DESIGN,
        ),
    ] = None,
    nest: Annotated[
        bool,
        typer.Option("--nest", help="PSU codes restart within strata.", rich_help_panel=_DESIGN),
    ] = False,
    lonely_psu: Annotated[
        LonelyPSUOption,
        typer.Option(
            "--lonely-psu",
            help="Rule for a stratum with one PSU (R's survey.lonely.psu).",
            rich_help_panel=_DESIGN,
        ),
    ] = "fail",
    ultimate_cluster: Annotated[
        bool,
        typer.Option(
            "--ultimate-cluster",
            help="Use first-stage variance only, even with an fpc for every stage.",
            rich_help_panel=_DESIGN,
        ),
    ] = False,
    pps: Annotated[
        PPSOption | None,
        typer.Option(
            "--pps",
            help="PSUs drawn with probability proportional to size without replacement; "
            "--fpc gives each PSU's inclusion probability (R's svydesign(pps=...)).",
            rich_help_panel=_DESIGN,
        ),
    ] = None,
    pps_variance: Annotated[
        PPSVarianceOption | None,
        typer.Option(
            "--pps-variance",
            help="Horvitz-Thompson or Yates-Grundy form for --pps overton or hartley-rao "
            "(default HT).",
            rich_help_panel=_DESIGN,
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="Domain column: one estimate per value.", rich_help_panel=_ESTIMATE
        ),
    ] = None,
    na_rm: Annotated[
        bool,
        typer.Option(
            "--na-rm",
            help="Estimate each variable from the rows that have a value.",
            rich_help_panel=_ESTIMATE,
        ),
    ] = False,
    statistic: Annotated[
        Statistic, typer.Option("--statistic", help="What to estimate.", rich_help_panel=_ESTIMATE)
    ] = "mean",
    denominator: Annotated[
        str | None,
        typer.Option(
            "--denominator",
            help="Denominator column for --statistic ratio.",
            rich_help_panel=_ESTIMATE,
        ),
    ] = None,
    quantiles: Annotated[
        str | None,
        typer.Option(
            "--quantiles",
            metavar="P[,P...]",
            help="Probabilities for --statistic quantile, e.g. 0.25,0.5,0.75.",
            rich_help_panel=_ESTIMATE,
        ),
    ] = None,
    proportion_method: Annotated[
        ProportionMethodOption | None,
        typer.Option(
            "--proportion-method",
            help="Interval for --statistic proportion, as R's svyciprop (default logit; "
            "beta = Korn-Graubard for small cells and shares near 0 or 1; likelihood = "
            "profile likelihood, linearisation designs only).",
            rich_help_panel=_ESTIMATE,
        ),
    ] = None,
    quantile_rule: Annotated[
        QuantileRuleOption | None,
        typer.Option(
            "--quantile-rule",
            help="Quantile rule for --statistic quantile, as R's qrule (default math).",
            rich_help_panel=_ESTIMATE,
        ),
    ] = None,
    level: Annotated[
        float,
        typer.Option(
            "--level", help="Confidence level of the intervals.", rich_help_panel=_ESTIMATE
        ),
    ] = 0.95,
    df_rule: Annotated[
        DegreesOfFreedomOption | None,
        typer.Option(
            "--df-rule",
            help="Degrees of freedom for intervals: design, domain or normal "
            "(default: domain for proportion, design otherwise).",
            show_default=False,
            rich_help_panel=_ESTIMATE,
        ),
    ] = None,
    variance: Annotated[
        VarianceMethod,
        typer.Option("--variance", help="Variance method.", rich_help_panel=_VARIANCE),
    ] = "taylor",
    replicates: Annotated[
        int | None,
        typer.Option(
            "--replicates",
            min=2,
            help="Number of replicates (bootstrap; default: the method's).",
            rich_help_panel=_VARIANCE,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="Random seed for random replicates.", rich_help_panel=_VARIANCE
        ),
    ] = None,
    fay_rho: Annotated[
        float | None,
        typer.Option("--fay-rho", help="Fay's rho for --variance fay.", rich_help_panel=_VARIANCE),
    ] = None,
    mse: Annotated[
        bool,
        typer.Option(
            "--mse",
            help="Centre replicate variance at the full-sample estimate (R's mse=TRUE).",
            rich_help_panel=_VARIANCE,
        ),
    ] = False,
    replicate_weights: Annotated[
        str | None,
        typer.Option(
            "--replicate-weights",
            metavar="COL[,COL...]|REGEX",
            help="Replicate-weight columns delivered with the data (full weights), or a "
            "regular expression matching them; needs --weights and --replicate-type.",
            rich_help_panel=_VARIANCE,
        ),
    ] = None,
    replicate_type: Annotated[
        SuppliedReplicateType | None,
        typer.Option(
            "--replicate-type",
            help="How the supplied replicate weights were made (R's svrepdesign type).",
            rich_help_panel=_VARIANCE,
        ),
    ] = None,
    replicate_scale: Annotated[
        float | None,
        typer.Option(
            "--replicate-scale",
            help="Overall variance multiplier of the supplied replicates (default: R's).",
            rich_help_panel=_VARIANCE,
        ),
    ] = None,
    replicate_rscales: Annotated[
        str | None,
        typer.Option(
            "--replicate-rscales",
            metavar="R[,R...]",
            help="Per-replicate variance multipliers of the supplied replicates.",
            rich_help_panel=_VARIANCE,
        ),
    ] = None,
    rake: Annotated[
        list[str] | None,
        typer.Option(
            "--rake",
            metavar="VAR=FILE",
            help="Rake to a margin (FILE: CSV with columns VAR and Freq); repeat per margin.",
            rich_help_panel=_CALIBRATION,
        ),
    ] = None,
    post_stratify: Annotated[
        str | None,
        typer.Option(
            "--post-stratify",
            metavar="VAR=FILE",
            help="Post-stratify to population counts (FILE: CSV with columns VAR and Freq).",
            rich_help_panel=_CALIBRATION,
        ),
    ] = None,
    post_stratify_partial: Annotated[
        bool,
        typer.Option(
            "--post-stratify-partial",
            help="Ignore population levels absent from the sample (R's partial=TRUE).",
            rich_help_panel=_CALIBRATION,
        ),
    ] = False,
    calibrate: Annotated[
        str | None,
        typer.Option(
            "--calibrate",
            metavar="COL[,COL...]",
            help="Calibrate to the population totals of the model ~COL+... (R's calibrate); "
            "needs --calibration-totals.",
            rich_help_panel=_CALIBRATION,
        ),
    ] = None,
    calibration_totals: Annotated[
        Path | None,
        typer.Option(
            "--calibration-totals",
            help="CSV with columns term and total, one row per model-matrix column, named "
            "as R names them: (Intercept), stypeH, api99.",
            rich_help_panel=_CALIBRATION,
        ),
    ] = None,
    calfun: Annotated[
        CalibrationFunction,
        typer.Option(
            "--calfun", help="Calibration distance (R's calfun).", rich_help_panel=_CALIBRATION
        ),
    ] = "linear",
    bounds: Annotated[
        str | None,
        typer.Option(
            "--bounds",
            metavar="LOW,HIGH",
            help="Limits on the ratio of calibrated to design weight (R's bounds).",
            rich_help_panel=_CALIBRATION,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.", rich_help_panel=_OUTPUT)
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Write to FILE instead of stdout.", rich_help_panel=_OUTPUT),
    ] = None,
) -> None:
    """Estimate means, totals, proportions, ratios or quantiles with design-based uncertainty.

    Example: govindex estimate apiclus1.csv --weights pw --psu dnum --fpc fpc --var api00
    """
    variables = _split(var)
    if not variables:
        msg = "give at least one column name."
        raise typer.BadParameter(msg, param_hint="'--var'")
    _check_combinations(statistic, denominator, variance, replicates, seed, fay_rho)
    supplied = supplied_replicates(
        replicate_weights, replicate_type, replicate_scale, replicate_rscales, weights, variance
    )
    check_method_options(
        statistic, proportion_method, quantile_rule, pps, pps_variance, mse, variance, supplied
    )
    probabilities = _probabilities(statistic, quantiles)
    margins = [parse_margin(item, "--rake") for item in rake or []]
    strata_margin = parse_margin(post_stratify, "--post-stratify") if post_stratify else None
    if post_stratify_partial and strata_margin is None:
        msg = "only used with --post-stratify VAR=FILE."
        raise typer.BadParameter(msg, param_hint="'--post-stratify-partial'")
    model = CalibrationModel.parse(calibrate, calibration_totals, calfun, bounds)

    from govindex.ingest import read_table
    from govindex.survey.design import SurveyDesign

    text_columns = [by] if by else []
    frame = read_table(data, text_columns=text_columns).frame
    if supplied is not None:
        design = supplied.design(frame, weights, mse, fay_rho, lonely_psu)
    else:
        design = SurveyDesign.from_frame(
            frame,
            weights=weights,
            strata=strata,
            psu=_split(psu) or None,
            fpc=_split(fpc) or None,
            nest=nest,
            lonely_psu=lonely_psu,
            ultimate_cluster=ultimate_cluster,
            pps=pps,
            pps_variance=pps_variance or "HT",
        )
    if variance != "taylor":
        design = _replicate(design, variance, replicates, seed, fay_rho, mse)
    design, calibration = _calibrate(design, strata_margin, margins, post_stratify_partial, model)

    # Replicate variance repeats the estimate once per replicate; that can take a while.
    slow = design.replicates is not None
    with progress(f"estimating with {variance} replicates") if slow else nullcontext():
        table = _estimate(
            design, statistic, variables, denominator, probabilities, by, na_rm, level, df_rule,
            {"method": proportion_method} if proportion_method else {},
            {"rule": quantile_rule} if quantile_rule else {},
        )  # fmt: skip
    parameters: dict[str, Any] = {
        **table.describe(),
        "data": str(data),
        "weights": weights,
        "strata": strata,
        "psu": list(design.cluster_columns),
        "fpc": list(design.fpc_columns),
        "nest": nest,
        "ultimate_cluster": ultimate_cluster,
        "replicates": None if design.replicates is None else design.replicates.count,
        "seed": seed,
        "fay_rho": None if design.replicates is None else design.replicates.rho,
        "calibration": calibration,
        "pps": pps,
        "pps_variance": None if pps is None else design.pps_variance,
        "mse": None if design.replicates is None else design.replicates.mse,
        "replicate_weights": None if supplied is None else list(supplied.columns(frame)),
    }
    render_estimates(estimates_frame(table), parameters, output_format, output)


# ---------------------------------------------------------------------- helpers
def _split(text: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``."""
    if text is None:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def _probabilities(statistic: Statistic, text: str | None) -> list[float]:
    """Parse --quantiles, which goes with --statistic quantile and nothing else."""
    if statistic != "quantile":
        if text is not None:
            msg = f"only used with --statistic quantile, not --statistic {statistic}."
            raise typer.BadParameter(msg, param_hint="'--quantiles'")
        return []
    parts = _split(text)
    if not parts:
        msg = "quantiles need their probabilities: add --quantiles P[,P...] (e.g. 0.25,0.5,0.75)."
        raise typer.BadParameter(msg, param_hint="'--statistic quantile'")
    try:
        return [float(part) for part in parts]
    except ValueError:
        msg = f"expected probabilities such as 0.25,0.5,0.75; got {text!r}."
        raise typer.BadParameter(msg, param_hint="'--quantiles'") from None


def _check_combinations(
    statistic: Statistic,
    denominator: str | None,
    variance: VarianceMethod,
    replicates: int | None,
    seed: int | None,
    fay_rho: float | None,
) -> None:
    """Refuse, as usage errors, options that are missing or would be silently ignored."""
    if statistic == "ratio" and denominator is None:
        msg = "a ratio needs its denominator column: add --denominator COL."
        raise typer.BadParameter(msg, param_hint="'--statistic ratio'")
    if statistic != "ratio" and denominator is not None:
        msg = f"only used with --statistic ratio, not --statistic {statistic}."
        raise typer.BadParameter(msg, param_hint="'--denominator'")
    if variance == "taylor":
        for option, value in (
            ("--replicates", replicates),
            ("--seed", seed),
            ("--fay-rho", fay_rho),
        ):
            if value is not None:
                msg = "only applies to replicate variance (--variance jk1|jkn|brr|fay|bootstrap|subbootstrap)."
                raise typer.BadParameter(msg, param_hint=f"'{option}'")
    if fay_rho is not None and variance != "fay":
        msg = f"only applies to --variance fay, not --variance {variance}."
        raise typer.BadParameter(msg, param_hint="'--fay-rho'")


def _replicate(
    design: "SurveyDesign",
    method: ReplicationMethod,
    replicates: int | None,
    seed: int | None,
    fay_rho: float | None,
    mse: bool,
) -> "SurveyDesign":
    from govindex.survey.replication import replicate_design

    options: dict[str, Any] = {"replicates": replicates, "seed": seed, "mse": mse}
    if fay_rho is not None:
        options["fay_rho"] = fay_rho
    with progress(f"building {method} replicate weights"):
        return replicate_design(design, method, **options)


def _calibrate(
    design: "SurveyDesign",
    post_strata: Margin | None,
    margins: list[Margin],
    partial: bool,
    model: CalibrationModel | None,
) -> "tuple[SurveyDesign, list[str]]":
    """Post-stratify, rake, then calibrate; replicate weights (if any) are calibrated alongside."""
    steps: list[str] = []
    if post_strata is None and not margins and model is None:
        return design, steps  # and the calibration modules stay unimported
    from govindex.survey.calibration import post_stratify, rake

    if post_strata is not None:
        design = post_stratify(design, post_strata.variable, post_strata.read(), partial=partial)
        steps.append(
            f"post-stratified on {post_strata.variable}" + (" (partial)" if partial else "")
        )
    if margins:
        populations = [(margin.variable, margin.read()) for margin in margins]
        with progress("raking"):
            design = rake(design, populations)
        steps.append("raked on " + ", ".join(margin.variable for margin in margins))
    if model is not None:
        design = model.apply(design)
        steps.append(model.describe())
    return design, steps


def _estimate(
    design: "SurveyDesign",
    statistic: Statistic,
    variables: list[str],
    denominator: str | None,
    probabilities: list[float],
    by: str | None,
    na_rm: bool,
    level: float,
    df_rule: "DegreesOfFreedomRule | None",
    proportion_options: dict[str, Any],
    quantile_options: dict[str, Any],
) -> "EstimateTable":
    from govindex.survey import estimators

    options: dict[str, Any] = {"by": by, "na_rm": na_rm, "level": level}
    if df_rule is not None:
        options["df_rule"] = df_rule
    if statistic == "ratio":
        assert denominator is not None  # checked by _check_combinations
        return estimators.ratio(design, variables, denominator, **options)
    if statistic == "quantile":
        from govindex.survey.quantiles import quantile

        return quantile(design, variables, probabilities, **options, **quantile_options)
    if statistic == "proportion":
        return estimators.proportion(design, variables, **options, **proportion_options)
    function = {
        "mean": estimators.mean,
        "total": estimators.total,
        "proportion": estimators.proportion,
    }[statistic]
    return function(design, variables, **options)
