"""PAR runs in the shared run store: a manifest (kind ``assessment``, instrument ``par``), a
checked ``score_table`` and the ``par_points`` table beside it, in one transaction.

The ``scores`` table of the store keeps the survey instruments' long layout (years,
provinces, PAPI's levels); a PAR run adds no row there, so the survey pages never see it.
Everything a PAR run publishes is in its ``score_table``; ``par_points`` keeps the points,
maxima, self-assessed points, bases and traces that make each row traceable.
"""

from __future__ import annotations

import polars as pl

from govindex.errors import RunNotFound
from govindex.manifest import RunManifest
from govindex.rubric import PAR_COLUMNS, SCORE_COLUMNS, par_score_table
from govindex.scores import SCORE_TABLE_SCHEMA, instrument
from govindex.storage import RunStore
from govindex.storage.schema import SCORES_SCHEMA

__all__ = [
    "PAR_LEVELS",
    "PAR_POINTS",
    "SCORE_TABLE",
    "list_par_runs",
    "par_runs",
    "read_par_run",
    "save_par_run",
]

SCORE_TABLE = "score_table"
PAR_POINTS = "par_points"
LEVELS = "levels"

PAR_LEVELS = pl.DataFrame(
    {
        "level": ["total", "area", "criterion", "subcriterion"],
        "name_vi": ["Chỉ số CCHC", "lĩnh vực", "tiêu chí", "tiêu chí thành phần"],
        "name_en": ["PAR Index", "area", "criterion", "sub-criterion"],
        "scale_min": [0.0, None, None, None],
        "scale_max": [100.0, None, None, None],
    },
    schema={
        "level": pl.String,
        "name_vi": pl.String,
        "name_en": pl.String,
        "scale_min": pl.Float64,
        "scale_max": pl.Float64,
    },
)
"""What the PAR Index calls its levels, stored with each run so pages name them its way
(the layout of :func:`govindex.pipeline.spec_levels`); the total is out of 100 points."""
_KEY = ("unit", "level", "code")


def save_par_run(store: RunStore, manifest: RunManifest, rows: pl.DataFrame) -> RunManifest:
    """Store one PAR run: its manifest, checked ScoreTable rows and PAR's points.

    A stored run id is refused (runs are never replaced); nothing is half stored.

    Examples
    --------
    >>> from govindex.manifest import RunManifest
    >>> manifest = RunManifest.create(kind="assessment", spec_hash="r", data_hash="d",
    ...     parameters={"instrument": "par", "year": 2024}, source="example")
    >>> with RunStore(":memory:") as store:
    ...     _ = save_par_run(store, manifest, pl.DataFrame(schema=SCORE_COLUMNS))
    ...     list_par_runs(store).height
    1
    """
    table = par_score_table(rows.with_columns(pl.lit(manifest.run_id).alias("run_id")))
    points = rows.select(*_KEY, *PAR_COLUMNS)
    empty_scores = pl.DataFrame(schema=SCORES_SCHEMA).drop("run_id")
    return store.save_run(
        manifest,
        empty_scores,
        {SCORE_TABLE: table.frame, PAR_POINTS: points, LEVELS: PAR_LEVELS},
    )


def par_runs(store: RunStore) -> tuple[RunManifest, ...]:
    """The stored runs that are the PAR Index's (by the instrument registry), oldest first."""
    owns = instrument("par").owns_run
    return tuple(manifest for manifest in store.list_runs() if owns(manifest.parameters))


def list_par_runs(store: RunStore) -> pl.DataFrame:
    """One row per stored PAR run: id, edition, year, synthetic, appraisal log head, created."""
    rows = [
        {
            "run_id": manifest.run_id,
            "edition": str(manifest.parameters.get("rubric", "")),
            "period": str(manifest.parameters.get("year", "")),
            "synthetic": manifest.synthetic,
            "appraisal_log_head": manifest.parameters.get("appraisal_log_head"),
            "created_at": manifest.created_at,
        }
        for manifest in par_runs(store)
    ]
    schema = {
        "run_id": pl.String,
        "edition": pl.String,
        "period": pl.String,
        "synthetic": pl.Boolean,
        "appraisal_log_head": pl.String,
        "created_at": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def read_par_run(store: RunStore, run_id: str) -> pl.DataFrame:
    """The rows of one stored PAR run: its ScoreTable columns, then PAR's points."""
    found = store.resolve_run_id(run_id)
    if not instrument("par").owns_run(store.get_run(found).parameters):
        msg = f"run `{found}` is not a PAR run."
        raise RunNotFound(msg, found=found, hint="`govindex par runs --store S` lists PAR runs.")
    table = store.read_table(found, SCORE_TABLE).select(list(SCORE_TABLE_SCHEMA))
    points = store.read_table(found, PAR_POINTS)
    joined = table.join(points, on=list(_KEY), how="left")
    typed: pl.DataFrame = joined.select(list(SCORE_COLUMNS)).cast(SCORE_COLUMNS)  # type: ignore[arg-type]
    return typed.sort("unit", "code")
