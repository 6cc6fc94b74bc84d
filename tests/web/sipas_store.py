"""A run store for the SIPAS page tests (web and browser): the official PAPI record and one
small SYNTHETIC SIPAS 2024 run, made with the same code as ``govindex run``.

The survey is reduced (2 districts × 1 commune × 2 villages per province, 8 adults per
village: about 2,000 respondents) so that the fixture takes seconds; some items of some
provinces fall under the publication threshold, so the pages also show suppressed cells.

Examples
--------
>>> from tests.web.sipas_store import build_sipas_store  # doctest: +SKIP
>>> run_id = build_sipas_store(tmp_path / "store.duckdb")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from govindex.application.demo import ensure_published
from govindex.application.runs import compute_run
from govindex.index import IndexParameters
from govindex.official.bundled import bundled_data_dir
from govindex.spec import load_spec
from govindex.spec.bundled import default_spec_path
from govindex.storage import RunStore
from govindex.synthetic import load_size_classes, province_table
from govindex.synthetic.output import write_survey
from govindex.synthetic.sample import DesignSizes
from govindex.synthetic.sipas import synthesise_sipas

__all__ = ["SEED", "build_sipas_store"]

SEED = 20240
_SIZES = DesignSizes(
    districts={"large": 2, "medium": 2, "small": 2},
    communes_per_district=1,
    villages_per_commune=2,
    interviews={"large": 8, "medium": 8, "small": 8},
    seat_with_certainty=False,
)


def build_sipas_store(path: Path, *, with_record: bool = True) -> str:
    """Fill the store at ``path`` with (optionally) the official PAPI record and one small
    SYNTHETIC SIPAS 2024 run (Taylor variance, 200 rank draws); return the run's id."""
    spec_path = default_spec_path(2024, "sipas")
    names = pl.read_csv(bundled_data_dir() / "published_scores.csv", columns=["province"])
    provinces = province_table(names["province"].unique(), load_size_classes())
    survey = synthesise_sipas(load_spec(spec_path), seed=SEED, provinces=provinces, sizes=_SIZES)
    written = write_survey(survey, path.parent / "sipas-2024-synthetic.parquet")
    parameters = IndexParameters(variance="taylor", rank_draws=200)
    finished = compute_run(spec_path, written[0], parameters)
    with RunStore(path) as store:
        if with_record:
            ensure_published(store)
        store.save_run(finished.manifest, finished.stored_scores(), finished.extra_tables())
    return finished.manifest.run_id
