"""The instruments govindex publishes, in one registry.

An instrument declares what the shared layers need to know about it: its id and names, its
levels from the aggregate down, how its stored runs are recognised, and how its producer
turns a stored run into ScoreTable rows. Pages, downloads and the CLI look instruments up
here by id and never import an instrument's package; a new instrument is a new package that
calls :func:`register` once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from govindex.errors import NotFound, SpecError
from govindex.scores.papi import run_instrument
from govindex.scores.table import INSTRUMENTS, LEVELS, Instrument

__all__ = ["InstrumentEntry", "Pages", "instrument", "register", "registered"]

Pages = Literal["papi", "score_table", "scorecard", "periods"]
"""Which dashboard pages show an instrument's runs (see :class:`InstrumentEntry`)."""

RunParameters = Mapping[str, Any]
"""A stored run's recorded parameters (its manifest's ``parameters``)."""


@dataclass(frozen=True)
class InstrumentEntry:
    """One instrument's declaration.

    Parameters
    ----------
    id
        One of :data:`~govindex.scores.INSTRUMENTS` (``papi``, ``sipas``, ``par``, ``onestop``).
    name_vi, name_en
        The instrument's name in Vietnamese and English (page titles, the switch).
    levels
        Its levels from the aggregate down, a subset of :data:`~govindex.scores.LEVELS`.
    owns_run
        Whether a stored run belongs to the instrument, from the run's recorded parameters
        (a producer records ``"instrument": id``; PAPI also owns runs recorded before that).
    producer
        What the producer writes: the run's ``score_table`` (every published number as
        ScoreTable rows) and the derived tables named in ``derived_tables``.
    derived_tables
        Tables a producer computes at load time beside the score table (ranks and groups
        live in the score table itself). ``national_differences`` (each province against the
        national mean, :mod:`govindex.scores.differences`) is what the profile page reads.
    pages
        Which dashboard pages show the instrument's runs: ``score_table`` (the generic
        overview, profile, compare and explorer pages, read from the run's ``score_table``
        and ``national_differences``; any new instrument) or ``papi`` (PAPI's own pages,
        with performance groups, the 34-unit derivation and the official record's markers)
        or ``scorecard`` (shown on the province scorecard only) or ``periods`` (an index
        scored by week, month and quarter: its ranking and unit pages,
        :mod:`govindex.views.period_pages`, read the tables named in ``derived_tables``
        that the producer stored with the run; it is on the scorecard too).
    """

    id: Instrument
    name_vi: str
    name_en: str
    levels: tuple[str, ...]
    owns_run: Callable[[RunParameters], bool]
    producer: str
    derived_tables: tuple[str, ...] = ()
    pages: Pages = "score_table"

    def __post_init__(self) -> None:
        if self.id not in INSTRUMENTS:
            msg = f"instrument id {self.id!r} is not one of {list(INSTRUMENTS)}."
            raise SpecError(msg, where="id", found=self.id, expected=INSTRUMENTS)
        unknown = [level for level in self.levels if level not in LEVELS]
        if unknown:
            msg = f"instrument {self.id!r} declares levels {unknown}; expected some of {list(LEVELS)}."
            raise SpecError(msg, where="levels", found=unknown, expected=LEVELS)


_REGISTRY: dict[str, InstrumentEntry] = {}


def register(entry: InstrumentEntry) -> InstrumentEntry:
    """Add ``entry`` to the registry (registering the same id twice is refused).

    Examples
    --------
    >>> instrument("papi").name_en
    'Provincial Governance and Public Administration Performance Index (PAPI)'
    """
    if entry.id in _REGISTRY and _REGISTRY[entry.id] != entry:
        msg = f"instrument {entry.id!r} is already registered."
        raise SpecError(msg, where="id", found=entry.id)
    _REGISTRY[entry.id] = entry
    return entry


def registered() -> tuple[InstrumentEntry, ...]:
    """Every registered instrument, in registration order.

    Examples
    --------
    >>> [entry.id for entry in registered()][:1]
    ['papi']
    """
    return tuple(_REGISTRY.values())


def instrument(instrument_id: str) -> InstrumentEntry:
    """The registered instrument ``instrument_id``; :class:`NotFound` names the known ones."""
    try:
        return _REGISTRY[instrument_id]
    except KeyError:
        msg = f"no instrument `{instrument_id}`; registered: {', '.join(_REGISTRY)}."
        raise NotFound(
            msg, where="instrument", found=instrument_id, expected=list(_REGISTRY)
        ) from None


def _papi_owns(parameters: RunParameters) -> bool:
    # Runs stored before instruments were recorded are PAPI's (the only instrument then).
    return run_instrument(parameters) == "papi"


def _sipas_owns(parameters: RunParameters) -> bool:
    return run_instrument(parameters) == "sipas"


PAPI = register(
    InstrumentEntry(
        id="papi",
        name_vi="Chỉ số Hiệu quả Quản trị và Hành chính công cấp tỉnh (PAPI)",
        name_en="Provincial Governance and Public Administration Performance Index (PAPI)",
        levels=("total", "dimension", "subdimension", "indicator"),
        owns_run=_papi_owns,
        producer=(
            "govindex.pipeline.Run.score_table (microdata runs) and "
            "govindex.application.official_record (the official record): one score_table per run"
        ),
        # Stored with every run by govindex.application.unit_tables.
        derived_tables=("units_2025",),
        pages="papi",
    )
)

SIPAS = register(
    InstrumentEntry(
        id="sipas",
        name_vi="Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS)",
        name_en="Satisfaction Index of Public Administrative Services (SIPAS)",
        levels=("total", "dimension", "subdimension", "indicator"),
        owns_run=_sipas_owns,
        producer=(
            "govindex.pipeline.Run.score_table: a survey run of a SIPAS spec "
            "(specs/sipas-2024.yaml), one score_table per run"
        ),
        derived_tables=("national", "levels", "national_differences"),
        pages="score_table",
    )
)


def _par_owns(parameters: RunParameters) -> bool:
    return run_instrument(parameters) == "par"


def _onestop_owns(parameters: RunParameters) -> bool:
    return run_instrument(parameters) == "onestop"


PAR = register(
    InstrumentEntry(
        id="par",
        name_vi="Chỉ số cải cách hành chính (PAR Index)",
        name_en="Public Administration Reform Index (PAR Index)",
        levels=("total", "area", "criterion", "subcriterion"),
        owns_run=_par_owns,
        producer=(
            "govindex.assessment.pipeline.run_par (appraised self-assessment workbooks) and "
            "govindex.assessment.par_runs.save_par_run: one score_table per run"
        ),
        derived_tables=("par_points", "levels"),
    )
)

ONESTOP = register(
    InstrumentEntry(
        id="onestop",
        name_vi="Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)",
        name_en="One-stop service delivery index (Decision 766)",
        levels=("total", "group", "indicator"),
        owns_run=_onestop_owns,
        producer=(
            "govindex.application.onestop_runs.store_onestop_run (dossier records scored by "
            "an engine of govindex.onestop_engines): one score_table per run"
        ),
        # The scorer's raw counts (``onestop_counts``) are stored with the run for audit
        # but no page reads them, so they are not named here and no snapshot loads them.
        derived_tables=(
            "onestop_ranking",
            "onestop_trend",
            "onestop_kpi_tiles",
            "onestop_channels",
            "onestop_indicators",
            "onestop_agencies",
            "onestop_agency_late",
        ),
        pages="periods",
    )
)
