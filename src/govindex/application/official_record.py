"""Importing the official PAPI record: one ``published`` run per year, with everything its
pages publish worked out when it is stored.

Published values keep their provenance and their gaps: a withheld value is stored with a
null estimate and ``withheld`` true, never as zero and never dropped. Totals and dimensions
are ranked among the provinces the year published (1 = best, ties share the lowest rank);
published runs have no replicates, so rank intervals stay null. The four performance groups
are cut here, once, and stored in the run's ``score_table``.
"""

from __future__ import annotations

from dataclasses import asdict
from importlib import resources
from typing import Any

import polars as pl

from govindex.analysis import GroupRule, group_items
from govindex.application.diagnosis_tables import (
    DIAGNOSIS_TABLES,
    compared_years,
    diagnosis_tables,
)
from govindex.application.unit_tables import UNITS_TABLE, unit_table
from govindex.manifest import RunManifest, hash_bytes, hash_files, hash_frame
from govindex.official import OfficialWorkbook, bundled_data_dir, load_published_record
from govindex.official.bundled import BUNDLED_FILES
from govindex.scores import PUBLISHED_INTERVALS, papi_score_table, published_run
from govindex.storage import RunStore
from govindex.storage.published import (
    BUNDLED_ORIGIN,
    RECORD_TABLE,
    SCORE_TABLE,
    WORKBOOK_ORIGIN,
    parameters_of_groups,
)
from govindex.storage.revisions import Revisions

__all__ = ["record_scores", "store_official_workbook", "store_published_record"]

RANKED_LEVELS = ("total", "dimension")

# Record statistic → scores column.
_STATISTIC_COLUMNS = {
    "se": "se",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "observations": "n",
}
_TOTAL_NAMES = {"total": "Total", "total_weighted": "Total (weighted)"}
_RANKING_RULE = (
    "rank 1 = highest published score among the provinces published that year; "
    "ties share the lowest rank; withheld values are not ranked; no rank intervals"
)
_INTERVAL_NOTE = PUBLISHED_INTERVALS


def record_scores(record: pl.DataFrame) -> pl.DataFrame:
    """Return the official record (long, one row per statistic) as a scores table.

    Parameters
    ----------
    record
        Rows in :data:`~govindex.official.RECORD_SCHEMA`, e.g. from
        :func:`~govindex.official.load_published_record` or an official workbook.

    Returns
    -------
    polars.DataFrame
        One row per year, province, level and code with the score as ``estimate`` and the
        published SE, CI bounds and n beside it; provenance is that of the score.

    Examples
    --------
    >>> from govindex.official import bundled_data_dir, load_published_record
    >>> scores = record_scores(load_published_record(bundled_data_dir()).filter(year=2024))
    >>> scores.filter(level="total", rank=1)["province"].len()
    1
    """
    keys = ["year", "province", "level", "code"]
    scores = record.filter(pl.col("statistic") == "score")
    for statistic, column in _STATISTIC_COLUMNS.items():
        values = record.filter(pl.col("statistic") == statistic).select(
            *keys, pl.col("estimate").alias(column)
        )
        scores = scores.join(values, on=keys, how="left")
    ranked = pl.col("level").is_in(list(RANKED_LEVELS))
    return scores.select(
        "year",
        "province",
        "level",
        "code",
        pl.coalesce(
            "label_en", "label_vi", pl.col("code").replace_strict(_TOTAL_NAMES, default=None)
        ).alias("name"),
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        pl.col("n").round(0).cast(pl.Int64),
        pl.when(ranked)
        .then(
            pl.col("estimate").rank(method="min", descending=True).over(["year", "level", "code"])
        )
        .cast(pl.Int32)
        .alias("rank"),
        pl.lit(None, pl.Int32).alias("rank_low"),
        pl.lit(None, pl.Int32).alias("rank_high"),
        pl.lit(None, pl.String).alias("group"),
        pl.lit(False).alias("suppressed"),
        "withheld",
        "source_file",
        pl.col("sheet").alias("source_sheet"),
        "source_row",
        "source_column",
        "source_url",
    ).sort(keys)


def _spec_hash() -> str:
    # Published runs have no index spec; what classifies their values is the package's
    # list of dimensions, so its bytes stand in for the spec.
    text = resources.files("govindex.official").joinpath("dimensions.csv").read_bytes()
    return hash_bytes(text)


def _store_years(
    store: RunStore,
    record: pl.DataFrame,
    parameters: dict[str, Any],
    source: str,
    *,
    year_sheets: bool = False,
) -> tuple[RunManifest, ...]:
    spec_hash = _spec_hash()
    planned: list[tuple[RunManifest, pl.DataFrame]] = []
    for year in sorted(record["year"].unique().to_list()):
        year_record = record.filter(pl.col("year") == year)
        manifest = RunManifest.create(
            kind="published",
            spec_hash=spec_hash,
            data_hash=hash_frame(year_record),
            parameters={
                **parameters,
                "year": year,
                **({"sheet": str(year)} if year_sheets else {}),
                "ranking": _RANKING_RULE,
                "intervals": _INTERVAL_NOTE,
                "group_rule": asdict(GroupRule()),
            },
            source=source.format(year=year),
        )
        planned.append((manifest, year_record))
    new = [(m, year_record) for m, year_record in planned if not store.has_run(m.run_id)]
    # Diagnoses compare with other years: the whole record known once these are stored.
    frames = [*stored_records(store), *(year_record for _, year_record in new)]
    known = pl.concat(frames, how="diagonal_relaxed") if frames else record
    if not new:
        return tuple(store.get_run(manifest.run_id) for manifest, _ in planned)
    revisions = _stale_diagnoses(store, known, [manifest for manifest, _ in new])
    # One transaction for the whole record: the years are stored together or not at all,
    # and the scorecard is rewritten once rather than once per year.
    with store.batch():
        return _store_new_years(store, planned, known, revisions)


def _store_new_years(
    store: RunStore,
    planned: list[tuple[RunManifest, pl.DataFrame]],
    known: pl.DataFrame,
    revisions: dict[str, Revisions],
) -> tuple[RunManifest, ...]:
    manifests = []
    for manifest, year_record in planned:
        if store.has_run(manifest.run_id):
            manifests.append(store.get_run(manifest.run_id))
            continue
        scores = record_scores(year_record)
        rule = GroupRule(**parameters_of_groups(manifest))
        grouped = group_items(scores, rule)
        facts = published_run(manifest.run_id)
        year = int(manifest.parameters["year"])
        store.save_run(
            manifest,
            scores,
            revised=revisions.get(manifest.run_id),
            extra_tables={
                RECORD_TABLE: year_record,
                SCORE_TABLE: papi_score_table(grouped, facts).frame,
                UNITS_TABLE: unit_table(scores),
                **diagnosis_tables(known, year, _provinces(scores), rule=rule),
            },
        )
        manifests.append(manifest)
    return tuple(manifests)


def _stale_diagnoses(
    store: RunStore, known: pl.DataFrame, new: list[RunManifest]
) -> dict[str, Revisions]:
    """New run id → the stored published years whose diagnoses it makes stale, worked out
    again against ``known``.

    A stored year compares with the year before and its term baseline; when either is among
    the ``new`` years, its diagnosis is replaced in the transaction that stores the latest
    of them (years are stored oldest first), so it never names a year not yet stored.
    """
    new_by_year = {int(manifest.parameters["year"]): manifest for manifest in new}
    revisions: dict[str, dict[str, dict[str, pl.DataFrame]]] = {}
    for manifest in store.list_runs(kind="published"):
        year = int(manifest.parameters["year"])
        trigger = compared_years(year) & set(new_by_year)
        if not trigger or not set(DIAGNOSIS_TABLES) <= set(store.run_tables(manifest.run_id)):
            continue
        provinces = _provinces(store.read_table(manifest.run_id, "scores"))
        rule = GroupRule(**parameters_of_groups(manifest))
        tables = diagnosis_tables(known, year, provinces, rule=rule)
        carrier = new_by_year[max(trigger)].run_id
        revisions.setdefault(carrier, {})[manifest.run_id] = tables
    return dict(revisions)


def stored_records(store: RunStore) -> list[pl.DataFrame]:
    """The official record (long layout) of every published run in ``store``."""
    return [
        store.read_table(manifest.run_id, RECORD_TABLE)
        for manifest in store.list_runs(kind="published")
        if RECORD_TABLE in store.run_tables(manifest.run_id)
    ]


def _provinces(scores: pl.DataFrame) -> list[str]:
    return sorted(str(name) for name in scores["province"].unique().to_list())


def store_published_record(
    store: RunStore, record: pl.DataFrame | None = None
) -> tuple[RunManifest, ...]:
    """Store the official published record as one ``published`` run per year.

    Years already stored (same content, hence same run id) are not stored again, so
    calling this twice is harmless. The full long record of each year is kept with its run
    as the extra table ``official_record`` (variances and withheld markers included).

    Parameters
    ----------
    store
        The run store.
    record
        The record to store; default: the CSVs bundled with the package.

    Returns
    -------
    tuple of RunManifest
        One manifest per year, oldest year first.

    Examples
    --------
    >>> record = load_published_record(bundled_data_dir()).filter(year=2024)
    >>> with RunStore(tmp_path / "store.duckdb") as fresh:
    ...     manifests = store_published_record(fresh, record)
    >>> [manifest.parameters["year"] for manifest in manifests]
    [2024]
    """
    folder = bundled_data_dir()
    data = load_published_record(folder) if record is None else record
    parameters = {
        "origin": BUNDLED_ORIGIN,
        "files": list(BUNDLED_FILES[:3]),
        "files_sha256": hash_files(folder / name for name in BUNDLED_FILES[:3]),
    }
    source = "official PAPI record {year} (published_scores.csv, published_subdimensions.csv, published_uncertainty.csv)"
    return _store_years(store, data, parameters, source)


def store_official_workbook(store: RunStore, workbook: OfficialWorkbook) -> tuple[RunManifest, ...]:
    """Store each accepted year sheet of the official workbook as one ``published`` run.

    Refused sheets (see ``workbook.refused_sheets``) are not in ``workbook.values`` and so
    are never stored. Each value keeps its file, sheet, row and column.

    Examples
    --------
    >>> from dataclasses import replace
    >>> sheet_2023 = replace(workbook, values=workbook.values.filter(year=2023))
    >>> with RunStore(tmp_path / "store.duckdb") as fresh:
    ...     [m.parameters["sheet"] for m in store_official_workbook(fresh, sheet_2023)]
    ['2023']
    """
    parameters = {
        "origin": WORKBOOK_ORIGIN,
        "file": workbook.path.name,
        "file_sha256": hash_files([workbook.path]),
        "refused_sheets": [item.sheet for item in workbook.refused_sheets],
    }
    source = f"official PAPI workbook {workbook.path.name}, sheet {{year}}"
    return _store_years(store, workbook.values, parameters, source, year_sheets=True)
