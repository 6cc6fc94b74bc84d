"""The PAPI multistage selection, applied to a synthetic frame (papi-methodology §1.1).

Per province (the stratum): the capital district with certainty plus systematic PPS for the
other districts (3 districts in small provinces, 6 in medium and large ones); per district,
the seat commune with certainty plus one commune by PPS; per commune, the seat village with
certainty plus one village by PPS. Every probability is recorded, conditional on the stage
above, together with the population counts of each stage (for fpc).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from govindex.errors import DesignError

_RAISED_QUOTA_YEAR = 2023

__all__ = ["DesignSizes", "design_for_year", "select_villages", "systematic_pps"]


@dataclass(frozen=True)
class DesignSizes:
    """How many units each stage takes, by province size class.

    Examples
    --------
    >>> DesignSizes().districts["small"], DesignSizes().interviews["large"]
    (3, 24)
    """

    districts: dict[str, int] = field(default_factory=lambda: {"large": 6, "medium": 6, "small": 3})
    communes_per_district: int = 2
    villages_per_commune: int = 2
    interviews: dict[str, int] = field(
        default_factory=lambda: {"large": 24, "medium": 16, "small": 16}
    )
    # PAPI takes the seat of each parent with certainty; a design that does not (SIPAS's, as
    # far as it is known) draws every unit by PPS.
    seat_with_certainty: bool = True


def design_for_year(year: int) -> DesignSizes:
    """The stage sizes for ``year``: the official quotas, raised from 2023.

    The official design takes 16 interviews per village (24 in the large provinces). The
    official observation counts show quotas raised in 2023 (most small provinces 240–260
    respondents, Ha Noi 1,120; papi-methodology §1.3) and 18,894 respondents in 2024 (§1.2),
    so from 2023 the synthetic survey takes 21 per village and 47 in the large provinces.

    Examples
    --------
    >>> design_for_year(2022).interviews["small"], design_for_year(2024).interviews["small"]
    (16, 21)
    """
    if year >= _RAISED_QUOTA_YEAR:
        return DesignSizes(interviews={"large": 47, "medium": 21, "small": 21})
    return DesignSizes()


def systematic_pps(
    sizes: np.ndarray, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` units with probability proportional to size, without replacement.

    Units whose expected count ``n × size / total`` reaches 1 are taken with certainty
    (repeatedly, as the remaining total shrinks); the rest are drawn systematically, in
    frame order, from a random start.

    Returns
    -------
    tuple of numpy arrays
        The selected indices (ascending) and every unit's inclusion probability.

    Examples
    --------
    >>> chosen, probability = systematic_pps(np.array([10.0, 10, 20, 60]), 2,
    ...                                      np.random.default_rng(0))
    >>> probability.tolist(), int(chosen.size)
    ([0.25, 0.25, 0.5, 1.0], 2)
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    if n > sizes.size or n < 1 or np.any(sizes <= 0):
        msg = f"cannot draw {n} of {sizes.size} units with positive sizes by PPS."
        raise DesignError(msg, where="systematic_pps", found=n, expected=f"1..{sizes.size}")
    certain = np.zeros(sizes.size, dtype=bool)
    probability = np.zeros(sizes.size)
    while True:
        remaining = n - int(certain.sum())
        probability = np.where(certain, 1.0, 0.0)
        if remaining == 0:
            break
        free_total = sizes[~certain].sum()
        probability[~certain] = remaining * sizes[~certain] / free_total
        newly = ~certain & (probability >= 1.0)
        if not newly.any():
            break
        certain |= newly
    chosen = certain.copy()
    free = np.flatnonzero(~certain)
    if free.size and n - int(certain.sum()) > 0:
        cumulative = np.cumsum(probability[free])
        start = rng.uniform()
        points = start + np.arange(n - int(certain.sum()))
        chosen[free[np.searchsorted(cumulative, points, side="right")]] = True
    return np.flatnonzero(chosen), probability


def select_villages(
    frame: pl.DataFrame, rng: np.random.Generator, sizes: DesignSizes | None = None
) -> pl.DataFrame:
    """Select districts, communes and villages from ``frame`` by the PAPI design.

    Parameters
    ----------
    frame
        A village frame from :func:`govindex.synthetic.frame.build_frame`.
    rng
        The random generator (consumed).
    sizes
        Units per stage; the official design by default.

    Returns
    -------
    polars.DataFrame
        One row per selected village with the frame columns, ``interviews`` (the quota),
        per-stage ``*_certainty`` flags and conditional ``*_probability`` columns, and the
        stage population counts ``districts_in_province``, ``communes_in_district`` and
        ``villages_in_commune``.

    Examples
    --------
    >>> from govindex.synthetic.frame import build_frame, province_table
    >>> table = province_table(["A"], pl.DataFrame(schema={"province": pl.String, "size_class": pl.String}))
    >>> chosen = select_villages(build_frame(table, np.random.default_rng(2)), np.random.default_rng(3))
    >>> chosen.height, chosen["district"].n_unique()
    (12, 3)
    """
    sizes = sizes or DesignSizes()
    interviews = sizes.interviews
    district_rows: list[dict[str, object]] = []
    districts = (
        frame.group_by("province", "size_class", "district", maintain_order=True)
        .agg(pl.col("population").sum())
        .sort("province", "district")
    )
    for (province, size_class), group in districts.group_by(
        "province", "size_class", maintain_order=True
    ):
        populations = group["population"].to_numpy().astype(np.float64)
        picked, probability = _certainty_plus_pps(
            populations, sizes.districts[str(size_class)], rng, seat=sizes.seat_with_certainty
        )
        for index in picked:
            district_rows.append(
                {
                    "province": province,
                    "district": int(group["district"][int(index)]),
                    "district_certainty": _is_certain(index, probability, sizes),
                    "district_probability": float(probability[index]),
                    "districts_in_province": group.height,
                    "interviews": interviews[str(size_class)],
                }
            )
    chosen_districts = pl.DataFrame(district_rows)
    communes = (
        frame.join(chosen_districts.select("province", "district"), on=["province", "district"])
        .group_by("province", "district", "commune", maintain_order=True)
        .agg(pl.col("population").sum())
        .sort("province", "district", "commune")
    )
    chosen_communes = _second_stage(
        communes, ["province", "district"], "commune", sizes.communes_per_district, rng, sizes
    )
    villages = frame.join(
        chosen_communes.select("province", "district", "commune"),
        on=["province", "district", "commune"],
    ).sort("province", "district", "commune", "village")
    chosen_villages = _second_stage(
        villages,
        ["province", "district", "commune"],
        "village",
        sizes.villages_per_commune,
        rng,
        sizes,
    )
    return (
        chosen_villages.join(chosen_communes, on=["province", "district", "commune"])
        .join(chosen_districts, on=["province", "district"])
        .sort("province", "district", "commune", "village")
    )


def _is_certain(index: int, probability: np.ndarray, sizes: DesignSizes) -> bool:
    """Whether a chosen unit was certain: the seat (unit 0), or any unit PPS made certain."""
    if sizes.seat_with_certainty:
        return bool(index == 0)
    return bool(probability[index] >= 1.0)


def _certainty_plus_pps(
    populations: np.ndarray, n: int, rng: np.random.Generator, *, seat: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Unit 0 (the seat) with certainty plus ``n - 1`` of the others by systematic PPS;
    without ``seat``, all ``n`` by systematic PPS."""
    n = min(n, populations.size)
    if not seat:
        return systematic_pps(populations, n, rng)
    probability = np.ones(populations.size)
    if n == 1 or populations.size == 1:
        return np.array([0]), probability
    others, other_probability = systematic_pps(populations[1:], n - 1, rng)
    probability[1:] = other_probability
    return np.concatenate([[0], others + 1]), probability


def _second_stage(
    units: pl.DataFrame,
    parent: list[str],
    level: str,
    n: int,
    rng: np.random.Generator,
    sizes: DesignSizes,
) -> pl.DataFrame:
    """Seat unit plus PPS draws inside every parent; keeps the unit rows that were chosen."""
    rows: list[pl.DataFrame] = []
    for _, group in units.group_by(parent, maintain_order=True):
        picked, probability = _certainty_plus_pps(
            group["population"].to_numpy().astype(np.float64),
            n,
            rng,
            seat=sizes.seat_with_certainty,
        )
        rows.append(
            group[picked].with_columns(
                pl.Series(
                    f"{level}_certainty",
                    [_is_certain(int(index), probability, sizes) for index in picked],
                    dtype=pl.Boolean,
                ),
                pl.Series(f"{level}_probability", probability[picked]),
                pl.lit(group.height).alias(f"{level}s_in_{parent[-1]}"),
            )
        )
    result = pl.concat(rows, how="vertical")
    if level == "commune":
        result = result.drop("population")
    return result
