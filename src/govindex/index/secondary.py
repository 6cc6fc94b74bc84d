"""Secondary suppression: hide what would reveal a suppressed cell, until nothing does.

The rule (``lowest-level-complement``), deterministic and audited:

1. Start from the primary suppressions (fewer than ``minimum_respondents``).
2. Run the audit (:func:`govindex.index.disclosure.audit_disclosure`). If no hidden cell
   is recoverable, stop.
3. Take the first recoverable cell (province order, then indicators before aggregates in
   spec order) and the equations that isolate it. Every published cell in those equations
   is a candidate complement. Hide the candidate that is lowest in the tree (indicator,
   then sub-dimension, dimension, weighted total, total — headline numbers are hidden
   last; at each level the national mean of provinces before a provincial cell, because
   a complement in another province starts a chain through that province's formulas);
   among the cheapest eight (same province first, then fewest respondents) the one that
   leaves the fewest recoverable cells in its block, then the fewest respondents, then
   the first in province and spec order.
4. Go to 2. Each round hides one more cell, so the loop ends; the final audit is kept.

A parent with a single contributing indicator (8.3 = 0.334 + 3.006 × 8.3.1) is hidden
with it, a sibling with a hidden member keeps a published sum from giving a difference
away, and the national mean of provinces of a code is withheld when it would give a
province's hidden value away (the pooled national estimate stays published; see
:mod:`govindex.index.disclosure` for why it is not an equation).
Each secondary cell carries the reason ``secondary``, distinct from ``few_respondents``.

The rule ``greedy`` is for dense suppression patterns, where one audit per hidden cell and a
look-ahead of eight block solves per round cost minutes. Each round it solves every block
of hidden cells once (blocks unchanged since the last round are not solved again) and, for
every recoverable cell, hides the cheapest published cell of the equations that isolate it
(the same order of cost as above: level, national mean first, same province first, fewest
respondents, then spec order). A recoverable cell whose equations share a cell with a
complement chosen earlier in the round waits for the next round, since that complement may
already protect it. The final verdict is still :func:`audit_disclosure`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govindex.errors import NotPublishable
from govindex.index.disclosure import (
    BoolArray,
    DisclosureAudit,
    DisclosureParameters,
    Incidence,
    ReleasedSystem,
    audit_disclosure,
)

__all__ = ["PRIMARY", "SECONDARY", "DisclosureControl", "protect"]

PRIMARY = "few_respondents"
SECONDARY = "secondary"

_LOOK_AHEAD = 8
"""Complements evaluated per round (the cheapest by level, province and respondents)."""
_LEVEL_COST = {"indicator": 0, "subdimension": 1, "dimension": 2, "weighted_total": 3, "total": 4}


@dataclass(frozen=True, eq=False)
class DisclosureControl:
    """Primary and secondary suppressions of a run (provinces × codes) and the final audit.

    Examples
    --------
    >>> control = result.disclosure
    >>> int(control.secondary.sum()), control.audit.passed
    (20, True)
    """

    parameters: DisclosureParameters
    primary: BoolArray
    secondary: BoolArray
    audit: DisclosureAudit

    @property
    def hidden(self) -> BoolArray:
        """Every hidden cell, whatever the reason."""
        return np.asarray(self.primary | self.secondary, dtype=bool)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary (parameters, counts, audit verdict)."""
        return {
            "rule": self.parameters.rule,
            "primary": int(self.primary.sum()),
            "secondary": int(self.secondary.sum()),
            **self.audit.to_dict(),
        }


def protect(
    system: ReleasedSystem,
    primary: BoolArray,
    parameters: DisclosureParameters | None = None,
) -> DisclosureControl:
    """Add secondary suppressions to ``primary`` until the audit finds nothing recoverable.

    With ``parameters.secondary`` false nothing is added (the audit still runs).

    Examples
    --------
    >>> from govindex.index.aggregate import AggregationPlan
    >>> from govindex.index.disclosure import ReleasedSystem
    >>> plan = AggregationPlan.from_spec(spec)
    >>> system = ReleasedSystem.from_tables(plan, result.indicators, result.aggregates)
    >>> control = protect(system, result.disclosure.primary)
    >>> control.audit.passed, int(control.secondary.sum())
    (True, 20)
    """
    parameters = parameters or DisclosureParameters()
    primary = system.cells(primary)
    if parameters.rule == "greedy" and parameters.secondary:
        return _protect_greedy(system, primary, parameters)
    secondary = np.zeros_like(primary)
    incidence = Incidence(system)
    width = len(system.codes)
    while True:
        hidden = primary | secondary
        reasons = _reasons(primary, secondary)
        audit = audit_disclosure(system, hidden, parameters, reasons)
        if audit.passed or not parameters.secondary:
            return DisclosureControl(parameters, primary, secondary, audit)
        first = audit.recoveries[0]
        cell = system.provinces.index(first.province) * width + system.codes.index(first.code)
        chosen = _complement(system, incidence, cell, hidden, parameters)
        if chosen is None:
            audit.refuse_if_recoverable()
            msg = "unreachable: an audit with recoveries always refuses"
            raise NotPublishable(msg)
        secondary.reshape(-1)[chosen] = True


def _complement(
    system: ReleasedSystem,
    incidence: Incidence,
    cell: int,
    hidden: BoolArray,
    parameters: DisclosureParameters,
) -> int | None:
    """The published cell to hide next so that ``cell`` stops being recoverable."""
    flat_hidden = set(np.flatnonzero(hidden.reshape(-1)).tolist())
    component = incidence.component(cell, flat_hidden)
    revealing: set[int] = set()
    for found, _, rows in incidence.solve(component, flat_hidden, parameters):
        if found == cell:
            revealing.update(rows)
    present = system.present.reshape(-1)
    candidates = sorted(
        {
            other
            for row in revealing
            for other in system.relations[row].cells
            if other not in flat_hidden and present[other]
        }
    )
    if not candidates:
        return None
    width = len(system.codes)
    respondents = system.respondents.reshape(-1)

    def cost(candidate: int) -> tuple[float, ...]:
        trial = flat_hidden | {candidate}
        block = incidence.component(cell, trial)
        left = len(incidence.solve(block, trial, parameters, explain=False))
        return (
            level(candidate),
            left,
            float(respondents[candidate]),
            candidate // width,
            candidate % width,
        )

    # The look-ahead audits one block per candidate; a national mean offers a complement in
    # every province, so only the cheapest few (lowest level, same province first, fewest
    # respondents) are evaluated.
    national = len(system.provinces)

    def level(candidate: int) -> float:
        # A national mean of provinces goes before a provincial cell of the same level: it
        # protects without starting a chain of complements through other provinces.
        cost = _LEVEL_COST.get(system.levels[candidate % width], 5)
        return cost - 0.5 if candidate // width == national else cost

    def preference(candidate: int) -> tuple[float, ...]:
        elsewhere = candidate // width != cell // width
        return (level(candidate), elsewhere, float(respondents[candidate]), candidate)

    shortlist = sorted(candidates, key=preference)[:_LOOK_AHEAD]
    return min(shortlist, key=cost)


def _protect_greedy(
    system: ReleasedSystem, primary: BoolArray, parameters: DisclosureParameters
) -> DisclosureControl:
    """The ``greedy`` rule: a batch of cheapest complements per round, then the audit."""
    incidence = Incidence(system)
    secondary = np.zeros_like(primary)
    flat_secondary = secondary.reshape(-1)
    hidden = set(np.flatnonzero(primary.reshape(-1)).tolist())
    solved: dict[frozenset[int], list[tuple[int, tuple[int, ...]]]] = {}
    cost = _ComplementCost(system)
    present = system.present.reshape(-1)
    relations = system.relations
    while True:
        recoveries = _recoverable(incidence, hidden, parameters, solved)
        if not recoveries:
            break
        chosen: set[int] = set()
        for cell, rows in recoveries:
            cells = {other for row in rows for other in relations[row].cells}
            if cells & chosen:
                continue  # a complement chosen this round breaks one of its equations
            candidates = [
                other for other in cells if other not in hidden and present[other]
            ] or _incident_candidates(incidence, cell, hidden, present)
            if not candidates:
                continue  # nothing left to hide; the final audit refuses the run
            pick = min(candidates, key=lambda candidate: cost(candidate, cell))
            chosen.add(pick)
        if not chosen:
            break
        hidden.update(chosen)
        flat_secondary[sorted(chosen)] = True
    audit = audit_disclosure(system, primary | secondary, parameters, _reasons(primary, secondary))
    # As the other rule: a cell that no complement can protect refuses the run here.
    audit.refuse_if_recoverable()
    return DisclosureControl(parameters, primary, secondary, audit)


def _recoverable(
    incidence: Incidence,
    hidden: set[int],
    parameters: DisclosureParameters,
    solved: dict[frozenset[int], list[tuple[int, tuple[int, ...]]]],
) -> list[tuple[int, tuple[int, ...]]]:
    """(cell, revealing rows) of every recoverable hidden cell, in cell order.

    A block is fixed by its set of hidden cells (the block holds every equation touching
    them, restricted to them), so a block met before is not solved again.
    """
    found: list[tuple[int, tuple[int, ...]]] = []
    seen: set[int] = set()
    for cell in sorted(hidden):
        if cell in seen:
            continue
        component = incidence.component(cell, hidden)
        seen.update(component)
        key = frozenset(component)
        if key not in solved:
            solved[key] = incidence.combinations(component, hidden, parameters)
        found.extend(solved[key])
    return sorted(found)


def _incident_candidates(
    incidence: Incidence, cell: int, hidden: set[int], present: BoolArray
) -> list[int]:
    """Published cells of any equation the cell is in (when the revealing ones have none)."""
    relations = incidence.system.relations
    return sorted(
        {
            other
            for row in incidence.rows_of.get(cell, ())
            for other in relations[row].cells
            if other not in hidden and present[other]
        }
    )


class _ComplementCost:
    """The information lost by hiding a cell, in the order both rules use."""

    def __init__(self, system: ReleasedSystem) -> None:
        self.width = len(system.codes)
        self.national = len(system.provinces)
        self.levels = system.levels
        self.respondents = system.respondents.reshape(-1)

    def __call__(self, candidate: int, cell: int) -> tuple[float, ...]:
        level = float(_LEVEL_COST.get(self.levels[candidate % self.width], 5))
        # A national mean of provinces goes before a provincial cell of the same level: it
        # protects without starting a chain of complements through other provinces.
        if candidate // self.width == self.national:
            level -= 0.5
        elsewhere = candidate // self.width != cell // self.width
        return (level, elsewhere, float(self.respondents[candidate]), candidate)


def _reasons(primary: BoolArray, secondary: BoolArray) -> list[str]:
    flat_primary = primary.reshape(-1)
    flat_secondary = secondary.reshape(-1)
    return [
        PRIMARY if flat_primary[i] else SECONDARY if flat_secondary[i] else ""
        for i in range(flat_primary.size)
    ]
