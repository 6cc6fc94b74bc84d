"""The main job on a fresh machine, end to end, as one library call.

:func:`build_demo` loads the official PAPI record bundled with govindex into the run store
(the embedded DuckDB file), writes a SYNTHETIC PAPI 2024 survey, computes the index from it
(JKn replicates, every level, ranks, rank intervals and groups) and stores that run too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govindex.application.progress import ProgressCallback, report_step

if TYPE_CHECKING:
    import polars as pl

    from govindex.application.demo_inputs import InputMaker, PapiSurvey, ScoredRun
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
    parallel: bool = True,
) -> DemoResult:
    """Load the official record, score a SYNTHETIC 2024 survey into the run store, and store
    a SYNTHETIC run of each of ``instruments`` beside it.

    Idempotent: the official record is loaded once, and a run already stored is neither
    computed nor stored again (its folder is written from the store). With ``parallel``,
    the SYNTHETIC inputs are made in a second process while this one stores the official
    record (see :mod:`govindex.application.demo_inputs`); what is stored is the same. The
    second process is started with ``spawn``, which imports the caller's main module again:
    a script that calls this at its top level needs the usual ``if __name__ ==
    "__main__":`` guard, or ``parallel=False``.

    Examples
    --------
    Building the whole demo takes longer than an example should; from the shell::

        govindex demo --no-serve

    Each step stores only what is missing: into a store that holds the official record
    already (the examples' store), the record is not stored again.

    >>> ensure_published(store)
    ()
    """
    from govindex.application import demo_inputs

    out.mkdir(parents=True, exist_ok=True)
    with demo_inputs.InputMaker(parallel=parallel) as maker:
        # Started first, so that the second process works while this one stores the record.
        papi = maker.submit(demo_inputs.papi_survey, out, seed)
        # The SIPAS survey is made here, when it is needed: the one-stop year keeps the second
        # process busy longer than this one, so work moved here shortens the whole demo.
        sipas = "sipas" in instruments
        # The PAR run is scored here, after SIPAS: the moment a manifest is made orders the
        # runs on the pages, and PAR has always come after SIPAS there.
        par = "par" in instruments
        onestop = (
            maker.submit(demo_inputs.scored_onestop, out / "onestop-records")
            if "onestop" in instruments
            else None
        )
        return _build(store, out, seed, maker, progress, (papi, sipas, par, onestop))


def _build(
    store: Path | None,
    out: Path,
    seed: int,
    maker: InputMaker,
    progress: ProgressCallback | None,
    pending: tuple[Any, bool, bool, Any],
) -> DemoResult:
    from govindex.application import demo_inputs
    from govindex.application.instrument_runs import (
        ScoredOnestop,
        store_scored_onestop,
        store_sipas_survey,
        store_synthetic_par,
    )
    from govindex.application.runs import store_run
    from govindex.index import IndexParameters
    from govindex.spec.bundled import default_spec_path
    from govindex.storage import RunStore

    papi, sipas, par, onestop = pending
    report_step(progress, "loading the official PAPI record 2011–2024")
    run_store = RunStore(store)
    try:
        loaded = ensure_published(run_store)
        totals = run_store.query_scores(source="published", year=2024, level="total")
        store_path = run_store.path
    finally:
        run_store.close()

    report_step(progress, "generating a SYNTHETIC PAPI 2024 survey")
    survey: PapiSurvey = maker.result(papi)

    report_step(progress, "computing the index from the SYNTHETIC survey (JKn)")
    run_folder = out / "run"
    finished = store_run(
        default_spec_path(2024),
        survey.file,
        IndexParameters(),
        run_folder,
        store,
        progress=progress,
    )
    others: dict[str, str] = {}
    if sipas:
        report_step(progress, "generating a SYNTHETIC SIPAS 2024 survey")
        sipas_file = demo_inputs.sipas_survey(out, seed)
        others["sipas"] = store_sipas_survey(
            store, out, sipas_file, year=2024, progress=progress
        ).run_id
    if par:
        report_step(progress, "scoring the PAR Index 2024 of SYNTHETIC self-assessments")
        others["par"] = store_synthetic_par(store, year=2024, seed=seed).run_id
    if onestop is not None:
        report_step(progress, "writing and scoring a SYNTHETIC year of one-stop dossier records")
        scored_onestop: ScoredRun = maker.result(onestop)
        report_step(progress, "storing the one-stop 766 index of the SYNTHETIC year")
        scored = ScoredOnestop(scored_onestop.manifest, scored_onestop.tables)
        others["onestop"] = store_scored_onestop(store, scored).run_id
    return DemoResult(
        store_path=store_path,
        published_totals=totals,
        survey_file=survey.file,
        respondents=survey.respondents,
        provinces=survey.provinces,
        run_id=finished.manifest.run_id,
        run_scores=finished.scores,
        run_folder=run_folder,
        loaded_record=loaded,
        instrument_runs=others,
    )
