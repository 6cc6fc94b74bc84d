"""What the engine scores from: a province's self-assessment, appraisal decisions, and
survey values read through a small interface.

Each input carries where it came from, so every point the engine produces can be traced back
to the self-score, the appraisal decision or the survey value behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Literal, Protocol

__all__ = [
    "AppraisalDecision",
    "Assessment",
    "Evidence",
    "Instrument",
    "SelfAssessmentEntry",
    "SurveyValue",
    "SurveyValueSource",
    "SurveyValueTable",
]

Instrument = Literal["papi", "sipas", "par_survey", "onestop"]


@dataclass(frozen=True)
class Evidence:
    """The document that backs a self-score: its number, date and a link."""

    document_number: str | None = None
    document_date: date | None = None
    link: str | None = None

    @property
    def present(self) -> bool:
        """Whether any evidence was given (a document number or a link)."""
        return bool(self.document_number or self.link)


@dataclass(frozen=True)
class SelfAssessmentEntry:
    """One leaf of a province's self-assessment.

    ``value`` is the declared figure a rule scores (a rate, a count, 1/0 for yes/no);
    ``self_score`` is points entered by the province (required for judgement leaves).
    ``source`` locates the entry, e.g. ``"ha-noi.xlsx: sheet 'assessment', row 7"``.
    """

    code: str
    value: float | None = None
    self_score: float | None = None
    evidence: Evidence = field(default_factory=Evidence)
    comment: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Assessment:
    """A province's self-assessment for one year, keyed by leaf code.

    Examples
    --------
    >>> assessment = Assessment.of("Ha Noi", 2024, [SelfAssessmentEntry("1.1", self_score=2)])
    >>> assessment.entries["1.1"].self_score
    2
    """

    province: str
    year: int
    entries: Mapping[str, SelfAssessmentEntry]
    synthetic: bool = False

    @classmethod
    def of(
        cls,
        province: str,
        year: int,
        entries: Iterable[SelfAssessmentEntry],
        *,
        synthetic: bool = False,
    ) -> Assessment:
        """Build an assessment from entries (a later entry for the same code replaces one)."""
        by_code = {entry.code: entry for entry in entries}
        return cls(province, year, MappingProxyType(by_code), synthetic)


@dataclass(frozen=True)
class AppraisalDecision:
    """The appraisal council's decision on one leaf: a new score, who, when and why.

    ``sequence`` is the decision's position in the append-only log; ``digest`` its hash
    in the log's chain (empty for a decision not yet logged).
    """

    province: str
    year: int
    code: str
    new_score: float
    appraiser: str
    decided_at: datetime
    reason: str
    sequence: int = 0
    digest: str = ""


@dataclass(frozen=True)
class SurveyValue:
    """A published survey value for (instrument, province, year, code), with its source.

    ``source`` is a run id (``run:3f2a…``), a file and row, or a URL.
    """

    instrument: Instrument
    province: str
    year: int
    code: str
    value: float
    source: str
    se: float | None = None
    synthetic: bool = False


class SurveyValueSource(Protocol):
    """Anything that can give the value of (instrument, province, year, code), or ``None``."""

    def get(self, instrument: str, province: str, year: int, code: str) -> SurveyValue | None:
        """The value, or ``None`` if there is none."""
        ...


@dataclass(frozen=True)
class SurveyValueTable:
    """Survey values held in memory: the simplest :class:`SurveyValueSource`.

    Examples
    --------
    >>> table = SurveyValueTable.of([SurveyValue("sipas", "Ha Noi", 2024, "overall", 86.5,
    ...                                          "https://example.org/report")])
    >>> table.get("sipas", "Ha Noi", 2024, "overall").value
    86.5
    >>> table.get("sipas", "Ha Noi", 2023, "overall") is None
    True
    """

    values: Mapping[tuple[str, str, int, str], SurveyValue]

    @classmethod
    def of(cls, values: Iterable[SurveyValue]) -> SurveyValueTable:
        """Index ``values`` by (instrument, province, year, code)."""
        return cls(
            MappingProxyType(
                {
                    (value.instrument, value.province, value.year, value.code): value
                    for value in values
                }
            )
        )

    def get(self, instrument: str, province: str, year: int, code: str) -> SurveyValue | None:
        """The value for the key, or ``None``."""
        return self.values.get((instrument, province, year, code))
