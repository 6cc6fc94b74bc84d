"""A PAPI-shaped synthetic survey for benchmarks (SYNTHETIC DATA: not real PAPI answers).

63 provinces (strata) × 3 districts (PSUs) × 2 communes × 2 villages × 25 respondents =
18,900 rows, 60 binary and 60 ordinal (1–10) indicators with province and district
effects so that design effects are realistic, and lognormal weights.
"""

from __future__ import annotations

import numpy as np
import polars as pl

PROVINCES = 63
DISTRICTS = 3
COMMUNES = 2
VILLAGES = 2
RESPONDENTS = 25
BINARY = 60
ORDINAL = 60


def papi_shaped_survey(seed: int = 20261121, scale: int = 1) -> pl.DataFrame:
    """Return the synthetic workload; ``scale`` multiplies the respondents per village."""
    generator = np.random.default_rng(seed)
    per_village = RESPONDENTS * scale
    province = np.repeat(np.arange(PROVINCES), DISTRICTS * COMMUNES * VILLAGES * per_village)
    district = np.repeat(np.arange(PROVINCES * DISTRICTS), COMMUNES * VILLAGES * per_village)
    village = np.repeat(np.arange(PROVINCES * DISTRICTS * COMMUNES * VILLAGES), per_village)
    rows = province.shape[0]
    province_effect = generator.normal(0.0, 0.5, PROVINCES)[province]
    district_effect = generator.normal(0.0, 0.3, PROVINCES * DISTRICTS)[district]
    columns: dict[str, np.ndarray] = {
        "province": province + 1,
        "district": district % DISTRICTS + 1,
        "village": village + 1,
        "weight": np.exp(generator.normal(0.0, 0.4, rows)),
    }
    for index in range(BINARY):
        latent = province_effect + district_effect + generator.normal(0.0, 1.0, rows) - 0.3
        columns[f"b{index + 1:03d}"] = (latent > 0).astype(np.float64)
    for index in range(ORDINAL):
        latent = 5.5 + 2 * (province_effect + district_effect) + generator.normal(0.0, 2.0, rows)
        columns[f"o{index + 1:03d}"] = np.clip(np.rint(latent), 1, 10)
    return pl.DataFrame(columns)


def indicator_names(frame: pl.DataFrame) -> list[str]:
    """The 120 indicator columns."""
    return [name for name in frame.columns if name[0] in "bo" and name[1:].isdigit()]
