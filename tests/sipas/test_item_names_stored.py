"""A stored run keeps the names of the items of the spec it was computed with (not the
shipped spec's): its score table has each item's English and Vietnamese name."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from tests.sipas.conftest import HAND, SPEC
from typer.testing import CliRunner

from govindex.cli import app
from govindex.pipeline import spec_names
from govindex.spec import load_spec
from govindex.storage import RunStore


def test_a_run_stores_the_item_names_of_its_own_spec(tmp_path: Path) -> None:
    # The shipped SIPAS spec with one indicator renamed, given as a path.
    text = SPEC.read_text(encoding="utf-8")
    renamed = text.replace('"Information about draft policies"', '"Drafts published in time"')
    renamed = renamed.replace(
        '"Thông tin về dự thảo chính sách"', '"Dự thảo được công bố kịp thời"'
    )
    assert renamed != text
    spec_file = tmp_path / "renamed-sipas.yaml"
    spec_file.write_text(renamed, encoding="utf-8")
    store_file = tmp_path / "store.duckdb"
    result = CliRunner().invoke(
        app,
        ["run", str(spec_file), str(HAND), "--out", str(tmp_path / "out"),
         "--store", str(store_file)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    with RunStore(store_file, read_only=True) as store:
        (manifest,) = store.list_runs()
        table = store.read_table(manifest.run_id, "score_table")
    used = table.select("level", "code", "name_en", "name_vi").unique().sort("level", "code")
    expected = spec_names(load_spec(spec_file)).sort("level", "code")
    assert used.equals(expected.filter(pl.col("code").is_in(used["code"].implode())))
    assert set(expected["code"]) == set(used["code"])
    renamed_row = used.filter(pl.col("code") == "POL.1.1").row(0, named=True)
    assert renamed_row["name_en"] == "Drafts published in time"
    assert renamed_row["name_vi"] == "Dự thảo được công bố kịp thời"
