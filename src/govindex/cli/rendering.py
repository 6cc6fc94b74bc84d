"""How the command line shows things: estimate tables as rich tables, CSV or JSON, and errors.

Every command renders results and failures through this module, so all commands share one
output layout and one error format::

    error: <one-sentence message>
    hint: <what to try>            (only when the error carries a hint)

Results are built for stdout (or ``--output``); errors, hints and progress go to stderr.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import typer

if TYPE_CHECKING:
    import polars as pl
    from rich.console import Console

    from govindex.errors import GovIndexError
    from govindex.survey.results import EstimateTable

__all__ = [
    "OUTPUT_COLUMNS",
    "OutputFormat",
    "caption",
    "estimates_frame",
    "progress",
    "render_error",
    "render_estimates",
    "render_internal_error",
    "render_usage_error",
]

OutputFormat = Literal["table", "csv", "json"]

#: Column order of every estimate output: the estimate and its uncertainty first.
OUTPUT_COLUMNS = (
    "variable",
    "domain",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "df",
    "n",
    "deff",
    "cv",
    "n_eff",
)

# Error messages are one line; a validation report can carry many issues, shown up to this many.
_MAX_ISSUES = 20
# Width used when the output is not a terminal (file, pipe, test runner), so rows never wrap.
_FILE_WIDTH = 200


# ---------------------------------------------------------------------- estimates
def estimates_frame(table: EstimateTable) -> pl.DataFrame:
    """The estimate table with the CLI's column order.

    Examples
    --------
    >>> from govindex.survey.results import EstimateTable
    >>> table = EstimateTable.from_arrays(
    ...     statistic="mean", variables=["y"], domains=[""], estimate=[2.0], se=[0.5],
    ...     df=[10.0], n=[12], deff=[1.0], level=0.95, variance_method="taylor",
    ...     df_rule="design", lonely_psu="fail")
    >>> estimates_frame(table).columns[:4]
    ['variable', 'domain', 'estimate', 'se']
    """
    return table.to_polars().select(OUTPUT_COLUMNS)


def caption(parameters: Mapping[str, Any]) -> str:
    """One line naming every statistical choice behind a table of estimates.

    Examples
    --------
    >>> caption({"statistic": "mean", "variance_method": "taylor", "level": 0.95,
    ...          "interval": "t", "df_rule": "design", "lonely_psu": "fail", "na_rm": False})
    'mean · variance taylor · 95% t interval · df rule design · lonely PSU fail · missing values refused'
    """
    level = float(parameters.get("level", 0.95))
    variance = str(parameters.get("variance_method", "taylor"))
    if parameters.get("replicates"):
        variance = f"{variance} ({parameters['replicates']} replicates)"
    parts = [
        str(parameters.get("statistic", "")),
        f"variance {variance}",
        f"{level * 100:g}% {parameters.get('interval', 't')} interval",
        f"df rule {parameters.get('df_rule', '')}",
        f"lonely PSU {parameters.get('lonely_psu', '')}",
        "missing values removed" if parameters.get("na_rm") else "missing values refused",
    ]
    calibration = parameters.get("calibration") or []
    parts.extend(str(step) for step in calibration)
    return " · ".join(parts)


def render_estimates(
    frame: pl.DataFrame,
    parameters: Mapping[str, Any],
    output_format: OutputFormat,
    output: Path | None,
) -> None:
    """Write estimates as a rich table, CSV or JSON, to ``output`` or stdout."""
    if output is None:
        _render_to(frame, parameters, output_format, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        _render_to(frame, parameters, output_format, handle)
    typer.echo(f"wrote {frame.height} estimate(s) to {output}", err=True)


def _render_to(
    frame: pl.DataFrame, parameters: Mapping[str, Any], output_format: OutputFormat, file: TextIO
) -> None:
    if output_format == "csv":
        from govindex.spreadsheet_cells import neutralise_frame

        file.write(neutralise_frame(frame).write_csv())
    elif output_format == "json":
        document = {
            "parameters": _jsonable(dict(parameters)),
            "estimates": _jsonable(frame.to_dicts()),
        }
        file.write(json.dumps(document, indent=2, allow_nan=False) + "\n")
    else:
        _print_table(frame, parameters, _console(file))


def _print_table(frame: pl.DataFrame, parameters: Mapping[str, Any], console: Console) -> None:
    from rich.table import Table

    table = Table(
        title=_design_title(parameters),
        caption=caption(parameters),
        caption_justify="left",
        title_justify="left",
    )
    for name in OUTPUT_COLUMNS:
        numeric = name not in ("variable", "domain")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric)
    for row in frame.iter_rows(named=True):
        table.add_row(*(_format_cell(name, row[name]) for name in OUTPUT_COLUMNS))
    console.print(table)


def _design_title(parameters: Mapping[str, Any]) -> str:
    parts = []
    for key in ("weights", "strata", "psu", "fpc"):
        value = parameters.get(key)
        if value:
            shown = ", ".join(value) if isinstance(value, list | tuple) else str(value)
            parts.append(f"{key} {shown}")
    if parameters.get("nest"):
        parts.append("nested PSUs")
    return "design: " + (" · ".join(parts) if parts else "unweighted")


def _format_cell(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if name == "n":
        return f"{int(value):,}"
    return _format_number(float(value))


def _format_number(value: float) -> str:
    """Six significant digits, without exponents for large totals."""
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e5:
        return f"{value:,.0f}"
    return f"{value:.6g}"


def _jsonable(value: Any) -> Any:
    """Plain JSON values: non-finite numbers become null, tuples and paths lists and text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    item = getattr(value, "item", None)  # numpy scalars
    return _jsonable(item()) if callable(item) else str(value)


def _console(file: TextIO, *, stderr: bool = False) -> Console:
    """A console bound to ``file`` at call time (so test runners can capture it)."""
    from rich.console import Console

    terminal = file.isatty()
    return Console(
        file=file,
        stderr=stderr,
        width=None if terminal else _FILE_WIDTH,
        highlight=False,
        soft_wrap=False,
    )


# ---------------------------------------------------------------------- progress
@contextmanager
def progress(description: str) -> Iterator[None]:
    """Show a spinner on stderr once slow work has run a second, only on a terminal.

    Examples
    --------
    >>> with progress("building replicate weights"):
    ...     pass
    """
    from govindex.cli.progress import status

    with status(description):
        yield


# ---------------------------------------------------------------------- errors
def render_error(error: GovIndexError) -> None:
    """Print a govindex error as ``error: <message>`` (+ issues and ``hint:``) on stderr.

    Examples
    --------
    >>> from govindex.errors import DesignError
    >>> render_error(DesignError("weights are negative.", hint="check the weight column"))
    """
    lines = [f"error: {_one_line(error.message)}"]
    issues: Sequence[Any] = error.issues
    lines.extend(f"  - {_one_line(issue.describe())}" for issue in issues[:_MAX_ISSUES])
    if len(issues) > _MAX_ISSUES:
        lines.append(f"  ... and {len(issues) - _MAX_ISSUES} more issue(s)")
    if error.hint:
        lines.append(f"hint: {_one_line(error.hint)}")
    typer.echo("\n".join(lines), err=True)


def render_usage_error(error: typer.TyperException) -> None:
    """Print a command-line usage error as ``error: ...`` plus where to find help."""
    lines = [f"error: {_one_line(error.format_message())}"]
    context = getattr(error, "ctx", None)
    if context is not None:
        lines.append(f"hint: run `{context.command_path} --help` to see the options.")
    typer.echo("\n".join(lines), err=True)


def render_internal_error(error: BaseException, debug_variable: str) -> None:
    """Print an unexpected failure (a bug) as one line, without a traceback."""
    detail = _one_line(f"{type(error).__name__}: {error}")
    typer.echo(
        f"error: internal error ({detail}).\n"
        f"hint: this is a bug in govindex; rerun with {debug_variable}=1 to see the traceback "
        "and report it.",
        err=True,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
