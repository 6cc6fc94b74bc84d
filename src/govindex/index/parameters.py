"""Every statistical choice of an index run, as one frozen, JSON-ready value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from govindex.errors import SpecError
from govindex.index.disclosure import DisclosureParameters
from govindex.index.ranking import RankRule
from govindex.index.uncertainty import IntervalRule
from govindex.ingest import DesignColumns
from govindex.survey import DegreesOfFreedomRule

__all__ = [
    "DEFAULT_SEED",
    "DesignColumns",
    "IndexParameters",
    "SuppressedIndicators",
    "VarianceMethod",
]

VarianceMethod = Literal["jkn", "bootstrap", "taylor"]
SuppressedIndicators = Literal["keep", "exclude"]

DEFAULT_SEED = 0
"""Seed used (and recorded) when none is given: bootstrap draws and rank simulation are
random, and a run must still be reproducible bit for bit."""

_CHOICES: dict[str, tuple[str, ...]] = {
    "variance": ("jkn", "bootstrap", "taylor"),
    "interval": ("t", "papi90"),
    "df_rule": ("design", "domain", "normal"),
    "rank_rule": ("auto", "replicates", "simulation"),
    "suppressed_indicators": ("keep", "exclude"),
}


@dataclass(frozen=True)
class IndexParameters:
    """The parameters of :class:`~govindex.index.build.IndexBuilder`, validated.

    Parameters
    ----------
    variance
        ``jkn`` (stratified jackknife), ``bootstrap`` (Rao–Wu, ``replicates`` draws) or
        ``taylor`` (linearisation; aggregates by the delta method).
    replicates
        Bootstrap replicates (default 50, as R); must be None for the others.
    seed
        Seed of the bootstrap and of the rank simulation (``DEFAULT_SEED`` when None).
    level
        Confidence level of ``t`` intervals and of rank intervals.
    interval
        ``t`` (estimate ± t(df)·SE at ``level``) or ``papi90`` (PAPI's ± 1.645·SE, a 90%
        interval; labelled so).
    df_rule
        Degrees of freedom: ``domain`` (default: the province's own PSUs − 1), ``design``
        (the whole design's) or ``normal``. With PAPI's 3 sampled districts in most
        provinces a provincial variance rests on 2 df; the coverage study found 95%
        intervals covering the truth 79% of the time with ``design`` df and 94% with
        ``domain`` df, hence the default.
    rank_rule, rank_draws
        How rank intervals are formed (:mod:`govindex.index.ranking`) and the number of
        simulated draws.
    suppressed_indicators
        Whether an indicator suppressed for too few respondents still enters its
        sub-dimension (``keep``, the default: suppression governs what is *published*) or
        is treated as missing there (``exclude``).
    weighted_totals
        Codes of the spec's weighted totals to compute besides the unweighted total.
    design
        The design columns.
    disclosure
        Disclosure control: secondary suppression and the audit's tolerances
        (:class:`~govindex.index.disclosure.DisclosureParameters`).

    Examples
    --------
    >>> IndexParameters(variance="taylor").to_dict()["variance"]
    'taylor'
    >>> IndexParameters(variance="brr")
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: `variance` must be one of 'jkn', 'bootstrap', 'taylor'; got 'brr'.
    """

    variance: VarianceMethod = "jkn"
    replicates: int | None = None
    seed: int | None = None
    level: float = 0.95
    interval: IntervalRule = "t"
    df_rule: DegreesOfFreedomRule = "domain"
    rank_rule: RankRule = "auto"
    rank_draws: int = 1000
    suppressed_indicators: SuppressedIndicators = "keep"
    weighted_totals: tuple[str, ...] = ()
    design: DesignColumns = field(default_factory=DesignColumns)
    disclosure: DisclosureParameters = field(default_factory=DisclosureParameters)

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            value = getattr(self, name)
            if value not in choices:
                listed = ", ".join(repr(choice) for choice in choices)
                msg = f"`{name}` must be one of {listed}; got {value!r}."
                raise SpecError(msg, where=name, found=value, expected=choices)
        if not 0.0 < self.level < 1.0:
            msg = f"`level` must be between 0 and 1 (e.g. 0.95); got {self.level}."
            raise SpecError(msg, where="level", found=self.level)
        if self.replicates is not None and (self.variance != "bootstrap" or self.replicates < 2):
            msg = "`replicates` applies to the bootstrap only, and must be at least 2."
            raise SpecError(msg, where="replicates", found=self.replicates)
        if self.rank_draws < 10:
            msg = f"`rank_draws` must be at least 10; got {self.rank_draws}."
            raise SpecError(msg, where="rank_draws", found=self.rank_draws)
        if self.rank_rule == "replicates" and self.variance == "taylor":
            msg = "rank intervals from replicates need a replicate design, not 'taylor'."
            raise SpecError(msg, where="rank_rule", found=self.rank_rule, expected="simulation")

    @property
    def resolved_seed(self) -> int:
        """The seed actually used."""
        return DEFAULT_SEED if self.seed is None else self.seed

    @property
    def interval_level(self) -> float:
        """The level the published intervals carry (0.90 for ``papi90``)."""
        return 0.90 if self.interval == "papi90" else self.level

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values, with the resolved seed (for manifests)."""
        values = asdict(self)
        values["seed"] = self.resolved_seed
        values["weighted_totals"] = list(self.weighted_totals)
        values["interval_level"] = self.interval_level
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> IndexParameters:
        """Rebuild from :meth:`to_dict` output (ignores derived keys)."""
        known = {key: values[key] for key in values if key in cls.__dataclass_fields__}
        known["design"] = DesignColumns(**dict(known.get("design") or {}))
        known["weighted_totals"] = tuple(known.get("weighted_totals") or ())
        known["disclosure"] = DisclosureParameters(**dict(known.get("disclosure") or {}))
        return cls(**known)
