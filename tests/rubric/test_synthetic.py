"""SYNTHETIC assessments of the 63 provinces: seeded, complete, and labelled everywhere."""

from __future__ import annotations

import pytest

from govindex.assessment import ProvisionalRubricWarning, load_rubric
from govindex.assessment.synthetic import province_names
from govindex.rubric import PointsScorer, score_rows, synthetic_assessments


def test_the_shipped_rubric_warns_that_it_is_provisional() -> None:
    with pytest.warns(
        ProvisionalRubricWarning, match="is a provisional rubric: 56 nodes have placeholder points"
    ):
        load_rubric()


def test_synthetic_assessments_for_all_provinces() -> None:
    rubric = load_rubric(warn=False)
    names = province_names()
    assert len(names) == 63
    made = synthetic_assessments(rubric, names, year=2024, seed=11)
    again = synthetic_assessments(rubric, names, year=2024, seed=11)
    assert made == again
    assert made != synthetic_assessments(rubric, names, year=2024, seed=12)
    result = PointsScorer(rubric).score_all(made.assessments, survey_values=made.survey_values)
    assert len(result.ranks) == 63  # every province complete, so ranked
    rows = score_rows(result, run_id="synthetic")
    totals = rows.filter(code="total")
    assert totals["synthetic"].all()
    assert totals["estimate"].min() > 50
    assert all(
        value.synthetic and value.source.startswith("SYNTHETIC")
        for value in made.survey_values.values.values()
    )
    for assessment in made.assessments:
        assert assessment.synthetic
        assert all(entry.comment == "SYNTHETIC" for entry in assessment.entries.values())
