"""Hypothesis strategies for small stratified cluster samples."""

from __future__ import annotations

import polars as pl
from hypothesis import strategies as st


@st.composite
def stratified_samples(draw: st.DrawFn, *, with_fpc: bool = False) -> pl.DataFrame:
    """A stratified cluster sample: 2–4 strata, 2–4 PSUs each, 1–4 respondents per PSU.

    Columns: stratum, psu (codes restart within strata, so designs need ``nest=True``),
    weight, y (continuous), flag (0/1), group (domain 0–2), and population (fpc as counts).
    """
    rows: dict[str, list[object]] = {
        "stratum": [],
        "psu": [],
        "weight": [],
        "y": [],
        "flag": [],
        "group": [],
        "population": [],
    }
    n_strata = draw(st.integers(2, 4))
    for stratum in range(n_strata):
        n_psu = draw(st.integers(2, 4))
        population = n_psu + draw(st.integers(0, 20)) if with_fpc else 0
        for psu in range(n_psu):
            for _ in range(draw(st.integers(1, 4))):
                rows["stratum"].append(f"s{stratum}")
                rows["psu"].append(psu)
                rows["weight"].append(draw(st.floats(0.5, 50.0)))
                rows["y"].append(draw(st.floats(-100.0, 100.0)))
                rows["flag"].append(draw(st.integers(0, 1)))
                rows["group"].append(draw(st.integers(0, 2)))
                rows["population"].append(population)
    return pl.DataFrame(rows)
