"""The instrument registry: PAPI is registered; a declaration is checked; lookups name the
known instruments."""

from __future__ import annotations

import pytest

from govindex.errors import NotFound, SpecError
from govindex.scores import InstrumentEntry, instrument, register, registered


def test_papi_is_registered_and_owns_its_runs() -> None:
    papi = instrument("papi")
    assert papi in registered()
    assert papi.levels == ("total", "dimension", "subdimension", "indicator")
    assert papi.owns_run({"year": 2024})  # runs stored before instruments were recorded
    assert papi.owns_run({"instrument": "papi"})
    assert not papi.owns_run({"instrument": "sipas"})
    assert "PAPI" in papi.name_vi


def test_a_declaration_is_checked() -> None:
    with pytest.raises(SpecError, match="instrument id 'pci' is not one of"):
        InstrumentEntry("pci", "x", "x", ("total",), lambda _: True, "x")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="declares levels \\['pillar'\\]"):
        InstrumentEntry("par", "x", "x", ("total", "pillar"), lambda _: True, "x")
    with pytest.raises(SpecError, match="already registered"):
        register(InstrumentEntry("papi", "x", "x", ("total",), lambda _: True, "x"))


def test_an_unknown_instrument_is_not_found() -> None:
    with pytest.raises(NotFound, match="no instrument `pci`; registered: papi"):
        instrument("pci")
