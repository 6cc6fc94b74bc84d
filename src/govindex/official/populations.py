"""Populations of the 63 former provinces at the 2019 census: the weights of derived 34-unit scores.

``data/province_population_2019.csv`` holds the census count (00:00, 1 April 2019) of every
former province, each with the public page it was taken from. Four rows (Kon Tum, Ninh
Binh, Phu Yen, Vinh Long) have no page that could be reached when the table was compiled;
their ``note`` says so, and they are confirmed only in aggregate: the 63 counts sum exactly
to the census total of 96,208,984 published by the General Statistics Office, which
:data:`CENSUS_2019_TOTAL` records and the tests check.
"""

from __future__ import annotations

import polars as pl

from govindex.official.bundled import bundled_data_dir

__all__ = ["CENSUS_2019_TOTAL", "POPULATION_FILE", "former_province_populations"]

POPULATION_FILE = "province_population_2019.csv"
CENSUS_2019_TOTAL = 96_208_984
"""Viet Nam's resident population at 00:00 on 1 April 2019 (GSO, 2019 census)."""


def former_province_populations() -> pl.DataFrame:
    """The 2019 census count of each former province: ``province``, ``population``, sources.

    ``province`` uses govindex's canonical ASCII names, as in ``province_mapping_2025.csv``.

    Examples
    --------
    >>> table = former_province_populations()
    >>> table.height, int(table["population"].sum())
    (63, 96208984)
    >>> table.filter(province="Ha Noi")["population"].item()
    8053663
    """
    return pl.read_csv(
        bundled_data_dir() / POPULATION_FILE,
        schema_overrides={"population": pl.Int64, "source_url": pl.String, "note": pl.String},
    )
