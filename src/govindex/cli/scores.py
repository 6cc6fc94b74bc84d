"""``govindex scores``: stored scores by run, source, year, level and province.

``--source published`` loads the official record bundled with govindex into the store the
first time it is asked for, so published scores need no import step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import typer

from govindex.cli.runs import FormatOption, StoreOption, note, open_store, render_frame

if TYPE_CHECKING:
    from govindex.storage import RunStore

__all__ = ["resolve_province", "scores"]

SourceOption = Literal["published", "microdata"]
LevelOption = Literal["total", "dimension", "subdimension", "indicator"]

_TABLE_COLUMNS = (
    "run_id",
    "year",
    "province",
    "level",
    "code",
    "name",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "rank",
    "withheld",
    "synthetic",
)


def resolve_province(name: str) -> tuple[str, ...]:
    """Return the canonical former province(s) named by ``name`` (old or 2025 name).

    A 2025 unit formed by a merger under a new name stands for all of its former
    provinces.

    Examples
    --------
    >>> resolve_province("Hà Nội")
    ('Ha Noi',)
    """
    from govindex.errors import NotFound
    from govindex.official import bundled_data_dir, load_province_lookup

    lookup = load_province_lookup(bundled_data_dir())
    try:
        return (lookup.canonical_name(name),)
    except NotFound as error:
        try:
            return lookup.former_provinces(name)
        except NotFound:
            raise error from None


def ensure_published(store: RunStore) -> None:
    """Load the bundled official record into ``store`` unless it is already there."""
    from govindex.storage import has_bundled_record, store_published_record

    if has_bundled_record(store):
        return
    manifests = store_published_record(store)
    years = [int(manifest.parameters["year"]) for manifest in manifests]
    note(
        f"loaded the official PAPI record bundled with govindex into {store.path} "
        f"({len(manifests)} published runs, {min(years)}–{max(years)})."
    )


def scores(
    run: Annotated[
        str | None, typer.Option("--run", help="Only this run (id or unique prefix).")
    ] = None,
    source: Annotated[
        SourceOption | None,
        typer.Option("--source", help="Only runs of this kind: published or microdata."),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this survey year.")] = None,
    level: Annotated[
        LevelOption | None,
        typer.Option("--level", help="Only this level: total, dimension, subdimension, indicator."),
    ] = None,
    province: Annotated[
        str | None,
        typer.Option(
            "--province", help="Only this province (old or 2025 name; diacritics optional)."
        ),
    ] = None,
    store: StoreOption = None,
    output_format: FormatOption = "table",
) -> None:
    """Show stored scores with their uncertainty, rank and provenance."""
    provinces = resolve_province(province) if province is not None else None
    with open_store(store) as opened:
        if source == "published":
            ensure_published(opened)
        frame = opened.query_scores(
            run_id=run, source=source, year=year, level=level, province=provinces
        )
    if frame.is_empty():
        note("no stored scores match these options.")
    synthetic_runs = sorted(set(frame.filter("synthetic")["run_id"].to_list()))
    if synthetic_runs:
        note(f"run(s) {', '.join(synthetic_runs)} are synthetic (computed from made-up data).")
    runs = frame["run_id"].n_unique()
    render_frame(
        frame,
        output_format,
        table_columns=_TABLE_COLUMNS,
        title=f"{frame.height} score(s) from {runs} run(s)",
    )
