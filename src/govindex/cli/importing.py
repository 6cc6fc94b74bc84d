"""``govindex import``: bring official files into the run store.

``govindex import official WORKBOOK`` stores one published run per accepted year sheet of
the official PAPI workbook; a refused sheet (e.g. one repeating another year) is named in
a one-line note and not stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govindex.cli.progress import Steps
from govindex.cli.runs import StoreOption, note, open_store

__all__ = ["app", "import_official"]

app = typer.Typer(
    name="import",
    help="Import official files into the run store.",
    no_args_is_help=True,
)


@app.command("official")
def import_official(
    workbook: Annotated[
        Path, typer.Argument(help="The official PAPI provincial workbook (.xlsm or .xlsx).")
    ],
    store: StoreOption = None,
) -> None:
    """Store each accepted year sheet of the official workbook as a published run."""
    from govindex.application.official_record import store_official_workbook
    from govindex.official import bundled_data_dir, load_province_lookup, read_official_workbook

    with Steps([f"reading {workbook.name}", "storing the year sheets"], title="import") as steps:
        steps.next()
        read = read_official_workbook(workbook, provinces=load_province_lookup(bundled_data_dir()))
        steps.next()
        with open_store(store) as opened:
            already = {manifest.run_id for manifest in opened.list_runs(kind="published")}
            manifests = store_official_workbook(opened, read)
            counts = {
                manifest.run_id: opened.run_tables(manifest.run_id)["scores"]
                for manifest in manifests
            }
        steps.finish()
    for refused in read.refused_sheets:
        note(f"refused sheet `{refused.sheet}`: {refused.reason}")
    for manifest in manifests:
        status = "already stored" if manifest.run_id in already else "stored"
        rows = counts[manifest.run_id]
        typer.echo(f"{manifest.parameters['year']}\t{manifest.run_id}\t{rows} scores\t{status}")
    typer.echo(
        f"{len(manifests)} year sheet(s) of {read.path.name} in the store; "
        f"{len(read.refused_sheets)} refused.",
        err=True,
    )
