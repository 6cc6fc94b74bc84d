"""A chart's specification built by Altair once per shape, then filled in for every page.

Two profiles of a year differ only in values: the title, the province's name, the rows, a
sort order, a height. Building each through Altair (its deep copies at every ``layer`` or
``facet``, its schema checks while layering) was most of a full site export's time. A chart
therefore names what varies as *slots*: the first chart of a shape (its kind, language and
whatever changes the structure, such as an optional layer) is built with a token in every
slot, and every chart of that shape is the cached specification with the tokens replaced
by its values. The result is the specification Altair would have written (``tests/charts``
compares the two with templates switched off).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import altair as alt

from govindex.charts.chart_rows import ChartRows

__all__ = ["Slots", "filled", "templates_switched_off"]

_MARK = "\ue000govindex-slot:"
"""Starts a token; a private-use character no label or title contains."""

_TEMPLATES: dict[Hashable, tuple[Any, tuple[str, ...]]] = {}
_SWITCH = {"on": True}


class Slots:
    """The values of one chart, handed to its builder as tokens (template) or as themselves.

    Examples
    --------
    >>> slots = Slots({"title": "Scores"}, tokens=False)
    >>> slots("title")
    'Scores'
    >>> Slots({"title": "Scores"}, tokens=True)("title").endswith("title")
    True
    """

    def __init__(self, values: Mapping[str, Any], *, tokens: bool) -> None:
        self._values = values
        self._tokens = tokens
        self.datasets = ChartRows()
        self.order: list[str] = []

    def __call__(self, name: str) -> Any:
        """The value called ``name``, or its token while a template is built."""
        if self._tokens:
            return _MARK + name
        return self._values[name]

    def rows(self, name: str) -> alt.InlineData:
        """Inline data standing for the rows called ``name`` (see :class:`ChartRows`)."""
        self.order.append(name)
        return self.datasets.inline([] if self._tokens else self._values[name])


def filled(
    shape: Hashable, values: Mapping[str, Any], build: Callable[[Slots], Any]
) -> tuple[dict[str, Any], ChartRows]:
    """The specification ``build`` makes with ``values`` (before its rows are restored).

    ``shape`` must name everything that changes the specification's structure; the values
    may only change what sits in their slots. A builder hands its slots to Altair's
    constructors (``alt.layer(title=...)``), not to ``properties``, which checks them
    against the schema. Returns the specification and the rows that
    :meth:`ChartRows.restore` puts back into it.

    Examples
    --------
    >>> def build(slots):
    ...     return alt.layer(alt.Chart(slots.rows("points")).mark_point(), title=slots("title"))
    >>> spec, rows = filled(("doctest",), {"title": "A", "points": [{"a": 1}]}, build)
    >>> spec, rows = filled(("doctest",), {"title": "B", "points": [{"a": 2}]}, build)
    >>> spec["title"], list(rows.restore(spec)["datasets"].values())
    ('B', [[{'a': 2}]])
    """
    if not _SWITCH["on"]:
        slots = Slots(values, tokens=False)
        direct: dict[str, Any] = build(slots).to_dict(validate=False)
        return direct, slots.datasets
    cached = _TEMPLATES.get(shape)
    if cached is None:
        slots = Slots(values, tokens=True)
        cached = (build(slots).to_dict(validate=False), tuple(slots.order))
        _TEMPLATES[shape] = cached
    template, order = cached
    datasets = ChartRows()
    for name in order:
        datasets.inline(values[name])
    spec: dict[str, Any] = _fill(template, values)
    return spec, datasets


@contextmanager
def templates_switched_off() -> Iterator[None]:
    """Build every chart through Altair while inside (the reference the templates match).

    Examples
    --------
    >>> with templates_switched_off():
    ...     pass
    """
    before = _SWITCH["on"]
    _SWITCH["on"] = False
    try:
        yield
    finally:
        _SWITCH["on"] = before


def _fill(node: Any, values: Mapping[str, Any]) -> Any:
    # New containers throughout: the cached template is never changed.
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str) and node.startswith(_MARK):
        value = values[node.removeprefix(_MARK)]
        if isinstance(value, alt.SchemaBase):
            return value.to_dict(validate=False)
        return value
    return node
