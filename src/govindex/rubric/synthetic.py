"""SYNTHETIC self-assessments and survey values for many provinces, for demos and tests.

Each province gets a seeded latent "capacity"; every figure it declares, every self-score and
every survey value is drawn around that capacity, so stronger provinces score higher on most
criteria but not all. Every value and source says SYNTHETIC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from govindex.rubric.inputs import (
    Assessment,
    Evidence,
    SelfAssessmentEntry,
    SurveyValue,
    SurveyValueTable,
)
from govindex.rubric.models import Leaf, Rubric
from govindex.rubric.rules import (
    CompletionRule,
    DeductionRule,
    JudgementRule,
    StepsRule,
    SurveyRule,
    TargetRule,
)

__all__ = ["SYNTHETIC_SOURCE", "SyntheticAssessments", "synthetic_assessments"]

SYNTHETIC_SOURCE = "SYNTHETIC: govindex synthetic assessment, not an official figure"


@dataclass(frozen=True)
class SyntheticAssessments:
    """SYNTHETIC assessments of one year and the survey values their survey criteria read."""

    assessments: tuple[Assessment, ...]
    survey_values: SurveyValueTable
    seed: int


def synthetic_assessments(
    rubric: Rubric, provinces: Sequence[str], *, year: int, seed: int
) -> SyntheticAssessments:
    """SYNTHETIC self-assessments of ``provinces`` for ``year`` (same seed, same values).

    Examples
    --------
    >>> from govindex.rubric import rubric_from_dict
    >>> rubric = rubric_from_dict({"rubric_version": "1",
    ...     "rubric": {"id": "mini", "version": "1", "title": {"vi": "x", "en": "x"},
    ...                "basis": "example", "max_points": 4},
    ...     "groups": [{"code": "A", "at_least": 90}, {"code": "B", "at_least": 0}],
    ...     "areas": [{"code": "1", "name": {"vi": "a", "en": "a"}, "max_points": 4,
    ...                "criteria": [{"code": "1.1", "name": {"vi": "b", "en": "b"},
    ...                              "max_points": 4, "rule": {"kind": "completion"}}]}]})
    >>> made = synthetic_assessments(rubric, ["Ha Noi", "Hue"], year=2024, seed=1)
    >>> [a.synthetic for a in made.assessments], sorted(made.assessments[0].entries)
    ([True, True], ['1.1'])
    """
    generator = np.random.default_rng(seed)
    leaves = list(rubric.leaves())
    assessments: list[Assessment] = []
    values: list[SurveyValue] = []
    for province in provinces:
        capacity = float(
            generator.beta(8, 2)
        )  # mostly strong: every province scored above 80 % in 2023 and 2024
        entries: list[SelfAssessmentEntry] = []
        for number, leaf in enumerate(leaves, start=1):
            if isinstance(leaf.rule, SurveyRule):
                values.append(_survey_value(generator, leaf.rule, province, year, capacity))
                continue
            entries.append(_entry(generator, leaf, capacity, number, year))
        assessments.append(Assessment.of(province, year, entries, synthetic=True))
    return SyntheticAssessments(tuple(assessments), SurveyValueTable.of(values), seed)


def _entry(
    generator: np.random.Generator, leaf: Leaf, capacity: float, number: int, year: int
) -> SelfAssessmentEntry:
    rule = leaf.rule
    value: float | None = None
    self_score: float | None = None
    if isinstance(rule, TargetRule):
        met = generator.random() < 0.55 + 0.4 * capacity
        if rule.target == 1 and rule.direction == "higher_is_better":
            value = 1.0 if met else 0.0  # a yes/no criterion
        elif rule.direction == "higher_is_better":
            value = rule.target if met else round(rule.target * 0.9, 1)
        else:
            value = rule.target if met else round(rule.target * 1.1 + 1, 1)
    elif isinstance(rule, CompletionRule):
        value = round(float(np.clip(generator.normal(70 + 30 * capacity, 6), 40, 100)), 1)
    elif isinstance(rule, StepsRule):
        best = rule.steps[0].threshold
        value = round(float(max(generator.normal(best * (0.7 + 0.4 * capacity), best * 0.1), 0)), 1)
    elif isinstance(rule, DeductionRule):
        value = float(generator.poisson(2.5 * (1 - capacity)))
    elif isinstance(rule, JudgementRule):
        share = float(np.clip(generator.normal(0.6 + 0.4 * capacity, 0.1), 0, 1))
        self_score = round(leaf.max_points * share * 4) / 4  # quarter points, as councils award
    evidence = Evidence(
        document_number=f"SYNTHETIC-{number:03d}/{year}",
        link="https://example.org/synthetic-evidence" if generator.random() < 0.5 else None,
    )
    return SelfAssessmentEntry(
        code=leaf.code,
        value=value,
        self_score=self_score,
        evidence=evidence,
        comment="SYNTHETIC",
        source=SYNTHETIC_SOURCE,
    )


def _survey_value(
    generator: np.random.Generator, rule: SurveyRule, province: str, year: int, capacity: float
) -> SurveyValue:
    centre = {"sipas": 76 + 14 * capacity, "par_survey": 72 + 20 * capacity}.get(
        rule.instrument, 60 + 30 * capacity
    )
    value = float(np.clip(generator.normal(centre, 2.5), rule.low, rule.high))
    return SurveyValue(
        instrument=rule.instrument,
        province=province,
        year=year,
        code=rule.code,
        value=round(value, 2),
        source=SYNTHETIC_SOURCE,
        synthetic=True,
    )
