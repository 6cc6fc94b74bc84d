"""The demo's SYNTHETIC inputs: made in a second process, they equal those made here; a
second process that dies does not lose them."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from govindex.application import demo_inputs
from govindex.application.demo_inputs import InputMaker


def exit_unless_main(value: int) -> int:
    """Kill the process it runs in, unless that is the main (test) process."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return value * 2


def failing(value: int) -> int:
    msg = f"no input from {value}"
    raise ValueError(msg)


def test_inputs_made_in_a_second_process_equal_those_made_here(tmp_path: Path) -> None:
    with InputMaker(parallel=True) as maker:
        there = maker.result(maker.submit(demo_inputs.scored_onestop, tmp_path / "there"))
        pid = maker.result(maker.submit(os.getpid))
    assert pid != os.getpid()  # it really ran elsewhere
    with InputMaker(parallel=False) as maker:
        here = maker.result(maker.submit(demo_inputs.scored_onestop, tmp_path / "here"))
    # The same run (its id comes from its inputs); only the moment it was made differs.
    assert there.manifest.run_id == here.manifest.run_id
    fields = {**there.manifest.to_dict(), "created_at": here.manifest.created_at}
    assert fields == here.manifest.to_dict()
    assert set(there.tables) == set(here.tables)
    for name, table in there.tables.items():
        # DuckDB sums in parallel: row order and the last bits of a float may differ.
        assert_frame_equal(
            table, here.tables[name], check_row_order=False, check_exact=False, rel_tol=1e-12
        )


def test_a_dead_second_process_makes_the_input_here() -> None:
    with InputMaker(parallel=True) as maker:
        assert maker.result(maker.submit(exit_unless_main, 21)) == 42


def test_an_error_of_the_work_is_raised_either_way() -> None:
    for parallel in (True, False):
        with InputMaker(parallel=parallel) as maker, pytest.raises(ValueError, match="from 7"):
            maker.result(maker.submit(failing, 7))


def test_the_papi_survey_is_the_same_made_anywhere(tmp_path: Path) -> None:
    for name in ("there", "here"):
        (tmp_path / name).mkdir()
    with InputMaker(parallel=True) as maker:
        there = maker.result(maker.submit(demo_inputs.papi_survey, tmp_path / "there", 11))
    here = demo_inputs.papi_survey(tmp_path / "here", 11)
    assert (there.respondents, there.provinces) == (here.respondents, here.provinces)
    assert pl.read_parquet(there.file).equals(pl.read_parquet(here.file))
