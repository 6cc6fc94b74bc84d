"""Runs of the instruments besides PAPI, made and stored in the shared run store.

Each function makes one run through the instrument's producer and stores it once (run ids
come from the inputs, so storing again is a no-op): a SIPAS survey run, a PAR Index run of
SYNTHETIC self-assessments, and a one-stop 766 run of dossier records. The demo uses the
SYNTHETIC variants; the one-stop producer takes any record store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from govindex.application.progress import ProgressCallback, report_step

if TYPE_CHECKING:
    import polars as pl

    from govindex.assessment.pipeline import ParRun
    from govindex.manifest import RunManifest

__all__ = [
    "OnestopDemoSize",
    "ScoredOnestop",
    "score_onestop_records",
    "store_onestop_run",
    "store_par_run",
    "store_scored_onestop",
    "store_sipas_survey",
    "store_synthetic_par",
    "store_synthetic_sipas",
    "synthetic_par",
    "write_synthetic_onestop",
    "write_synthetic_sipas",
]

ONESTOP_SCORE_TABLE = "score_table"


def store_synthetic_sipas(
    store: Path | None,
    out: Path,
    *,
    year: int = 2024,
    seed: int = 2024,
    progress: ProgressCallback | None = None,
) -> RunManifest:
    """Synthesise a SYNTHETIC SIPAS survey (the full design, ~36,000 respondents), compute
    the index from it and store the run (instrument ``sipas``).

    Examples
    --------
    >>> manifest = store_synthetic_sipas(tmp_path / "runs.duckdb", tmp_path)
    >>> manifest.kind, manifest.synthetic
    ('microdata', True)
    """
    report_step(progress, f"generating a SYNTHETIC SIPAS {year} survey")
    survey_file = write_synthetic_sipas(out, year=year, seed=seed)
    return store_sipas_survey(store, out, survey_file, year=year, progress=progress)


def write_synthetic_sipas(out: Path, *, year: int = 2024, seed: int = 2024) -> Path:
    """Write a SYNTHETIC SIPAS survey (the full design) into ``out``; return its file.

    Examples
    --------
    >>> write_synthetic_sipas(tmp_path).name
    'sipas-2024-synthetic.parquet'
    """
    import polars as pl

    from govindex.application.spec_cache import load_spec_cached
    from govindex.official.bundled import bundled_data_dir
    from govindex.spec.bundled import default_spec_path
    from govindex.synthetic import load_size_classes, province_table
    from govindex.synthetic.output import write_survey
    from govindex.synthetic.sipas import synthesise_sipas

    names = pl.read_csv(bundled_data_dir() / "published_scores.csv", columns=["province"])
    provinces = province_table(names["province"].unique(), load_size_classes())
    spec = load_spec_cached(default_spec_path(year, "sipas"))
    survey = synthesise_sipas(spec, seed=seed, provinces=provinces, year=year)
    return write_survey(survey, out / f"sipas-{year}-synthetic.parquet")[0]


def store_sipas_survey(
    store: Path | None,
    out: Path,
    survey_file: Path,
    *,
    year: int = 2024,
    progress: ProgressCallback | None = None,
) -> RunManifest:
    """Compute SIPAS ``year`` from ``survey_file`` and store the run (its folder in ``out``).

    Examples
    --------
    The hand-checked SIPAS test survey (64 respondents), computed without a run store:

    >>> survey_file = Path("tests/data/sipas/hand_microdata.csv")
    >>> store_sipas_survey(None, tmp_path, survey_file).kind
    'microdata'
    >>> (tmp_path / "sipas-2024-run").is_dir()
    True
    """
    from govindex.application.runs import store_run
    from govindex.index import IndexParameters
    from govindex.spec.bundled import default_spec_path

    report_step(progress, f"computing SIPAS {year} from the SYNTHETIC survey")
    run = store_run(
        default_spec_path(year, "sipas"),
        survey_file,
        IndexParameters(),
        out / f"sipas-{year}-run",
        store,
    )
    return run.manifest


def store_synthetic_par(store: Path | None, *, year: int = 2024, seed: int = 2024) -> RunManifest:
    """Score SYNTHETIC self-assessments of the 63 provinces with the bundled PAR rubric and
    store the run (kind ``assessment``, instrument ``par``).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> first = store_synthetic_par(folder / "store.duckdb", seed=1)
    >>> first.synthetic, store_synthetic_par(folder / "store.duckdb", seed=1).run_id == first.run_id
    (True, True)
    """
    run = synthetic_par(year=year, seed=seed)
    return store_par_run(store, run.manifest, run.rows)


def synthetic_par(*, year: int = 2024, seed: int = 2024) -> ParRun:
    """SYNTHETIC self-assessments of the 63 provinces scored with the bundled PAR rubric.

    Examples
    --------
    >>> synthetic_par(seed=1).manifest.synthetic
    True
    """
    from govindex.assessment import load_rubric
    from govindex.assessment.pipeline import synthetic_par_run
    from govindex.assessment.synthetic import province_names

    return synthetic_par_run(load_rubric(warn=False), province_names(), year=year, seed=seed)


def store_par_run(store: Path | None, manifest: RunManifest, rows: pl.DataFrame) -> RunManifest:
    """Store a scored PAR run (its manifest and score rows, see :func:`synthetic_par`)
    unless it is stored already; return its manifest.

    Examples
    --------
    >>> run = synthetic_par()
    >>> store_par_run(tmp_path / "runs.duckdb", run.manifest, run.rows).kind
    'assessment'
    >>> store_par_run(tmp_path / "runs.duckdb", run.manifest, run.rows).run_id == run.manifest.run_id
    True
    """
    from govindex.assessment import save_par_run
    from govindex.storage import RunStore

    with RunStore(store) as run_store:
        if run_store.has_run(manifest.run_id):
            return run_store.get_run(manifest.run_id)
        return save_par_run(run_store, manifest, rows)


@dataclass(frozen=True)
class OnestopDemoSize:
    """How much SYNTHETIC one-stop data the demo writes: Quảng Ninh (unit 22, generated at
    its reported rates) and the 21 units before it, the first ``months`` of ``year``.

    The demo writes a whole year, so that every period the portal publishes (week, month,
    quarter, year) has data. The dossier count is per year across the 22 units (about 30
    per unit and month): the cost of writing is mostly one Parquet file per unit and month,
    whatever the count.

    Examples
    --------
    >>> size = OnestopDemoSize()
    >>> size.periods()[:6]
    ['2025', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2025-01']
    >>> len(size.periods()), OnestopDemoSize(months=3).periods()[:3]
    (68, ['2025-Q1', '2025-01', '2025-02'])
    """

    year: int = 2025
    months: int = 12
    dossiers_per_year: int = 8_000
    seed: int = 20250701

    def periods(self) -> list[str]:
        """Every whole period the records cover: the year (with 12 months), its whole
        quarters, its months and the ISO weeks that fall inside those months."""
        from govindex.onestop.periods import parse_period, periods_of_year

        last = parse_period(f"{self.year}-{self.months:02d}").end
        kinds = ("year", "quarter", "month", "week")
        return [
            period.period_id
            for kind in kinds
            for period in periods_of_year(self.year, kind)
            if period.start.year == self.year and period.end <= last
        ]


def write_synthetic_onestop(folder: Path, size: OnestopDemoSize | None = None) -> Path:
    """Write a small SYNTHETIC one-stop record store (Parquet by province and month).

    Nothing is written when the folder already holds records.
    """
    from govindex.onestop.synthetic import SyntheticNation, SyntheticSettings
    from govindex.onestop_engines.store import RecordStore
    from govindex.onestop_engines.synthetic_writer import write_synthetic

    chosen = size or OnestopDemoSize()
    records = RecordStore(folder)
    if records.files("dossiers"):
        return folder
    settings = SyntheticSettings(
        dossiers_per_year=chosen.dossiers_per_year,
        seed=chosen.seed,
        provinces=22,
        departments_per_province=2,
        communes_per_province=3,
        procedures=60,
        months=chosen.months,
    )
    write_synthetic(SyntheticNation(settings), chosen.year, records)
    return folder


def store_onestop_run(
    records_folder: Path, store: Path | None, periods: Sequence[str], *, agencies: bool = False
) -> RunManifest:
    """Score the 766 index of every province for ``periods`` from a record store and store
    the run: a manifest of kind ``records`` (instrument ``onestop``), the index as ScoreTable
    rows, the scorer's own columns (``onestop_points``), the service KPIs and the counts,
    and what the dashboard pages publish (:mod:`govindex.onestop.publication`). With
    ``agencies``, every department and commune is scored too, for the pages' drill-down.
    """
    scored = score_onestop_records(records_folder, periods, agencies=agencies)
    return store_scored_onestop(store, scored)


@dataclass(frozen=True)
class ScoredOnestop:
    """A one-stop 766 run computed from a record store, not yet stored."""

    manifest: RunManifest
    tables: dict[str, pl.DataFrame]
    """The run's tables by name (its ScoreTable, points, counts, KPIs and page tables)."""


def store_scored_onestop(store: Path | None, scored: ScoredOnestop) -> RunManifest:
    """Store a one-stop run made by :func:`score_onestop_records`, unless it is stored.

    Examples
    --------
    >>> scored = score_onestop_records(onestop_records, ["2025-01"])
    >>> store_scored_onestop(tmp_path / "runs.duckdb", scored).kind
    'records'
    """
    import polars as pl

    from govindex.storage import RunStore
    from govindex.storage.schema import SCORES_SCHEMA

    with RunStore(store) as run_store:
        if run_store.has_run(scored.manifest.run_id):
            return run_store.get_run(scored.manifest.run_id)
        empty_scores = pl.DataFrame(schema=SCORES_SCHEMA).drop("run_id")
        return run_store.save_run(scored.manifest, empty_scores, scored.tables)


def score_onestop_records(
    records_folder: Path, periods: Sequence[str], *, agencies: bool = False
) -> ScoredOnestop:
    """Score the 766 index from a record store as :func:`store_onestop_run` stores it,
    without touching the run store.

    Examples
    --------
    The examples' month of SYNTHETIC records:

    >>> scored = score_onestop_records(onestop_records, ["2025-01"])
    >>> scored.manifest.kind, scored.manifest.synthetic, ONESTOP_SCORE_TABLE in scored.tables
    ('records', True, True)
    """
    import polars as pl

    from govindex.manifest import RunManifest, hash_bytes, hash_frame
    from govindex.onestop.periods import parse_period
    from govindex.onestop.profile import shipped_profile
    from govindex.onestop.publication import onestop_page_tables
    from govindex.onestop_engines.engines import DuckDBEngine
    from govindex.onestop_engines.scorecard import score_records
    from govindex.onestop_engines.store import RecordStore
    from govindex.scores.onestop import onestop_extras, onestop_score_table

    records = RecordStore(records_folder)
    tag = records.metadata("dossiers").get("govindex.synthetic")
    synthetic = tag is not None
    profile = shipped_profile().resolve()
    card = score_records(
        DuckDBEngine(records.sources()),
        profile,
        [parse_period(period) for period in periods],
        ("province", "agency") if agencies else ("province",),
        provenance="records",
        synthetic=synthetic,
    )
    tree = records.read("agencies")
    provinces = tree.filter(pl.col("level") == "province")
    # The records name a SYNTHETIC unit "Quảng Ninh (SYNTHETIC)"; the row's `synthetic`
    # flag says so, and the plain name lets the scorecard put it beside the other indices.
    unit_names = {
        str(code): str(name).removesuffix(" (SYNTHETIC)")
        for code, name in zip(provinces["agency_id"], provinces["name"], strict=True)
    }
    agency_names = {
        str(code): str(name) for code, name in zip(tree["agency_id"], tree["name"], strict=True)
    }
    bands = [band.code for band in sorted(profile.bands, key=lambda band: -band.min)]
    # The ScoreTable holds the provinces; agencies are published in their own table.
    index_rows = card.scores.filter(pl.col("geography") == "province")
    parameters = {
        "instrument": "onestop",
        "profile": str(index_rows["edition"][0]) if index_rows.height else "",
        "periods": list(periods),
        "geographies": ["province", "agency"] if agencies else ["province"],
        "engine": "duckdb",
        "records": tag or "records",
    }
    manifest = RunManifest.create(
        kind="records",
        spec_hash=hash_bytes(repr(profile).encode("utf-8")),
        data_hash=hash_frame(card.counts.sort(card.counts.columns)),
        parameters=parameters,
        source=f"one-stop 766 index from dossier records ({', '.join(periods)})"
        + (" (SYNTHETIC)" if synthetic else ""),
        synthetic=synthetic,
    )
    table = onestop_score_table(
        index_rows, run_id=manifest.run_id, unit_names=unit_names, bands=bands
    )
    tables = {
        ONESTOP_SCORE_TABLE: table.frame,
        "onestop_points": onestop_extras(index_rows, unit_names=unit_names, bands=bands),
        "onestop_counts": card.counts,
    }
    if card.kpis is not None:
        tables["onestop_kpis"] = card.kpis
    # What the dashboard pages publish (ranking, trend, KPI tiles, channels, indicators) is
    # computed here, once, so the pages only select from stored tables.
    tables.update(
        onestop_page_tables(
            table.frame,
            tables["onestop_points"],
            card.kpis,
            unit_names,
            scores=card.scores,
            agency_names=agency_names,
        )
    )
    return ScoredOnestop(manifest, tables)
