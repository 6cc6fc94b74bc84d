"""``synthesise_sipas``: a SYNTHETIC SIPAS household survey with a known truth.

SYNTHETIC: invented respondents, not real SIPAS answers. The design follows the household
survey of 2022 onward as far as it is known (sipas-par-index.md §1.3): per province about
3 districts × 2 communes × 3 villages (2024: 195 districts, 385 communes, 1,170 villages,
36,525 adults nationally, ≈ 580 per province), adults who used an administrative service
this year and others. Districts, communes and villages are drawn from the same synthetic
frame as PAPI's, each stage by systematic PPS (unlike PAPI, no seat unit is taken with
certainty: none is described for SIPAS), and weights are raked per province
to sex × age and area exactly as PAPI's are.

Answers come from a probit model, so the truth is exact: respondent ``i`` in village ``v``
of district ``d`` of province ``p`` has, for item ``j``, the latent

    y = a_p + b_j + u_d + v_v + r_i + e_ij,   u, v, r, e normal with variances σ²

and answers 1–5 by cutting ``y`` at fixed thresholds, the cut between 3 and 4 at 0. The
share satisfied or very satisfied (4 or 5) of item ``j`` in province ``p`` is then
``Φ((a_p + b_j) / s)`` with ``s² = 1 + Σσ²``, and ``a_p`` is solved so that the province's
overall SIPAS (items → elements → components → overall) equals its target.

Targets for 2024: the reported provincial values (the record in
:mod:`govindex.official.reported_indices`), the ordered top five and bottom five of 2024
placed at the ends of the reported provincial range (assumed values, recorded), and one
neutral value for every other province such that the mean of the 63 targets is the
reported national 83.94%.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy.special import ndtr

from govindex.errors import DataValidationError
from govindex.official.reported_indices import reported_scores
from govindex.spec import IndexSpec
from govindex.synthetic.answers import MISSING_SHARE
from govindex.synthetic.check import aggregate_indicators
from govindex.synthetic.frame import build_frame
from govindex.synthetic.papi import DESIGN_COLUMNS, SyntheticSurvey
from govindex.synthetic.respondents import draw_respondents, population_margins
from govindex.synthetic.sample import DesignSizes, select_villages
from govindex.synthetic.weights import design_weights, rake_to_margins

__all__ = [
    "SIPAS_DESIGN",
    "SatisfactionModel",
    "satisfaction_targets",
    "synthesise_sipas",
]

SIPAS_DESIGN = DesignSizes(
    districts={"large": 3, "medium": 3, "small": 3},
    communes_per_district=2,
    villages_per_commune=3,
    interviews={"large": 32, "medium": 32, "small": 32},
    seat_with_certainty=False,
)
"""3 districts × 2 communes × 3 villages × 32 adults = 576 per province (36,288 in all),
every unit drawn by PPS (no seat taken with certainty: none is described for SIPAS)."""

# 2024 reporting (sipas-par-index.md §1.2): the ordered top five and bottom five provinces,
# and the reported provincial range of the policy component (the overall range was not found).
_TOP_2024 = ("Hai Phong", "Thai Nguyen", "Hai Duong", "Quang Ninh", "Ba Ria-Vung Tau")
_BOTTOM_2024 = ("Bac Kan", "Lang Son", "Quang Nam", "An Giang", "Quang Ngai")
_RANGE_2024 = (78.16, 90.59)
_NATIONAL_2024 = 83.94
_RANK_STEP = 0.3  # assumed gap between neighbours in the ordered top and bottom lists


@dataclass(frozen=True)
class SatisfactionModel:
    """Scales of the latent satisfaction model (SYNTHETIC; chosen, not estimated).

    ``service_use`` is the share of adults who used an administrative service this year
    (they answer the service items); ``item_spread`` the sd of the item offsets ``b_j``.

    Examples
    --------
    >>> round(SatisfactionModel().total_sd, 4)
    1.1927
    """

    district: float = 0.15
    village: float = 0.2
    respondent: float = 0.6
    item_spread: float = 0.12
    service_use: float = 0.45
    cuts: tuple[float, float, float, float] = (-2.2, -1.2, 0.0, 1.3)

    @property
    def total_sd(self) -> float:
        """``s``: the sd of the latent around ``a_p + b_j``."""
        return float(np.sqrt(1.0 + self.district**2 + self.village**2 + self.respondent**2))


def satisfaction_targets(
    provinces: list[str], year: int = 2024
) -> tuple[np.ndarray, dict[str, str]]:
    """Target overall SIPAS (0–100) per province, and where each target comes from.

    Examples
    --------
    >>> names = ["Ha Noi", "Hai Phong", "Bac Kan", "Yen Bai"]
    >>> targets, origin = satisfaction_targets(names)
    >>> float(targets[0]), origin["Ha Noi"], origin["Yen Bai"]
    (86.5, 'reported', 'neutral')
    """
    if year != 2024:
        msg = f"synthetic SIPAS targets exist for 2024 only (the year with a reported national value); got {year}."
        raise DataValidationError(msg, where="--year", found=year, expected=2024)
    reported = reported_scores("sipas").filter(
        (pl.col("period") == str(year))
        & (pl.col("code") == "total")
        & (pl.col("geography") == "province63")
        & pl.col("estimate").is_not_null()
    )
    values: dict[str, float] = dict(zip(reported["unit"], reported["estimate"], strict=True))
    origin = {name: "reported" for name in values}
    for position, name in enumerate(_TOP_2024):
        values.setdefault(name, _RANGE_2024[1] - _RANK_STEP * position)
        origin.setdefault(name, "assumed from the reported top five")
    for position, name in enumerate(_BOTTOM_2024):
        values.setdefault(name, _RANGE_2024[0] + _RANK_STEP * position)
        origin.setdefault(name, "assumed from the reported bottom five")
    known = [values[name] for name in provinces if name in values]
    others = [name for name in provinces if name not in values]
    neutral = (_NATIONAL_2024 * len(provinces) - sum(known)) / max(len(others), 1)
    targets = np.array([values.get(name, neutral) for name in provinces], dtype=np.float64)
    return targets, {name: origin.get(name, "neutral") for name in provinces}


def synthesise_sipas(
    spec: IndexSpec,
    *,
    seed: int,
    provinces: pl.DataFrame,
    year: int = 2024,
    targets: np.ndarray | None = None,
    sizes: DesignSizes | None = None,
    model: SatisfactionModel | None = None,
) -> SyntheticSurvey:
    """Generate a SYNTHETIC SIPAS survey whose provinces' overall SIPAS tracks ``targets``.

    Parameters
    ----------
    spec
        A SIPAS spec (items scored as the share answering 4 or 5 of 5).
    seed
        Random seed; the same seed gives the same survey.
    provinces
        Columns ``province``, ``province_code``, ``size_class``.
    year
        Survey year (2024: the reported values are the targets).
    targets
        Overall SIPAS per province (0–100), in the order of ``provinces`` sorted by code;
        default :func:`satisfaction_targets`.
    sizes, model
        Override the design sizes or the latent model.

    Examples
    --------
    >>> from govindex.spec import load_spec
    >>> from govindex.synthetic import province_table
    >>> table = province_table(["Ha Noi", "Ca Mau"], pl.DataFrame({"province": ["Ha Noi"],
    ...     "size_class": ["large"]}))
    >>> made = synthesise_sipas(load_spec("specs/sipas-2024.yaml"), seed=1, provinces=table)
    >>> made.metadata["synthetic"], made.microdata.height
    (True, 1152)
    """
    sizes = sizes or SIPAS_DESIGN
    model = model or SatisfactionModel()
    provinces = provinces.sort("province_code")
    names = provinces["province"].to_list()
    origin: dict[str, str] = {}
    if targets is None:
        targets, origin = satisfaction_targets(names, year)
    streams = [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(6)]
    frame = build_frame(provinces, streams[0])
    villages = select_villages(frame, streams[1], sizes)
    respondents = design_weights(draw_respondents(villages, streams[2]))
    respondents = rake_to_margins(respondents, population_margins(frame, streams[3]))
    respondents = respondents.with_columns(
        pl.int_range(1, pl.len() + 1).alias("respondent_id"),
        pl.col("adults").alias("adults_in_village"),
    )
    items = [item.id for item in spec.codebook.items if item.id != "used_service"]
    # Fixed item offsets (a property of the questionnaire, not of one survey): seeded apart.
    offsets = np.random.default_rng(17).normal(0.0, model.item_spread, len(items))
    effects = _solve_province_effects(spec, items, offsets, targets, model)
    answers = _answers(spec, respondents, items, offsets, effects, names, model, streams[4])
    microdata = pl.concat([respondents.select(DESIGN_COLUMNS), answers], how="horizontal")
    truth = _truth(spec, items, offsets, effects, names, targets, model)
    metadata: dict[str, Any] = {
        "synthetic": True,
        "label": "SYNTHETIC govindex data: invented respondents, not real SIPAS answers",
        "generator": "govindex.synthetic.synthesise_sipas",
        "instrument": "sipas",
        "seed": seed,
        "year": year,
        "spec": f"{spec.index.code} {spec.index.year}",
        "respondents": microdata.height,
        "provinces": provinces.height,
        "districts": int(villages.select("province", "district").n_unique()),
        "communes": int(villages.select("province", "district", "commune").n_unique()),
        "villages": villages.height,
        "target_origin": origin,
        "missing_share": MISSING_SHARE,
        "model": {
            "district_sd": model.district,
            "village_sd": model.village,
            "respondent_sd": model.respondent,
            "item_spread": model.item_spread,
            "service_use": model.service_use,
            "cuts": list(model.cuts),
        },
        "design": {
            "strata": "province",
            "psu": "district (systematic PPS by population; a district PPS makes certain is certain)",
            "districts_per_province": sizes.districts,
            "communes_per_district": sizes.communes_per_district,
            "villages_per_commune": sizes.villages_per_commune,
            "interviews_per_village": sizes.interviews,
            "population": "adults of the synthetic frame (18-70, PAPI's frame; SIPAS surveys 18+)",
            "weight": "design_weight raked per province to sex x age_group and area",
        },
    }
    return SyntheticSurvey(microdata=microdata, frame=frame, truth=truth, metadata=metadata)


def _item_shares(
    spec: IndexSpec,
    items: list[str],
    offsets: np.ndarray,
    effects: np.ndarray,
    model: SatisfactionModel,
) -> dict[str, np.ndarray]:
    """Expected indicator score per province: the share answering 4 or 5 of each item."""
    position = {item: index for index, item in enumerate(items)}
    latent = (effects[:, None] + offsets[None, :] - model.cuts[2]) / model.total_sd
    shares = ndtr(latent)
    return {
        indicator.code: shares[:, position[indicator.items[0]]] for indicator in spec.indicators
    }


def _solve_province_effects(
    spec: IndexSpec,
    items: list[str],
    offsets: np.ndarray,
    targets: np.ndarray,
    model: SatisfactionModel,
) -> np.ndarray:
    """``a_p`` with overall SIPAS = target, by bisection (the overall rises with ``a_p``)."""
    low = np.full(targets.size, -6.0)
    high = np.full(targets.size, 6.0)
    for _ in range(80):
        middle = (low + high) / 2
        overall = aggregate_indicators(spec, _item_shares(spec, items, offsets, middle, model))
        above = overall["total"] > targets
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return np.asarray((low + high) / 2, dtype=np.float64)


def _answers(
    spec: IndexSpec,
    respondents: pl.DataFrame,
    items: list[str],
    offsets: np.ndarray,
    effects: np.ndarray,
    names: list[str],
    model: SatisfactionModel,
    rng: np.random.Generator,
) -> pl.DataFrame:
    size = respondents.height
    province = np.searchsorted(np.array(sorted(names)), respondents["province"].to_numpy())
    order = np.argsort(np.array(names))
    base = effects[order][province]
    district = _unit_index(respondents, ["province", "district"])
    village = _unit_index(respondents, ["province", "district", "commune", "village"])
    shared = (
        base
        + rng.normal(0.0, model.district, int(district.max()) + 1)[district]
        + rng.normal(0.0, model.village, int(village.max()) + 1)[village]
        + rng.normal(0.0, model.respondent, size)
    )
    used = (rng.uniform(size=size) < model.service_use).astype(np.int64)
    columns = [pl.Series("used_service", used)]
    cuts = np.asarray(model.cuts)
    service_items = {item.id for item in spec.codebook.items if item.applies_to is not None}
    for index, item in enumerate(items):
        latent = shared + offsets[index] + rng.normal(0.0, 1.0, size)
        answer = 1 + (latent[:, None] > cuts[None, :]).sum(axis=1)
        missed = rng.uniform(size=size) < MISSING_SHARE
        codes = rng.choice(np.array([-9, -8]), size=size)
        values = np.where(missed, codes, answer).astype(np.float64)
        if item in service_items:
            values = np.where(used == 1, values, np.nan)
        columns.append(pl.Series(item, values, nan_to_null=True).cast(pl.Int64))
    return pl.DataFrame(columns)


def _unit_index(frame: pl.DataFrame, keys: list[str]) -> np.ndarray:
    return np.asarray(
        frame.select(pl.struct(keys).rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
    )


def _truth(
    spec: IndexSpec,
    items: list[str],
    offsets: np.ndarray,
    effects: np.ndarray,
    names: list[str],
    targets: np.ndarray,
    model: SatisfactionModel,
) -> pl.DataFrame:
    indicators = _item_shares(spec, items, offsets, effects, model)
    aggregated = aggregate_indicators(spec, indicators)
    levels = {sub.code: "sub_dimension" for sub in spec.sub_dimensions()}
    levels.update({dimension.code: "dimension" for dimension in spec.dimensions})
    levels["total"] = "total"
    parts = [("indicator", code, values) for code, values in indicators.items()]
    parts += [(levels[code], code, values) for code, values in aggregated.items()]
    nan = np.full(len(names), np.nan)
    return pl.DataFrame(
        {
            "province": [name for _ in parts for name in names],
            "level": [level for level, _, _ in parts for _ in names],
            "code": [code for _, code, _ in parts for _ in names],
            "expected": np.concatenate([values for _, _, values in parts]),
            "target": np.concatenate([targets if code == "total" else nan for _, code, _ in parts]),
        }
    ).with_columns(pl.col("target").fill_nan(None))
