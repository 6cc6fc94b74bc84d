"""Survey values from CSV: every bad cell located by row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from govindex.assessment import read_survey_values
from govindex.errors import DataValidationError


def test_values_and_their_sources(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text(
        "instrument,province,year,code,value,source,se,synthetic\n"
        "sipas,Ha Noi,2024,overall,86.5,https://example.org/sipas,0.8,\n"
        "onestop,Ha Noi,2024,total,71.25,run:3f2a,,true\n",
        encoding="utf-8",
    )
    table = read_survey_values(path)
    sipas = table.get("sipas", "Ha Noi", 2024, "overall")
    assert sipas is not None
    assert (sipas.value, sipas.se, sipas.source, sipas.synthetic) == (
        86.5,
        0.8,
        "https://example.org/sipas",
        False,
    )
    onestop = table.get("onestop", "Ha Noi", 2024, "total")
    assert onestop is not None
    assert onestop.synthetic


def test_bad_cells(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text(
        "instrument,province,year,code,value,source\n"
        "sipaz,Ha Noi,2024,overall,86.5,x\n"
        "sipas,Ha Noi,2024.5,overall,high,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as caught:
        read_survey_values(path)
    assert [issue.describe() for issue in caught.value.issues] == [
        "values.csv, row 2, column `instrument`: unknown instrument 'sipaz'; expected one of ['papi', 'sipas', 'par_survey', 'onestop']",
        "values.csv, row 3, column `year`: year '2024.5' is not a whole number",
        "values.csv, row 3, column `value`: value 'high' is not a number",
        "values.csv, row 3, column `source`: `source` is empty",
    ]
