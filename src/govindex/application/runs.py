"""Index runs from survey files: compute, write, store and reproduce.

:func:`compute_run` reads a spec and microdata, checks them against the codebook and runs
the pipeline; :func:`store_run` also writes the run's folder atomically and stores it in one
transaction; :func:`rerun` recomputes a stored run from the files its manifest names and
compares every stored number bit for bit. The CLI only parses options and prints.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from govindex.application.progress import ProgressCallback, report_step
from govindex.errors import DataValidationError

if TYPE_CHECKING:
    import polars as pl

    from govindex.analysis.groups import GroupRule
    from govindex.index import IndexParameters
    from govindex.manifest import RunManifest
    from govindex.pipeline import Run

__all__ = [
    "RerunReport",
    "compute_run",
    "detect_synthetic",
    "refuse_file_as_folder",
    "rerun",
    "staged_folder",
    "store_run",
    "write_outputs",
]


@dataclass(frozen=True)
class RerunReport:
    """The outcome of :func:`rerun`: ``differences`` is empty when the run was reproduced."""

    run_id: str
    differences: tuple[str, ...]
    rows_compared: int

    @property
    def reproduced(self) -> bool:
        """Whether every stored number was recomputed bit for bit.

        Examples
        --------
        >>> RerunReport("abc", (), 10).reproduced
        True
        """
        return not self.differences


def compute_run(
    spec_path: Path,
    data_path: Path,
    parameters: IndexParameters,
    *,
    rule: GroupRule | None = None,
    expected: RunManifest | None = None,
    progress: ProgressCallback | None = None,
) -> Run:
    """Read the spec and data, check their hashes against ``expected``, validate the data
    against the codebook and run the pipeline.

    Examples
    --------
    >>> from govindex.index import IndexParameters
    >>> compute_run(Path("no-spec.yaml"), Path("no-data.csv"), IndexParameters())
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: no-spec.yaml: no such file.
    """
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
        for what, path, found, recorded in (
            ("spec", spec_path, spec_hash, expected.spec_hash),
            ("data", data_path, data_hash, expected.data_hash),
        ):
            if found != recorded:
                msg = (
                    f"the {what} file {path} has changed since run {expected.run_id} "
                    f"(hash {found[:12]} ≠ {recorded[:12]})."
                )
                raise DataValidationError(msg, where=what, found=found, expected=recorded)
    report_step(progress, "reading the spec and data")
    index_spec = load_spec(spec_path)
    table = read_table(data_path)
    frame = table.frame
    report_step(progress, "checking the data against the codebook")
    validate_microdata(index_spec, table, design_columns=parameters.design).raise_if_errors()
    report_step(progress, "computing the index")
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
        progress=lambda text: report_step(progress, text),
    )


def store_run(
    spec_path: Path,
    data_path: Path,
    parameters: IndexParameters,
    out: Path,
    store: Path | None,
    *,
    keep_existing: bool = False,
    progress: ProgressCallback | None = None,
) -> Run:
    """Compute a run, write its folder ``out`` atomically and store it in the run store.

    An error leaves neither a partial folder nor a partial run. With ``keep_existing`` a run
    already stored (run ids come from the inputs) is left as it is rather than stored again.
    """
    from govindex.errors import RunNotFound
    from govindex.storage import RunStore

    refuse_file_as_folder(out)
    finished = compute_run(spec_path, data_path, parameters, progress=progress)
    with staged_folder(out) as staging:
        write_outputs(finished, staging)
        report_step(progress, "storing the run")
        opened = RunStore(store)
        try:
            if keep_existing:
                try:
                    opened.get_run(finished.manifest.run_id)
                except RunNotFound:
                    pass
                else:
                    return finished
            opened.save_run(finished.manifest, finished.stored_scores(), finished.extra_tables())
        finally:
            opened.close()
    return finished


def rerun(
    run_id: str, store: Path | None, *, progress: ProgressCallback | None = None
) -> RerunReport:
    """Recompute the stored run ``run_id`` from its recorded files and compare every number."""
    from govindex.pipeline import compare_tables, parameters_from_manifest
    from govindex.storage import RunStore

    opened = RunStore(store)
    try:
        manifest = opened.get_run(run_id)
        stored = {
            name: opened.read_table(manifest.run_id, name)
            for name in opened.run_tables(manifest.run_id)
        }
    finally:
        opened.close()
    inputs = dict(manifest.parameters.get("inputs") or {})
    if "spec" not in inputs or "data" not in inputs:
        msg = f"run `{manifest.run_id}` records no input files; only `govindex run` runs can be rerun."
        raise DataValidationError(msg, found=manifest.kind)
    parameters, rule = parameters_from_manifest(manifest)
    finished = compute_run(
        Path(inputs["spec"]),
        Path(inputs["data"]),
        parameters,
        rule=rule,
        expected=manifest,
        progress=progress,
    )
    recomputed = {"scores": finished.stored_scores(), **finished.extra_tables()}
    report_step(progress, "comparing every stored number")
    differences: list[str] = []
    for name, table in stored.items():
        if name not in recomputed:
            differences.append(f"{name}: stored but not recomputed")
            continue
        theirs = recomputed[name]
        if name == "scores":
            table = table.drop("run_id").select(theirs.columns)
        differences += compare_tables(name, table, theirs)
    rows = sum(table.height for table in stored.values())
    return RerunReport(manifest.run_id, tuple(differences), rows)


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
        # polars writes its key-value metadata into the file footer, not the Arrow schema.
        return pl.read_parquet_metadata(path).get("govindex.synthetic") == "true"
    if suffix in (".sav", ".zsav", ".dta"):
        import pyreadstat

        reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
        _, meta = reader(str(path), metadataonly=True)
        return str(meta.file_label or "").upper().startswith("SYNTHETIC")
    return False


def write_outputs(finished: Run, folder: Path) -> None:
    """Write scores.csv, the extra tables and manifest.json of a finished run to ``folder``."""
    import polars as pl

    scores = finished.scores
    if finished.manifest.synthetic:
        # Synthetic results must say so wherever a person can see them, the CSV included.
        scores = scores.with_columns(pl.lit(True).alias("synthetic"))
    from govindex.spreadsheet_cells import neutralise_frame

    neutralise_frame(scores).write_csv(folder / "scores.csv")
    for name, table in finished.tables.items():
        neutralise_frame(table).write_csv(folder / f"{name}.csv")
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
