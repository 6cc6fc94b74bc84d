"""A run store for the web tests (and the browser tests): the official record and a small
SYNTHETIC microdata run, built with the same code as ``govindex demo``.

Examples
--------
>>> from tests.web.store_fixture import build_test_store  # doctest: +SKIP
>>> run_id = build_test_store(tmp_path / "store.duckdb")  # doctest: +SKIP
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
from govindex.synthetic import load_size_classes, province_table, synthesise_papi
from govindex.synthetic.output import write_survey
from govindex.synthetic.sample import DesignSizes

__all__ = ["SEED", "build_test_store"]

SEED = 2024
# Fewer districts and interviews than the official design keep the fixture to a few
# seconds; some indicators of small provinces fall under the publication threshold, so
# the store also holds suppressed cells.
_SIZES = DesignSizes(
    districts={"large": 3, "medium": 2, "small": 2},
    communes_per_district=2,
    villages_per_commune=1,
    interviews={"large": 12, "medium": 8, "small": 6},
)


def build_test_store(path: Path) -> str:
    """Fill the store at ``path`` with the official record 2011–2024 and one SYNTHETIC 2024
    microdata run (Taylor variance); return the SYNTHETIC run's id."""
    spec_path = default_spec_path(2024)
    published = pl.read_csv(
        bundled_data_dir() / "published_scores.csv",
        columns=["year", "province", "dimension", "score"],
    )
    provinces = province_table(published["province"].unique(), load_size_classes())
    survey = synthesise_papi(
        load_spec(spec_path),
        seed=SEED,
        year=2024,
        targets=published,
        provinces=provinces,
        sizes=_SIZES,
    )
    written = write_survey(survey, path.parent / "papi-2024-synthetic.parquet")
    finished = compute_run(spec_path, written[0], IndexParameters(variance="taylor"))
    with RunStore(path) as store:
        ensure_published(store)
        store.save_run(finished.manifest, finished.stored_scores(), finished.extra_tables())
    return finished.manifest.run_id
