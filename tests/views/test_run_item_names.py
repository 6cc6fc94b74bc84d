"""Each microdata run's pages name its items as the run's own spec did (stored with the run),
not as the bundled spec does today."""

from __future__ import annotations

import polars as pl
import pytest
from tests.web.store_fixture import _SIZES, SEED

from govindex.application.runs import compute_run
from govindex.index import IndexParameters
from govindex.official.bundled import bundled_data_dir
from govindex.spec import load_spec
from govindex.spec.bundled import default_spec_path
from govindex.storage import RunStore
from govindex.synthetic import load_size_classes, province_table, synthesise_papi
from govindex.synthetic.output import write_survey
from govindex.views import Dashboard

BUNDLED_VI = "Tham gia của người dân ở cấp cơ sở"
BUNDLED_EN = "Participation at Local Levels"
RENAMED_VI = "Người dân tham gia ở cơ sở (tên của kỳ này)"
RENAMED_EN = "Local participation (this edition's wording)"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dashboard, str, str]:
    """A store with two SYNTHETIC 2024 runs of the same survey: one scored with the bundled
    spec, one with a copy of it that renames dimension 1 in both languages."""
    folder = tmp_path_factory.mktemp("run-names")
    bundled = default_spec_path(2024)
    text = bundled.read_text(encoding="utf-8")
    assert text.count(BUNDLED_VI) == 1
    assert text.count(f'en: "{BUNDLED_EN}"') == 1
    renamed = folder / "papi-2024-renamed.yaml"
    renamed.write_text(
        text.replace(BUNDLED_VI, RENAMED_VI).replace(f'en: "{BUNDLED_EN}"', f'en: "{RENAMED_EN}"'),
        encoding="utf-8",
    )
    published = pl.read_csv(
        bundled_data_dir() / "published_scores.csv",
        columns=["year", "province", "dimension", "score"],
    )
    # Six provinces keep the two runs to seconds; the names do not depend on how many.
    chosen = ["Ha Noi", "Da Nang", "Hai Phong", "Can Tho", "Lao Cai", "Ca Mau"]
    sizes = load_size_classes().filter(pl.col("province").is_in(chosen))
    provinces = province_table(chosen, sizes)
    survey = synthesise_papi(
        load_spec(bundled),
        seed=SEED,
        year=2024,
        targets=published,
        provinces=provinces,
        sizes=_SIZES,
    )
    data = write_survey(survey, folder / "survey.parquet")[0]
    run_ids = []
    with RunStore(folder / "store.duckdb") as store:
        for spec_path in (bundled, renamed):
            finished = compute_run(spec_path, data, IndexParameters(variance="taylor"))
            store.save_run(finished.manifest, finished.stored_scores(), finished.extra_tables())
            run_ids.append(finished.manifest.run_id)
    return Dashboard.open(folder / "store.duckdb"), run_ids[0], run_ids[1]


def _dimension_one(items: pl.DataFrame) -> tuple[str, str]:
    row = items.filter((pl.col("level") == "dimension") & (pl.col("code") == "1")).row(
        0, named=True
    )
    return row["name_en"], row["name_vi"]


def test_each_run_shows_the_item_names_it_was_scored_with(
    two_runs: tuple[Dashboard, str, str],
) -> None:
    dashboard, bundled_run, renamed_run = two_runs
    assert bundled_run != renamed_run
    for run_id, expected in (
        (bundled_run, (BUNDLED_EN, BUNDLED_VI)),
        (renamed_run, (RENAMED_EN, RENAMED_VI)),
    ):
        profile = dashboard.profile("Ha Noi", year=2024, run_id=run_id)
        assert _dimension_one(profile.table("items")) == expected
        overview = dashboard.overview(year=2024, level="dimension", code="1", run_id=run_id)
        item = overview.meta["item"]
        assert (item["name_en"], item["name_vi"]) == expected
        listed = [entry for entry in overview.meta["items"] if entry["code"] == "1"]
        assert [(entry["name_en"], entry["name_vi"]) for entry in listed] == [expected]
        compared = dashboard.compare(["Ha Noi", "Da Nang"], year=2024, run_id=run_id)
        assert _dimension_one(compared.table("scores")) == expected
        explored = dashboard.explore_item(level="dimension", code="1", run_id=run_id)
        item = explored.meta["item"]
        assert (item["name_en"], item["name_vi"]) == expected
