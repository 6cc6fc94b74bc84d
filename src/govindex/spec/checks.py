"""Cross-reference checks: what no single part can check on its own.

They run over :class:`SpecParts`, the parts of a spec that parsed, so that one malformed
indicator does not hide a bad reference elsewhere: the loader reports every problem at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from govindex.spec._base import Bounds
from govindex.spec.codebook import Condition, Item
from govindex.spec.indicators import Indicator, MeanScoring, ScaledScoring, ShareScoring
from govindex.spec.issues import Location, format_path, suggest
from govindex.spec.structure import LinearFormula, SubDimension, WeightedTotal

__all__ = ["DimensionPart", "SpecParts", "check_references"]

SCALE_TOLERANCE = 0.005
"""Published sub-dimension bounds are rounded (0.33 for 1/3); this absorbs the rounding."""

Report = Callable[[Location, str], None]


@dataclass(frozen=True)
class DimensionPart:
    """What parsed of one dimension: its code and scale, and each sub-dimension that parsed."""

    location: Location
    code: str | None
    scale: Bounds | None
    sub_dimension_count: int
    sub_dimensions: tuple[tuple[Location, SubDimension], ...]
    aggregation: str = "sum"


@dataclass(frozen=True)
class SpecParts:
    """The parsed parts of a spec, each with its location, plus every name declared.

    ``item_ids``, ``indicator_codes`` and ``dimension_codes`` include names of parts that
    failed to parse, so a reference to a malformed part is not also reported as unknown.
    """

    items: tuple[tuple[Location, Item], ...]
    item_ids: frozenset[str]
    indicators: tuple[tuple[Location, Indicator], ...]
    indicator_codes: frozenset[str]
    dimensions: tuple[DimensionPart, ...]
    dimension_codes: frozenset[str]
    weighted_totals: tuple[tuple[Location, WeightedTotal], ...]


def check_references(parts: SpecParts, report: Report) -> None:
    """Run every cross-reference check, calling ``report(location, message)`` per problem."""
    items = {item.id: item for _, item in parts.items}
    _check_items(parts, items, report)
    _check_indicators(parts, items, report)
    _check_tree(parts, report)
    _check_weighted_totals(parts, report)


def _duplicates(entries: Sequence[tuple[Location, str]], what: str, report: Report) -> None:
    first: dict[str, Location] = {}
    for location, name in entries:
        if name in first:
            report(location, f"duplicate {what} {name!r} (first at {format_path(first[name])})")
        else:
            first.setdefault(name, location)


def _check_condition(
    condition: Condition,
    location: Location,
    items: Mapping[str, Item],
    parts: SpecParts,
    report: Report,
) -> None:
    if condition.item is not None:
        if condition.item not in parts.item_ids:
            report(
                (*location, "item"),
                f"unknown item {condition.item!r} {suggest(condition.item, parts.item_ids)}",
            )
        elif condition.item in items:
            item = items[condition.item]
            for value in condition.compared_values:
                if not item.is_valid_value(value) and value not in item.missing_codes:
                    report(
                        (*location, condition.operator),
                        f"{value!r} is not a valid value of item {item.id!r}",
                    )
        return
    if condition.negated is not None:
        _check_condition(condition.negated, (*location, "not"), items, parts, report)
    for key, children in (("all", condition.all_of), ("any", condition.any_of)):
        for index, child in enumerate(children or ()):
            _check_condition(child, (*location, key, index), items, parts, report)


def _check_items(parts: SpecParts, items: Mapping[str, Item], report: Report) -> None:
    _duplicates([((*location, "id"), item.id) for location, item in parts.items], "item id", report)
    for location, item in parts.items:
        if item.applies_to is None:
            continue
        _check_condition(item.applies_to, (*location, "applies_to"), items, parts, report)
        if _filter_cycle(item.id, items):
            report(
                (*location, "applies_to"),
                f"item {item.id!r} is filtered on itself, directly or through other items",
            )


def _filter_cycle(start: str, items: Mapping[str, Item]) -> bool:
    stack, seen = [start], set()
    while stack:
        current = items.get(stack.pop())
        if current is None or current.applies_to is None:
            continue
        for name in current.applies_to.referenced_items():
            if name == start:
                return True
            if name not in seen:
                seen.add(name)
                stack.append(name)
    return False


def _check_indicators(parts: SpecParts, items: Mapping[str, Item], report: Report) -> None:
    located = parts.indicators
    _duplicates(
        [((*at, "code"), indicator.code) for at, indicator in located], "indicator code", report
    )
    _duplicates(
        [((*at, "comparability_key"), indicator.comparability_key) for at, indicator in located],
        "indicator comparability key",
        report,
    )
    for location, indicator in located:
        known = True
        for index, name in enumerate(indicator.items):
            if name not in parts.item_ids:
                known = False
                report(
                    (*location, "items", index),
                    f"unknown item {name!r} {suggest(name, parts.item_ids)}",
                )
        if indicator.applies_to is not None:
            _check_condition(indicator.applies_to, (*location, "applies_to"), items, parts, report)
        if known and all(name in items for name in indicator.items):
            _check_scoring(indicator, [items[name] for name in indicator.items], location, report)


def _check_scoring(
    indicator: Indicator, items: Sequence[Item], location: Location, report: Report
) -> None:
    scoring = indicator.scoring
    at = (*location, "scoring")
    if isinstance(scoring, ShareScoring | ScaledScoring) and len(items) != 1:
        report(
            (*location, "items"),
            f"`{scoring.kind}` scoring reads exactly one item (found {len(items)})",
        )
        return
    if isinstance(scoring, MeanScoring) and len(items) < 2:
        report(
            (*location, "items"), "`mean` scoring averages two or more items; use `scaled` for one"
        )
    values = scoring.values if isinstance(scoring, ShareScoring | MeanScoring) else None
    for item in items:
        if values is not None:
            invalid = [value for value in values if not item.is_valid_value(value)]
            if invalid:
                report((*at, "values"), f"{invalid} are not valid values of item {item.id!r}")
            continue
        natural = item.theoretical_range
        if natural is None:
            report(
                at, f"item {item.id!r} is {item.type} and has no range to scale by; use `values`"
            )
            continue
        if isinstance(scoring, ScaledScoring):
            low = natural.min if scoring.min is None else scoring.min
            high = natural.max if scoring.max is None else scoring.max
            if not low < high:
                report(at, f"`min` ({low}) must be below `max` ({high})")
            elif natural.min < low or natural.max > high:
                report(
                    at,
                    f"item {item.id!r} spans {natural.min}–{natural.max}, outside {low}–{high}; scores would leave [0, 1]",
                )


def _check_tree(parts: SpecParts, report: Report) -> None:
    _duplicates(
        [
            ((*part.location, "code"), part.code)
            for part in parts.dimensions
            if part.code is not None
        ],
        "dimension code",
        report,
    )
    subs = [(location, sub) for part in parts.dimensions for location, sub in part.sub_dimensions]
    _duplicates([((*at, "code"), sub.code) for at, sub in subs], "sub-dimension code", report)
    _duplicates(
        [((*at, "comparability_key"), sub.comparability_key) for at, sub in subs],
        "sub-dimension comparability key",
        report,
    )
    shared = {indicator.code for _, indicator in parts.indicators if indicator.shared}
    home: dict[str, str] = {}
    for location, sub in subs:
        _check_sub_dimension(sub, location, parts, report)
        for index, member in enumerate(sub.indicators):
            owner = home.setdefault(member.indicator, sub.code)
            if owner != sub.code and member.indicator not in shared:
                report(
                    (*location, "indicators", index, "indicator"),
                    f"indicator {member.indicator!r} is already in sub-dimension {owner!r}; declare it `shared: true` to allow this",
                )
    for part in parts.dimensions:
        if (
            part.aggregation == "weighted_mean"
            and part.sub_dimensions
            and not sum(sub.weight for _, sub in part.sub_dimensions) > 0
        ):
            report(
                (*part.location, "aggregation"),
                "a `weighted_mean` needs at least one sub-dimension with a weight above 0",
            )
        if part.scale is None:
            continue
        # A sum splits the dimension's range among its parts; a mean keeps it whole.
        count = part.sub_dimension_count if part.aggregation == "sum" else 1
        expected = Bounds(min=part.scale.min / count, max=part.scale.max / count)
        combined = "" if part.aggregation == "sum" else f"combined by {part.aggregation} "
        for location, sub in part.sub_dimensions:
            if (
                abs(sub.scale.min - expected.min) > SCALE_TOLERANCE
                or abs(sub.scale.max - expected.max) > SCALE_TOLERANCE
            ):
                report(
                    (*location, "scale"),
                    f"scale {sub.scale.min:g}–{sub.scale.max:g} does not fit a dimension of "
                    f"{part.sub_dimension_count} sub-dimensions on {part.scale.min:g}–{part.scale.max:g} "
                    f"{combined}"
                    f"(expected {expected.min:.4g}–{expected.max:.4g})",
                )


def _check_sub_dimension(
    sub: SubDimension, location: Location, parts: SpecParts, report: Report
) -> None:
    _duplicates(
        [
            ((*location, "indicators", index, "indicator"), member.indicator)
            for index, member in enumerate(sub.indicators)
        ],
        "member indicator",
        report,
    )
    for index, member in enumerate(sub.indicators):
        if member.indicator not in parts.indicator_codes:
            report(
                (*location, "indicators", index, "indicator"),
                f"unknown indicator {member.indicator!r} {suggest(member.indicator, parts.indicator_codes)}",
            )
    scoring = set(sub.scoring_indicators())
    if not scoring:
        report((*location, "indicators"), "every member has weight 0; at least one must count")
    if isinstance(sub.formula, LinearFormula):
        named = [term.indicator for term in sub.formula.coefficients]
        for index, name in enumerate(named):
            if name not in scoring:
                report(
                    (*location, "formula", "coefficients", index, "indicator"),
                    f"{name!r} is not a member of {sub.code!r} with a weight above 0",
                )
        for name in sorted(scoring - set(named)):
            report(
                (*location, "formula", "coefficients"),
                f"member {name!r} counts (weight above 0) but has no coefficient",
            )


def _check_weighted_totals(parts: SpecParts, report: Report) -> None:
    _duplicates(
        [((*at, "code"), total.code) for at, total in parts.weighted_totals],
        "weighted total code",
        report,
    )
    for location, total in parts.weighted_totals:
        named = [weight.dimension for weight in total.weights]
        _duplicates(
            [
                ((*location, "weights", index, "dimension"), name)
                for index, name in enumerate(named)
            ],
            "dimension weight",
            report,
        )
        for index, name in enumerate(named):
            if name not in parts.dimension_codes:
                report(
                    (*location, "weights", index, "dimension"),
                    f"unknown dimension {name!r} {suggest(name, parts.dimension_codes)}",
                )
        for name in sorted(parts.dimension_codes - set(named)):
            report((*location, "weights"), f"dimension {name!r} has no weight")
