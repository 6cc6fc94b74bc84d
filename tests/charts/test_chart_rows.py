"""Charts built with their rows as placeholders are the same specifications, byte for byte,
as charts whose rows went through Altair: same datasets, same names, same key order."""

from __future__ import annotations

import json
from typing import Any

import altair as alt

from govindex.charts.chart_rows import ChartRows, dataset_name

ROWS = [{"name": "Hà Nội", "estimate": 41.2, "year": 2024}, {"name": "Huế", "estimate": 43.0}]
MEANS = [{"mean": 42.1, "label": "mean"}]


def _chart(data: Any, means: Any) -> Any:
    base = alt.Chart(data).encode(y="name:N")
    points = base.mark_point().encode(x="estimate:Q")
    rules = base.mark_rule().encode(x="estimate:Q")
    mean = alt.Chart(means).mark_rule().encode(x="mean:Q")
    return alt.layer(points, rules, mean).properties(width=300, title="t")


def test_placeholders_give_the_same_specification_as_inline_rows() -> None:
    direct = _chart(alt.InlineData(values=ROWS), alt.InlineData(values=MEANS)).to_dict(
        validate=False
    )
    datasets = ChartRows()
    deferred = datasets.restore(
        _chart(datasets.inline(ROWS), datasets.inline(MEANS)).to_dict(validate=False)
    )
    assert json.dumps(deferred, ensure_ascii=False) == json.dumps(direct, ensure_ascii=False)
    assert list(deferred["datasets"]) == [dataset_name(ROWS), dataset_name(MEANS)]


def test_a_faceted_chart_gets_its_rows_back() -> None:
    def faceted(data: Any) -> Any:
        layer = alt.layer(alt.Chart().mark_line().encode(x="year:Q", y="estimate:Q"), data=data)
        return layer.facet(facet="name:N", columns=2)

    direct = faceted(alt.InlineData(values=ROWS)).to_dict(validate=False)
    datasets = ChartRows()
    deferred = datasets.restore(faceted(datasets.inline(ROWS)).to_dict(validate=False))
    assert deferred == direct
    assert "__govindex_rows__" not in json.dumps(deferred)
