"""Index runs from survey files: compute, write, store and reproduce.

:func:`compute_run` reads a spec and microdata, checks them against the codebook and runs
the pipeline; :func:`store_run` also writes the run's folder atomically and stores it in one
transaction; :func:`rerun` recomputes a stored run from the files its manifest names and
compares every stored number bit for bit. The CLI only parses options and prints.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from govindex.application.progress import ProgressCallback, report_step
from govindex.application.run_folders import (
    clean_staging,
    fault_point,
    refuse_file_as_folder,
    staged_folder,
)
from govindex.errors import DataValidationError, GovIndexError

if TYPE_CHECKING:
    import polars as pl

    from govindex.analysis.groups import GroupRule
    from govindex.index import IndexParameters
    from govindex.ingest.validate import WeightPlausibility
    from govindex.manifest import RunManifest
    from govindex.pipeline import Run
    from govindex.storage import RunStore

__all__ = [
    "RerunReport",
    "StoredRun",
    "compute_run",
    "detect_synthetic",
    "find_identical_run",
    "plausibility_from_manifest",
    "refuse_file_as_folder",
    "repair_folders",
    "rerun",
    "staged_folder",
    "store_run",
    "validation_parameters",
    "write_outputs",
]

# Extra tables kept for the store (and the pages) only; the output folder has the others.
_STORE_ONLY_TABLES = ("details", "score_table", "units_2025")


@dataclass(frozen=True)
class StoredRun:
    """A run as :func:`store_run` left it: stored, with its output folder written.

    ``scores`` and ``tables`` are what the folder's CSV files hold; ``reused`` is true when
    an identical run (same inputs and parameters) was already stored and nothing was
    computed.
    """

    manifest: RunManifest
    scores: pl.DataFrame
    tables: Mapping[str, pl.DataFrame]
    reused: bool = False


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
    plausibility: WeightPlausibility | None = None,
    chunk_rows: int | Literal["auto"] | None = None,
    memory: str | None = None,
) -> Run:
    """Read the spec and data, check their hashes against ``expected``, validate the data
    against the codebook (weights against ``plausibility``, default
    :class:`~govindex.ingest.validate.WeightPlausibility`, whose thresholds the manifest
    records) and run the pipeline. With ``chunk_rows`` the data are read, checked and
    scored that many rows at a time and reduced to per-PSU sums
    (:mod:`govindex.application.chunked_input`), so memory does not grow with respondents;
    ``chunk_rows="auto"`` chooses them from the file's columns and the ``memory`` budget
    (:mod:`govindex.application.chunk_size`) and records the choice with the run.

    Examples
    --------
    >>> from govindex.index import IndexParameters
    >>> compute_run(Path("no-spec.yaml"), Path("no-data.csv"), IndexParameters())
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: no-spec.yaml: no such file.
    """
    from govindex.application.spec_cache import load_spec_cached
    from govindex.ingest import read_table, validate_microdata
    from govindex.ingest.validate import WeightPlausibility
    from govindex.pipeline import run as run_pipeline

    spec_hash, data_hash = input_hashes(spec_path, data_path)
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
    index_spec = load_spec_cached(spec_path)
    thresholds = plausibility or WeightPlausibility()
    inputs: dict[str, object] = {
        "spec": str(spec_path.resolve()),
        "data": str(data_path.resolve()),
    }
    chunk_record: dict[str, object] = {}
    if chunk_rows == "auto":
        from govindex.application.chunk_size import choose_for_file

        choice = choose_for_file(data_path, len(index_spec.indicators), memory)
        chunk_rows, chunk_record = choice.rows, choice.recorded()
        report_step(
            progress,
            f"{choice.rows:,} rows per chunk for a {choice.memory_budget / 2**30:.2f} GiB budget",
        )
    if chunk_rows is not None:
        from govindex.application.chunked_input import read_cells

        cells, synthetic = read_cells(
            index_spec, data_path, parameters, thresholds, chunk_rows, progress=progress
        )
        report_step(progress, "computing the index")
        return run_pipeline(
            index_spec,
            cells,
            parameters,
            spec_hash=spec_hash,
            data_hash=data_hash,
            source=data_path.name,
            # Recorded so that ``rerun`` adds the sums in the same chunks, to the bit.
            inputs={**inputs, "chunk_rows": chunk_rows, **chunk_record},
            group_rule=rule,
            synthetic=synthetic,
            progress=lambda text: report_step(progress, text),
            validation=validation_parameters(thresholds),
        )
    table = read_table(data_path)
    frame = table.frame
    report_step(progress, "checking the data against the codebook")
    validate_microdata(
        index_spec, table, design_columns=parameters.design, weight_plausibility=thresholds
    ).raise_if_errors()
    report_step(progress, "computing the index")
    return run_pipeline(
        index_spec,
        frame,
        parameters,
        spec_hash=spec_hash,
        data_hash=data_hash,
        source=data_path.name,
        inputs=inputs,
        group_rule=rule,
        synthetic=detect_synthetic(data_path, frame),
        progress=lambda text: report_step(progress, text),
        validation=validation_parameters(thresholds),
    )


def input_hashes(spec_path: Path, data_path: Path) -> tuple[str, str]:
    """The content hashes of the spec and data files, refusing a missing one or a folder.

    Examples
    --------
    >>> input_hashes(Path("no-spec.yaml"), Path("no-data.csv"))
    Traceback (most recent call last):
    ...
    govindex.errors.DataValidationError: no-spec.yaml: no such file.
    """
    from govindex.manifest import hash_bytes, hash_file
    from govindex.spec.load import read_spec_bytes

    for what, path in (("spec", spec_path), ("data", data_path)):
        if not path.exists():
            msg = f"{path}: no such file."
            raise DataValidationError(msg, where=str(path), found="missing file")
        if path.is_dir():
            msg = f"{path}: is a folder; expected a {what} file."
            raise DataValidationError(
                msg, where=str(path), found="a folder", expected=f"a {what} file"
            )
    return hash_bytes(read_spec_bytes(spec_path)), hash_file(data_path)


def store_run(
    spec_path: Path,
    data_path: Path,
    parameters: IndexParameters,
    out: Path,
    store: Path | None,
    *,
    progress: ProgressCallback | None = None,
    plausibility: WeightPlausibility | None = None,
    chunk_rows: int | Literal["auto"] | None = None,
    memory: str | None = None,
) -> StoredRun:
    """Compute a run, store it and write its folder ``out``; or, when an identical run (same
    spec and data contents, same parameters) is stored already, write ``out`` from the store
    without computing anything.

    An error leaves neither a partial folder nor a partial run, and so does a kill at any
    moment: what an interrupted run left is repaired first (see :func:`repair_folders`).
    """
    from govindex.analysis.groups import GroupRule
    from govindex.storage import RunStore

    refuse_file_as_folder(out)
    target = out.resolve()
    spec_hash, data_hash = input_hashes(spec_path, data_path)
    with RunStore(store) as opened:
        repair_folders(opened, also=target)
        existing = find_identical_run(
            opened, spec_hash, data_hash, parameters, GroupRule(), plausibility
        )
        # Recorded until the folder is in place, so that staging left by a kill is found.
        opened.folder_requested(target)
        if existing is not None:
            report_step(progress, "an identical run is stored: writing its folder")
            stored = read_stored_run(opened, existing)
            try:
                with staged_folder(target) as staging:
                    write_outputs(stored, staging)
            finally:
                opened.folder_written("", target)
            return stored
    try:
        return _compute_and_store(
            spec_path,
            data_path,
            parameters,
            target,
            store,
            progress,
            plausibility,
            chunk_rows,
            memory,
        )
    except Exception:
        # A failure (not a kill) cleans up after itself: the request is withdrawn.
        with RunStore(store) as opened:
            opened.folder_written("", target)
        raise


def _compute_and_store(
    spec_path: Path,
    data_path: Path,
    parameters: IndexParameters,
    target: Path,
    store: Path | None,
    progress: ProgressCallback | None,
    plausibility: WeightPlausibility | None,
    chunk_rows: int | Literal["auto"] | None = None,
    memory: str | None = None,
) -> StoredRun:
    """The computing part of :func:`store_run`: compute, stage, store, rename, confirm."""
    from govindex.application.unit_tables import unit_tables_of_run
    from govindex.storage import RunStore

    finished = compute_run(
        spec_path,
        data_path,
        parameters,
        progress=progress,
        plausibility=plausibility,
        chunk_rows=chunk_rows,
        memory=memory,
    )
    manifest = finished.manifest
    with staged_folder(target) as staging:
        write_outputs(finished, staging)
        fault_point("staged")
        report_step(progress, "storing the run")
        opened = RunStore(store)
        try:
            if not opened.has_run(manifest.run_id):  # stored meanwhile by another process
                stored = finished.stored_scores()
                opened.save_run(
                    manifest,
                    stored,
                    {
                        **finished.extra_tables(),
                        **unit_tables_of_run(manifest.parameters, stored),
                    },
                    folder=target,
                )
            fault_point("stored")
        except BaseException:
            opened.close()
            raise
    fault_point("renamed")
    try:
        opened.folder_written(manifest.run_id, target)
    finally:
        opened.close()
    return StoredRun(manifest, finished.scores, dict(finished.tables))


def find_identical_run(
    store: RunStore,
    spec_hash: str,
    data_hash: str,
    parameters: IndexParameters,
    rule: GroupRule,
    plausibility: WeightPlausibility | None = None,
) -> RunManifest | None:
    """The stored run computed from the same spec and data contents with the same
    parameters, group rule and input-check thresholds, if there is one.

    Everything else a run's id is made of follows from these (the disclosure summary and
    the spec's code are computed from them), so the run would get the same id. A run whose
    data were checked with other thresholds is not reused: the data are checked again.
    """
    from govindex.ingest.validate import WeightPlausibility

    def canonical(value: object) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    wanted_index = canonical(parameters.to_dict())
    wanted_rule = canonical(asdict(rule))
    wanted_checks = canonical(validation_parameters(plausibility or WeightPlausibility()))
    for manifest in store.list_runs(kind="microdata"):
        recorded = manifest.parameters
        if (
            manifest.spec_hash == spec_hash
            and manifest.data_hash == data_hash
            and manifest.supersedes is None
            and manifest.seed == parameters.resolved_seed
            and canonical(recorded.get("index")) == wanted_index
            and canonical(recorded.get("group_rule")) == wanted_rule
            and canonical(recorded.get("validation")) == wanted_checks
        ):
            return manifest
    return None


def read_stored_run(store: RunStore, manifest: RunManifest) -> StoredRun:
    """The published scores and tables of a stored run, as its output folder holds them."""
    names = [name for name in store.run_tables(manifest.run_id) if name != "scores"]
    tables = {
        name: store.read_table(manifest.run_id, name)
        for name in names
        if name not in _STORE_ONLY_TABLES
    }
    scores = store.read_table(manifest.run_id, "details")
    return StoredRun(manifest, scores, tables, reused=True)


def repair_folders(store: RunStore, *, also: Path | None = None) -> tuple[Path, ...]:
    """Bring output folders back in line with the store after an interrupted run.

    Removes staging left by dead processes beside ``also`` and beside every pending
    folder, and writes from the store the folder of every stored run whose final rename
    was not confirmed. Returns the folders written.
    """
    if also is not None:
        clean_staging(also)
    written: list[Path] = []
    for run_id, folder in store.pending_folders():
        clean_staging(folder)
        if not run_id:  # requested by a run that never got as far as storing
            store.folder_written(run_id, folder)
            continue
        try:
            recorded = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = {}
        if recorded.get("run_id") != run_id and store.has_run(run_id):
            try:
                stored = read_stored_run(store, store.get_run(run_id))
                with staged_folder(folder) as staging:
                    write_outputs(stored, staging)
            except (GovIndexError, OSError):
                # That folder cannot be written now (moved, read-only, full): the row stays
                # pending and is tried again next time; the run asked for goes ahead.
                continue
            written.append(folder)
        store.folder_written(run_id, folder)
    return tuple(written)


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
        plausibility=plausibility_from_manifest(manifest),
        chunk_rows=int(inputs["chunk_rows"]) if inputs.get("chunk_rows") else None,
    )
    from govindex.application.unit_tables import unit_tables_of_run

    stored_scores = finished.stored_scores()
    recomputed = {
        "scores": stored_scores,
        **finished.extra_tables(),
        **unit_tables_of_run(finished.manifest.parameters, stored_scores),
    }
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


def validation_parameters(plausibility: WeightPlausibility) -> dict[str, object]:
    """The input-check thresholds as a manifest records them (``validation`` parameter).

    Examples
    --------
    >>> from govindex.ingest.validate import WeightPlausibility
    >>> validation_parameters(WeightPlausibility())
    {'weight_plausibility': {'stratum_ratio': 100.0, 'design_ratio': 1000.0}}
    """
    return {"weight_plausibility": plausibility.to_dict()}


def plausibility_from_manifest(manifest: RunManifest) -> WeightPlausibility:
    """The weight thresholds a stored run's data were checked with (the defaults for a run
    stored before they were recorded, which is what such a run was checked with)."""
    from govindex.ingest.validate import WeightPlausibility

    recorded = dict(manifest.parameters.get("validation") or {})
    thresholds = dict(recorded.get("weight_plausibility") or {})
    return WeightPlausibility(**{key: float(value) for key, value in thresholds.items()})


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


def write_outputs(finished: Run | StoredRun, folder: Path) -> None:
    """Write scores.csv, the extra tables and manifest.json of a run to ``folder``.

    A full disk (or any other failure to write) is one :class:`StorageError` naming the
    folder; the caller's staging folder is then removed.
    """
    import polars as pl

    from govindex.errors import StorageError

    scores = finished.scores
    if finished.manifest.synthetic:
        # Synthetic results must say so wherever a person can see them, the CSV included.
        scores = scores.with_columns(pl.lit(True).alias("synthetic"))
    from govindex.spreadsheet_cells import neutralise_frame

    try:
        neutralise_frame(scores).write_csv(folder / "scores.csv")
        for name, table in finished.tables.items():
            neutralise_frame(table).write_csv(folder / f"{name}.csv")
        (folder / "manifest.json").write_text(finished.manifest.to_json() + "\n", encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        msg = f"could not write the run's output folder {folder.parent}: {reason}."
        raise StorageError(msg, where=str(folder.parent), found=reason) from error
