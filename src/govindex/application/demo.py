"""The main job on a fresh machine, end to end, as one library call.

:func:`build_demo` loads the official PAPI record bundled with govindex into the run store
(the embedded DuckDB file), writes a SYNTHETIC PAPI 2024 survey, computes the index from it
(JKn replicates, every level, ranks, rank intervals and groups) and stores that run too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from govindex.application.progress import ProgressCallback, report_step

if TYPE_CHECKING:
    import polars as pl

    from govindex.manifest import RunManifest
    from govindex.storage import RunStore

__all__ = ["DemoResult", "build_demo", "ensure_published"]


@dataclass(frozen=True)
class DemoResult:
    """What :func:`build_demo` stored and wrote."""

    store_path: Path
    published_totals: pl.DataFrame
    survey_file: Path
    respondents: int
    provinces: int
    run_id: str
    run_scores: pl.DataFrame
    run_folder: Path
    loaded_record: tuple[RunManifest, ...] = ()
    instrument_runs: Mapping[str, str] = field(default_factory=dict)
    """The SYNTHETIC run of each other instrument: instrument id → run id."""


def ensure_published(store: RunStore) -> tuple[RunManifest, ...]:
    """Load the bundled official record into ``store`` unless it is already there.

    Returns the manifests of the runs it stored (none when the record was there already).
    """
    from govindex.application.official_record import store_published_record
    from govindex.storage import has_bundled_record

    if has_bundled_record(store):
        return ()
    return tuple(store_published_record(store))


def build_demo(
    store: Path | None,
    out: Path,
    seed: int = 2024,
    *,
    progress: ProgressCallback | None = None,
    instruments: tuple[str, ...] = ("sipas", "par", "onestop"),
) -> DemoResult:
    """Load the official record, score a SYNTHETIC 2024 survey into the run store, and store
    a SYNTHETIC run of each of ``instruments`` beside it.

    Idempotent: the official record is loaded once, and a run already stored is neither
    computed nor stored again (its folder is written from the store).

    Examples
    --------
    >>> build_demo(Path("demo.duckdb"), Path("demo-files")).run_id  # doctest: +SKIP
    'f286bce405a4fa15'
    """
    import polars as pl

    from govindex.application.runs import store_run
    from govindex.index import IndexParameters
    from govindex.official.bundled import bundled_data_dir
    from govindex.spec import load_spec
    from govindex.spec.bundled import default_spec_path
    from govindex.storage import RunStore
    from govindex.synthetic import load_size_classes, province_table, synthesise_papi
    from govindex.synthetic.output import write_survey

    out.mkdir(parents=True, exist_ok=True)
    report_step(progress, "loading the official PAPI record 2011–2024")
    run_store = RunStore(store)
    try:
        loaded = ensure_published(run_store)
        totals = run_store.query_scores(source="published", year=2024, level="total")
        store_path = run_store.path
    finally:
        run_store.close()

    report_step(progress, "generating a SYNTHETIC PAPI 2024 survey")
    spec = load_spec(default_spec_path(2024))
    published = pl.read_csv(
        bundled_data_dir() / "published_scores.csv",
        columns=["year", "province", "dimension", "score"],
    )
    provinces = province_table(published["province"].unique(), load_size_classes())
    survey = synthesise_papi(spec, seed=seed, year=2024, targets=published, provinces=provinces)
    written = write_survey(survey, out / "papi-2024-synthetic.parquet")

    report_step(progress, "computing the index from the SYNTHETIC survey (JKn)")
    run_folder = out / "run"
    finished = store_run(
        default_spec_path(2024),
        written[0],
        IndexParameters(),
        run_folder,
        store,
        progress=progress,
    )
    others = _other_instruments(store, out, seed, instruments, progress)
    return DemoResult(
        store_path=store_path,
        published_totals=totals,
        survey_file=written[0],
        respondents=survey.microdata.height,
        provinces=int(survey.metadata["provinces"]),
        run_id=finished.manifest.run_id,
        run_scores=finished.scores,
        run_folder=run_folder,
        loaded_record=loaded,
        instrument_runs=others,
    )


def _other_instruments(
    store: Path | None,
    out: Path,
    seed: int,
    instruments: tuple[str, ...],
    progress: ProgressCallback | None,
) -> dict[str, str]:
    from govindex.application.instrument_runs import (
        OnestopDemoSize,
        store_onestop_run,
        store_synthetic_par,
        store_synthetic_sipas,
        write_synthetic_onestop,
    )

    runs: dict[str, str] = {}
    if "sipas" in instruments:
        sipas = store_synthetic_sipas(store, out, year=2024, seed=seed, progress=progress)
        runs["sipas"] = sipas.run_id
    if "par" in instruments:
        report_step(progress, "scoring the PAR Index 2024 of SYNTHETIC self-assessments")
        runs["par"] = store_synthetic_par(store, year=2024, seed=seed).run_id
    if "onestop" in instruments:
        report_step(progress, "writing a SYNTHETIC quarter of one-stop dossier records")
        size = OnestopDemoSize()
        records = write_synthetic_onestop(out / "onestop-records", size)
        report_step(progress, "scoring the one-stop 766 index of the SYNTHETIC quarter")
        quarter = f"{size.year}-Q1"
        runs["onestop"] = store_onestop_run(records, store, [quarter]).run_id
    return runs
