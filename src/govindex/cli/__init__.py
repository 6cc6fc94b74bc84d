"""The ``govindex`` command line.

Each command lives in its own module of this package and is registered on :data:`app` below.
Failures are rendered in one place, :meth:`_GovIndexGroup.main`, so every command shares
the same error format and exit codes:

====  ================================================================
code  meaning
====  ================================================================
0     success
1     a govindex error (bad data, design, parameter...): ``error: ...``
2     command-line usage error (unknown option, bad option value...)
70    internal error, i.e. a bug (set ``GOVINDEX_DEBUG=1`` for the traceback)
130   interrupted
====  ================================================================
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from govindex import __version__
from govindex.cli import demo as _demo
from govindex.cli import diagnose as _diagnose
from govindex.cli import estimate as _estimate
from govindex.cli import export_site as _export_site
from govindex.cli import feedback as _feedback
from govindex.cli import importing as _importing
from govindex.cli import onestop as _onestop
from govindex.cli import par as _par
from govindex.cli import plan as _plan
from govindex.cli import report as _report
from govindex.cli import run as _run
from govindex.cli import runs as _runs
from govindex.cli import scores as _scores
from govindex.cli import serve as _serve
from govindex.cli import synth as _synth
from govindex.cli import validate as _validate
from govindex.cli.rendering import render_error, render_internal_error, render_usage_error
from govindex.errors import GovIndexError

__all__ = ["INTERNAL_ERROR_EXIT_CODE", "app", "main"]

#: Exit code for unexpected exceptions (BSD sysexits ``EX_SOFTWARE``).
INTERNAL_ERROR_EXIT_CODE = 70
_DEBUG_VARIABLE = "GOVINDEX_DEBUG"


class _GovIndexGroup(TyperGroup):
    """The root command group: runs a command and turns every failure into one error line.

    Overriding ``main`` (rather than wrapping ``app()``) means the same handling applies to
    the installed ``govindex`` script and to in-process runners such as ``CliRunner``.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except GovIndexError as error:
            render_error(error)
            code = error.exit_code
        except typer.TyperException as error:  # typer's usage errors (its vendored click)
            # Help was already printed for "no arguments"; typer tests the class by name too.
            if type(error).__name__ != "NoArgsIsHelpError":
                render_usage_error(error)
            code = error.exit_code
        except typer.Abort:
            typer.echo("error: aborted.", err=True)
            code = 1
        except Exception as error:  # a bug: one line unless the user asks for the traceback
            if os.environ.get(_DEBUG_VARIABLE):
                raise
            render_internal_error(error, _DEBUG_VARIABLE)
            code = INTERNAL_ERROR_EXIT_CODE
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    name="govindex",
    cls=_GovIndexGroup,
    help="Provincial governance indices from complex-sample survey microdata.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"govindex {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Show the govindex version and exit.",
        ),
    ] = False,
) -> None:
    """Provincial governance indices from complex-sample survey microdata."""


# One line per command module.
app.command(name="demo")(_demo.demo)
app.command(name="estimate", no_args_is_help=True)(_estimate.estimate)
app.command(name="synth", no_args_is_help=True)(_synth.synth)
app.command(name="validate", no_args_is_help=True)(_validate.validate)
app.command(name="scores")(_scores.scores)
app.command(name="diagnose", no_args_is_help=True)(_diagnose.diagnose)
app.command(name="run", no_args_is_help=True)(_run.run)
app.command(name="rerun", no_args_is_help=True)(_run.rerun)
app.command(name="report", no_args_is_help=True)(_report.report)
app.command(name="serve")(_serve.serve)
app.command(name="export-site", no_args_is_help=True)(_export_site.export_site)
app.add_typer(_runs.app, name="runs")
app.add_typer(_importing.app, name="import")
app.add_typer(_par.app, name="par")
app.command(name="plan", no_args_is_help=True)(_plan.plan)
app.add_typer(_feedback.app, name="feedback")
app.add_typer(_onestop.app, name="onestop")


def main() -> None:
    """Run the ``govindex`` command line (the console-script entry point).

    Examples
    --------
    From a shell::

        $ govindex estimate apiclus1.csv --weights pw --psu dnum --fpc fpc --var api00
        $ govindex --version
        govindex 0.1.0
    """
    app()
