"""The synthetic sampling frame: provinces → districts → communes → villages, with populations.

SYNTHETIC: sizes are plausible inventions, not census counts. Province names and size
classes come from data (the official files and ``province_classes.csv``); the frame only
invents what lies below them. Unit codes restart inside their parent (district 1 of every
province, commune 1 of every district …), and unit 1 is always the seat of the parent's
People's Committee: the provincial capital district, the district seat commune, the commune
seat village (the certainty units of the PAPI design, papi-methodology §1.1).
"""

from __future__ import annotations

from importlib import resources
from typing import Literal

import numpy as np
import polars as pl

from govindex.errors import DataValidationError

__all__ = [
    "ADULT_SHARE",
    "SIZE_CLASSES",
    "SizeClass",
    "build_frame",
    "load_size_classes",
    "province_table",
]

SizeClass = Literal["large", "medium", "small"]
SIZE_CLASSES: tuple[SizeClass, ...] = ("large", "medium", "small")

ADULT_SHARE = 0.68
"""Share of a village's population aged 18–70 (the PAPI target population); synthetic."""

# Population (millions) and district counts per size class: large > 5 m, medium 2–5 m,
# small < 2 m people (papi-methodology §1.1); the district counts are plausible inventions.
_POPULATION_MILLIONS: dict[str, tuple[float, float]] = {
    "large": (8.0, 9.5),
    "medium": (2.1, 3.9),
    "small": (0.35, 1.95),
}
_DISTRICTS: dict[str, tuple[int, int]] = {"large": (21, 31), "medium": (15, 28), "small": (7, 13)}
_COMMUNES_PER_DISTRICT = (8, 22)
_VILLAGES_PER_COMMUNE = (5, 13)
# Seats of government are larger than their neighbours (capital districts, district towns,
# the commune centre); this also keeps certainty and PPS weights within a sensible ratio.
_CAPITAL_DISTRICT_SIZE = 4.0
_SEAT_COMMUNE_SIZE = 3.0
_SEAT_VILLAGE_SIZE = 2.5
# Chance that a non-seat commune is urban (a ward), by size class and inside the capital.
_URBAN_COMMUNE: dict[str, float] = {"large": 0.35, "medium": 0.08, "small": 0.05}
_URBAN_CAPITAL_COMMUNE: dict[str, float] = {"large": 0.9, "medium": 0.7, "small": 0.6}
_URBAN_DISTRICT_SEAT = 0.8
_MINIMUM_VILLAGE_POPULATION = 120


def load_size_classes() -> pl.DataFrame:
    """Return the bundled province size classes (only the non-small provinces are listed).

    Examples
    --------
    >>> load_size_classes().filter(pl.col("size_class") == "large").height
    2
    """
    source = resources.files("govindex.synthetic").joinpath("province_classes.csv")
    with resources.as_file(source) as path:
        return pl.read_csv(path, columns=["province", "size_class"])


def province_table(names: list[str] | pl.Series, size_classes: pl.DataFrame) -> pl.DataFrame:
    """Combine province names with their size class; unlisted provinces are ``small``.

    Parameters
    ----------
    names
        The province names (e.g. the 63 provinces of ``published_scores.csv``).
    size_classes
        Columns ``province`` and ``size_class`` (``large``/``medium``); see
        :func:`load_size_classes`.

    Returns
    -------
    polars.DataFrame
        Columns ``province`` (sorted), ``province_code`` (1, 2, …) and ``size_class``.

    Examples
    --------
    >>> table = province_table(["Ha Noi", "Cao Bang"],
    ...     pl.DataFrame({"province": ["Ha Noi"], "size_class": ["large"]}))
    >>> table.rows()
    [('Cao Bang', 1, 'small'), ('Ha Noi', 2, 'large')]
    """
    unique = sorted(set(pl.Series(names).cast(pl.String).to_list()))
    unknown = sorted(set(size_classes["province"].to_list()) - set(unique))
    if unknown:
        msg = f"size classes name provinces that are not in the province list: {unknown}."
        raise DataValidationError(msg, where="size_classes", found=unknown, expected=unique)
    bad = sorted(set(size_classes["size_class"].to_list()) - set(SIZE_CLASSES))
    if bad:
        msg = f"unknown size classes {bad} (options: {', '.join(SIZE_CLASSES)})."
        raise DataValidationError(msg, where="size_class", found=bad, expected=SIZE_CLASSES)
    return (
        pl.DataFrame({"province": unique, "province_code": np.arange(1, len(unique) + 1)})
        .join(size_classes.select("province", "size_class"), on="province", how="left")
        .with_columns(pl.col("size_class").fill_null("small"))
    )


def build_frame(provinces: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Invent districts, communes and villages with populations for every province.

    Parameters
    ----------
    provinces
        As returned by :func:`province_table`.
    rng
        The random generator (consumed; the frame is a pure function of its state).

    Returns
    -------
    polars.DataFrame
        One row per village: ``province``, ``province_code``, ``size_class``, ``district``,
        ``commune``, ``village`` (codes restarting inside the parent), ``capital_district``,
        ``seat_commune``, ``seat_village`` (unit 1 of its parent), ``urban`` (a commune
        property), ``minority_share`` (share of ethnic-minority residents), ``population``
        and ``adults`` (aged 18–70).

    Examples
    --------
    >>> table = province_table(["A", "B"], pl.DataFrame({"province": ["A"], "size_class": ["medium"]}))
    >>> frame = build_frame(table, np.random.default_rng(1))
    >>> frame.group_by("province").agg(pl.col("district").max()).sort("province")["district"].to_list()[0] >= 15
    True
    """
    parts = [_province_frame(row, rng) for row in provinces.iter_rows(named=True)]
    return pl.concat(parts, how="vertical")


def _shares(rng: np.random.Generator, count: int, sigma: float, seat_size: float) -> np.ndarray:
    """Relative sizes of ``count`` sibling units, unit 0 being the (larger) seat."""
    sizes = rng.lognormal(0.0, sigma, count)
    sizes[0] *= seat_size
    return np.asarray(sizes / sizes.sum(), dtype=np.float64)


def _province_frame(row: dict[str, object], rng: np.random.Generator) -> pl.DataFrame:
    size_class = str(row["size_class"])
    low, high = _POPULATION_MILLIONS[size_class]
    population = rng.uniform(low, high) * 1e6
    n_districts = int(rng.integers(*_DISTRICTS[size_class]))
    district_share = _shares(rng, n_districts, 0.5, _CAPITAL_DISTRICT_SIZE)
    communes_per_district = rng.integers(*_COMMUNES_PER_DISTRICT, size=n_districts)
    district_of_commune = np.repeat(np.arange(n_districts), communes_per_district)
    commune_code = _codes_within(communes_per_district)
    commune_share = np.concatenate(
        [_shares(rng, int(count), 0.5, _SEAT_COMMUNE_SIZE) for count in communes_per_district]
    )
    villages_per_commune = rng.integers(*_VILLAGES_PER_COMMUNE, size=commune_code.size)
    commune_of_village = np.repeat(np.arange(commune_code.size), villages_per_commune)
    village_code = _codes_within(villages_per_commune)
    village_share = np.concatenate(
        [_shares(rng, int(count), 0.4, _SEAT_VILLAGE_SIZE) for count in villages_per_commune]
    )
    share = (
        district_share[district_of_commune[commune_of_village]]
        * commune_share[commune_of_village]
        * village_share
    )
    village_population = np.maximum(
        np.rint(population * share), _MINIMUM_VILLAGE_POPULATION
    ).astype(np.int64)
    urban_commune = _urban_communes(rng, size_class, district_of_commune, commune_code)
    # Minority residents cluster in rural, mostly upland villages: a province-level share
    # (most provinces are overwhelmingly Kinh) spread over villages by a beta draw.
    province_minority = rng.beta(0.5, 3.0)
    urban_village = urban_commune[commune_of_village]
    village_mean = np.clip(province_minority * np.where(urban_village, 0.4, 1.2), 0.005, 0.95)
    minority_share = rng.beta(village_mean * 4.0, (1.0 - village_mean) * 4.0)
    district_code = district_of_commune[commune_of_village] + 1
    return pl.DataFrame(
        {
            "province": str(row["province"]),
            "province_code": int(str(row["province_code"])),
            "size_class": size_class,
            "district": district_code,
            "commune": commune_code[commune_of_village],
            "village": village_code,
            "capital_district": district_code == 1,
            "seat_commune": commune_code[commune_of_village] == 1,
            "seat_village": village_code == 1,
            "urban": urban_village,
            "minority_share": minority_share,
            "population": village_population,
            "adults": np.maximum(np.rint(village_population * ADULT_SHARE), 1).astype(np.int64),
        }
    )


def _codes_within(counts: np.ndarray) -> np.ndarray:
    """Codes 1..count for each block of ``counts`` consecutive units."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.asarray(np.arange(int(counts.sum())) - starts + 1, dtype=np.int64)


def _urban_communes(
    rng: np.random.Generator,
    size_class: str,
    district_of_commune: np.ndarray,
    commune_code: np.ndarray,
) -> np.ndarray:
    capital = district_of_commune == 0
    seat = commune_code == 1
    chance = np.where(capital, _URBAN_CAPITAL_COMMUNE[size_class], _URBAN_COMMUNE[size_class])
    chance = np.where(seat & ~capital, _URBAN_DISTRICT_SEAT, chance)
    chance = np.where(seat & capital, 1.0, chance)
    return rng.uniform(size=commune_code.size) < chance
