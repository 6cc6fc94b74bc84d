"""Stream a SYNTHETIC nation to the record store, one province-month at a time.

Memory stays bounded by one province-month of records per worker whatever the national
size; every file's metadata says SYNTHETIC with the seed that made it. Provinces can be
written by several processes (``workers``): each province-month draws from its own seed, so
the files hold the same records whatever the number of workers.

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

import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from govindex.onestop.synthetic import SyntheticNation, SyntheticSettings
from govindex.onestop_engines.store import RecordStore

__all__ = ["RecordStore", "write_synthetic"]


def write_synthetic(
    nation: SyntheticNation,
    year: int,
    store: RecordStore,
    *,
    on_chunk: Callable[[int], None] | None = None,
    workers: int = 1,
) -> dict[str, int]:
    """Write the catalogue, the agency tree, the year's procedure publications and every
    province-month; return row counts.

    ``on_chunk`` is called with the number of dossiers written (progress): after each
    province-month with one worker, after each province with several. ``workers`` processes
    write whole provinces side by side (same records as one worker); they are spawned, so a
    script calling this with ``workers > 1`` needs the ``if __name__ == "__main__":`` guard.
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
    codes = nation.province_codes()
    counts: dict[str, int] = {}
    if workers <= 1:
        _write_provinces(nation, year, store, codes, tag, counts, on_chunk)
    else:
        # Spawned, not forked: a fork of a process whose polars threads are running can hang.
        context = multiprocessing.get_context("spawn")
        jobs = [(settings, year, str(store.root), code, tag) for code in codes]
        with context.Pool(min(workers, len(codes))) as pool:
            for province_counts in pool.imap_unordered(_write_province_job, jobs):
                for table, count in province_counts.items():
                    counts[table] = counts.get(table, 0) + count
                if on_chunk is not None:
                    on_chunk(province_counts.get("dossiers", 0))
    store.write_catalogue()
    # Same order of tables whatever the order the workers finished in.
    order = ("dossiers", "queue_tickets", "ratings", "petitions")
    return {table: counts[table] for table in sorted(counts, key=order.index)}


def _write_provinces(
    nation: SyntheticNation,
    year: int,
    store: RecordStore,
    codes: Sequence[str],
    tag: Mapping[str, str],
    counts: dict[str, int],
    on_chunk: Callable[[int], None] | None,
) -> None:
    for chunk in nation.chunks(year, codes):
        store.write(
            chunk.table,
            chunk.rows,
            province_code=chunk.province_code,
            month=chunk.month,
            metadata=tag,
        )
        counts[chunk.table] = counts.get(chunk.table, 0) + chunk.height
        if on_chunk is not None and chunk.table == "dossiers":
            on_chunk(chunk.height)


def _write_province_job(
    job: tuple[SyntheticSettings, int, str, str, Mapping[str, str]],
) -> dict[str, int]:
    """One province's year, in a worker process."""
    settings, year, root, code, tag = job
    counts: dict[str, int] = {}
    _write_provinces(
        SyntheticNation(settings), year, RecordStore(Path(root)), [code], tag, counts, None
    )
    return counts
