"""``run(spec, data, parameters)``: an index run with its manifest, ready to publish or store.

The pipeline joins the index layer (scores, uncertainty, ranks) with the analysis layer
(performance groups) and records everything that made the numbers in a
:class:`~govindex.manifest.RunManifest`. It does no I/O: the CLI reads files, hashes them
and writes the outputs and the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import polars as pl

from govindex.analysis.groups import GroupRule, assign_groups
from govindex.index import IndexBuilder, IndexParameters, IndexResult
from govindex.index.cells import AccumulatedCells
from govindex.manifest import RunManifest
from govindex.scores import ScoreTable, microdata_run, papi_score_table
from govindex.scores.differences import national_differences
from govindex.scores.papi import run_instrument
from govindex.scores.registry import instrument
from govindex.spec import IndexSpec

__all__ = [
    "GROUPED_LEVELS",
    "SCORE_COLUMNS",
    "Run",
    "compare_tables",
    "parameters_from_manifest",
    "run",
    "spec_levels",
    "spec_names",
]

GROUPED_LEVELS = ("total", "dimension")
"""Levels that get the four PAPI performance groups (papi-methodology §5.2)."""

SCORE_COLUMNS = (
    "province", "level", "code", "name", "estimate", "se", "ci_low", "ci_high", "ci_level",
    "df", "n", "rank", "rank_low", "rank_high", "group", "suppressed", "flags",
)  # fmt: skip
"""Columns of the published ``scores.csv``."""

_STORED_COLUMNS = (
    "year", "province", "level", "code", "name", "estimate", "se", "ci_low", "ci_high", "n",
    "rank", "rank_low", "rank_high", "group", "suppressed",
)  # fmt: skip
_STORED_LEVELS = ("total", "dimension", "subdimension", "indicator")


@dataclass(frozen=True, eq=False)
class Run:
    """A finished run: manifest, the index result and the publishable tables.

    ``scores`` has :data:`SCORE_COLUMNS` (province rows only; suppressed indicator cells
    carry no value); ``tables`` holds ``national`` (mean of provinces and pooled) and, when
    asked for, ``weighted_totals``.
    """

    manifest: RunManifest
    result: IndexResult
    scores: pl.DataFrame
    tables: Mapping[str, pl.DataFrame]
    names: pl.DataFrame | None = None
    """``level``, ``code``, ``name_en``, ``name_vi`` of every item of the spec."""

    def stored_scores(self) -> pl.DataFrame:
        """The scores in the run store's layout (``year`` added, group as text)."""
        return (
            self.scores.filter(pl.col("level").is_in(_STORED_LEVELS))
            .with_columns(
                pl.lit(self.result.year, pl.Int32).alias("year"),
                pl.col("group").cast(pl.String),
            )
            .select(_STORED_COLUMNS)
        )

    def score_table(self) -> ScoreTable:
        """Every published number of the run in the shared score model (status, reason,
        interval rule and df included)."""
        facts = microdata_run(
            self.manifest.run_id,
            self.manifest.parameters,
            synthetic=self.manifest.synthetic,
            year=self.result.year,
        )
        rows = self.scores.filter(pl.col("level").is_in(_STORED_LEVELS)).with_columns(
            pl.lit(self.result.year, pl.Int32).alias("year")
        )
        return papi_score_table(rows.drop("ci_level", "flags"), facts, self.names)

    def extra_tables(self) -> dict[str, pl.DataFrame]:
        """The tables stored beside the scores: every extra table, the full details and the
        score table."""
        table = self.score_table().frame
        derived: dict[str, pl.DataFrame] = {}
        # The instrument's registry entry names the derived tables its pages read; they are
        # computed here, once, so that no page computes statistics on request.
        entry = instrument(run_instrument(self.manifest.parameters))
        if "national_differences" in entry.derived_tables:
            derived["national_differences"] = national_differences(table)
        return {**self.tables, "details": self.scores, "score_table": table, **derived}


def run(
    spec: IndexSpec,
    data: pl.DataFrame | AccumulatedCells,
    parameters: IndexParameters,
    *,
    spec_hash: str,
    data_hash: str,
    source: str,
    inputs: Mapping[str, Any] | None = None,
    group_rule: GroupRule | None = None,
    synthetic: bool = False,
    progress: Callable[[str], None] | None = None,
    created_at: datetime | None = None,
    validation: Mapping[str, Any] | None = None,
) -> Run:
    """Compute the index for ``data`` and describe the run in a manifest.

    Parameters
    ----------
    spec, data, parameters
        The index spec, the respondent microdata (or its per-PSU sums, read in row chunks)
        and every statistical choice.
    spec_hash, data_hash
        Content hashes of the spec and data files (the CLI computes them).
    source
        A human description of the input (e.g. the data file name).
    inputs
        Where the inputs live (paths), recorded so that ``govindex rerun`` can find them.
    group_rule
        The cut rule of the performance groups (default: 2024's, see ``GroupRule``).
    synthetic
        Whether the data are synthetic (shown wherever the run is listed).
    validation
        The thresholds the input checks used (e.g. the weight plausibility ratios),
        recorded in the manifest's ``validation`` parameter.

    Examples
    --------
    >>> finished = run(spec, microdata, IndexParameters(variance="taylor"), spec_hash="s",
    ...                data_hash="d", source="survey.csv")
    >>> finished.scores.filter(pl.col("level") == "total").height
    3
    """
    rule = group_rule or GroupRule()
    builder = IndexBuilder(spec, **_builder_arguments(parameters))
    if isinstance(data, AccumulatedCells):
        result = builder.run_cells(data, progress=progress)
    else:
        result = builder.run(data, progress=progress)
    if result.disclosure is not None:  # refuse a run whose hidden cells can be recomputed
        result.disclosure.audit.refuse_if_recoverable()
    scores = result.scores()
    if spec.publication.performance_groups == "quartiles":
        scores = _with_groups(scores, rule)
    else:
        scores = scores.with_columns(pl.lit(None, dtype=pl.Int8).alias("group"))
    published = scores.filter(pl.col("level") != "weighted_total").select(SCORE_COLUMNS)
    tables = {"national": result.national}
    if "levels" in instrument(run_instrument({"spec": {"code": spec.index.code}})).derived_tables:
        tables["levels"] = spec_levels(spec)
    weighted = scores.filter(pl.col("level") == "weighted_total")
    if weighted.height:
        tables["weighted_totals"] = weighted.select(SCORE_COLUMNS)
    recorded = {
        "index": parameters.to_dict(),
        "group_rule": asdict(rule),
        "disclosure": result.disclosure.to_dict() if result.disclosure else None,
        "spec": {"code": spec.index.code, "year": spec.index.year},
        "inputs": dict(inputs or {}),
    }
    if validation is not None:
        recorded["validation"] = dict(validation)
    manifest = RunManifest.create(
        kind="microdata",
        spec_hash=spec_hash,
        data_hash=data_hash,
        parameters=recorded,
        source=source,
        seed=parameters.resolved_seed,
        synthetic=synthetic,
        created_at=created_at,
    )
    return Run(
        manifest=manifest,
        result=result,
        scores=published,
        tables=tables,
        names=spec_names(spec),
    )


def spec_names(spec: IndexSpec) -> pl.DataFrame:
    """The bilingual name of every item of ``spec``, one row per level and code.

    Examples
    --------
    >>> from govindex.spec import load_spec
    >>> names = spec_names(load_spec("specs/sipas-2024.yaml"))
    >>> names.filter(pl.col("code") == "total").row(0)[1:3]
    ('total', 'Overall SIPAS (mean of the two satisfaction components, 0-100)')
    """
    named = [
        *(("indicator", item.code, item.name) for item in spec.indicators),
        *(("subdimension", sub.code, sub.name) for sub in spec.sub_dimensions()),
        *(("dimension", dimension.code, dimension.name) for dimension in spec.dimensions),
        ("total", "total", spec.total.name),
    ]
    return pl.DataFrame(
        {
            "level": [level for level, _code, _name in named],
            "code": [str(code) for _level, code, _name in named],
            "name_en": [name.en for _level, _code, name in named],
            "name_vi": [name.vi for _level, _code, name in named],
        },
        schema={"level": pl.String, "code": pl.String, "name_en": pl.String, "name_vi": pl.String},
    )


def parameters_from_manifest(manifest: RunManifest) -> tuple[IndexParameters, GroupRule]:
    """The index parameters and group rule a stored run was made with.

    Examples
    --------
    >>> finished = run(spec, microdata, IndexParameters(variance="taylor"), spec_hash="s",
    ...                data_hash="d", source="survey.csv")
    >>> index, rule = parameters_from_manifest(finished.manifest)
    >>> index.variance, rule == GroupRule()
    ('taylor', True)
    """
    recorded = dict(manifest.parameters)
    index = IndexParameters.from_dict(dict(recorded["index"]))
    rule = GroupRule(**dict(recorded.get("group_rule") or {}))
    return index, rule


def spec_levels(spec: IndexSpec) -> pl.DataFrame:
    """What the spec calls each level (Vietnamese, English) and the range of its scale.

    Stored with a run so that pages name the instrument's levels its own way (SIPAS: item,
    element, component, overall) and draw its scale, without reading the spec again.

    Examples
    --------
    >>> from govindex.spec import load_spec
    >>> spec_levels(load_spec("specs/sipas-2024.yaml"))["name_en"].to_list()
    ['overall SIPAS', 'component', 'element', 'item']
    """
    names = spec.levels
    dimension_lows = [dimension.scale.min for dimension in spec.dimensions]
    dimension_highs = [dimension.scale.max for dimension in spec.dimensions]
    rows = [
        ("total", names.total, spec.total_bounds.min, spec.total_bounds.max),
        ("dimension", names.dimension, min(dimension_lows), max(dimension_highs)),
        ("subdimension", names.sub_dimension, None, None),
        ("indicator", names.indicator, None, None),
    ]
    return pl.DataFrame(
        {
            "level": [row[0] for row in rows],
            "name_vi": [row[1].vi for row in rows],
            "name_en": [row[1].en for row in rows],
            "scale_min": [row[2] for row in rows],
            "scale_max": [row[3] for row in rows],
        },
        schema={
            "level": pl.String,
            "name_vi": pl.String,
            "name_en": pl.String,
            "scale_min": pl.Float64,
            "scale_max": pl.Float64,
        },
    )


def compare_tables(name: str, stored: pl.DataFrame, recomputed: pl.DataFrame) -> list[str]:
    """Differences between a stored and a recomputed table, exact to the bit; [] if none.

    Examples
    --------
    >>> one = pl.DataFrame({"x": [1.0, None]})
    >>> compare_tables("t", one, one)
    []
    >>> compare_tables("t", one, pl.DataFrame({"x": [1.0 + 1e-15, None]}))
    ['t: column `x` differs in 1 row(s)']
    """
    if stored.columns != recomputed.columns:
        return [f"{name}: columns {stored.columns} were stored, {recomputed.columns} recomputed"]
    if stored.height != recomputed.height:
        return [f"{name}: {stored.height} rows were stored, {recomputed.height} recomputed"]
    differences = []
    for column in stored.columns:
        left, right = stored[column], recomputed[column].cast(stored[column].dtype)
        same = (left == right) | (left.is_null() & right.is_null())
        changed = same.fill_null(False).not_().sum()
        if changed:
            differences.append(f"{name}: column `{column}` differs in {changed} row(s)")
    return differences


def _builder_arguments(parameters: IndexParameters) -> dict[str, Any]:
    return {name: getattr(parameters, name) for name in IndexParameters.__dataclass_fields__}


def _with_groups(scores: pl.DataFrame, rule: GroupRule) -> pl.DataFrame:
    """Add the performance group (1 best … 4 poor) for the total and each dimension."""
    groups: list[int | None] = [None] * scores.height
    indexed = scores.with_row_index("_row").filter(pl.col("level").is_in(GROUPED_LEVELS))
    for _, part in indexed.group_by("code", maintain_order=True):
        assigned = assign_groups(part["estimate"].to_list(), rule)
        for row, group in zip(part["_row"].to_list(), assigned, strict=True):
            groups[row] = group
    return scores.with_columns(pl.Series("group", groups, dtype=pl.Int8))
