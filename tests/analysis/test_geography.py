"""The 34 provincial units of July 2025, derived from the former provinces' published scores."""

from __future__ import annotations

import math

import polars as pl
import pytest
from tests.analysis.hand import published

from govindex.analysis import derive_units, population_check
from govindex.errors import DataValidationError
from govindex.official import CENSUS_2019_TOTAL, former_province_populations


# The bundled weights are the 2019 census counts of the former provinces; other tests use
# made-up weights, which exercise the same arithmetic with numbers far from the census.
def _populations(mapping: pl.DataFrame) -> dict[str, int]:
    return {name: 100_000 * (index + 1) for index, name in enumerate(mapping["old_province"])}


def test_census_populations_cover_every_former_province_and_sum_to_the_census_total(
    mapping: pl.DataFrame,
) -> None:
    table = former_province_populations()
    assert sorted(table["province"]) == sorted(mapping["old_province"])
    assert table["province"].n_unique() == 63
    assert int(table["population"].sum()) == CENSUS_2019_TOTAL == 96_208_984
    assert table.filter(province="Ho Chi Minh City")["population"].item() == 8_993_082
    assert table.filter(province="Bac Kan")["population"].item() == 313_905
    # Every row names its page, or says why it has none.
    unsourced = table.filter(pl.col("source_url").fill_null("") == "")
    assert unsourced["note"].str.contains("sum exactly to the census total").all()
    assert unsourced.height == 4
    # Each unit's census sum sits below the population the 2025 notices give it (those
    # figures are later and sum to 112.1 million, above any national count), never above.
    ratios = population_check(mapping, table)["ratio"]
    assert ratios.min() > 0.7
    assert ratios.max() < 1.0


@pytest.mark.parametrize("weights", ["census", "made_up"])
def test_2024_derived_scores_exist_for_all_34_units_and_are_weighted_means(
    record: pl.DataFrame,
    mapping: pl.DataFrame,
    published_rows: list[dict[str, str]],
    weights: str,
) -> None:
    if weights == "census":
        census = former_province_populations()
        populations = dict(census.select("province", "population").iter_rows())
    else:
        populations = _populations(mapping)
    table = pl.DataFrame({"province": list(populations), "population": list(populations.values())})
    derived = derive_units(record, mapping, table).filter(year=2024, code="total")
    assert derived.height == 34
    assert derived["unit"].n_unique() == 34
    assert derived["derived"].all()
    totals = published(published_rows, 2024, "total")
    formers: dict[str, list[str]] = {}
    for old, new in zip(mapping["old_province"], mapping["new_province"], strict=True):
        formers.setdefault(new, []).append(old)
    for row in derived.iter_rows(named=True):
        names = formers[row["unit"]]
        if all(name in totals for name in names):
            weight_sum = sum(populations[name] for name in names)
            hand = sum(populations[name] * totals[name] for name in names) / weight_sum
            assert row["estimate"] == pytest.approx(hand, rel=1e-12), row["unit"]
            assert not row["incomplete"]
        else:
            assert row["incomplete"]
            assert row["estimate"] is None
            assert row["missing_provinces"] == sorted(n for n in names if n not in totals)


def test_withheld_former_province_flags_the_unit(
    record: pl.DataFrame, mapping: pl.DataFrame
) -> None:
    populations = _populations(mapping)
    table = pl.DataFrame({"province": list(populations), "population": list(populations.values())})
    # Vinh Phuc was withheld in 2024 and joined Phu Tho (papi-methodology §4.5, §8).
    withheld = derive_units(record, mapping, table).filter(year=2024, code="total", unit="Phu Tho")
    assert withheld.row(0, named=True)["missing_provinces"] == ["Vinh Phuc"]
    assert withheld["estimate"][0] is None
    renormalised = derive_units(record, mapping, table, incomplete="renormalise").filter(
        year=2024, code="total", unit="Phu Tho"
    )
    assert renormalised["incomplete"][0]
    assert renormalised["estimate"][0] is not None


def test_standard_error_is_propagated_assuming_independent_samples(
    record: pl.DataFrame, mapping: pl.DataFrame
) -> None:
    populations = {name: 1 for name in mapping["old_province"]}
    table = pl.DataFrame({"province": list(populations), "population": list(populations.values())})
    row = (
        derive_units(record, mapping, table)
        .filter(year=2023, code="total", unit="Tuyen Quang")
        .row(0, named=True)
    )
    errors = (
        record.filter(year=2023, code="total", statistic="se")
        .filter(pl.col("province").is_in(["Ha Giang", "Tuyen Quang"]))["estimate"]
        .to_list()
    )
    assert row["se"] == pytest.approx(math.sqrt(sum(0.25 * se**2 for se in errors)))


def test_missing_population_is_refused(record: pl.DataFrame, mapping: pl.DataFrame) -> None:
    table = pl.DataFrame({"province": ["Ha Noi"], "population": [8_000_000]})
    with pytest.raises(DataValidationError, match="no positive population"):
        derive_units(record, mapping, table)


def test_population_check_compares_with_the_new_units(mapping: pl.DataFrame) -> None:
    table = pl.DataFrame(
        {"province": mapping["old_province"], "population": mapping["new_unit_population"]}
    )
    checked = population_check(mapping, table)
    assert checked.height == 34
    assert checked.filter(unit="Ha Noi")["ratio"][0] == pytest.approx(1.0)
