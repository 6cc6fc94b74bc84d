"""The official record as published runs: every value kept, withheld kept as withheld, ranks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from tests.conftest import PAPI_DATA, WORKBOOK

from govindex.application.official_record import record_scores, store_published_record
from govindex.official import bundled_data_dir, load_published_record
from govindex.official.bundled import BUNDLED_FILES
from govindex.official.schema import load_dimensions
from govindex.storage import RunStore, has_bundled_record


def published_rows() -> pl.DataFrame:
    """published_scores.csv as (year, province, level, code, score), read independently."""
    codes = {dimension.name: dimension.code for dimension in load_dimensions()}
    frame = pl.read_csv(PAPI_DATA / "published_scores.csv")
    is_total = pl.col("dimension").str.starts_with("total")
    return frame.select(
        pl.col("year").cast(pl.Int32),
        "province",
        pl.when(is_total).then(pl.lit("total")).otherwise(pl.lit("dimension")).alias("level"),
        pl.when(is_total)
        .then(pl.col("dimension"))
        .otherwise(pl.col("dimension").replace_strict(codes, default=None))
        .alias("code"),
        pl.col("score").cast(pl.Float64),
    )


def source_checksums() -> dict[str, str]:
    """The SHA-256 of each official source file as it was copied in (tests/data/papi/SHA256SUMS)."""
    lines = (WORKBOOK.parent / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {Path(name).name: digest for digest, name in (line.split() for line in lines if line)}


@pytest.mark.parametrize("name", sorted(source_checksums()))
def test_bundled_files_are_the_official_source_files(name: str) -> None:
    """The bundled CSVs and the workbook fixture are byte copies of the official sources."""
    path = WORKBOOK if name == WORKBOOK.name else bundled_data_dir() / name
    assert name == WORKBOOK.name or name in BUNDLED_FILES
    assert hashlib.sha256(path.read_bytes()).hexdigest() == source_checksums()[name]


def test_every_published_score_is_stored(store: RunStore) -> None:
    manifests = store_published_record(store)
    assert [manifest.parameters["year"] for manifest in manifests] == list(range(2011, 2025))
    assert all(manifest.kind == "published" and not manifest.synthetic for manifest in manifests)
    stored = store.query_scores(source="published")
    keys = ["year", "province", "level", "code"]
    expected = published_rows()
    joined = expected.join(stored, on=keys, how="left")
    assert joined.height == expected.height == 7026
    assert joined["estimate"].null_count() == 0
    assert (joined["estimate"] - joined["score"]).abs().max() < 1e-6  # type: ignore[operator]
    # Every (year, level, code) published for some provinces is withheld for the others.
    published_codes = expected.select("year", "level", "code").unique()
    others = stored.join(published_codes, on=["year", "level", "code"]).join(
        expected, on=keys, how="anti"
    )
    assert others.height > 0
    assert others["withheld"].all()
    assert others["estimate"].null_count() == others.height
    assert set(others.filter(pl.col("year") == 2014, pl.col("level") == "total")["province"]) == {
        "Bac Giang",
        "Dong Thap",
    }


def test_ranks_are_among_published_provinces(store: RunStore) -> None:
    store_published_record(store)
    totals = store.query_scores(source="published", year=2014, level="total")
    ranked = totals.filter(~pl.col("withheld")).sort("estimate", descending=True)
    assert ranked["rank"].to_list() == list(range(1, ranked.height + 1))
    assert totals.filter(pl.col("withheld"))["rank"].null_count() == 2
    assert totals["rank_low"].null_count() == totals["rank_high"].null_count() == totals.height
    assert totals["group"].null_count() == totals.height
    assert store.query_scores(source="published", level="subdimension")["rank"].null_count() > 0


def test_ties_share_the_lowest_rank() -> None:
    record = load_published_record(bundled_data_dir()).filter(
        pl.col("year") == 2024, pl.col("code") == "total", pl.col("statistic") == "score"
    )
    order = record.sort("estimate", descending=True, nulls_last=True)["province"]
    top, second = order[0], order[1]
    best = record["estimate"].max()
    tied = record.with_columns(
        pl.when(pl.col("province") == second)
        .then(best)
        .otherwise(pl.col("estimate"))
        .alias("estimate")
    )
    ranks = dict(record_scores(tied).select("province", "rank").iter_rows())
    assert ranks[top] == ranks[second] == 1
    assert sorted(rank for rank in ranks.values() if rank is not None)[:3] == [1, 1, 3]


def test_uncertainty_is_kept_without_inventing_any(store: RunStore) -> None:
    store_published_record(store)
    hanoi = store.query_scores(source="published", year=2019, level="total", province="Ha Noi")
    total = hanoi.filter(pl.col("code") == "total").row(0, named=True)
    assert total["se"] == pytest.approx(0.25674787163734436)
    assert (total["ci_low"], total["ci_high"]) == pytest.approx((41.110679626, 41.955360413))
    assert (total["rank_low"], total["rank_high"]) == (None, None)
    assert total["source_file"] == "published_scores.csv"
    assert total["source_row"] is not None
    assert store.query_scores(source="published", year=2011)["se"].null_count() == 441


def test_storing_twice_adds_nothing(store: RunStore) -> None:
    assert not has_bundled_record(store)
    first = store_published_record(store)
    assert has_bundled_record(store)
    second = store_published_record(store)
    assert [manifest.run_id for manifest in first] == [manifest.run_id for manifest in second]
    assert len(store.list_runs()) == 14
    full = store.read_table(first[0].run_id, "official_record")
    assert full.height == 441
    assert set(full["statistic"]) == {"score"}
