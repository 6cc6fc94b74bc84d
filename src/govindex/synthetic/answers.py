"""Draw every codebook item's answer for every synthetic respondent.

Answers follow the latent model of :mod:`govindex.synthetic.model`. Then, gate before
follow-up, the skip logic blanks the answers of respondents an item does not apply to
(``null``: not asked), and a small share of the remaining answers become one of the item's
declared missing codes (don't know / refused). Items without missing codes never get one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl
from scipy.special import expit

from govindex.errors import SpecError
from govindex.spec import IndexSpec
from govindex.synthetic.conditions import applies, dependency_order
from govindex.synthetic.model import ItemModel, LatentScales

__all__ = ["MISSING_SHARE", "draw_answers"]

MISSING_SHARE = 0.02
"""Share of asked questions answered with a missing code (don't know, refused)."""

# Context items (no indicator) vary a little between provinces.
_CONTEXT_PROVINCE_SD = 0.3


def draw_answers(
    spec: IndexSpec,
    respondents: pl.DataFrame,
    models: Mapping[str, ItemModel],
    theta: np.ndarray,
    scales: LatentScales,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """One column per codebook item (in codebook order), one row per respondent.

    Parameters
    ----------
    spec
        The index spec whose codebook is answered.
    respondents
        Rows with ``province_code`` (1-based, the row of ``theta``), ``district``,
        ``commune`` and ``village``.
    models
        Item models from :func:`govindex.synthetic.model.build_item_models`.
    theta
        Province × dimension effects (spec dimension order).
    scales
        Random-effect standard deviations.
    rng
        The random generator (consumed).

    Returns
    -------
    polars.DataFrame
        Integer columns for coded items, float columns for numeric items; ``null`` where
        the item does not apply.
    """
    for item in spec.codebook.items:
        if any(isinstance(value, str) for value in (*(item.values or ()), *item.missing_codes)):
            msg = f"item `{item.id}` has text codes; the synthetic generator writes numeric codes only."
            raise SpecError(msg, where=item.id, found=item.values, expected="numeric codes")
    size = respondents.height
    province = respondents["province_code"].to_numpy() - 1
    district = _unit_index(respondents, ["province_code", "district"])
    village = _unit_index(respondents, ["province_code", "district", "commune", "village"])
    column = {dimension.code: index for index, dimension in enumerate(spec.dimensions)}

    def effects(width: int) -> np.ndarray:
        """District + village + respondent effects, ``width`` independent columns."""
        return np.asarray(
            rng.normal(0.0, scales.district, (int(district.max()) + 1, width))[district]
            + rng.normal(0.0, scales.village, (int(village.max()) + 1, width))[village]
            + rng.normal(0.0, scales.respondent, (size, width)),
            dtype=np.float64,
        )

    shared = effects(len(spec.dimensions))
    raw: dict[str, np.ndarray] = {}
    for item in spec.codebook.items:
        model = models[item.id]
        if model.dimension is None:
            shift = np.asarray(rng.normal(0.0, _CONTEXT_PROVINCE_SD, theta.shape[0]))[province]
            latent = shift + effects(1)[:, 0]
        else:
            effect = theta[province, column[model.dimension]]
            own = effects(1)[:, 0]
            if not model.independent:
                common = shared[:, column[model.dimension]]
                own = np.sqrt(scales.shared) * common + np.sqrt(1.0 - scales.shared) * own
            latent = effect + own
        raw[item.id] = model.draw(expit(model.baseline + latent), rng)
    return _apply_skips_and_missing(spec, raw, rng, size)


def _apply_skips_and_missing(
    spec: IndexSpec, raw: dict[str, np.ndarray], rng: np.random.Generator, size: int
) -> pl.DataFrame:
    items = spec.codebook.by_id()
    missing = {
        item.id: tuple(float(code) for code in item.missing_codes) for item in items.values()
    }
    final: dict[str, np.ndarray] = {}
    for item_id in dependency_order(spec):
        item = items[item_id]
        values = raw[item_id].astype(np.float64)
        asked = applies(item.applies_to, final, missing, size)
        if item.missing_codes:
            missed = asked & (rng.uniform(size=size) < MISSING_SHARE)
            codes = np.asarray(missing[item_id])
            values = np.where(missed, codes[rng.integers(0, codes.size, size)], values)
        final[item_id] = np.where(asked, values, np.nan)
    columns: list[pl.Series] = []
    for item in spec.codebook.items:
        series = pl.Series(item.id, final[item.id], dtype=pl.Float64, nan_to_null=True)
        declared = [*(item.values or ()), *item.missing_codes]
        if item.type != "numeric" and all(float(code).is_integer() for code in declared):
            series = series.cast(pl.Int64)
        columns.append(series)
    return pl.DataFrame(columns)


def _unit_index(frame: pl.DataFrame, keys: list[str]) -> np.ndarray:
    """Dense 0-based index of the unit each row belongs to (in order of appearance)."""
    return np.asarray(
        frame.select(pl.struct(keys).rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
    )
