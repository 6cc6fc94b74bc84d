"""The commands of ``govindex``, named without importing them.

Each command module imports what its work needs (polars, DuckDB, FastAPI, WeasyPrint...),
which takes seconds on a busy machine. The root group lists the commands from
:data:`COMMANDS`, whose one-line help is written here, and imports a command's module only
when that command runs or shows its own help. A test checks that every line here matches
the command's own docstring, so the two cannot drift apart.

To add a command: write its module, then add one :class:`CommandEntry` below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Literal

import typer
from typer.core import TyperCommand

__all__ = ["COMMANDS", "CommandEntry", "LazyCommand", "load_command"]


@dataclass(frozen=True)
class CommandEntry:
    """Where a command lives, and what the root help says about it.

    ``kind`` is ``"command"`` for a function (registered with ``app.command``) and
    ``"group"`` for a :class:`typer.Typer` of sub-commands (registered with ``add_typer``).

    Examples
    --------
    >>> entry = CommandEntry("validate", "govindex.cli.validate", "validate", "Check data.")
    >>> entry.kind, entry.no_args_is_help
    ('command', True)
    """

    name: str
    module: str
    attribute: str
    summary: str
    kind: Literal["command", "group"] = "command"
    no_args_is_help: bool = True


COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry(
        "demo",
        "govindex.cli.demo",
        "demo",
        "Load the official PAPI record, store SYNTHETIC runs of every instrument, then serve the dashboard.",
        no_args_is_help=False,
    ),
    CommandEntry(
        "estimate",
        "govindex.cli.estimate",
        "estimate",
        "Estimate means, totals, proportions, ratios or quantiles with design-based uncertainty.",
    ),
    CommandEntry(
        "synth",
        "govindex.cli.synth",
        "synth",
        "Write a SYNTHETIC PAPI or SIPAS survey whose provinces track the published scores.",
    ),
    CommandEntry(
        "validate",
        "govindex.cli.validate",
        "validate",
        "Check a microdata file against the spec's codebook: every problem with row and column.",
    ),
    CommandEntry(
        "scorecard",
        "govindex.cli.scorecard",
        "scorecard",
        "Show a province's PAPI, SIPAS, PAR Index and one-stop values side by side, with sources.",
    ),
    CommandEntry(
        "scores",
        "govindex.cli.scores",
        "scores",
        "Show stored scores with their uncertainty, rank and provenance.",
        no_args_is_help=False,
    ),
    CommandEntry(
        "diagnose",
        "govindex.cli.diagnose",
        "diagnose",
        "Diagnose a province: scores, ranks, groups, changes and the items needing action.",
    ),
    CommandEntry(
        "run",
        "govindex.cli.run",
        "run",
        "Compute the index from survey microdata, write DIR and store the run.",
    ),
    CommandEntry(
        "rerun",
        "govindex.cli.run",
        "rerun",
        "Recompute a stored run from its recorded files and compare every number bit for bit.",
    ),
    CommandEntry(
        "report",
        "govindex.cli.report",
        "report",
        "Write a province profile (PDF) or the national ranking (XLSX) from the run store.",
    ),
    CommandEntry(
        "serve",
        "govindex.cli.serve",
        "serve",
        "Serve the dashboard and its open-data API (JSON, CSV, XLSX) from a run store.",
        no_args_is_help=False,
    ),
    CommandEntry(
        "export-site",
        "govindex.cli.export_site",
        "export_site",
        "Write every page (each year, item, geography, language, province) as static files.",
    ),
    CommandEntry(
        "runs",
        "govindex.cli.runs",
        "app",
        "List, show and export stored runs.",
        kind="group",
    ),
    CommandEntry(
        "store",
        "govindex.cli.store",
        "app",
        "Verify, back up and upgrade the run store.",
        kind="group",
    ),
    CommandEntry(
        "import",
        "govindex.cli.importing",
        "app",
        "Import official files into the run store.",
        kind="group",
    ),
    CommandEntry(
        "plan",
        "govindex.cli.plan",
        "plan",
        "Respondents per province for a target margin of error, with the formula used.",
    ),
    CommandEntry(
        "par",
        "govindex.cli.par",
        "app",
        "PAR Index: self-assessment workbooks, appraisal log, points and ranks.",
        kind="group",
    ),
    CommandEntry(
        "onestop",
        "govindex.cli.onestop",
        "app",
        "One-stop service delivery: dossier records to the Decision 766 index.",
        kind="group",
    ),
    CommandEntry(
        "feedback",
        "govindex.cli.feedback",
        "app",
        "Citizen feedback at the service counter: QR code → rating → live figures.",
        kind="group",
    ),
)


def load_command(entry: CommandEntry) -> Any:
    """Import the command's module and build its click command (or group).

    Examples
    --------
    >>> command = load_command(COMMANDS[3])
    >>> command.name, command.no_args_is_help
    ('validate', True)
    """
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    # Registered on a one-command app as the root app used to register it, so the
    # command is built exactly as before (no completion options on sub-groups).
    single = typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
    )
    if entry.kind == "group":
        single.add_typer(target, name=entry.name)
        command = typer.main.get_command(single).commands[entry.name]  # type: ignore[attr-defined]
    else:
        single.command(name=entry.name, no_args_is_help=entry.no_args_is_help)(target)
        command = typer.main.get_command(single)
    command.name = entry.name
    return command


class LazyCommand(TyperCommand):
    """Stands in for a command in the root help and loads the real one when it is used.

    Click runs a sub-command through ``make_context``; handing that to the real command
    means the context (and everything after it: parsing, help, invocation) is the real
    command's own.

    Examples
    --------
    >>> placeholder = LazyCommand(COMMANDS[0])
    >>> placeholder.name, placeholder.help == COMMANDS[0].summary
    ('demo', True)
    """

    def __init__(self, entry: CommandEntry) -> None:
        super().__init__(
            name=entry.name,
            help=entry.summary,
            short_help=entry.summary,
            no_args_is_help=entry.no_args_is_help,
        )
        self.entry = entry
        self._loaded: Any = None

    def load(self) -> Any:
        """The real click command, imported on first use."""
        if self._loaded is None:
            self._loaded = load_command(self.entry)
        return self._loaded

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def get_params(self, ctx: Any) -> Any:
        return self.load().get_params(ctx)

    def get_help(self, ctx: Any) -> Any:
        return self.load().get_help(ctx)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        return self.load().shell_complete(ctx, incomplete)
