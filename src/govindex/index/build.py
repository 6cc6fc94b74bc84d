"""``IndexBuilder``: survey microdata in, every stage of the index with its uncertainty out.

Stages (each kept in the frozen :class:`~govindex.index.result.IndexResult`):

1. respondent scores in [0, 1] (:mod:`govindex.index.scoring`);
2. provincial indicator estimates from the survey engine, with the publication rule
   (fewer than ``minimum_respondents`` → suppressed) and quality flags;
3. sub-dimensions, dimensions, the total (and optional weighted totals) from the
   indicator estimates — recomputed in every replicate for replicate designs, or by the
   delta method under Taylor (:mod:`govindex.index.uncertainty`, or from cell sums by
   :func:`govindex.index.cells.cell_delta_method_variance`);
4. national figures: the simple mean of provincial scores (PAPI's "national average")
   and the pooled national estimate;
5. ranks and rank intervals (:mod:`govindex.index.ranking`).

Performance groups need :mod:`govindex.analysis` and are added by
:func:`govindex.pipeline.run` (the index layer sits below analysis).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from govindex.errors import ColumnNotFound, EstimationError
from govindex.index.aggregate import AggregationPlan
from govindex.index.cells import AccumulatedCells, cell_delta_method_variance, without_cells
from govindex.index.disclosure import ReleasedSystem
from govindex.index.parameters import IndexParameters
from govindex.index.ranking import competition_ranks, rank_intervals, resolve_rank_rule, simulate
from govindex.index.result import IndexResult, StageArrays, national_frame, stage_frame
from govindex.index.scoring import indicator_scores
from govindex.index.secondary import DisclosureControl, protect
from govindex.index.uncertainty import delta_method_variance
from govindex.spec import IndexSpec
from govindex.survey import SurveyDesign, mean, replicate_design
from govindex.survey.cell_totals import CellTotals, check_cell_design, mean_from_cell_totals
from govindex.survey.prepare import Domains, prepare_domains
from govindex.survey.results import EstimateTable

__all__ = ["IndexBuilder"]

FloatArray = np.ndarray
Progress = Callable[[str], None]
_RANK_CHUNK = 16  # codes ranked per block of simulated draws: bounds memory at ~10 MB


@dataclass(frozen=True, eq=False)
class _Estimated:
    """The indicator estimates and what the later stages read besides them.

    ``values`` (respondents × indicators) is kept only for Taylor linearisation; a run
    from cell totals has none, and keeps the cells' sums in ``cells`` instead.
    """

    design: SurveyDesign
    table: EstimateTable
    pooled: EstimateTable
    domains: Domains
    values: FloatArray | None
    respondents: FloatArray  # per province: rows with a non-zero weight
    total_respondents: float
    cells: CellTotals | None = None

    def delta_method(
        self,
        excluded: FloatArray | None,
        estimates: FloatArray,
        jacobian: FloatArray,
        *,
        domains: np.ndarray | None = None,
        average_domains: bool = False,
    ) -> FloatArray:
        """Delta-method variance from the respondents, or from the cells' sums."""
        codes = self.domains.codes if domains is None else domains
        if self.cells is not None:
            totals = without_cells(self.cells, excluded, self.domains.codes)
            return cell_delta_method_variance(
                self.design, totals, codes, estimates, jacobian, average_domains=average_domains
            )
        assert self.values is not None  # a respondent run keeps the respondents' scores
        values = _without_rows(self.values, excluded, self.domains.codes)
        return delta_method_variance(
            self.design, values, codes, estimates, jacobian, average_domains=average_domains
        )


class IndexBuilder:
    """Configure once, then :meth:`run` on microdata (sklearn style: no state is kept).

    Parameters are those of :class:`~govindex.index.parameters.IndexParameters`.

    Examples
    --------
    >>> from pathlib import Path
    >>> from govindex.spec import load_spec
    >>> builder = IndexBuilder(load_spec(Path("specs/papi-2024.yaml")), variance="taylor")
    >>> built = builder.run(microdata)
    >>> built.totals.sort("rank")["province"].to_list()
    ['Ca Mau', 'Ha Noi', 'Lao Cai']
    """

    def __init__(self, spec: IndexSpec, **parameters: Any) -> None:
        self.spec = spec
        self.parameters = IndexParameters(**parameters)
        self.plan = AggregationPlan.from_spec(spec, self.parameters.weighted_totals)

    def get_params(self) -> dict[str, Any]:
        """The parameters as plain values (with the resolved seed)."""
        return self.parameters.to_dict()

    def run(self, frame: pl.DataFrame, progress: Progress | None = None) -> IndexResult:
        """Compute every stage for ``frame`` (one row per respondent); return a new result."""
        say = progress or (lambda _: None)
        parameters = self.parameters
        columns = parameters.design
        say("scoring respondents")
        scores = indicator_scores(self.spec, frame)
        self._check_answered(scores)
        design = self._design(frame, scores)
        say("estimating indicators")
        codes = list(self.plan.indicators)
        # The engine's "domain" rule takes a QR rank per (province, indicator): far too slow
        # for 7,560 cells. The province's own df (its PSUs − 1) is used for all its cells.
        level = parameters.level
        df_rule = "design" if parameters.df_rule == "domain" else parameters.df_rule
        table = mean(
            design, codes, by=columns.province, na_rm=True, level=level, df_rule=df_rule,
            empty_domain="missing",
        )  # fmt: skip
        pooled = mean(
            design, codes, na_rm=True, level=level, df_rule=df_rule, empty_domain="missing"
        )
        domains = prepare_domains(design, columns.province)
        counted = (domains.codes >= 0) & (design.weights != 0)
        respondents = np.bincount(domains.codes[counted], minlength=domains.count)
        estimated = _Estimated(
            design=design,
            table=table,
            pooled=pooled,
            domains=domains,
            values=scores.to_numpy().astype(np.float64),
            respondents=respondents.astype(np.float64),
            total_respondents=float(np.count_nonzero(design.weights)),
        )
        return self._complete(estimated, say)

    def run_cells(self, cells: AccumulatedCells, progress: Progress | None = None) -> IndexResult:
        """Compute every stage from per-(stratum, PSU, province) sums read in row chunks.

        The same numbers as :meth:`run` on the whole file (to rounding: sums are added in
        another order) for replicate variances (JKn, bootstrap) and Taylor linearisation,
        whose indicator, aggregate and national variances all read PSU totals of linearised
        values; memory follows the design's cells and replicates, not the respondents.
        """
        say = progress or (lambda _: None)
        parameters = self.parameters
        columns = parameters.design
        if parameters.variance == "taylor" and columns.psu is None:
            msg = (
                "Taylor linearisation from cell sums needs a PSU column: without one every "
                "respondent is its own sampling unit."
            )
            raise EstimationError(msg, where="psu", found=None, expected="a PSU column")
        self._refuse_unanswered(cells.answered)
        say("estimating indicators from PSU totals")
        design = self._design(cells.frame, None)
        if design.replicates is None:
            check_cell_design(design)
        level = parameters.level
        df_rule = "design" if parameters.df_rule == "domain" else parameters.df_rule
        table = mean_from_cell_totals(
            design, cells.totals, by=columns.province, level=level, df_rule=df_rule
        )
        pooled = mean_from_cell_totals(design, cells.totals, level=level, df_rule=df_rule)
        domains = prepare_domains(design, columns.province)
        inside = domains.codes >= 0
        respondents = np.bincount(
            domains.codes[inside], weights=cells.respondents[inside], minlength=domains.count
        )
        estimated = _Estimated(
            design=design,
            table=table,
            pooled=pooled,
            domains=domains,
            values=None,
            respondents=respondents,
            total_respondents=float(cells.respondents.sum()),
            cells=cells.totals,
        )
        return self._complete(estimated, say)

    def _complete(self, estimated: _Estimated, say: Progress) -> IndexResult:
        """Every stage after the indicator estimates: aggregates, disclosure, ranks, national."""
        parameters = self.parameters
        design, table, pooled, domains = (
            estimated.design,
            estimated.table,
            estimated.pooled,
            estimated.domains,
        )
        codes = list(self.plan.indicators)
        provinces = domains.labels
        n_provinces, n_codes = len(provinces), len(codes)

        def grid(values: FloatArray) -> FloatArray:
            return np.asarray(values, dtype=np.float64).reshape(n_codes, n_provinces).T

        aggregate_df = self._aggregate_df(design, domains.codes, n_provinces)
        indicator = StageArrays(
            estimate=grid(table.estimate),
            se=grid(table.se),
            df=np.repeat(aggregate_df[:, None], n_codes, axis=1),
            n=grid(table.n),
            deff=grid(table.deff),
        )
        suppressed = indicator.n < self.spec.publication.minimum_respondents
        excluded = suppressed if parameters.suppressed_indicators == "exclude" else None
        entering = _without(indicator.estimate, excluded)

        say("aggregating and propagating uncertainty")
        aggregate = self.plan.apply(entering)
        replicate_indicators: FloatArray | None = None
        replicate_aggregates: FloatArray | None = None
        if design.replicates is not None and table.replicate_estimates is not None:
            count = design.replicates.count
            replicate_indicators = table.replicate_estimates.reshape(
                count, n_codes, n_provinces
            ).transpose(0, 2, 1)
            replicate_aggregates = self.plan.apply(_without(replicate_indicators, excluded))
            aggregate_variance = design.replicates.variance(replicate_aggregates, aggregate)
        else:
            jacobian = self.plan.jacobian(~np.isnan(entering))
            aggregate_variance = estimated.delta_method(excluded, entering, jacobian)
        respondents = estimated.respondents
        aggregate_stage = StageArrays(
            estimate=aggregate,
            se=np.sqrt(np.maximum(aggregate_variance, 0.0)),
            df=np.repeat(aggregate_df[:, None], len(self.plan.codes), axis=1),
            n=np.repeat(respondents[:, None], len(self.plan.codes), axis=1),
            deff=np.full(aggregate.shape, np.nan),
        )

        say("disclosure control")
        control = self._disclose(provinces, indicator, entering, aggregate_stage, suppressed)
        hidden_indicators = control.hidden[:n_provinces, :n_codes]
        hidden_aggregates = control.hidden[:n_provinces, n_codes:]

        say("ranking")
        published = np.concatenate(
            [
                _without(indicator.estimate, hidden_indicators),
                _without(aggregate, hidden_aggregates),
            ],
            axis=1,
        )
        spread = np.concatenate([indicator.se, aggregate_stage.se], axis=1)
        ranks = competition_ranks(published.T).T
        replicate_published = None
        if replicate_indicators is not None and replicate_aggregates is not None:
            replicate_published = np.concatenate(
                [
                    _without(replicate_indicators, hidden_indicators),
                    _without(replicate_aggregates, hidden_aggregates),
                ],
                axis=2,
            )
        low, high = self._rank_intervals(published, spread, replicate_published)

        say("national figures")
        national = self._national(
            estimated,
            indicator,
            entering,
            aggregate,
            pooled,
            replicate_indicators,
            replicate_aggregates,
            excluded,
            estimated.total_respondents,
        )
        return self._result(
            provinces,
            indicator,
            suppressed,
            aggregate_stage,
            excluded,
            (ranks, low, high),
            national,
            replicate_indicators,
            replicate_aggregates,
            control,
        )

    # ------------------------------------------------------------------ stages
    def _check_answered(self, scores: pl.DataFrame) -> None:
        """Refuse an indicator that no respondent answered, naming the items it reads."""
        codes = [code for code in self.plan.indicators if code in scores.columns]
        answered = scores.select(
            pl.col(codes).cast(pl.Float64).is_not_nan().fill_null(value=False).any()
        ).row(0)
        self._refuse_unanswered(dict(zip(codes, answered, strict=True)))

    def _refuse_unanswered(self, answered: Mapping[str, bool]) -> None:
        """Refuse the indicators in ``answered`` that no respondent answered."""
        empty = [code for code, any_answer in answered.items() if not any_answer]
        if empty:
            described = "; ".join(
                f"{code} (items {', '.join(self.spec.indicator(code).items)})" for code in empty
            )
            msg = (
                f"no respondent has a score for indicator(s) {described}: every answer is "
                "missing or outside the population the indicator applies to."
            )
            items = [item for code in empty for item in self.spec.indicator(code).items]
            raise EstimationError(
                msg, where=", ".join(items), found="all missing", expected="some answers"
            )

    def _design(self, frame: pl.DataFrame, scores: pl.DataFrame | None) -> SurveyDesign:
        columns = self.parameters.design
        needed = [columns.province, columns.weights, columns.strata, columns.psu]
        wanted = list(dict.fromkeys(name for name in needed if name is not None))
        absent = [name for name in wanted if name not in frame.columns]
        if absent:
            msg = f"the data lack the design column(s) {absent} (columns: {frame.columns[:12]}...)."
            raise ColumnNotFound(msg, where="design", found=absent, expected=wanted)
        design = SurveyDesign.from_frame(
            frame.select(wanted) if scores is None else frame.select(wanted).hstack(scores),
            weights=columns.weights,
            strata=columns.strata,
            psu=columns.psu,
            nest=columns.nest,
            lonely_psu=columns.lonely_psu,
        )
        parameters = self.parameters
        if parameters.variance == "taylor":
            return design
        seed = parameters.resolved_seed if parameters.variance == "bootstrap" else None
        return replicate_design(
            design, parameters.variance, replicates=parameters.replicates, seed=seed
        )

    def _disclose(
        self,
        provinces: tuple[str, ...],
        indicator: StageArrays,
        entering: FloatArray,
        aggregate: StageArrays,
        suppressed: FloatArray,
    ) -> DisclosureControl:
        """Secondary suppression until no hidden cell can be recomputed (then audited)."""
        settings = self.parameters.disclosure
        system = ReleasedSystem.from_arrays(
            self.plan,
            provinces,
            indicator.estimate,
            entering,
            aggregate.estimate,
            np.concatenate([indicator.n, aggregate.n], axis=1),
            national_means=settings.national_means,
        )
        primary = np.zeros(system.present.shape, dtype=bool)  # provinces + national row
        primary[: len(provinces), : suppressed.shape[1]] = suppressed
        return protect(system, primary, settings)

    def _aggregate_df(self, design: SurveyDesign, codes: np.ndarray, count: int) -> FloatArray:
        rule = self.parameters.df_rule
        if rule == "normal":
            return np.full(count, np.inf)
        if rule == "design":
            return np.full(count, float(design.degrees_of_freedom()))
        return np.array([float(design.degrees_of_freedom(codes == d)) for d in range(count)])

    def _rank_intervals(
        self, values: FloatArray, se: FloatArray, replicates: FloatArray | None
    ) -> tuple[FloatArray, FloatArray]:
        parameters = self.parameters
        level = parameters.interval_level
        rule = resolve_rank_rule(parameters.rank_rule, parameters.variance)
        if rule == "replicates" and replicates is not None:
            low, high = rank_intervals(replicates.transpose(0, 2, 1), level)
            return low.T, high.T
        rng = np.random.default_rng(np.random.SeedSequence([parameters.resolved_seed, 2]))
        low = np.full(values.T.shape, np.nan)
        high = np.full(values.T.shape, np.nan)
        for start in range(0, values.shape[1], _RANK_CHUNK):
            block = slice(start, start + _RANK_CHUNK)
            draws = simulate(values.T[block], se.T[block], parameters.rank_draws, rng)
            low[block], high[block] = rank_intervals(draws, level)
        return low.T, high.T

    def _national(
        self,
        estimated: _Estimated,
        indicator: StageArrays,
        entering: FloatArray,
        aggregate: FloatArray,
        pooled: Any,
        replicate_indicators: FloatArray | None,
        replicate_aggregates: FloatArray | None,
        excluded: FloatArray | None,
        respondents: float,
    ) -> dict[str, StageArrays]:
        """Mean of provincial scores and pooled national estimates, indicators then aggregates."""
        design, codes = estimated.design, estimated.domains.codes
        provincial = np.concatenate([indicator.estimate, aggregate], axis=1)
        with np.errstate(invalid="ignore"):
            average = _nanmean(provincial)
        pooled_indicators = np.asarray(pooled.estimate, dtype=np.float64)
        pooled_all = np.concatenate([pooled_indicators, self.plan.apply(pooled_indicators)])
        n_indicators = indicator.estimate.shape[1]
        if replicate_indicators is not None and replicate_aggregates is not None:
            assert design.replicates is not None
            replicate_all = np.concatenate([replicate_indicators, replicate_aggregates], axis=2)
            counted = np.where(np.isnan(provincial)[None], np.nan, replicate_all)
            average_variance = design.replicates.variance(_nanmean(counted, axis=1), average)
            pooled_reps = np.asarray(pooled.replicate_estimates, dtype=np.float64)
            pooled_variance = design.replicates.variance(
                np.concatenate([pooled_reps, self.plan.apply(pooled_reps)], axis=1), pooled_all
            )
        else:
            available = ~np.isnan(entering)
            identity = np.where(
                ~np.isnan(indicator.estimate)[:, :, None], np.eye(n_indicators)[None], np.nan
            )
            jacobian = np.concatenate([identity, self.plan.jacobian(available)], axis=1)
            average_variance = estimated.delta_method(
                excluded, entering, jacobian, average_domains=True
            )[0]
            # Identity rows use every respondent even when ``exclude`` hides a cell from
            # the aggregates, matching the indicator means they describe.
            if excluded is not None:
                plain = estimated.delta_method(
                    None, indicator.estimate, identity, average_domains=True
                )[0]
                average_variance[:n_indicators] = plain
            everyone = np.where(codes >= 0, 0, -1)
            pooled_jacobian = np.concatenate(
                [
                    np.eye(n_indicators)[None],
                    self.plan.jacobian(~np.isnan(pooled_indicators)[None]),
                ],
                axis=1,
            )
            pooled_variance = estimated.delta_method(
                None, pooled_indicators[None], pooled_jacobian, domains=everyone
            )[0]
        df = float(design.degrees_of_freedom()) if self.parameters.df_rule != "normal" else np.inf
        result = {}
        for name, estimate, variance in (
            ("mean_of_provinces", average, average_variance),
            ("pooled", pooled_all, pooled_variance),
        ):
            result[name] = StageArrays(
                estimate=estimate[None],
                se=np.sqrt(np.maximum(variance, 0.0))[None],
                df=np.full((1, estimate.size), df),
                n=np.full((1, estimate.size), respondents),
                deff=np.full((1, estimate.size), np.nan),
            )
        return result

    def _result(
        self,
        provinces: tuple[str, ...],
        indicator: StageArrays,
        suppressed: FloatArray,
        aggregate: StageArrays,
        excluded: FloatArray | None,
        ranking: tuple[FloatArray, FloatArray, FloatArray],
        national: dict[str, StageArrays],
        replicate_indicators: FloatArray | None,
        replicate_aggregates: FloatArray | None,
        control: DisclosureControl,
    ) -> IndexResult:
        parameters = self.parameters
        rules = self.spec.publication
        plan = self.plan
        ranks, low, high = ranking
        n_indicators = len(plan.indicators)
        names = {item.code: item.name.en for item in self.spec.indicators}
        interval = {"level": parameters.level, "rule": parameters.interval}
        indicator_frame = stage_frame(
            "indicator",
            plan.indicators,
            tuple(names[c] for c in plan.indicators),
            provinces,
            indicator,
            interval,
            (ranks[:, :n_indicators], low[:, :n_indicators], high[:, :n_indicators]),
            suppressed=suppressed,
            rules=rules,
            secondary=control.secondary[: len(provinces), :n_indicators],
        )
        members = plan.jacobian(np.ones((1, n_indicators), dtype=bool))[0] != 0
        incomplete = (
            np.isnan(_without(indicator.estimate, excluded))[:, None, :] & members[None]
        ).any(axis=2)
        uses_suppressed = (suppressed[:, None, :] & members[None]).any(axis=2)
        aggregate_frame = stage_frame(
            "aggregate",
            plan.codes,
            plan.names,
            provinces,
            aggregate,
            interval,
            (ranks[:, n_indicators:], low[:, n_indicators:], high[:, n_indicators:]),
            suppressed=np.zeros(aggregate.estimate.shape, dtype=bool),
            rules=rules,
            levels=plan.levels,
            incomplete=incomplete,
            uses_suppressed=uses_suppressed if excluded is None else None,
            secondary=control.secondary[: len(provinces), n_indicators:],
        )
        all_codes = (*plan.indicators, *plan.codes)
        all_levels = (*("indicator",) * n_indicators, *plan.levels)
        all_names = (*(names[c] for c in plan.indicators), *plan.names)
        national_table = pl.concat(
            [
                national_frame(figure, all_levels, all_codes, all_names, arrays, interval)
                for figure, arrays in national.items()
            ]
        )
        # A national mean of provinces hidden by secondary suppression loses its numbers.
        withheld = [code for code, hide in zip(all_codes, control.hidden[-1], strict=True) if hide]
        hidden_national = (pl.col("figure") == "mean_of_provinces") & pl.col("code").is_in(withheld)
        national_table = national_table.with_columns(
            *(
                pl.when(hidden_national).then(None).otherwise(pl.col(name)).alias(name)
                for name in ("estimate", "se", "ci_low", "ci_high")
            ),
            hidden_national.alias("suppressed"),
        )
        return IndexResult(
            spec_code=self.spec.index.code,
            year=self.spec.index.year,
            parameters=parameters,
            provinces=provinces,
            indicators=indicator_frame,
            aggregates=aggregate_frame,
            national=national_table,
            aggregate_codes=plan.codes,
            indicator_codes=plan.indicators,
            replicate_indicators=replicate_indicators,
            replicate_aggregates=replicate_aggregates,
            disclosure=control,
        )


def _without(values: FloatArray, mask: FloatArray | None) -> FloatArray:
    """``values`` (… × provinces × indicators) with the masked cells set to NaN."""
    if mask is None:
        return values
    return np.asarray(np.where(mask, np.nan, values), dtype=np.float64)


def _without_rows(values: FloatArray, mask: FloatArray | None, codes: np.ndarray) -> FloatArray:
    """Respondent scores with the cells of excluded (province, indicator) pairs removed."""
    if mask is None:
        return values
    inside = codes >= 0
    hidden = np.where(inside[:, None], mask[np.where(inside, codes, 0)], False)
    return np.asarray(np.where(hidden, np.nan, values), dtype=np.float64)


def _nanmean(values: FloatArray, axis: int = 0) -> FloatArray:
    present = ~np.isnan(values)
    count = present.sum(axis=axis)
    total = np.where(present, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(count > 0, total / count, np.nan), dtype=np.float64)
