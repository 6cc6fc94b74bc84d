"""The disclosure audit: can a hidden cell be solved for from what a run releases?

Suppressing a cell is not enough when the released numbers still determine it: PAPI's
sub-dimension 8.3 is the exact formula ``0.334 + 3.006 × 8.3.1``, so a suppressed 8.3.1
is one subtraction and one division away from its published parent. The audit treats
every provincial cell (indicators, sub-dimensions, dimensions, total, weighted totals) as
an unknown, and every released formula as a linear equation among them:

* per province, each aggregate is an affine function of its parts given which parts are
  available (the spec's ``linear`` formulas and rescaled means; dimension = Σ
  sub-dimensions; total = Σ dimensions; weighted total = Σ weight × dimension);
* nationally, the mean of provincial scores of every code is ``(1/m) Σ`` of the ``m``
  provinces that have a value — hidden cells included, which is what ties provinces
  together.

Published cells are known numbers, so only the columns of hidden cells matter. A hidden
cell ``h`` is *recoverable* when the unit vector ``e_h`` lies in the row space of those
columns (then a combination of released equations isolates it). The test is numeric: the
singular values of each connected block below ``rank_tolerance × largest`` count as zero,
and ``h`` is recoverable when its distance from the row space (the norm of its row in an
orthonormal null-space basis) is below ``recovery_tolerance``. With coefficients of order
one, an exact dependency shows a distance near 1e-15 and a protected cell one far above
1e-6, so the verdict does not hinge on the tolerances.

Not covered (stated, not hidden): the pooled national estimate is a combination of
provinces with weights ``W_pk / W_k`` (sums of survey weights of the respondents who
answered) that no table releases, and a guess of them is amplified by ``1 / share`` in any
solution, so it is not treated as an equation; bounds (every score lies in [0, 1]) can
narrow a hidden cell to an interval without determining it; and a published standard error
is a non-linear function of the hidden cells' replicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from govindex.errors import NotPublishable, SpecError
from govindex.index.aggregate import AggregationPlan

__all__ = [
    "SECONDARY_RULES",
    "DisclosureAudit",
    "DisclosureParameters",
    "Recovery",
    "Relation",
    "ReleasedSystem",
    "audit_disclosure",
]

FloatArray = np.ndarray
BoolArray = np.ndarray

SECONDARY_RULES = ("lowest-level-complement", "greedy")
"""The secondary-suppression rules :func:`govindex.index.secondary.protect` knows."""

NATIONAL = "national mean of provinces"
"""The name of the last row of cells: the national mean of provincial scores."""


@dataclass(frozen=True)
class DisclosureParameters:
    """The choices of disclosure control, recorded with every run.

    Parameters
    ----------
    secondary
        Apply secondary suppression (:mod:`govindex.index.secondary`) so that no hidden cell
        is recoverable; with ``False`` a recoverable run is refused instead.
    rule
        The secondary-suppression rule (see :func:`govindex.index.secondary.protect`):
        ``lowest-level-complement`` hides one cell per audit, chosen with a look-ahead;
        ``greedy`` hides the cheapest complement of every recoverable cell per round, fast
        on dense suppression patterns at the price of some more hidden cells.
    rank_tolerance
        Singular values at or below this fraction of the largest count as zero.
    recovery_tolerance
        A hidden cell closer than this to the row space of the released equations is
        recoverable.
    national_means
        Whether the national mean of provincial scores is released (it is, in the
        ``national`` table); its equations link the provinces.

    Examples
    --------
    >>> DisclosureParameters().rule
    'lowest-level-complement'
    >>> DisclosureParameters(rank_tolerance=0.0)
    Traceback (most recent call last):
    ...
    govindex.errors.SpecError: `rank_tolerance` must be between 0 and 1 (exclusive); got 0.0.
    >>> DisclosureParameters(rule="greedy").rule
    'greedy'
    """

    secondary: bool = True
    rule: str = "lowest-level-complement"
    rank_tolerance: float = 1e-9
    recovery_tolerance: float = 1e-6
    national_means: bool = True

    def __post_init__(self) -> None:
        if self.rule not in SECONDARY_RULES:
            msg = f"`rule` must be one of {', '.join(SECONDARY_RULES)}; got {self.rule!r}."
            raise SpecError(msg, where="disclosure.rule", found=self.rule)
        for name in ("rank_tolerance", "recovery_tolerance"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                msg = f"`{name}` must be between 0 and 1 (exclusive); got {value}."
                raise SpecError(msg, where=f"disclosure.{name}", found=value)


@dataclass(frozen=True)
class Relation:
    """One released equation ``Σ coefficient × cell = constant`` and how to read it."""

    cells: tuple[int, ...]
    coefficients: tuple[float, ...]
    text: str


@dataclass(frozen=True)
class Recovery:
    """A hidden cell that the released numbers determine, and the equations that do it."""

    province: str
    code: str
    reason: str
    distance: float
    relations: tuple[str, ...]

    def describe(self) -> str:
        """One line: province, code, why it was hidden, and the revealing equations."""
        return (
            f"{self.province}, {self.code} (hidden: {self.reason}) can be solved for from "
            f"released numbers: {'; '.join(self.relations)}"
        )


@dataclass(frozen=True, eq=False)
class ReleasedSystem:
    """Every released equation of a run over its province × code cells.

    Cell ``p × len(codes) + c`` is province ``p``'s value of ``codes[c]`` (indicators
    first, then the aggregates of the plan); one more row after the provinces holds the
    national mean of provinces of every code. ``present`` marks cells that have a value;
    ``respondents`` is each cell's ``n`` (secondary suppression prefers thin cells).
    """

    provinces: tuple[str, ...]
    codes: tuple[str, ...]
    levels: tuple[str, ...]
    relations: tuple[Relation, ...]
    present: BoolArray
    respondents: FloatArray

    @property
    def shape(self) -> tuple[int, int]:
        """(provinces, codes)."""
        return len(self.provinces), len(self.codes)

    def name(self, cell: int) -> tuple[str, str]:
        """(province, code) of a flat cell number; the last row is the national mean."""
        province, code = divmod(cell, len(self.codes))
        if province == len(self.provinces):
            return NATIONAL, self.codes[code]
        return self.provinces[province], self.codes[code]

    def cells(self, hidden: BoolArray) -> BoolArray:
        """``hidden`` as a mask over every cell (a provinces-only mask gets a national row)."""
        mask = np.asarray(hidden, dtype=bool)
        if mask.shape == (len(self.provinces), len(self.codes)):
            mask = np.vstack([mask, np.zeros((1, len(self.codes)), dtype=bool)])
        if mask.shape != self.present.shape:
            msg = f"`hidden` must have shape {self.present.shape}; got {mask.shape}."
            raise SpecError(msg, where="hidden", found=mask.shape)
        return np.asarray(mask & self.present, dtype=bool)

    @classmethod
    def from_arrays(
        cls,
        plan: AggregationPlan,
        provinces: Sequence[str],
        indicators: FloatArray,
        entering: FloatArray,
        aggregates: FloatArray,
        respondents: FloatArray,
        *,
        national_means: bool = True,
    ) -> ReleasedSystem:
        """The equations of a run from its province × code arrays.

        ``indicators`` are the estimates (hidden ones included, NaN = no value),
        ``entering`` the values that entered the aggregates (NaN where missing or
        excluded), ``aggregates`` the plan's outputs and ``respondents`` the ``n`` of every
        cell (indicators then aggregates).

        Examples
        --------
        One indicator, its sub-dimension, dimension and total, in two provinces:

        >>> from govindex.index.aggregate import SubDimensionRule
        >>> plan = AggregationPlan(
        ...     indicators=("8.3.1",), codes=("8.3", "D8", "total"),
        ...     levels=("subdimension", "dimension", "total"), names=("", "", ""),
        ...     sub_dimensions=(SubDimensionRule("8.3", "linear", (0,), (3.006,), 0.334, 1.0),),
        ...     dimension_members=((0,),), weighted_totals=())
        >>> values = np.array([[0.5], [0.6]])
        >>> system = ReleasedSystem.from_arrays(
        ...     plan, ["A", "B"], values, values, plan.apply(values), np.full((2, 4), 30.0))
        >>> system.codes, system.shape
        (('8.3.1', '8.3', 'D8', 'total'), (2, 4))
        >>> print(system.relations[0].text)
        A: 8.3 = 0.334 + 3.006 × 8.3.1
        """
        n_indicators = len(plan.indicators)
        values = np.concatenate([indicators, aggregates], axis=1)
        present = ~np.isnan(values)
        width = values.shape[1]
        relations: list[Relation] = []
        jacobians = plan.jacobian(~np.isnan(entering))
        n_subs = len(plan.sub_dimensions)
        n_dimensions = len(plan.dimension_members)
        for p, province in enumerate(provinces):
            base = p * width
            for s, rule in enumerate(plan.sub_dimensions):
                if not present[p, n_indicators + s]:
                    continue
                gradient = jacobians[p, s]
                members = [k for k in rule.members if gradient[k] != 0]
                relations.append(
                    _relation(
                        province,
                        base,
                        n_indicators + s,
                        [(k, float(gradient[k])) for k in members],
                        rule.offset,
                        plan.codes[s],
                        plan.indicators,
                    )
                )
            for d, positions in enumerate(plan.dimension_members):
                parts = [(n_indicators + s, 1.0) for s in positions]
                relations.append(
                    _sum_relation(
                        province, base, n_indicators + n_subs + d, parts, plan, present[p]
                    )
                )
            total = n_indicators + n_subs + n_dimensions
            parts = [(n_indicators + n_subs + d, 1.0) for d in range(n_dimensions)]
            relations.append(_sum_relation(province, base, total, parts, plan, present[p]))
            for w, weights in enumerate(plan.weighted_totals):
                parts = [
                    (n_indicators + n_subs + d, weight)
                    for d, weight in enumerate(weights)
                    if weight != 0
                ]
                relations.append(
                    _sum_relation(province, base, total + 1 + w, parts, plan, present[p])
                )
        codes = (*plan.indicators, *plan.codes)
        national = len(provinces) * width
        if national_means:
            for c, code in enumerate(codes):
                having = np.flatnonzero(present[:, c])
                if having.size:
                    relations.append(
                        Relation(
                            cells=(national + c, *(int(p) * width + c for p in having)),
                            coefficients=(1.0, *(-1.0 / having.size,) * having.size),
                            text=(
                                f"{NATIONAL}: {code} = (1/{having.size}) × Σ of the "
                                f"{having.size} provinces' {code}"
                            ),
                        )
                    )
        # The national mean of provinces is a row of cells too: it can be hidden.
        national_present = present.any(axis=0) & national_means
        counts = np.asarray(respondents, dtype=np.float64)
        present = np.vstack([present, national_present[None]])
        return cls(
            provinces=tuple(provinces),
            codes=codes,
            levels=(*("indicator",) * n_indicators, *plan.levels),
            relations=tuple(relation for relation in relations if relation.cells),
            present=present,
            respondents=np.vstack([counts, counts.sum(axis=0)[None]]),
        )

    @classmethod
    def from_tables(
        cls,
        plan: AggregationPlan,
        indicators: pl.DataFrame,
        aggregates: pl.DataFrame,
        *,
        excluded: bool = False,
        national_means: bool = True,
    ) -> ReleasedSystem:
        """The equations of a run from its stage tables (code-major, as the builder makes them).

        ``excluded`` says suppressed indicators were left out of their sub-dimensions
        (``suppressed_indicators = "exclude"``).
        """
        provinces = tuple(dict.fromkeys(indicators["province"].to_list()))

        def grid(frame: pl.DataFrame, column: str, codes: Sequence[str]) -> FloatArray:
            values = frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()
            return np.asarray(values, dtype=np.float64).reshape(len(codes), len(provinces)).T

        values = grid(indicators, "estimate", plan.indicators)
        suppressed = grid(indicators, "suppressed", plan.indicators) > 0
        entering = np.where(suppressed, np.nan, values) if excluded else values
        respondents = np.concatenate(
            [grid(indicators, "n", plan.indicators), grid(aggregates, "n", plan.codes)], axis=1
        )
        return cls.from_arrays(
            plan,
            provinces,
            values,
            entering,
            grid(aggregates, "estimate", plan.codes),
            respondents,
            national_means=national_means,
        )


@dataclass(frozen=True, eq=False)
class DisclosureAudit:
    """What the audit found: every hidden cell the released numbers determine.

    Examples
    --------
    >>> audit = result.disclosure.audit
    >>> audit.passed
    True
    >>> audit.refuse_if_recoverable()
    """

    parameters: DisclosureParameters
    hidden: int
    recoveries: tuple[Recovery, ...]

    @property
    def passed(self) -> bool:
        """True when no hidden cell can be solved for."""
        return not self.recoveries

    def refuse_if_recoverable(self) -> None:
        """Raise :class:`~govindex.errors.NotPublishable` naming the first recoverable cells."""
        if self.passed:
            return
        shown = "; and ".join(recovery.describe() for recovery in self.recoveries[:3])
        more = len(self.recoveries) - 3
        tail = f" (and {more} more)" if more > 0 else ""
        msg = (
            f"the run cannot be published: {len(self.recoveries)} hidden cell(s) can be "
            f"recomputed exactly from released numbers — {shown}{tail}."
        )
        first = self.recoveries[0]
        raise NotPublishable(
            msg,
            where=f"{first.province}, {first.code}",
            found="recoverable",
            expected="every hidden cell undetermined by released numbers",
            hint="apply secondary suppression (disclosure.secondary = true)",
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary for manifests."""
        return {
            "hidden": self.hidden,
            "recoverable": [recovery.describe() for recovery in self.recoveries],
            "passed": self.passed,
        }


def audit_disclosure(
    system: ReleasedSystem,
    hidden: BoolArray,
    parameters: DisclosureParameters | None = None,
    reasons: Sequence[str] | None = None,
) -> DisclosureAudit:
    """Try to solve for every hidden cell of ``system`` from the released equations.

    ``hidden`` is a provinces × codes boolean array; ``reasons`` optionally names why each
    hidden cell (in flat order) was hidden, for the messages. A last row of ``hidden``, if
    given, is the national mean of provinces of every code.

    Examples
    --------
    >>> from govindex.index.aggregate import SubDimensionRule
    >>> plan = AggregationPlan(
    ...     indicators=("8.3.1",), codes=("8.3", "D8", "total"),
    ...     levels=("subdimension", "dimension", "total"), names=("", "", ""),
    ...     sub_dimensions=(SubDimensionRule("8.3", "linear", (0,), (3.006,), 0.334, 1.0),),
    ...     dimension_members=((0,),), weighted_totals=())
    >>> values = np.array([[0.5], [0.6]])
    >>> system = ReleasedSystem.from_arrays(
    ...     plan, ["A", "B"], values, values, plan.apply(values), np.full((2, 4), 30.0))
    >>> hidden = np.array([[True, False, False, False], [False] * 4])
    >>> print(audit_disclosure(system, hidden).recoveries[0].relations[0])
    A: 8.3 = 0.334 + 3.006 × 8.3.1
    """
    parameters = parameters or DisclosureParameters()
    mask = system.cells(hidden)
    incidence = Incidence(system)
    cells = set(np.flatnonzero(mask.reshape(-1)).tolist())
    recoveries: list[Recovery] = []
    seen: set[int] = set()
    for cell in sorted(cells):
        if cell in seen:
            continue
        component = incidence.component(cell, cells)
        seen.update(component)
        for found, distance, rows in incidence.solve(component, cells, parameters):
            province, code = system.name(found)
            reason = reasons[found] if reasons is not None else "hidden"
            texts = tuple(system.relations[row].text for row in rows)
            recoveries.append(Recovery(province, code, reason, distance, texts))
    order = {name: index for index, name in enumerate((*system.provinces, NATIONAL))}
    recoveries.sort(key=lambda item: (order[item.province], system.codes.index(item.code)))
    return DisclosureAudit(parameters, len(cells), tuple(recoveries))


class Incidence:
    """Which relations touch which cells; solves one connected block of hidden cells."""

    def __init__(self, system: ReleasedSystem) -> None:
        self.system = system
        self.rows_of: dict[int, list[int]] = {}
        for row, relation in enumerate(system.relations):
            for cell in relation.cells:
                self.rows_of.setdefault(cell, []).append(row)

    def component(self, start: int, hidden: set[int]) -> list[int]:
        """The hidden cells linked to ``start`` through relations (breadth first)."""
        relations = self.system.relations
        found = {start}
        queue = [start]
        visited_rows: set[int] = set()
        while queue:
            cell = queue.pop()
            for row in self.rows_of.get(cell, ()):
                if row in visited_rows:
                    continue
                visited_rows.add(row)
                for other in relations[row].cells:
                    if other in hidden and other not in found:
                        found.add(other)
                        queue.append(other)
        return sorted(found)

    def solve(
        self,
        component: Sequence[int],
        hidden: set[int],
        parameters: DisclosureParameters,
        *,
        explain: bool = True,
    ) -> list[tuple[int, float, tuple[int, ...]]]:
        """(cell, distance, revealing rows) for each recoverable cell of ``component``.

        With ``explain`` false the revealing rows are left empty (a count is enough).
        """
        rows, matrix = self._block(component, hidden)
        if not rows:
            return []
        distance = _null_distance(matrix, parameters)
        found = []
        for position in np.flatnonzero(distance < parameters.recovery_tolerance):
            index = int(position)
            used = _revealing(matrix, index, parameters) if explain else []
            found.append((component[index], float(distance[index]), tuple(rows[i] for i in used)))
        return found

    def combinations(
        self, component: Sequence[int], hidden: set[int], parameters: DisclosureParameters
    ) -> list[tuple[int, tuple[int, ...]]]:
        """(cell, rows) for each recoverable cell of ``component``, cheaply.

        The rows are those of the minimum-norm combination of equations that isolates the
        cell (one least-squares solve for all cells of the block), not pruned as
        :meth:`solve` prunes them for messages: enough to say which published cells a
        complement can be chosen from.
        """
        rows, matrix = self._block(component, hidden)
        if not rows:
            return []
        distance = _null_distance(matrix, parameters)
        positions = np.flatnonzero(distance < parameters.recovery_tolerance)
        if not positions.size:
            return []
        targets = np.zeros((matrix.shape[1], positions.size))
        targets[positions, np.arange(positions.size)] = 1.0
        weights = np.linalg.lstsq(matrix.T, targets, rcond=None)[0]
        found = []
        for column, position in enumerate(positions):
            size = np.abs(weights[:, column])
            used = np.flatnonzero(size > 1e-9 * size.max())
            found.append((component[int(position)], tuple(rows[int(i)] for i in used)))
        return found

    def _block(self, component: Sequence[int], hidden: set[int]) -> tuple[list[int], FloatArray]:
        """The relations touching ``component``, restricted to its (hidden) cells."""
        column = {cell: index for index, cell in enumerate(component)}
        rows = sorted({row for cell in component for row in self.rows_of.get(cell, ())})
        matrix = np.zeros((len(rows), len(component)))
        for position, row in enumerate(rows):
            relation = self.system.relations[row]
            for cell, coefficient in zip(relation.cells, relation.coefficients, strict=True):
                if cell in hidden:
                    matrix[position, column[cell]] += coefficient
        return rows, matrix


def _null_distance(matrix: FloatArray, parameters: DisclosureParameters) -> FloatArray:
    """Each column's distance from the row space: the norm of its null-space row."""
    # The full right basis is needed (its last rows span the null space); the full left one
    # only costs time when there are more equations than cells.
    _, singular, right = np.linalg.svd(matrix, full_matrices=matrix.shape[0] < matrix.shape[1])
    largest = float(singular.max()) if singular.size else 0.0
    rank = int(np.count_nonzero(singular > parameters.rank_tolerance * largest))
    null = right[rank:]
    if not null.size:
        return np.zeros(matrix.shape[1])
    return np.asarray(np.sqrt((null**2).sum(axis=0)), dtype=np.float64)


def _revealing(matrix: FloatArray, index: int, parameters: DisclosureParameters) -> list[int]:
    """A small set of rows whose combination isolates column ``index``.

    Every equation in which it is the only hidden cell; otherwise the minimum-norm
    combination, pruned one row at a time while the column stays determined by the rest:
    the message then names equations a reader can follow (usually one or two).
    """
    # An equation whose only hidden cell is this one gives it away on its own: name all such.
    others = np.delete(matrix, index, axis=1)
    direct = (matrix[:, index] != 0) & ~others.any(axis=1)
    if direct.any():
        return [int(i) for i in np.flatnonzero(direct)]
    target = np.zeros(matrix.shape[1])
    target[index] = 1.0
    weights = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
    used = [int(i) for i in np.flatnonzero(np.abs(weights) > 1e-9 * np.abs(weights).max())]
    if len(used) > 24:  # pruning costs one SVD per row; a long list is shown as found
        return used
    for row in sorted(used, key=lambda i: -np.count_nonzero(matrix[i])):
        trial = [i for i in used if i != row]
        if (
            trial
            and _null_distance(matrix[trial], parameters)[index] < parameters.recovery_tolerance
        ):
            used = trial
    return used


def _relation(
    province: str,
    base: int,
    target: int,
    members: Sequence[tuple[int, float]],
    offset: float,
    code: str,
    names: Sequence[str],
) -> Relation:
    terms = " + ".join(f"{coefficient:.6g} × {names[k]}" for k, coefficient in members)
    return Relation(
        cells=(base + target, *(base + k for k, _ in members)),
        coefficients=(1.0, *(-coefficient for _, coefficient in members)),
        text=f"{province}: {code} = {offset:.6g} + {terms}" if terms else f"{province}: {code}",
    )


def _sum_relation(
    province: str,
    base: int,
    target: int,
    parts: Sequence[tuple[int, float]],
    plan: AggregationPlan,
    present: BoolArray,
) -> Relation:
    """``target = Σ weight × part``; none when the target has no value."""
    if not present[target]:
        return Relation((), (), "")
    n_indicators = len(plan.indicators)
    code = plan.codes[target - n_indicators]
    terms = " + ".join(
        (plan.codes[k - n_indicators] if w == 1.0 else f"{w:.6g} × {plan.codes[k - n_indicators]}")
        for k, w in parts
    )
    return Relation(
        cells=(base + target, *(base + k for k, _ in parts)),
        coefficients=(1.0, *(-w for _, w in parts)),
        text=f"{province}: {code} = {terms}",
    )
