"""Small hand-made inputs for the ingest tests: six PAPI items and six valid respondents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from govindex.spec import Codebook, IndexSpec, load_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "papi-2024.yaml"
SMALL_ITEMS = (
    "civic_knowledge",
    "village_head_elected",
    "more_1_candidate_select",
    "impact_land_plan_families",
    "denunciation_price_000s_vnd",
    "drinking_water_source",
)


@cache
def papi_spec() -> IndexSpec:
    """The shipped PAPI 2024 spec (read once)."""
    return load_spec(SPEC)


@cache
def small_spec() -> IndexSpec:
    """The PAPI spec with its codebook cut to :data:`SMALL_ITEMS` (in that order).

    Its province list is emptied: :func:`small_frame` names its provinces ``A`` and ``B``.
    """
    items = papi_spec().codebook.by_id()
    codebook = Codebook(items=tuple(items[item_id] for item_id in SMALL_ITEMS))
    return papi_spec().model_copy(update={"codebook": codebook, "provinces": ()})


def small_frame() -> pl.DataFrame:
    """Six valid respondents for :func:`small_spec`; the follow-up applies to rows 1, 3, 4."""
    return pl.DataFrame(
        {
            "respondent_id": [1, 2, 3, 4, 5, 6],
            "province": ["A", "A", "A", "B", "B", "B"],
            "district": [1, 1, 2, 1, 1, 2],
            "weight": [1.5, 2.0, 1.0, 3.0, 2.5, 1.0],
            "civic_knowledge": [1, 0, 1, -9, 0, 1],
            "village_head_elected": [1, 0, 1, 1, -8, 0],
            "more_1_candidate_select": [1, None, 0, -9, None, None],
            "impact_land_plan_families": [1, 2, 3, 3, -8, 1],
            "denunciation_price_000s_vnd": [0.0, 150.5, 2000.0, 50.0, -9.0, 100000.0],
            "drinking_water_source": [1, 7, 3, 5, -9, 6],
        }
    )
