"""Stream a SYNTHETIC nation to the record store, one province-month at a time.

Memory stays bounded by one province-month of records whatever the national size; every
file's metadata says SYNTHETIC with the seed that made it.

Examples
--------
>>> import tempfile
>>> from govindex.onestop.synthetic import SyntheticNation, SyntheticSettings
>>> store = RecordStore(tempfile.mkdtemp())
>>> nation = SyntheticNation(SyntheticSettings(dossiers_per_year=3400, provinces=2))
>>> write_synthetic(nation, 2025, store)["dossiers"] > 0
True
>>> store.metadata("dossiers")["govindex.synthetic"].startswith("SYNTHETIC")
True
"""

from __future__ import annotations

from collections.abc import Callable

from govindex.onestop.synthetic import SyntheticNation
from govindex.onestop_engines.store import RecordStore

__all__ = ["RecordStore", "write_synthetic"]


def write_synthetic(
    nation: SyntheticNation,
    year: int,
    store: RecordStore,
    *,
    on_chunk: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write the catalogue, the agency tree, the year's procedure publications and every
    province-month; return row counts.

    ``on_chunk`` is called with the number of dossiers of each chunk written (progress).
    """
    settings = nation.settings
    tag = {
        "govindex.synthetic": (
            f"SYNTHETIC one-stop records (govindex onestop synth, seed={settings.seed}, "
            f"year={year}, dossiers_per_year={settings.dossiers_per_year}); not real data"
        )
    }
    store.write("procedures", nation.procedures(), metadata=tag)
    store.write("agencies", nation.agencies(), metadata=tag)
    store.write("publications", nation.publications(year), metadata=tag, part=str(year))
    counts: dict[str, int] = {}
    for chunk in nation.chunks(year):
        store.write(
            chunk.table,
            chunk.frame,
            province_code=chunk.province_code,
            month=chunk.month,
            metadata=tag,
        )
        counts[chunk.table] = counts.get(chunk.table, 0) + chunk.frame.height
        if on_chunk is not None and chunk.table == "dossiers":
            on_chunk(chunk.frame.height)
    store.write_catalogue()
    return counts
