"""Build a small run store with the code of the base commit (run with PYTHONPATH=<base>/src)."""

import sys
from pathlib import Path

import polars as pl

from govindex.application.official_record import store_published_record
from govindex.application.runs import compute_run
from govindex.index import IndexParameters
from govindex.official import bundled_data_dir, load_published_record
from govindex.spec import load_spec
from govindex.spec.bundled import default_spec_path
from govindex.storage import RunStore
from govindex.synthetic import load_size_classes, province_table, synthesise_papi
from govindex.synthetic.output import write_survey
from govindex.synthetic.sample import DesignSizes

target = Path(sys.argv[1])
sizes = DesignSizes(
    districts={"large": 2, "medium": 2, "small": 2},
    communes_per_district=1,
    villages_per_commune=1,
    interviews={"large": 4, "medium": 4, "small": 4},
)
published = pl.read_csv(
    bundled_data_dir() / "published_scores.csv", columns=["year", "province", "dimension", "score"]
)
provinces = province_table(published["province"].unique(), load_size_classes())
spec_path = default_spec_path(2024)
survey = synthesise_papi(
    load_spec(spec_path), seed=7, year=2024, targets=published, provinces=provinces, sizes=sizes
)
written = write_survey(survey, target.parent / "old-synthetic.parquet")
finished = compute_run(spec_path, written[0], IndexParameters(variance="taylor"))
record = load_published_record(bundled_data_dir())
with RunStore(target) as store:
    store_published_record(store, record.filter(pl.col("year").is_in([2021, 2023, 2024])))
    store.save_run(finished.manifest, finished.stored_scores(), finished.extra_tables())
print(finished.manifest.run_id)
