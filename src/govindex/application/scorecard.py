"""The scorecard of a province: PAPI, SIPAS, the PAR Index and the one-stop 766 index side by
side, per year, each value with its rank, group, change and source; and how the instruments
agree across provinces.

The tables are stored: every producer rewrites them when it stores a run. This function
reads them (:class:`govindex.views.scorecard.Scorecard`) and selects one province, as the
dashboard page does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govindex.views import View

__all__ = ["province_scorecard"]


def province_scorecard(province: str, year: int | None = None, store: Path | None = None) -> View:
    """The scorecard view of ``province`` (any spelling) in ``store``, every year or one.

    Its tables: ``scorecard`` (one row per instrument, year and source of a value) and
    ``agreement`` (Spearman's rank correlation of each pair of instruments, with its
    interval and how it was made).

    Examples
    --------
    >>> view = province_scorecard("Quảng Ninh", 2024, store_path)
    >>> official = view.table("scorecard").filter(instrument="papi", source_kind="official")
    >>> round(official["estimate"][0], 2)
    47.82
    """
    from govindex.storage import RunStore
    from govindex.views.scorecard import Scorecard

    with RunStore(store, read_only=True) as run_store:
        scorecard = Scorecard.load(run_store)
    return scorecard.view(province, year)
