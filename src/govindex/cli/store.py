"""``govindex store``: verify, back up and upgrade the run store.

The work is done by :mod:`govindex.application.store_maintenance`; these commands parse,
call and print.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govindex.cli.runs import StoreOption

if TYPE_CHECKING:
    from govindex.storage.integrity import VerifyReport

__all__ = ["app", "backup", "upgrade", "verify"]

app = typer.Typer(
    name="store",
    help="Verify, back up and upgrade the run store.",
    no_args_is_help=True,
)


@app.command("verify")
def verify(store: StoreOption = None) -> None:
    """Recompute the checksum of every stored table and compare it with the recorded one."""
    from govindex.application.store_maintenance import verify_store

    report = verify_store(store)
    _print_report(report)
    if not report.passed:
        raise typer.Exit(code=1)


@app.command("backup")
def backup(
    destination: Annotated[Path, typer.Argument(help="New DuckDB file to write the copy to.")],
    store: StoreOption = None,
) -> None:
    """Copy the store consistently into a new file, then open and verify the copy."""
    from govindex.application.store_maintenance import backup_store

    report = backup_store(store, destination)
    _print_report(report.verified)
    if not report.verified.passed:
        typer.echo(f"error: the backup {report.path} does NOT verify.", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"backup {report.path}: {report.runs} runs, opened and verified.")


@app.command("upgrade")
def upgrade(store: StoreOption = None) -> None:
    """Apply every pending schema migration to the store (it must be writable)."""
    from govindex.application.store_maintenance import upgrade_store

    before, after = upgrade_store(store)
    if before == after:
        typer.echo(f"the store is up to date (schema version {after}).")
    else:
        typer.echo(f"the store was upgraded from schema version {before} to {after}.")


def _print_report(report: VerifyReport) -> None:
    for check in report.failures:
        typer.echo(
            f"error: run {check.run_id}, table {check.name}: stored with {check.recorded_rows}"
            f" rows (checksum {check.recorded[:12]}), now {check.found_rows} rows"
            f" (checksum {check.found[:12]}).",
            err=True,
        )
    for missing in report.missing:
        typer.echo(f"error: {missing}: recorded but no longer in the store.", err=True)
    if report.unrecorded:
        shown = ", ".join(report.unrecorded)
        typer.echo(
            f"note: no checksums recorded for runs {shown} (stored before govindex kept"
            " checksums); they were not checked.",
            err=True,
        )
    runs = len({check.run_id for check in report.checks})
    verdict = "all match" if report.passed else f"{len(report.failures)} differ"
    typer.echo(f"checked {len(report.checks)} tables of {runs} runs: {verdict}.")
