"""``govindex scores``: stored scores by run, source, year, level and province.

``--source published`` loads the official record bundled with govindex into the store the
first time it is asked for, so published scores need no import step. ``--geography 34``
re-expresses each run's scores on the 34 provincial units of July 2025 (derived: means of
the former provinces weighted by their 2019 census populations, SE propagated assuming
independent provincial samples; a unit with a withheld former province is flagged and left
empty).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import typer

from govindex.cli.runs import FormatOption, StoreOption, note, open_store, render_frame

if TYPE_CHECKING:
    from pathlib import Path

    import polars as pl

    from govindex.storage import RunStore

__all__ = ["ensure_published_at", "resolve_province", "scores", "units_of"]

SourceOption = Literal["published", "microdata"]
GeographyOption = Literal["63", "34"]
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
_UNIT_COLUMNS = (
    "run_id",
    "year",
    "unit",
    "level",
    "code",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "former_provinces",
    "missing_provinces",
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


def units_of(frame: pl.DataFrame, provinces: tuple[str, ...] | None = None) -> pl.DataFrame:
    """Each run's scores re-expressed on the 34 units of July 2025 (derived; see module doc).

    ``provinces`` (former provinces) keeps only the units they belong to. Intervals are
    ±1.96·SE (95%, normal) where every former province has an SE.

    Examples
    --------
    >>> import polars as pl
    >>> rows = pl.DataFrame({"run_id": ["r"] * 2, "year": [2024] * 2, "synthetic": [False] * 2,
    ...     "province": ["Ha Noi", "Hue"], "level": ["total"] * 2, "code": ["total"] * 2,
    ...     "estimate": [44.0, 45.0], "se": [0.3, 0.4]})
    >>> units_of(rows, ("Ha Noi",))["estimate"].to_list()
    [44.0]
    """
    import polars as pl

    from govindex.analysis import derive_estimates
    from govindex.official import bundled_data_dir, former_province_populations

    mapping = pl.read_csv(bundled_data_dir() / "province_mapping_2025.csv")
    populations = former_province_populations()
    derived = []
    for (run_id, synthetic), rows in frame.group_by("run_id", "synthetic", maintain_order=True):
        units = derive_estimates(rows, mapping, populations)
        derived.append(
            units.select(
                pl.lit(run_id).alias("run_id"),
                "year",
                "unit",
                "level",
                "code",
                "estimate",
                "se",
                (pl.col("estimate") - 1.959963984540054 * pl.col("se")).alias("ci_low"),
                (pl.col("estimate") + 1.959963984540054 * pl.col("se")).alias("ci_high"),
                pl.col("former_provinces").list.join(", "),
                pl.col("weights").list.eval(pl.element().round(6).cast(pl.String)).list.join(", "),
                pl.col("missing_provinces").list.join(", "),
                "incomplete",
                "derived",
                "method",
                pl.lit(synthetic).alias("synthetic"),
            )
        )
    if not derived:
        return pl.DataFrame(schema={name: pl.String for name in _UNIT_COLUMNS})
    result = pl.concat(derived)
    if provinces is not None:
        wanted = mapping.filter(pl.col("old_province").is_in(provinces))["new_province"]
        result = result.filter(pl.col("unit").is_in(wanted.implode()))
    return result


def ensure_published(store: RunStore) -> None:
    """Load the bundled official record into ``store`` unless it is already there."""
    from govindex.application.demo import ensure_published as load_record

    manifests = load_record(store)
    if not manifests:
        return
    years = [int(manifest.parameters["year"]) for manifest in manifests]
    note(
        f"loaded the official PAPI record bundled with govindex into {store.path} "
        f"({len(manifests)} published runs, {min(years)}–{max(years)})."
    )


def ensure_published_at(path: Path | None) -> None:
    """Load the bundled official record into the store at ``path`` if it is not there.

    The store is first looked at read-only and opened for writing only when the record
    is missing, so a store that has it works on a read-only mount.
    """
    from govindex.storage import has_bundled_record

    with open_store(path, read_only=True) as opened:
        present = has_bundled_record(opened)
    if not present:
        with open_store(path) as opened:
            ensure_published(opened)


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
    geography: Annotated[
        GeographyOption,
        typer.Option(
            "--geography",
            help="63 former provinces, or 34 provincial units of July 2025 (derived scores).",
        ),
    ] = "63",
    store: StoreOption = None,
    output_format: FormatOption = "table",
) -> None:
    """Show stored scores with their uncertainty, rank and provenance."""
    provinces = resolve_province(province) if province is not None else None
    if source == "published":
        ensure_published_at(store)
    with open_store(store, read_only=True) as opened:
        frame = opened.query_scores(
            run_id=run,
            source=source,
            year=year,
            level=level,
            province=provinces if geography == "63" else None,
        )
    if geography == "34":
        frame = units_of(frame, provinces)
    if frame.is_empty():
        note("no stored scores match these options.")
    synthetic_runs = sorted(set(frame.filter("synthetic")["run_id"].to_list()))
    if synthetic_runs:
        note(f"run(s) {', '.join(synthetic_runs)} are synthetic (computed from made-up data).")
    runs = frame["run_id"].n_unique()
    render_frame(
        frame,
        output_format,
        table_columns=_TABLE_COLUMNS if geography == "63" else _UNIT_COLUMNS,
        title=f"{frame.height} score(s) from {runs} run(s)",
    )
