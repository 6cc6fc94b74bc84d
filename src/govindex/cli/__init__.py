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

import gc
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from govindex import __version__
from govindex.cli.commands import COMMANDS, LazyCommand
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

    Commands are listed from :data:`~govindex.cli.commands.COMMANDS` and imported only when
    one runs or shows its own help, so ``govindex --help`` and a quick command never pay for
    the imports (polars, DuckDB, FastAPI, WeasyPrint...) of the others.
    """

    def __init__(self, **attributes: Any) -> None:
        super().__init__(**attributes)
        for entry in COMMANDS:
            self.commands.setdefault(entry.name, LazyCommand(entry))

    def list_commands(self, ctx: Any) -> list[str]:
        # Registration order, as the help always showed it (click would sort by name).
        return list(self.commands)

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
            # "No arguments" carries the command's help as its message; typer tests the
            # class by name too.
            if type(error).__name__ == "NoArgsIsHelpError":
                typer.echo(error.format_message())
            else:
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
    # Plain help: typer's rich help costs a fifth of a second of imports on every `--help`.
    rich_markup_mode=None,
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


def main() -> None:
    """Run the ``govindex`` command line (the console-script entry point).

    Examples
    --------
    From a shell::

        $ govindex estimate apiclus1.csv --weights pw --psu dnum --fpc fpc --var api00
        $ govindex --version
        govindex 0.1.0
    """
    try:
        app()
    finally:
        # The process ends here. Its last garbage collections would walk every object that
        # numpy, scipy, polars and pydantic made on import (about a sixth of the processor
        # time of an 8-row ``estimate``) only to find no cycles; frozen objects are skipped.
        # Exit handlers and module clean-up still run. Not in ``app``: a test process that
        # invokes it goes on and needs its collector.
        gc.freeze()
