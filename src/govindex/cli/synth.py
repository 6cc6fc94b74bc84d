"""``govindex synth``: write a SYNTHETIC PAPI or SIPAS survey file (CSV, Parquet, SPSS or Stata).

The province names and the dimension scores the synthetic provinces track come from the
PAPI data folder (``published_scores.csv``), given by ``--papi-data`` or the
``GOVINDEX_PAPI_DATA`` variable, or else the official record bundled with govindex.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from govindex.errors import DataValidationError

if TYPE_CHECKING:
    from govindex.spec import IndexSpec
from govindex.official.bundled import bundled_data_dir

__all__ = ["find_papi_data", "synth"]

Instrument = Literal["papi", "sipas"]

_SCORES_FILE = "published_scores.csv"


def find_papi_data(given: Path | None, spec: Path) -> Path:
    """The PAPI data folder: ``given``, or the official record bundled with govindex.

    Examples
    --------
    >>> (find_papi_data(None, Path("specs/papi-2024.yaml")) / "published_scores.csv").exists()
    True
    """
    if given is not None:
        if not (given / _SCORES_FILE).exists():
            msg = f"{given}: no {_SCORES_FILE} in this PAPI data folder."
            raise DataValidationError(
                msg, where="--papi-data", found=str(given), expected=_SCORES_FILE
            )
        return given
    return bundled_data_dir()


def synth(
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")],
    out: Annotated[
        Path,
        typer.Option("--out", help="Output file: .csv, .parquet, .sav (SPSS) or .dta (Stata)."),
    ],
    year: Annotated[int, typer.Option("--year", help="Survey year to imitate.")] = 2024,
    spec: Annotated[
        str | None,
        typer.Option(
            "--spec",
            help="Index spec: a shipped name or a file path [default: INSTRUMENT-YEAR].",
        ),
    ] = None,
    papi_data: Annotated[
        Path | None,
        typer.Option(
            "--papi-data",
            envvar="GOVINDEX_PAPI_DATA",
            help="Folder with published_scores.csv (province names and target scores).",
        ),
    ] = None,
    instrument: Annotated[
        Instrument,
        typer.Option("--instrument", help="papi, or sipas (the SIPAS household survey)."),
    ] = "papi",
) -> None:
    """Write a SYNTHETIC PAPI or SIPAS survey whose provinces track the published scores.

    PAPI provinces track the official dimension scores; with --instrument sipas, a SIPAS
    household survey tracks the reported 2024 values.

    Every file is marked synthetic: a `synthetic` column and a FILE.meta.json sidecar for
    CSV, key-value metadata for Parquet, the file label for SPSS and Stata.
    """
    import polars as pl

    from govindex.application.spec_cache import load_spec_cached
    from govindex.cli.progress import Steps
    from govindex.spec.bundled import default_spec_path, resolve_spec
    from govindex.synthetic import (
        load_size_classes,
        province_scores,
        province_table,
        synthesise_papi,
        tracking_correlations,
    )
    from govindex.synthetic.output import write_survey

    spec_path = resolve_spec(spec) if spec else default_spec_path(year, instrument)
    if instrument == "sipas":
        _synth_sipas(
            load_spec_cached(spec_path),
            find_papi_data(papi_data, spec_path),
            seed=seed,
            year=year,
            out=out,
        )
        return
    spec_path = resolve_spec(spec) if spec else default_spec_path(year)
    steps = Steps(
        [
            "reading the spec",
            "drawing respondents and answers",
            f"writing {out.name}",
            "checking the provinces track their targets",
        ],
        title=f"SYNTHETIC PAPI {year}",
    )
    with steps:
        steps.next()
        index_spec = load_spec_cached(spec_path)
        folder = find_papi_data(papi_data, spec_path)
        published = pl.read_csv(
            folder / _SCORES_FILE, columns=["year", "province", "dimension", "score"]
        )
        provinces = province_table(published["province"].unique(), load_size_classes())
        steps.next()
        survey = synthesise_papi(
            index_spec, seed=seed, year=year, targets=published, provinces=provinces
        )
        steps.next()
        written = write_survey(survey, out)
        steps.next()
        computed = province_scores(index_spec, survey.microdata)
        expected = survey.truth.filter(pl.col("level") == "total").select(
            "province", "code", pl.col("target")
        )
        total = tracking_correlations(computed, expected)["correlation"].to_list()
        steps.finish()
    typer.echo(
        f"SYNTHETIC PAPI {year} survey (seed {seed}): {survey.microdata.height} respondents in "
        f"{survey.metadata['provinces']} provinces, {survey.metadata['villages']} villages."
    )
    if total:
        typer.echo(f"Correlation of computed and target provincial totals: {total[0]:.3f}.")
    withheld = survey.metadata["withheld_provinces"]
    if withheld:
        typer.echo(f"Neutral targets (no official {year} score): {', '.join(withheld)}.")
    for path in written:
        typer.echo(f"wrote {path}")


def _synth_sipas(index_spec: IndexSpec, folder: Path, *, seed: int, year: int, out: Path) -> None:
    import polars as pl

    from govindex.synthetic import load_size_classes, province_scores, province_table
    from govindex.synthetic.output import write_survey
    from govindex.synthetic.sipas import synthesise_sipas

    names = pl.read_csv(folder / _SCORES_FILE, columns=["province"])["province"].unique()
    provinces = province_table(names, load_size_classes())
    survey = synthesise_sipas(index_spec, seed=seed, provinces=provinces, year=year)
    written = write_survey(survey, out)
    computed = province_scores(index_spec, survey.microdata).filter(pl.col("code") == "total")
    typer.echo(
        f"SYNTHETIC SIPAS {year} survey (seed {seed}): {survey.microdata.height} respondents in "
        f"{survey.metadata['provinces']} provinces, {survey.metadata['villages']} villages."
    )
    typer.echo(
        f"Mean of the provinces' overall SIPAS (weighted, from the file): "
        f"{computed['score'].cast(pl.Float64).to_numpy().mean():.2f}% "
        "(target: the reported national 83.94%)."
    )
    for path in written:
        typer.echo(f"wrote {path}")
