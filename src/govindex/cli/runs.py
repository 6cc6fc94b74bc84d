"""``govindex runs``: list, show and export the runs in the run store.

The ``--store`` option and the frame renderer defined here are shared by the other
store commands (``scores``, ``import``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TextIO

import typer

if TYPE_CHECKING:
    import polars as pl

    from govindex.storage import RunStore

__all__ = [
    "StoreOption",
    "app",
    "export_run",
    "list_runs",
    "note",
    "open_store",
    "render_frame",
    "show_run",
]

OutputFormat = Literal["table", "csv", "json"]
ExportFormatOption = Literal["csv", "parquet", "xlsx"]
# Width used when the output is not a terminal (file, pipe, test runner), so rows never wrap.
_FILE_WIDTH = 240

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Run store file (default: $GOVINDEX_STORE or ~/.local/share/govindex/govindex.duckdb).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="Output format: table, csv or json.")
]

app = typer.Typer(
    name="runs",
    help="List, show and export stored runs.",
    no_args_is_help=True,
)


@contextmanager
def open_store(path: Path | None, *, read_only: bool = False) -> Iterator[RunStore]:
    """Open the run store at ``path`` (or the default location) and close it afterwards.

    Commands that only read pass ``read_only``: the file is then never written (a
    read-only mount works) and other readers may have it open at the same time.
    """
    from govindex.storage import RunStore

    store = RunStore(path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def note(text: str) -> None:
    """Print a one-line note on stderr."""
    typer.echo(f"note: {' '.join(text.split())}", err=True)


def render_frame(
    frame: pl.DataFrame,
    output_format: OutputFormat,
    *,
    table_columns: Sequence[str] | None = None,
    title: str | None = None,
    file: TextIO | None = None,
) -> None:
    """Write ``frame`` to stdout as a rich table (``table_columns`` only), CSV or JSON rows."""
    target = file or sys.stdout
    if output_format == "csv":
        from govindex.spreadsheet_cells import neutralise_frame

        target.write(neutralise_frame(frame).write_csv())
    elif output_format == "json":
        target.write(json.dumps(frame.to_dicts(), indent=2, default=str) + "\n")
    else:
        _print_table(frame.select(table_columns or frame.columns), title, target)


def _print_table(frame: pl.DataFrame, title: str | None, file: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(
        file=file,
        width=None if file.isatty() else _FILE_WIDTH,
        highlight=False,
        soft_wrap=False,
    )
    table = Table(title=title, title_justify="left")
    for name, dtype in frame.schema.items():
        numeric = dtype.is_numeric()
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric)
    for row in frame.iter_rows():
        table.add_row(*(_cell(value) for value in row))
    console.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@app.command("list")
def list_runs(store: StoreOption = None, output_format: FormatOption = "table") -> None:
    """List stored runs, oldest first (synthetic runs are marked)."""
    with open_store(store, read_only=True) as opened:
        overview = opened.runs_overview()
        location = opened.path
    if overview.is_empty():
        note(f"the store {location} holds no runs yet.")
    columns = ["run_id", "kind", "synthetic", "years", "score_rows", "created_at", "source"]
    columns += ["supersedes", "superseded_by"]
    render_frame(overview, output_format, table_columns=columns, title=f"runs in {location}")


@app.command("show")
def show_run(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix of 4+ characters).")],
    store: StoreOption = None,
    output_format: Annotated[
        Literal["table", "json"], typer.Option("--format", help="Output format: table or json.")
    ] = "table",
) -> None:
    """Show a run's manifest and its tables."""
    with open_store(store, read_only=True) as opened:
        manifest = opened.get_run(run_id)
        tables = opened.run_tables(manifest.run_id)
        superseded_by = [
            other.run_id for other in opened.list_runs() if other.supersedes == manifest.run_id
        ]
    document = {**manifest.to_dict(), "superseded_by": superseded_by, "tables": tables}
    if output_format == "json":
        typer.echo(json.dumps(document, indent=2))
        return
    width = max(len(key) for key in document)
    for key, value in document.items():
        shown = json.dumps(value) if isinstance(value, dict | list) else _cell(value)
        if key == "synthetic" and value:
            shown = "yes (computed from synthetic data)"
        typer.echo(f"{key:<{width}}  {shown}")


@app.command("export")
def export_run(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix of 4+ characters).")],
    out: Annotated[Path, typer.Option("--out", help="File to write (scores; extras beside it).")],
    export_format: Annotated[
        ExportFormatOption, typer.Option("--format", help="csv, parquet or xlsx.")
    ] = "csv",
    store: StoreOption = None,
) -> None:
    """Write a run's tables and manifest to CSV, Parquet or one Excel workbook."""
    with open_store(store, read_only=True) as opened:
        written = opened.export_run(run_id, out, export_format)
    for path in written:
        typer.echo(str(path))
    typer.echo(f"wrote {len(written)} file(s)", err=True)
