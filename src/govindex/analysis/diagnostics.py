"""One province's PAPI diagnosis: scores, ranks, groups, changes and a priority list.

The priority rule is the one Ha Noi applies to its departments (papi-methodology §10): every
item that declined since the previous year (or the baseline) or sits in the lowest group
(group 4) needs an analysis and a quantified fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from govindex.analysis.comparability import ComparabilityBreak
from govindex.analysis.groups import GROUP_LABELS, GroupRule, rank_and_group
from govindex.analysis.scores import score_table
from govindex.analysis.trends import compare_years, term_baseline
from govindex.errors import NotFound
from govindex.official.provinces import province_key

__all__ = [
    "Diagnosis",
    "YearDiagnoses",
    "default_baseline",
    "diagnose",
    "diagnose_provinces",
    "diagnose_year",
]

_LEVEL_ORDER = {"total": 0, "dimension": 1, "subdimension": 2, "indicator": 3}
_CHANGE_COLUMNS = ("baseline_estimate", "change", "z", "p_value", "status", "reason")
_COMPARABLE = ("significant", "not_significant", "no_se")


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """The diagnosis of ``province`` in ``year``.

    ``items`` has one row per item (total, dimensions, sub-dimensions, indicators):
    ``estimate``, ``se``, ``rank`` of ``ranked`` provinces, ``group`` and
    ``group_label``, ``national_mean`` (simple mean of provincial scores, as PAPI quotes it),
    ``gap_to_mean``, ``best_estimate``, ``best_provinces``, ``gap_to_best``, and for the
    previous year and the baseline ``<prefix>_estimate``, ``<prefix>_change``, ``<prefix>_z``,
    ``<prefix>_p_value``, ``<prefix>_status`` and ``<prefix>_reason`` (prefixes
    ``previous`` and ``baseline``). ``priorities`` lists the items needing action, most
    urgent first, with ``tier`` and ``reasons``. ``unavailable`` lists the compared years in
    which the province has no published score (``(year, "previous" | "baseline")``): no
    decline can be judged against them, which :meth:`note` says.
    """

    province: str
    year: int
    previous_year: int
    baseline_year: int | None
    items: pl.DataFrame
    priorities: pl.DataFrame
    parameters: Mapping[str, Any] = field(default_factory=dict)
    unavailable: tuple[tuple[int, str], ...] = ()

    @property
    def comparable(self) -> bool:
        """Whether at least one compared year has the province's scores."""
        compared = 1 + (self.baseline_year is not None)
        return len(self.unavailable) < compared

    def note(self) -> str:
        """How the diagnosis compared, in one sentence (the same words in every output).

        Examples
        --------
        >>> empty = pl.DataFrame()
        >>> Diagnosis("Quang Ninh", 2024, 2023, 2021, empty, empty,
        ...           {"confidence": 0.9}, ((2023, "previous"), (2021, "baseline"))).note()
        'no comparison possible: Quang Ninh has no published scores in 2023 (previous year) or 2021 (term baseline); priorities are the items in group 4 only.'
        """
        roles = {"previous": "previous year", "baseline": "term baseline"}
        missing = [f"{year} ({roles[role]})" for year, role in self.unavailable]
        if not self.comparable:
            return (
                f"no comparison possible: {self.province} has no published scores in "
                + " or ".join(missing)
                + "; priorities are the items in group 4 only."
            )
        confidence = float(self.parameters.get("confidence", 0.90))
        shown = [
            text
            for text, year, role in (
                (f"{self.previous_year}", self.previous_year, "previous"),
                (f"the term baseline {self.baseline_year}", self.baseline_year, "baseline"),
            )
            if year is not None and (year, role) not in self.unavailable
        ]
        lacking = (
            f"; {self.province} has no published scores in " + " or ".join(missing)
            if missing
            else ""
        )
        return (
            "compared with "
            + " and ".join(shown)
            + lacking
            + f"; changes tested two-sided at {confidence:.0%} where both SEs are published. "
            "Priority rule: declined since the previous year or baseline, or in group 4."
        )


def default_baseline(year: int, years: Sequence[int] | set[int]) -> int | None:
    """The baseline every output compares with by default: the start of the government term
    ``year`` belongs to, when the record has it and it is not ``year`` itself.

    Examples
    --------
    >>> default_baseline(2024, {2021, 2023, 2024}), default_baseline(2021, {2021}), default_baseline(2024, {2023})
    (2021, None, None)
    """
    baseline = term_baseline(year)
    return baseline if baseline is not None and baseline in years and baseline != year else None


def _resolve_province(scores: pl.DataFrame, province: str) -> str:
    known = scores["province"].unique().to_list()
    by_key = {province_key(name): name for name in known}
    found = by_key.get(province_key(province))
    if found is None:
        msg = f"`{province}` is not a province of the record."
        raise NotFound(
            msg, found=province, expected="a province name (old, with or without diacritics)"
        )
    return str(found)


def _national(scores: pl.DataFrame, rule: GroupRule, directions: Mapping[str, int]) -> pl.DataFrame:
    direction = (
        pl.when(pl.col("level") == "indicator")
        .then(pl.col("code").replace_strict(dict(directions), default=None, return_dtype=pl.Int8))
        .otherwise(pl.lit(1, pl.Int8))
        .alias("direction")
    )
    ranked = rank_and_group(
        scores.with_columns(direction), by=("level", "code"), direction="direction", rule=rule
    )
    oriented = pl.col("estimate") * pl.col("direction")
    best = oriented.max().over("level", "code")
    return ranked.with_columns(
        pl.col("estimate").mean().over("level", "code").alias("national_mean"),
        pl.when(pl.col("direction").is_not_null())
        .then(best * pl.col("direction"))
        .alias("best_estimate"),
    ).with_columns(
        pl.col("province")
        .filter(oriented == best)
        .sort()
        .implode()
        .over("level", "code")
        .alias("best_provinces"),
    )


def _changes(
    record: pl.DataFrame,
    year: int,
    other_year: int | None,
    prefix: str,
    confidence: float,
    breaks: Sequence[ComparabilityBreak] | None,
) -> pl.DataFrame:
    schema = {
        "province": pl.String,
        "level": pl.String,
        "code": pl.String,
        f"{prefix}_estimate": pl.Float64,
        f"{prefix}_change": pl.Float64,
        f"{prefix}_z": pl.Float64,
        f"{prefix}_p_value": pl.Float64,
        f"{prefix}_status": pl.String,
        f"{prefix}_reason": pl.String,
    }
    if other_year is None:
        return pl.DataFrame(schema=schema)
    compared = compare_years(
        record, year=year, baseline_year=other_year, confidence=confidence, breaks=breaks
    )
    return compared.select(
        "province",
        "level",
        "code",
        *(
            pl.col(name).alias(f"{prefix}_{name.replace('baseline_', '')}")
            for name in _CHANGE_COLUMNS
        ),
    )


def diagnose(
    record: pl.DataFrame,
    province: str,
    year: int,
    baseline: int | None = None,
    *,
    previous_year: int | None = None,
    confidence: float = 0.90,
    rule: GroupRule | None = None,
    breaks: Sequence[ComparabilityBreak] | None = None,
    directions: Mapping[str, int] | None = None,
) -> Diagnosis:
    """Diagnose one province in one year against all scored provinces.

    Parameters
    ----------
    record
        The official record (long layout of :func:`govindex.official.load_published_record`,
        optionally with the workbook's indicator rows concatenated).
    province
        Any spelling of a former province (diacritics, case and titles ignored).
    year, baseline
        The year diagnosed and an optional baseline year (e.g. 2021, the term baseline).
    previous_year
        Default ``year - 1``.
    confidence
        Two-sided level of the change tests (0.90 matches PAPI's ±1.645·SE intervals).
    rule
        Quartile rule of the performance groups.
    breaks
        Comparability breaks; default PAPI's.
    directions
        Indicator code → +1 (higher is better) or -1. Indicators without a direction get no
        rank, group or gap to the best, and never enter the priority list, because "better"
        is unknown for them (e.g. the share of bribe payers). Totals, dimensions and
        sub-dimensions are always higher-is-better.

    Examples
    --------
    >>> record = pl.DataFrame({
    ...     "year": [2023, 2023, 2024, 2024], "province": ["A", "B", "A", "B"],
    ...     "level": ["total"] * 4, "code": ["total"] * 4, "statistic": ["score"] * 4,
    ...     "estimate": [42.0, 41.0, 41.5, 43.0]})
    >>> diagnosis = diagnose(record, "a", 2024)
    >>> diagnosis.items.select("rank", "previous_change", "previous_status").row(0)
    (2, -0.5, 'no_se')
    >>> diagnosis.priorities["code"].to_list()
    ['total']
    """
    shared = _YearComparison.of(
        record,
        year,
        baseline,
        previous_year=previous_year,
        confidence=confidence,
        rule=rule,
        breaks=breaks,
        directions=directions,
    )
    return shared.diagnose(_resolve_province(shared.scores, province))


def diagnose_provinces(
    record: pl.DataFrame,
    year: int,
    baseline: int | None = None,
    *,
    previous_year: int | None = None,
    confidence: float = 0.90,
    rule: GroupRule | None = None,
    breaks: Sequence[ComparabilityBreak] | None = None,
    directions: Mapping[str, int] | None = None,
) -> dict[str, Diagnosis]:
    """:func:`diagnose` for every province scored in ``year``, by province name.

    The national figures, the change tests and the priority lists are computed once for all
    provinces (:func:`diagnose_year`), so a producer can store every province's diagnosis
    when the record is imported.

    Examples
    --------
    >>> record = pl.DataFrame({
    ...     "year": [2023, 2023, 2024, 2024], "province": ["A", "B", "A", "B"],
    ...     "level": ["total"] * 4, "code": ["total"] * 4, "statistic": ["score"] * 4,
    ...     "estimate": [42.0, 41.0, 41.5, 43.0]})
    >>> every = diagnose_provinces(record, 2024)
    >>> sorted(every), every["A"].items["previous_change"].to_list()
    (['A', 'B'], [-0.5])
    """
    every = diagnose_year(
        record,
        year,
        baseline,
        previous_year=previous_year,
        confidence=confidence,
        rule=rule,
        breaks=breaks,
        directions=directions,
    )
    return every.by_province()


def diagnose_year(
    record: pl.DataFrame,
    year: int,
    baseline: int | None = None,
    *,
    previous_year: int | None = None,
    confidence: float = 0.90,
    rule: GroupRule | None = None,
    breaks: Sequence[ComparabilityBreak] | None = None,
    directions: Mapping[str, int] | None = None,
) -> YearDiagnoses:
    """Every province's diagnosis in ``year`` as whole-year tables (one row set per province).

    The same rules as :func:`diagnose`, applied to all provinces in one pass over each table
    rather than province by province: this is what a producer stores.

    Examples
    --------
    >>> record = pl.DataFrame({
    ...     "year": [2023, 2023, 2024, 2024], "province": ["A", "B", "A", "B"],
    ...     "level": ["total"] * 4, "code": ["total"] * 4, "statistic": ["score"] * 4,
    ...     "estimate": [42.0, 41.0, 41.5, 43.0]})
    >>> every = diagnose_year(record, 2024)
    >>> every.items.select("province", "previous_change").rows()
    [('A', -0.5), ('B', 2.0)]
    >>> every.priorities["province"].to_list(), every.note("A")[:25]
    (['A'], 'compared with 2023; chang')
    """
    shared = _YearComparison.of(
        record,
        year,
        baseline,
        previous_year=previous_year,
        confidence=confidence,
        rule=rule,
        breaks=breaks,
        directions=directions,
    )
    return shared.diagnose_all(shared.national, shared.changes)


@dataclass(frozen=True, eq=False)
class YearDiagnoses:
    """Every province's :class:`Diagnosis` in ``year``, as whole-year tables.

    ``items`` and ``priorities`` are the tables of :class:`Diagnosis` with a ``province``
    column first, provinces in name order; ``scored`` holds the years each province has a
    published score in, from which each province's ``unavailable`` years follow.
    """

    year: int
    previous_year: int
    baseline_year: int | None
    items: pl.DataFrame
    priorities: pl.DataFrame
    scored: Mapping[str, set[int]]
    parameters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def provinces(self) -> list[str]:
        """The provinces diagnosed, in name order."""
        return [str(name) for name in self.items["province"].unique(maintain_order=True)]

    def unavailable(self, province: str) -> tuple[tuple[int, str], ...]:
        """The compared years in which ``province`` has no published score."""
        scored = self.scored.get(province, set())
        return tuple(
            (other, role)
            for other, role in ((self.previous_year, "previous"), (self.baseline_year, "baseline"))
            if other is not None and other not in scored
        )

    def note(self, province: str) -> str:
        """:meth:`Diagnosis.note` of ``province``."""
        empty = pl.DataFrame()
        return self._diagnosis(province, empty, empty).note()

    def by_province(self) -> dict[str, Diagnosis]:
        """One :class:`Diagnosis` per province, by name."""
        items = self.items.partition_by("province", as_dict=True, include_key=False)
        priorities = self.priorities.partition_by("province", as_dict=True, include_key=False)
        empty = self.priorities.drop("province").clear()
        return {
            str(key[0]): self._diagnosis(str(key[0]), rows, priorities.get(key, empty))
            for key, rows in items.items()
        }

    def _diagnosis(self, province: str, items: pl.DataFrame, priorities: pl.DataFrame) -> Diagnosis:
        return Diagnosis(
            province=province,
            year=self.year,
            previous_year=self.previous_year,
            baseline_year=self.baseline_year,
            items=items,
            priorities=priorities,
            parameters=self.parameters,
            unavailable=self.unavailable(province),
        )


@dataclass(frozen=True, eq=False)
class _YearComparison:
    """What every province's diagnosis in one year shares: national figures and change tests."""

    scores: pl.DataFrame
    national: pl.DataFrame
    changes: tuple[pl.DataFrame, pl.DataFrame]
    year: int
    previous: int
    baseline: int | None
    confidence: float
    rule: GroupRule

    @classmethod
    def of(
        cls,
        record: pl.DataFrame,
        year: int,
        baseline: int | None,
        *,
        previous_year: int | None,
        confidence: float,
        rule: GroupRule | None,
        breaks: Sequence[ComparabilityBreak] | None,
        directions: Mapping[str, int] | None,
    ) -> _YearComparison:
        rule = rule or GroupRule()
        scores = score_table(record).filter(pl.col("code") != "total_weighted")
        previous = year - 1 if previous_year is None else previous_year
        current = scores.filter(pl.col("year") == year)
        national = _national(current, rule, directions or {})
        # Indicator codes are row positions, so a row is compared across years only under
        # the same label; the 2018 and 2019 sheets have no English labels, every sheet
        # Vietnamese.
        labelled = scores.with_columns(
            pl.when((pl.col("level") == "indicator") & pl.col("label_vi").is_not_null())
            .then(pl.col("label_vi"))
            .otherwise(pl.col("label_en"))
            .alias("label_en")
        )
        since_previous = _changes(labelled, year, previous, "previous", confidence, breaks)
        if baseline is not None and baseline == previous:
            # The year after a term's first year: the same test, named for the baseline.
            since_baseline = since_previous.rename(
                lambda name: name.replace("previous_", "baseline_", 1)
            )
        else:
            since_baseline = _changes(labelled, year, baseline, "baseline", confidence, breaks)
        changes = (since_previous, since_baseline)
        return cls(scores, national, changes, year, previous, baseline, confidence, rule)

    def scored_years(self) -> dict[str, set[int]]:
        """The years each province has at least one published score in."""
        pairs = (
            self.scores.filter(pl.col("estimate").is_not_null()).select("province", "year").unique()
        )
        years: dict[str, set[int]] = {}
        for province, year in pairs.iter_rows():
            years.setdefault(str(province), set()).add(int(year))
        return years

    def diagnose(self, name: str) -> Diagnosis:
        """The diagnosis of province ``name``: the whole-year rules on its rows alone."""
        own = pl.col("province") == name
        items = self.national.filter(own)
        if items.height == 0:
            msg = f"the record holds no {self.year} scores for `{name}`."
            raise NotFound(
                msg, found=self.year, expected=sorted(self.scores["year"].unique().to_list())
            )
        changes = (self.changes[0].filter(own), self.changes[1].filter(own))
        return self.diagnose_all(items, changes).by_province()[name]

    def diagnose_all(
        self, national: pl.DataFrame, changes: tuple[pl.DataFrame, pl.DataFrame]
    ) -> YearDiagnoses:
        """The diagnoses of the provinces in ``national`` (with their ``changes`` rows)."""
        items = national
        for own in changes:
            items = items.join(own, on=["province", "level", "code"], how="left")
        labels = {number: english for number, (english, _) in GROUP_LABELS.items()}
        items = (
            items.with_columns(
                pl.col("group")
                .replace_strict(labels, default=None, return_dtype=pl.String)
                .alias("group_label"),
                (pl.col("estimate") - pl.col("national_mean")).alias("gap_to_mean"),
                (pl.col("estimate") - pl.col("best_estimate")).alias("gap_to_best"),
                pl.col("level")
                .replace_strict(_LEVEL_ORDER, default=9, return_dtype=pl.Int8)
                .alias("_level_order"),
            )
            .sort("province", "_level_order", "code")
            .drop("_level_order", "year")
        )
        return YearDiagnoses(
            year=self.year,
            previous_year=self.previous,
            baseline_year=self.baseline,
            items=items,
            priorities=_priorities(items, self.previous, self.baseline),
            scored=self.scored_years(),
            parameters={
                "confidence": self.confidence,
                "group_rule": {
                    "percentile_method": self.rule.percentile_method,
                    "inclusive": self.rule.inclusive,
                },
                "national_mean": "simple mean of the published provincial scores",
                "priority_rule": "declined since the previous year or baseline, or in group 4",
            },
        )


def _declined(prefix: str) -> pl.Expr:
    return (
        pl.col(f"{prefix}_status").is_in(_COMPARABLE)
        & ((pl.col(f"{prefix}_change") * pl.col("direction")) < 0)
    ).fill_null(value=False)


def _priorities(items: pl.DataFrame, previous: int, baseline: int | None) -> pl.DataFrame:
    """Items that declined or sit in group 4, most urgent first.

    Tiers: 1 lowest group and a significant decline; 2 lowest group; 3 significant decline;
    4 decline not tested (no SE published); 5 decline tested and not significant. Within a
    tier, the larger fall comes first.
    """
    lowest = (pl.col("group") == 4).fill_null(value=False)
    declined = _declined("previous") | (
        _declined("baseline") if baseline is not None else pl.lit(value=False)
    )
    significant = (_declined("previous") & (pl.col("previous_status") == "significant")) | (
        _declined("baseline") & (pl.col("baseline_status") == "significant")
        if baseline is not None
        else pl.lit(value=False)
    )
    untested = (_declined("previous") & (pl.col("previous_status") == "no_se")) | (
        _declined("baseline") & (pl.col("baseline_status") == "no_se")
        if baseline is not None
        else pl.lit(value=False)
    )
    tier = (
        pl.when(lowest & significant)
        .then(1)
        .when(lowest)
        .then(2)
        .when(significant)
        .then(3)
        .when(untested)
        .then(4)
        .otherwise(5)
    )
    reasons = [
        pl.when(lowest).then(pl.lit("in the lowest group (4)")),
        _change_reason("previous", previous),
    ]
    if baseline is not None:
        reasons.append(_change_reason("baseline", baseline))
    fall = pl.min_horizontal(
        pl.col("previous_change") * pl.col("direction"),
        pl.col("baseline_change") * pl.col("direction"),
    )
    return (
        items.filter(lowest | declined)
        .with_columns(
            tier.cast(pl.Int8).alias("tier"),
            pl.concat_list(reasons).list.drop_nulls().list.join("; ").alias("reasons"),
            fall.alias("_fall"),
        )
        .sort("province", "tier", "_fall", "code", nulls_last=True)
        .drop("_fall")
    )


def _change_reason(prefix: str, other_year: int) -> pl.Expr:
    change = pl.col(f"{prefix}_change")
    status = pl.col(f"{prefix}_status")
    text = (
        pl.when(status == "significant")
        .then(
            pl.format(
                "significant decline since {} ({}; z = {})",
                pl.lit(other_year),
                change.round(4),
                pl.col(f"{prefix}_z").round(2),
            )
        )
        .when(status == "no_se")
        .then(
            pl.format(
                "declined since {} ({}; not tested: no SE published)",
                pl.lit(other_year),
                change.round(4),
            )
        )
        .otherwise(
            pl.format(
                "declined since {} ({}; not significant)", pl.lit(other_year), change.round(4)
            )
        )
    )
    return pl.when(_declined(prefix)).then(text)
