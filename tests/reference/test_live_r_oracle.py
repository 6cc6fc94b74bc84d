"""Re-run the R reference scripts and check that the stored oracle is exactly what R gives.

The stored CSVs in ``survey/`` are what every other reference test compares with; this test
keeps them honest by regenerating them with R survey (Debian's ``r-cran-survey``, installed
by ``scripts/test``) and comparing byte for byte.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import require_program

pytestmark = [pytest.mark.reference, pytest.mark.live_r]

FOLDER = Path(__file__).parent / "survey"
GENERATED = (
    "reference_values.csv",
    "degrees_of_freedom.csv",
    "calibrated_weights.csv",
    "refusals.txt",
)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_program("Rscript", "r-cran-survey and r-cran-mass")
    work = tmp_path_factory.mktemp("oracle") / "survey"
    shutil.copytree(FOLDER, work)
    for script in ("export_data.R", "reference_values.R"):
        subprocess.run(
            ["Rscript", str(work / script)], check=True, capture_output=True, timeout=300
        )
    return work


@pytest.mark.parametrize("name", GENERATED)
def test_stored_reference_file_is_what_r_produces(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_bytes() == (FOLDER / name).read_bytes()


OWN_SCRIPTS = ("replication_reference.R", "subbootstrap_reference.R")


@pytest.fixture(scope="module")
def regenerated_replication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_program("Rscript", "r-cran-survey and r-cran-mass")
    root = tmp_path_factory.mktemp("replication")
    shutil.copytree(FOLDER, root / "survey")
    shutil.copytree(FOLDER.parent / "replication", root / "replication")
    for script in OWN_SCRIPTS:
        subprocess.run(
            ["Rscript", str(root / "replication" / script)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return root / "replication"


def test_replication_reference_files_are_what_r_produces(regenerated_replication: Path) -> None:
    stored = FOLDER.parent / "replication"
    names = sorted(path.name for path in stored.glob("*.csv"))
    assert len(names) >= 8
    for name in names:
        assert (regenerated_replication / name).read_bytes() == (stored / name).read_bytes(), name


def test_stored_data_and_replicates_are_what_r_produces(regenerated: Path) -> None:
    stored = sorted(path.relative_to(FOLDER) for path in FOLDER.rglob("*.csv"))
    assert stored
    for relative in stored:
        assert (regenerated / relative).read_bytes() == (FOLDER / relative).read_bytes(), relative


METHODS = FOLDER.parent / "methods"


@pytest.fixture(scope="module")
def regenerated_methods(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_program("Rscript", "r-cran-survey and r-cran-mass")
    root = tmp_path_factory.mktemp("methods")
    shutil.copytree(FOLDER / "data", root / "survey" / "data")
    shutil.copytree(METHODS, root / "methods", ignore=shutil.ignore_patterns("*.csv"))
    for script in sorted((root / "methods").glob("*.R")):
        subprocess.run(["Rscript", str(script)], check=True, capture_output=True, timeout=300)
    return root / "methods"


def test_methods_reference_files_are_what_r_produces(regenerated_methods: Path) -> None:
    names = sorted(path.name for path in METHODS.glob("*.csv"))
    assert len(names) >= 2
    for name in names:
        assert (regenerated_methods / name).read_bytes() == (METHODS / name).read_bytes(), name
