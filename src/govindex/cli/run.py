"""``govindex run`` and ``govindex rerun``: the index pipeline from a survey file, stored.

``run`` reads the spec and the data, computes every level with its uncertainty, ranks and
groups, writes ``DIR/scores.csv``, ``DIR/national.csv`` and ``DIR/manifest.json``
atomically (a temporary folder renamed at the end) and stores the run in the DuckDB store
in one transaction: an error or Ctrl-C leaves neither a partial folder nor a partial run.
``rerun ID`` recomputes a stored run from the files its manifest names and compares every
number bit for bit.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from govindex.cli.runs import StoreOption, open_store
from govindex.errors import DataValidationError

if TYPE_CHECKING:
    import polars as pl

    from govindex.pipeline import Run

__all__ = [
    "compute_run",
    "detect_synthetic",
    "refuse_file_as_folder",
    "rerun",
    "run",
    "staged_folder",
    "write_outputs",
]

VarianceOption = Literal["jkn", "bootstrap", "taylor"]
DegreesOfFreedomOption = Literal["design", "domain", "normal"]
LonelyPSUOption = Literal["fail", "remove", "adjust", "average", "certainty"]
_DESIGN = "Design"


def run(
    spec: Annotated[Path, typer.Argument(help="Index spec YAML (e.g. specs/papi-2024.yaml).")],
    data: Annotated[Path, typer.Argument(help="Survey microdata (.csv, .parquet, .sav, .dta).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (replaced atomically).")],
    variance: Annotated[
        VarianceOption, typer.Option("--variance", help="jkn, bootstrap or taylor.")
    ] = "jkn",
    replicates: Annotated[
        int | None, typer.Option("--replicates", help="Bootstrap replicates [default: 50].")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed (bootstrap, rank simulation) [default: 0].")
    ] = None,
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    papi_intervals: Annotated[
        bool,
        typer.Option("--papi-intervals", help="PAPI's ±1.645·SE intervals (labelled 90%)."),
    ] = False,
    df_rule: Annotated[
        DegreesOfFreedomOption,
        typer.Option("--df-rule", help="domain (province PSUs - 1), design or normal."),
    ] = "domain",
    exclude_suppressed: Annotated[
        bool,
        typer.Option(
            "--exclude-suppressed",
            help="Leave indicators suppressed for few respondents out of their sub-dimension.",
        ),
    ] = False,
    weighted_total: Annotated[
        list[str] | None,
        typer.Option("--weighted-total", help="Also compute this weighted total of the spec."),
    ] = None,
    province: Annotated[
        str, typer.Option("--province", help="Province column.", rich_help_panel=_DESIGN)
    ] = "province",
    weights: Annotated[
        str, typer.Option("--weights", help="Weight column.", rich_help_panel=_DESIGN)
    ] = "weight",
    strata: Annotated[
        str, typer.Option("--strata", help="Stratum column.", rich_help_panel=_DESIGN)
    ] = "province",
    psu: Annotated[
        str, typer.Option("--psu", help="PSU column (nested).", rich_help_panel=_DESIGN)
    ] = "district",
    respondent_id: Annotated[
        str,
        typer.Option("--respondent-id", help="Respondent id column.", rich_help_panel=_DESIGN),
    ] = "respondent_id",
    lonely_psu: Annotated[
        LonelyPSUOption,
        typer.Option(
            "--lonely-psu",
            help="A stratum with one PSU: fail, remove, adjust, average or certainty.",
            rich_help_panel=_DESIGN,
        ),
    ] = "fail",
    store: StoreOption = None,
) -> None:
    """Compute the index from survey microdata, write DIR and store the run.

    The data are first checked against the spec's codebook (as `govindex validate` does):
    any invalid answer, undeclared code or design problem refuses the run.
    """
    from govindex.index import DesignColumns, IndexParameters

    refuse_file_as_folder(out)

    parameters = IndexParameters(
        variance=variance,
        replicates=replicates,
        seed=seed,
        level=level,
        interval="papi90" if papi_intervals else "t",
        df_rule=df_rule,
        suppressed_indicators="exclude" if exclude_suppressed else "keep",
        weighted_totals=tuple(weighted_total or ()),
        design=DesignColumns(
            province=province, weights=weights, strata=strata, psu=psu, lonely_psu=lonely_psu
        ),
    )
    finished = compute_run(spec, data, parameters, respondent_id=respondent_id)
    manifest = finished.manifest
    with staged_folder(out) as staging:
        write_outputs(finished, staging)
        with _status("storing the run"), open_store(store) as opened:
            opened.save_run(manifest, finished.stored_scores(), finished.extra_tables())
    label = " SYNTHETIC" if manifest.synthetic else ""
    typer.echo(f"run {manifest.run_id}{label}: {finished.scores.height} score rows → {out}")


def rerun(
    run_id: Annotated[str, typer.Argument(help="Stored run id (a unique prefix is enough).")],
    store: StoreOption = None,
) -> None:
    """Recompute a stored run from its recorded files and compare every number bit for bit."""
    from govindex.pipeline import compare_tables, parameters_from_manifest

    with open_store(store) as opened:
        manifest = opened.get_run(run_id)
        stored = {
            name: opened.read_table(manifest.run_id, name)
            for name in opened.run_tables(manifest.run_id)
        }
    inputs = dict(manifest.parameters.get("inputs") or {})
    if "spec" not in inputs or "data" not in inputs:
        msg = f"run `{manifest.run_id}` records no input files; only `govindex run` runs can be rerun."
        raise DataValidationError(msg, found=manifest.kind)
    parameters, rule = parameters_from_manifest(manifest)
    finished = compute_run(
        Path(inputs["spec"]), Path(inputs["data"]), parameters, rule=rule, expected=manifest
    )
    recomputed = {
        "scores": finished.stored_scores(),
        **finished.extra_tables(),
    }
    differences: list[str] = []
    for name, table in stored.items():
        if name not in recomputed:
            differences.append(f"{name}: stored but not recomputed")
            continue
        theirs = recomputed[name]
        if name == "scores":
            table = table.drop("run_id").select(theirs.columns)
        differences += compare_tables(name, table, theirs)
    if differences:
        for line in differences:
            typer.echo(f"difference: {line}", err=True)
        typer.echo(f"error: run {manifest.run_id} was NOT reproduced.", err=True)
        raise typer.Exit(code=1)
    rows = sum(table.height for table in stored.values())
    typer.echo(f"run {manifest.run_id} reproduced bit for bit ({rows} stored rows compared).")


# ---------------------------------------------------------------------- helpers
def compute_run(
    spec_path: Path,
    data_path: Path,
    parameters: Any,
    *,
    rule: Any = None,
    expected: Any = None,
    respondent_id: str = "respondent_id",
) -> Run:
    """Read the spec and data, check their hashes against ``expected``, validate the data
    against the codebook and run the pipeline."""
    from govindex.ingest import DesignColumns as ValidatedColumns
    from govindex.ingest import read_table, validate_microdata
    from govindex.manifest import hash_bytes, hash_file
    from govindex.pipeline import run as run_pipeline
    from govindex.spec import load_spec

    for path in (spec_path, data_path):
        if not path.exists():
            msg = f"{path}: no such file."
            raise DataValidationError(msg, where=str(path), found="missing file")
    spec_hash = hash_bytes(spec_path.read_bytes())
    data_hash = hash_file(data_path)
    if expected is not None:
        for what, found, recorded in (
            ("spec", spec_hash, expected.spec_hash),
            ("data", data_hash, expected.data_hash),
        ):
            if found != recorded:
                msg = f"the {what} file {spec_path if what == 'spec' else data_path} has changed since run {expected.run_id} (hash {found[:12]} ≠ {recorded[:12]})."
                raise DataValidationError(msg, where=what, found=found, expected=recorded)
    with _status("reading the spec and data") as say:
        index_spec = load_spec(spec_path)
        table = read_table(data_path)
        frame = table.frame
        say("checking the data against the codebook")
        design = parameters.design
        columns = ValidatedColumns(
            respondent_id=respondent_id,
            strata=design.strata or design.province,
            psu=design.psu or design.province,
            weights=design.weights,
            province=design.province,
        )
        validate_microdata(index_spec, table, design_columns=columns).raise_if_errors()
        say("computing the index")
        return run_pipeline(
            index_spec,
            frame,
            parameters,
            spec_hash=spec_hash,
            data_hash=data_hash,
            source=data_path.name,
            inputs={"spec": str(spec_path.resolve()), "data": str(data_path.resolve())},
            group_rule=rule,
            synthetic=detect_synthetic(data_path, frame),
            progress=say,
        )


def detect_synthetic(path: Path, frame: pl.DataFrame) -> bool:
    """Whether the data say they are synthetic: a true ``synthetic`` column, a CSV sidecar
    ``FILE.meta.json`` with ``"synthetic": true``, or Parquet key-value metadata.

    Examples
    --------
    >>> import polars as pl
    >>> detect_synthetic(Path("x.csv"), pl.DataFrame({"synthetic": [True, True]}))
    True
    """
    import polars as pl

    if "synthetic" in frame.columns:
        # Only a column that really says true counts (a text "yes" is not a boolean).
        flags = frame["synthetic"].cast(pl.String).str.to_lowercase()
        if flags.len() and bool(flags.is_in(["true", "1"]).all()):
            return True
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.exists():
        try:
            return bool(json.loads(sidecar.read_text(encoding="utf-8")).get("synthetic"))
        except (ValueError, AttributeError):
            return False
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import polars

        # polars writes its key-value metadata into the file footer, not the Arrow schema.
        return polars.read_parquet_metadata(path).get("govindex.synthetic") == "true"
    if suffix in (".sav", ".zsav", ".dta"):
        import pyreadstat

        reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
        _, meta = reader(str(path), metadataonly=True)
        return str(meta.file_label or "").upper().startswith("SYNTHETIC")
    return False


def write_outputs(finished: Run, folder: Path) -> None:
    """Write scores.csv, the extra tables and manifest.json of a finished run to ``folder``."""
    scores = finished.scores
    if finished.manifest.synthetic:
        # Synthetic results must say so wherever a person can see them, the CSV included.
        import polars

        scores = scores.with_columns(polars.lit(True).alias("synthetic"))
    scores.write_csv(folder / "scores.csv")
    for name, table in finished.tables.items():
        table.write_csv(folder / f"{name}.csv")
    (folder / "manifest.json").write_text(finished.manifest.to_json() + "\n", encoding="utf-8")


def refuse_file_as_folder(target: Path) -> None:
    """Raise :class:`DataValidationError` if ``target`` exists and is not a folder.

    Examples
    --------
    >>> refuse_file_as_folder(Path("no-such-folder"))
    """
    if target.exists() and not target.is_dir():
        msg = f"{target}: is a file; the output must be a folder (it is replaced atomically)."
        raise DataValidationError(msg, where=str(target), found="a file", expected="a folder")


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target``, renamed onto it only if the block succeeds."""
    target = target.resolve()
    refuse_file_as_folder(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the published folder should not be
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = None
    if target.exists():
        previous = target.with_name(f".{target.name}.previous")
        shutil.rmtree(previous, ignore_errors=True)
        target.rename(previous)
    staging.rename(target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def _status(description: str) -> Iterator[Callable[[str], None]]:
    """A rich status line on stderr (terminals only); yields a function to update it."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(description) as status:
        yield lambda text: status.update(text)
