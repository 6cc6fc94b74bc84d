"""The rows of a chart's inline datasets, kept out of Altair while the chart is built.

Altair deep-copies a chart, data included, at every ``properties``, ``layer`` or ``facet``
call and walks it again in ``to_dict``: with a few hundred inline rows that copying was
half the time of building a chart, and building charts most of a full site export. A
chart therefore hands Altair a one-row placeholder per dataset and :meth:`ChartRows.restore`
puts the real rows back into the finished specification, which is the same as if the rows
had gone through Altair (``tests/charts`` checks this).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

__all__ = ["ChartRows", "dataset_name"]

_PLACEHOLDER = "__govindex_rows__"


class ChartRows:
    """The datasets of one chart, by placeholder.

    Examples
    --------
    >>> rows = ChartRows()
    >>> chart = alt.Chart(rows.inline([{"a": 1}, {"a": 2}])).mark_point().encode(x="a:Q")
    >>> spec = rows.restore(chart.to_dict(validate=False))
    >>> list(spec["datasets"].values())
    [[{'a': 1}, {'a': 2}]]
    """

    def __init__(self) -> None:
        self._datasets: list[list[Any]] = []

    def inline(self, values: Sequence[Mapping[str, Any]]) -> alt.InlineData:
        """Inline data for Altair that stands for ``values`` until :meth:`restore`."""
        self._datasets.append(list(values))
        return alt.InlineData(values=[{_PLACEHOLDER: len(self._datasets) - 1}])

    def restore(self, spec: dict[str, Any]) -> dict[str, Any]:
        """``spec`` with every placeholder replaced by its rows (changed in place, returned).

        Altair moves inline data to the top-level ``datasets``, named by a hash of the
        values; those names are recomputed from the real rows, as Altair names them.
        """
        renamed: dict[str, str] = {}
        position = list(spec).index("datasets") if "datasets" in spec else len(spec)
        datasets = spec.pop("datasets", None)
        self._replace(spec, renamed)
        if isinstance(datasets, dict):
            restored: dict[str, Any] = {}
            for name, values in datasets.items():
                number = self._placeholder(values)
                if number is None:
                    restored.setdefault(name, values)
                    continue
                rows = self._datasets[number]
                renamed[name] = dataset_name(rows)
                restored.setdefault(renamed[name], rows)
            self._replace(spec, renamed)
            # Back in its place among the keys, so the page's JSON reads as Altair wrote it.
            order = list(spec)
            spec["datasets"] = restored
            for key in order[position:]:
                spec[key] = spec.pop(key)
        return spec

    def _replace(self, node: Any, renamed: Mapping[str, str]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                number = self._placeholder(value) if key == "values" else None
                if number is not None:
                    node[key] = self._datasets[number]
                elif key == "name" and isinstance(value, str) and value in renamed:
                    node[key] = renamed[value]
                else:
                    self._replace(value, renamed)
        elif isinstance(node, list):
            for value in node:
                self._replace(value, renamed)

    @staticmethod
    def _placeholder(value: Any) -> int | None:
        if (
            isinstance(value, list)
            and len(value) == 1
            and isinstance(value[0], dict)
            and set(value[0]) == {_PLACEHOLDER}
        ):
            return int(value[0][_PLACEHOLDER])
        return None


def dataset_name(values: Any) -> str:
    """The name Altair gives an inline dataset it moves to ``datasets``: a hash of the rows.

    Examples
    --------
    >>> dataset_name([{}])
    'empty'
    >>> name = dataset_name([{"a": 1}])
    >>> name.startswith("data-"), len(name)
    (True, 37)
    """
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]
