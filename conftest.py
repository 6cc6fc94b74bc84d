"""The docstring examples of ``src/govindex`` run as tests (``--doctest-modules``).

Only the package's own modules are read for examples: the helper modules and scripts of
``tests/`` and ``benchmarks/`` are not, and neither are Alembic's migration scripts (they
run only inside Alembic). Each example sees ``pl`` (polars) and runs from the repository
folder, so an example may name a shipped file such as ``specs/papi-2024.yaml``.

Examples also see a few fixtures, so that an example about a store, a page or a file runs
as it is written:

- ``spec``: the bundled PAPI 2024 spec;
- ``tmp_path``: an empty folder of the example's own;
- ``store_path``: a run store holding the official PAPI record of 2023 and 2024 and a
  SYNTHETIC PAR Index 2024 run and a SYNTHETIC one-stop 766 run of January 2025 (built
  once per session, from the CSVs bundled with the package, and only when an example names
  it or one of the names below); ``store``: that store, opened read-only;
  ``dashboard``: its dashboard; ``snapshot``: the dashboard's snapshot. Examples must not
  change the store: an example that stores a run makes its own in ``tmp_path``;
  ``onestop_records``: the SYNTHETIC one-stop record store that run was scored from (a
  month of about a hundred dossiers, by the package's synthetic writer); examples only read
  it (an example that changes records copies it into ``tmp_path`` first);
- ``survey``: a small SYNTHETIC PAPI 2024 survey of three provinces (``microdata``: its
  respondents) and ``result``: the index computed from it (Taylor variance), both made once
  per session when an example names them;
- ``workbook``: the official PAPI workbook of tests/data/papi, read once per session when an
  example names it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from _pytest.doctest import DoctestItem, DoctestModule

from govindex.storage import RunStore

ROOT = Path(__file__).resolve().parent
PACKAGE = ROOT / "src" / "govindex"


def _has_examples(path: Path) -> bool:
    """Whether ``path`` is a module of the package whose examples run as tests."""
    return path.is_relative_to(PACKAGE) and "migrations" not in path.relative_to(PACKAGE).parts


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Iterator[Any]:
    collected = yield
    if _has_examples(file_path):
        return collected
    return [item for item in collected if not isinstance(item, DoctestModule)]


# The names an example gets from the example store; the store is built only for them.
_STORE_NAMES = ("store_path", "store", "dashboard", "snapshot", "onestop_records")
WORKBOOK = "tests/data/papi/PAPI-2015-2023-eng.xlsm"
_SURVEY_NAMES = ("survey", "microdata", "result")
_SURVEY_PROVINCES = ("Ha Noi", "Lao Cai", "Ca Mau")
# The official record's years in the example store: two, so that a profile has a year to
# compare with, and few, so that the store is built in seconds.
_STORE_YEARS = (2023, 2024)
# The example store's one-stop record store, a folder beside the store file.
ONESTOP_RECORDS = "onestop-records"


@pytest.fixture(autouse=True)
def _examples_run_from_the_repository(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    doctest_namespace: dict[str, Any],
) -> Iterator[None]:
    if not isinstance(request.node, DoctestItem):
        yield
        return
    monkeypatch.chdir(ROOT)
    test = request.node.dtest
    source = "" if test is None else "".join(example.source for example in test.examples)
    # Only the examples that name a fixture pay for it (a folder per example adds up).
    if "tmp_path" in source:
        doctest_namespace["tmp_path"] = request.getfixturevalue("tmp_path")
    if "workbook." in source:
        doctest_namespace["workbook"] = request.getfixturevalue("_example_workbook")
    if any(name in source for name in _SURVEY_NAMES):
        doctest_namespace.update(request.getfixturevalue("_example_survey"))
    named = set(re.findall(r"\b\w+\b", source))
    if named & set(_STORE_NAMES):
        path, dashboard = request.getfixturevalue("_example_store")
        doctest_namespace.update(
            store_path=path,
            dashboard=dashboard,
            snapshot=dashboard.snapshot,
            onestop_records=path.parent / ONESTOP_RECORDS,
        )
        if "store" in named:
            with RunStore(path, read_only=True) as store:
                doctest_namespace["store"] = store
                yield
            return
    yield


@pytest.fixture(scope="session")
def _example_workbook() -> Any:
    """The official PAPI workbook 2015–2023 (tests/data/papi), read once."""
    from govindex.official import bundled_data_dir, load_province_lookup, read_official_workbook

    provinces = load_province_lookup(bundled_data_dir())
    return read_official_workbook(ROOT / WORKBOOK, provinces=provinces)


@pytest.fixture(scope="session")
def _example_survey() -> dict[str, Any]:
    """A small SYNTHETIC PAPI 2024 survey of three provinces and its index (Taylor variance)."""
    from govindex.index import IndexBuilder
    from govindex.official import bundled_data_dir
    from govindex.spec import load_spec
    from govindex.spec.bundled import default_spec_path
    from govindex.synthetic import load_size_classes, province_table, synthesise_papi
    from govindex.synthetic.sample import DesignSizes

    spec = load_spec(default_spec_path(2024))
    targets = pl.read_csv(
        bundled_data_dir() / "published_scores.csv",
        columns=["year", "province", "dimension", "score"],
    )
    chosen = list(_SURVEY_PROVINCES)
    provinces = province_table(chosen, load_size_classes().filter(pl.col("province").is_in(chosen)))
    sizes = DesignSizes(
        districts={"large": 2, "medium": 2, "small": 2},
        communes_per_district=2,
        villages_per_commune=1,
        interviews={"large": 10, "medium": 10, "small": 10},
    )
    survey = synthesise_papi(
        spec, seed=1, year=2024, targets=targets, provinces=provinces, sizes=sizes
    )
    result = IndexBuilder(spec, variance="taylor").run(survey.microdata)
    return {"survey": survey, "microdata": survey.microdata, "result": result}


@pytest.fixture(scope="session")
def _example_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The examples' run store (the official record of ``_STORE_YEARS``) and its dashboard."""
    from govindex.application.instrument_runs import (
        OnestopDemoSize,
        store_onestop_run,
        store_synthetic_par,
        write_synthetic_onestop,
    )
    from govindex.application.official_record import store_published_record
    from govindex.official import bundled_data_dir, load_published_record
    from govindex.views import Dashboard

    folder = tmp_path_factory.mktemp("examples")
    path = folder / "store.duckdb"
    record = load_published_record(bundled_data_dir()).filter(pl.col("year").is_in(_STORE_YEARS))
    with RunStore(path) as store:
        store_published_record(store, record)
    store_synthetic_par(path, year=2024, seed=2024)
    # One month of a small SYNTHETIC one-stop record store: enough for every period page.
    size = OnestopDemoSize(months=1, dossiers_per_year=1_200)
    records = write_synthetic_onestop(folder / ONESTOP_RECORDS, size)
    store_onestop_run(records, path, [f"{size.year}-01"])
    return path, Dashboard.open(path)


@pytest.fixture(autouse=True, scope="session")
def _spec_cache_of_the_test_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Specs parsed by the tests (and the commands they start) are cached in a folder of the
    # test run, never in the user's own cache.
    from govindex.application.spec_cache import CACHE_VARIABLE

    before = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(tmp_path_factory.mktemp("spec-cache"))
    yield
    if before is None:
        os.environ.pop(CACHE_VARIABLE, None)
    else:
        os.environ[CACHE_VARIABLE] = before


@pytest.fixture(autouse=True, scope="session")
def _example_names(doctest_namespace: dict[str, Any]) -> None:
    from govindex.spec import load_spec
    from govindex.spec.bundled import default_spec_path

    doctest_namespace["pl"] = pl
    doctest_namespace["spec"] = load_spec(default_spec_path(2024))
