"""The demo's SYNTHETIC inputs, made in a second process while the first stores the record.

Generating the SYNTHETIC PAPI survey and the one-stop dossier records (and scoring those
records) touches no run store and takes about as long as importing the official record, so
:func:`build_demo <govindex.application.demo.build_demo>` hands them to a second process (the
machine has at least two cores) and stores them as they arrive. The SIPAS survey is made in
the main process, which would otherwise wait for the one-stop year. Only the main process
writes the store. Each function here is deterministic (its seed is an
argument), so where it runs changes nothing of what it makes.

The functions are module-level and take and return picklable values, so they work with
the ``spawn`` start method; when no second process can be started, :class:`InputMaker`
makes each input in the main process instead, when it is asked for.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import polars as pl

    from govindex.manifest import RunManifest

__all__ = [
    "InputMaker",
    "PapiSurvey",
    "ScoredRun",
    "papi_survey",
    "scored_onestop",
    "sipas_survey",
]

Made = TypeVar("Made")


@dataclass(frozen=True)
class PapiSurvey:
    """The SYNTHETIC PAPI survey written for the demo."""

    file: Path
    respondents: int
    provinces: int


@dataclass(frozen=True)
class ScoredRun:
    """A run computed but not yet stored, in a form that crosses processes: its manifest
    as plain fields (a manifest's read-only mappings cannot be pickled) and its tables."""

    manifest_fields: dict[str, Any]
    tables: dict[str, pl.DataFrame]

    @property
    def manifest(self) -> RunManifest:
        """The run's manifest (the same run id as the one it was made from)."""
        from govindex.manifest import RunManifest

        return RunManifest.from_dict(self.manifest_fields)


def papi_survey(out: Path, seed: int, year: int = 2024) -> PapiSurvey:
    """Write a SYNTHETIC PAPI survey calibrated to the published ``year`` into ``out``.

    Examples
    --------
    >>> survey = papi_survey(tmp_path, 2024)
    >>> survey.file.name, survey.provinces
    ('papi-2024-synthetic.parquet', 63)
    """
    import polars as pl

    from govindex.application.spec_cache import load_spec_cached
    from govindex.official.bundled import bundled_data_dir
    from govindex.spec.bundled import default_spec_path
    from govindex.synthetic import load_size_classes, province_table, synthesise_papi
    from govindex.synthetic.output import write_survey

    spec = load_spec_cached(default_spec_path(year))
    published = pl.read_csv(
        bundled_data_dir() / "published_scores.csv",
        columns=["year", "province", "dimension", "score"],
    )
    provinces = province_table(published["province"].unique(), load_size_classes())
    survey = synthesise_papi(spec, seed=seed, year=year, targets=published, provinces=provinces)
    written = write_survey(survey, out / f"papi-{year}-synthetic.parquet")
    return PapiSurvey(written[0], survey.microdata.height, int(survey.metadata["provinces"]))


def sipas_survey(out: Path, seed: int, year: int = 2024) -> Path:
    """Write a SYNTHETIC SIPAS survey into ``out``; return its file.

    Examples
    --------
    >>> sipas_survey(tmp_path, 2024).name
    'sipas-2024-synthetic.parquet'
    """
    from govindex.application.instrument_runs import write_synthetic_sipas

    return write_synthetic_sipas(out, year=year, seed=seed)


def scored_onestop(folder: Path) -> ScoredRun:
    """Write the demo's SYNTHETIC year of one-stop dossier records into ``folder`` (once)
    and score the 766 index of every week, month, quarter and the year.

    Examples
    --------
    A folder that holds records already is scored as it is (here the examples' month of
    SYNTHETIC records):

    >>> manifest = scored_onestop(onestop_records).manifest
    >>> manifest.kind, manifest.synthetic
    ('records', True)
    """
    from govindex.application.instrument_runs import (
        OnestopDemoSize,
        score_onestop_records,
        write_synthetic_onestop,
    )

    size = OnestopDemoSize()
    records = write_synthetic_onestop(folder, size)
    scored = score_onestop_records(records, size.periods())
    return ScoredRun(scored.manifest.to_dict(), scored.tables)


class _InMainProcess(Generic[Made]):
    """An input made in the main process when it is first asked for."""

    def __init__(self, make: Callable[..., Made], arguments: tuple[Any, ...]) -> None:
        self._make = make
        self._arguments = arguments

    def result(self) -> Made:
        return self._make(*self._arguments)


class InputMaker:
    """Makes inputs in one second process, in the order asked; :meth:`result` waits for one.

    With ``parallel`` false, or when no second process can be started (or it dies), each
    input is made in the main process instead, when its result is asked for; an error
    raised while making an input is raised by :meth:`result` either way.

    Examples
    --------
    >>> with InputMaker(parallel=False) as maker:
    ...     pending = maker.submit(sorted, [3, 1, 2])
    ...     maker.result(pending)
    [1, 2, 3]
    """

    def __init__(self, *, parallel: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if parallel:
            # spawn: the same on every platform, and safe beside DuckDB's and Polars' threads.
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        self._made: dict[int, tuple[Callable[..., Any], tuple[Any, ...]]] = {}

    def submit(
        self, make: Callable[..., Made], *arguments: Any
    ) -> Future[Made] | _InMainProcess[Made]:
        """Start making ``make(*arguments)``; return a handle for :meth:`result`."""
        if self._pool is not None:
            try:
                future = self._pool.submit(make, *arguments)
            except (OSError, RuntimeError, BrokenProcessPool):
                self._pool = None  # no second process here: make inputs in this one
            else:
                self._made[id(future)] = (make, arguments)
                return future
        return _InMainProcess(make, arguments)

    def result(self, pending: Future[Made] | _InMainProcess[Made]) -> Made:
        """Wait for an input and return it."""
        if isinstance(pending, _InMainProcess):
            return pending.result()
        try:
            return pending.result()
        except BrokenProcessPool:
            # The second process died (not an error of the work): make it here.
            make, arguments = self._made[id(pending)]
            made: Made = make(*arguments)
            return made

    def __enter__(self) -> InputMaker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
