"""SYNTHETIC national one-stop records: catalogue, agency tree and dossiers by province-month.

Nothing here is real. Provinces are coded ``01``–``34``; ``22`` is generated with the rates
Quảng Ninh reports (the seed province): 99.8 % of dossiers on time, 85.3 % submitted online,
13.3 minutes per counter transaction, 53 % of results returned by post, every fee paid
without cash. The other provinces draw their rates from plausible ranges. Dossiers are
produced one province-month at a time (:meth:`SyntheticNation.chunks`), each chunk from its
own seed, so any size streams in bounded memory and the output is deterministic.

Examples
--------
>>> nation = SyntheticNation(SyntheticSettings(dossiers_per_year=3400, seed=7))
>>> nation.procedures().height, nation.agencies()["level"].value_counts().height
(2000, 3)
>>> chunk = next(nation.chunks(2025))
>>> chunk.table, chunk.province_code, chunk.month, chunk.frame.height == chunk.height > 0
('dossiers', '01', '2025-01', True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as compute  # type: ignore[import-untyped]

from govindex.onestop.deadlines import complete_publications
from govindex.onestop.records import TABLES
from govindex.onestop.working_calendar import WorkingCalendar

__all__ = ["SEED_PROVINCE", "SEED_TRUTH", "Chunk", "SyntheticNation", "SyntheticSettings"]

SEED_PROVINCE = "22"
#: The seed province's generating rates.
SEED_TRUTH: dict[str, float] = {
    "on_time": 0.998,
    "online": 0.853,
    "counter_minutes": 13.3,
    "postal_return": 0.53,
    "noncash": 1.0,
}
_DAY = 86400
_OPEN_S = 7 * 3600 + 1800
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class SyntheticSettings:
    """Sizes and seed; defaults give the national shape (34 provinces, ~520 departments,
    ~3,300 communes, 2,000 procedures)."""

    dossiers_per_year: int = 2_000_000
    seed: int = 20250701
    provinces: int = 34
    departments_per_province: int = 15
    communes_per_province: int = 97
    procedures: int = 2000
    petition_rate: float = 0.002
    rating_rate: float = 0.2
    months: int = 12
    """Months generated, from January (a demo writes a quarter); each month has its twelfth
    of ``dossiers_per_year``."""


@dataclass(frozen=True)
class Chunk:
    """One table's rows of one province and month, as built (Arrow: written without a
    conversion)."""

    table: str
    province_code: str
    month: str
    rows: pa.Table

    @property
    def frame(self) -> pl.DataFrame:
        """The rows as a polars frame."""
        return pl.DataFrame(pl.from_arrow(self.rows))

    @property
    def height(self) -> int:
        """Number of rows."""
        return int(self.rows.num_rows)


@dataclass(frozen=True)
class _Catalogue:
    """The procedure columns every province-month draws from, converted once."""

    codes: pa.Array
    limit_days: np.ndarray
    fee_bearing: np.ndarray

    @classmethod
    def of(cls, procedures: pl.DataFrame) -> _Catalogue:
        hours = procedures["legal_limit_unit"].to_numpy() == "hour"
        return cls(
            codes=procedures["procedure_code"].to_arrow(),
            # An hour limit counts as ceil(hours / 8) days for the synthetic due date.
            limit_days=np.maximum(
                1, np.ceil(procedures["legal_limit_value"].to_numpy() / np.where(hours, 8, 1))
            ).astype(np.int64),
            fee_bearing=procedures["fee_bearing"].to_numpy(),
        )

    @property
    def height(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class _ProvinceRates:
    on_time: float
    online: float
    postal_submission: float
    postal_return: float
    noncash: float
    online_payment: float
    counter_minutes: float
    reuse: float
    weight: float


@dataclass(frozen=True)
class SyntheticNation:
    """A seeded synthetic nation of one-stop records."""

    settings: SyntheticSettings = field(default_factory=SyntheticSettings)

    def province_codes(self) -> list[str]:
        """``01`` … ``34``."""
        return [f"{number:02d}" for number in range(1, self.settings.provinces + 1)]

    def _rates(self) -> dict[str, _ProvinceRates]:
        generator = np.random.default_rng(self.settings.seed)
        rates = {}
        for code in self.province_codes():
            draw = generator.uniform(size=8)
            rates[code] = _ProvinceRates(
                on_time=0.90 + 0.095 * draw[0],
                online=0.25 + 0.55 * draw[1],
                postal_submission=0.02 + 0.06 * draw[2],
                postal_return=0.10 + 0.35 * draw[3],
                noncash=0.55 + 0.40 * draw[4],
                online_payment=0.30 + 0.40 * draw[5],
                counter_minutes=10.0 + 15.0 * draw[6],
                reuse=0.30 + 0.60 * draw[7],
                weight=0.5 + generator.uniform(),
            )
        if SEED_PROVINCE in rates:
            base = rates[SEED_PROVINCE]
            rates[SEED_PROVINCE] = _ProvinceRates(
                on_time=SEED_TRUTH["on_time"],
                online=SEED_TRUTH["online"],
                postal_submission=0.02,
                postal_return=SEED_TRUTH["postal_return"],
                noncash=SEED_TRUTH["noncash"],
                online_payment=0.8,
                counter_minutes=SEED_TRUTH["counter_minutes"],
                reuse=0.886,
                weight=base.weight,
            )
        return rates

    def procedures(self) -> pl.DataFrame:
        """The SYNTHETIC procedure catalogue."""
        count = self.settings.procedures
        generator = np.random.default_rng(self.settings.seed + 1)
        hours = generator.uniform(size=count) < 0.05
        limit = np.where(
            hours,
            generator.choice([4, 8, 16], size=count),
            generator.choice([1, 3, 5, 7, 10, 15, 20], size=count),
        )
        level = generator.choice(["full", "partial", "none"], size=count, p=[0.55, 0.3, 0.15])
        return pl.DataFrame(
            {
                "procedure_code": [f"SYN.{number:05d}" for number in range(count)],
                "name": [f"SYNTHETIC procedure {number}" for number in range(count)],
                "legal_limit_value": limit.astype(np.float64),
                "legal_limit_unit": np.where(hours, "hour", "working_day"),
                "online_level": level,
                "has_online_service": level != "none",
                "fee_bearing": generator.uniform(size=count) < 0.4,
                "requires_paper_result": generator.uniform(size=count) < 0.6,
                "citizen_subject": generator.uniform(size=count) < 0.7,
            },
            schema=TABLES["procedures"].schema,
        )

    def agencies(self) -> pl.DataFrame:
        """Province → departments and communes (SYNTHETIC names)."""
        rows: list[dict[str, object]] = []
        for code in self.province_codes():
            name = "Quảng Ninh" if code == SEED_PROVINCE else f"Province {code}"
            rows.append(
                {
                    "agency_id": code,
                    "name": f"{name} (SYNTHETIC)",
                    "level": "province",
                    "province_code": code,
                }
            )
            for number in range(self.settings.departments_per_province):
                rows.append(
                    {
                        "agency_id": f"{code}.S{number:02d}",
                        "name": f"SYNTHETIC department {number}",
                        "level": "department",
                        "parent_id": code,
                        "province_code": code,
                    }
                )
            for number in range(self.settings.communes_per_province):
                rows.append(
                    {
                        "agency_id": f"{code}.X{number:03d}",
                        "name": f"SYNTHETIC commune {number}",
                        "level": "commune",
                        "parent_id": code,
                        "province_code": code,
                    }
                )
        schema = TABLES["agencies"].schema
        return pl.DataFrame(
            [{column: row.get(column) for column in schema} for row in rows], schema=schema
        )

    def publications(self, year: int, per_province: int = 200) -> pl.DataFrame:
        """SYNTHETIC procedure publication decisions of ``year``: about ``per_province`` per
        province, 90 % decided at least 5 working days before the legal basis takes effect,
        85 % made public within 5 working days, 92 % showing all 7 contents; the deadline
        days are computed with the working calendar (:func:`complete_publications`)."""
        generator = np.random.default_rng(self.settings.seed + 3)
        codes = self.province_codes()
        count = per_province * len(codes)
        province = np.repeat(np.array(codes), per_province)
        department = generator.integers(0, self.settings.departments_per_province, size=count)
        procedure = generator.integers(0, self.settings.procedures, size=count)
        first = (dt.date(year, 1, 1) - _EPOCH).days
        decided_day = first + generator.integers(0, 360, size=count)
        on_time = generator.uniform(size=count) < 0.9
        effect_lag = np.where(
            on_time, generator.integers(10, 40, size=count), generator.integers(0, 5, size=count)
        )
        public_lag = np.where(
            generator.uniform(size=count) < 0.85,
            generator.integers(0, 5, size=count),
            generator.integers(9, 30, size=count),
        )
        never_public = generator.uniform(size=count) < 0.02
        hour = _OPEN_S + generator.integers(0, 8 * 3600, size=count)
        decided = decided_day * _DAY + hour
        frame = pl.DataFrame(
            {
                "publication_id": [f"SYN.PUB.{year}.{number:06d}" for number in range(count)],
                "province_code": province,
                "agency_id": [
                    f"{code}.S{number:02d}"
                    for code, number in zip(province, department, strict=True)
                ],
                "procedure_code": [f"SYN.{number:05d}" for number in procedure],
                "action": generator.choice(
                    ["add", "amend", "abolish"], size=count, p=[0.45, 0.5, 0.05]
                ),
                "legal_basis_effective_at": (decided_day + effect_lag) * _DAY,
                "decided_at": decided,
                "publicised_at": _masked(decided + public_lag * _DAY, ~never_public),
                "components_published": np.where(
                    generator.uniform(size=count) < 0.92, 7, generator.integers(4, 7, size=count)
                ).astype(np.int8),
            }
        )
        calendar = WorkingCalendar.for_years([year - 1, year, year + 1])
        return complete_publications(frame, calendar)

    def calendar(self, year: int) -> WorkingCalendar:
        """The calendar the synthetic due dates follow."""
        return WorkingCalendar.for_years([year, year + 1])

    def chunks(self, year: int, province_codes: Collection[str] | None = None) -> Iterator[Chunk]:
        """Dossiers, queue tickets, ratings and petitions, one province-month at a time (of
        ``province_codes`` only, when given: each province-month has its own seed, so a
        province's records do not depend on which others are generated)."""
        rates = self._rates()
        total_weight = sum(rate.weight for rate in rates.values())
        procedures = _Catalogue.of(self.procedures())
        calendar = self.calendar(year)
        holidays = np.array(sorted(calendar.days_off), dtype="datetime64[D]")
        for p_index, code in enumerate(self.province_codes()):
            if province_codes is not None and code not in province_codes:
                continue
            share = rates[code].weight / total_weight
            for month in range(1, self.settings.months + 1):
                count = round(self.settings.dossiers_per_year * share / 12)
                seed = [self.settings.seed, year, p_index, month]
                yield from self._province_month(
                    code, year, month, count, rates[code], procedures, holidays, seed
                )

    def _province_month(
        self,
        code: str,
        year: int,
        month: int,
        count: int,
        rate: _ProvinceRates,
        procedures: _Catalogue,
        holidays: np.ndarray,
        seed: list[int],
    ) -> Iterator[Chunk]:
        generator = np.random.default_rng(seed)
        label = f"{year}-{month:02d}"
        first = np.datetime64(f"{label}-01", "D")
        last = np.datetime64(f"{year + (month == 12)}-{month % 12 + 1:02d}-01", "D")
        days = np.arange(first, last)
        working = days[np.is_busday(days, holidays=holidays)]
        day = generator.choice(working, size=count).astype(np.int64)
        received = day * _DAY + _OPEN_S + generator.integers(0, 9 * 3600, size=count)
        chosen = generator.integers(0, procedures.height, size=count)
        limit_days = procedures.limit_days[chosen]
        due_day = np.busday_offset(
            day.astype("datetime64[D]"), limit_days, roll="forward", holidays=holidays
        ).astype(np.int64)
        due = due_day * _DAY + 17 * 3600
        late = generator.uniform(size=count) >= rate.on_time
        early_days = np.floor(generator.uniform(size=count) * limit_days).astype(np.int64)
        finish_day = np.where(
            late, due_day + 1 + generator.integers(0, 10, size=count), day + early_days
        )
        finished = finish_day * _DAY + _OPEN_S + generator.integers(0, 9 * 3600, size=count)
        # One answered supplement request for some dossiers finished after their first day:
        # the wait is added to the finish time and subtracted again by the rules, so the
        # generating on-time rates hold. Own stream: the other draws stay as they were.
        supplements = np.random.default_rng([*seed, 1])
        paused = (finish_day > day) & (supplements.uniform(size=count) < 0.04)
        pause_days = np.where(paused, supplements.integers(1, 8, size=count), 0)
        requested = received + 2 * 3600
        finished = finished + pause_days * _DAY
        finish_day = finish_day + pause_days
        outcome = generator.uniform(size=count)
        withdrawn = outcome < 0.01
        stopped = (outcome >= 0.01) & (outcome < 0.02)
        processed = ~(withdrawn | stopped)
        returned = processed & (generator.uniform(size=count) < 0.9)
        channel_draw = generator.uniform(size=count)
        channel = np.where(
            channel_draw < rate.online,
            2,
            np.where(channel_draw < rate.online + rate.postal_submission, 3, 1),
        )
        fee_bearing = procedures.fee_bearing[chosen]
        fee = np.where(
            fee_bearing & (generator.uniform(size=count) < 0.9),
            generator.choice([20000.0, 50000.0, 100000.0], size=count),
            0.0,
        )
        paid_online = np.where(
            (fee > 0) & (generator.uniform(size=count) < rate.online_payment),
            generator.choice([1, 2], size=count),
            0,
        )
        noncash = (fee > 0) & (
            (paid_online > 0)
            | (
                generator.uniform(size=count)
                < (rate.noncash - rate.online_payment) / max(1e-9, 1 - rate.online_payment)
            )
        )
        postal_return = generator.uniform(size=count) < rate.postal_return
        agency_draw = generator.uniform(size=count)
        # Columns are built with Arrow kernels, a few calls per column whatever the size:
        # with polars' per-call overhead a small province-month cost more to assemble than
        # to draw. The draws and their order are unchanged, so the records are the same.
        departments = _labels(
            f"{code}.S",
            generator.integers(0, self.settings.departments_per_province, size=count),
            2,
        )
        communes = _labels(
            f"{code}.X",
            generator.integers(0, self.settings.communes_per_province, size=count),
            3,
        )
        agencies = compute.if_else(_numbers(agency_draw < 0.3, pa.bool_()), departments, communes)
        e_result = generator.uniform(size=count) < 0.7
        returned_by = np.where(postal_return, 2, np.where(channel == 2, 1, 0))
        columns: dict[str, pa.Array | np.ndarray] = {
            "dossier_code": _labels(f"{code}-{year}{month:02d}-", np.arange(count), 7),
            "source_system": _constant("SYNTHETIC", count),
            "province_code": _constant(code, count),
            "agency_id": agencies,
            "procedure_code": procedures.codes.take(_numbers(chosen, pa.int64())),
            "channel": channel,
            "status": np.where(withdrawn, 7, np.where(stopped, 8, np.where(returned, 10, 9))),
            "submitted_at": received - 600,
            "received_at": received,
            "due_at": due,
            "due_source": _constant("source", count),
            "due_at_original": due,
            "processed_at": _masked(finished, processed),
            "returned_at": _masked(finished + 3600, returned),
            "stopped_at": _masked(finished, stopped),
            "withdrawn_at": _masked(finished, withdrawn),
            "supplement_count": paused.astype(np.int16),
            "supplement_requested_at": _masked(requested, paused),
            "supplement_returned_at": _masked(requested + pause_days * _DAY, paused),
            "supplement_pause_working_days": _masked(
                np.busday_count(
                    (requested // _DAY + 1).astype("datetime64[D]"),
                    ((requested + pause_days * _DAY) // _DAY + 1).astype("datetime64[D]"),
                    holidays=holidays,
                ).astype(np.float64),
                paused,
            ),
            "result_return_method": _choices(("counter", "online", "postal"), returned_by),
            "has_e_result": e_result,
            "has_digitized_components": generator.uniform(size=count) < 0.8,
            "reused_components": (generator.uniform(size=count) < rate.reuse).astype(np.int16),
            "from_citizen_repository": generator.uniform(size=count) < 0.4,
            "vneid_authenticated": (channel == 2) & (generator.uniform(size=count) < 0.7),
            "population_db": generator.uniform(size=count) < 0.5,
            "fee_total": fee,
            "has_fee_lines": fee_bearing,
            "paid_online": paid_online,
            "paid_noncash": noncash,
            "apology_issued": late & (generator.uniform(size=count) < 0.5),
            "synced_to_portal_at": _masked(received + 3600, generator.uniform(size=count) < 0.97),
            "processing_working_days": _masked(
                np.minimum(finish_day - day, 60).astype(np.float64), processed
            ),
            "month": _constant(label, count),
        }
        dossiers = _table("dossiers", columns, count)
        yield Chunk("dossiers", code, label, dossiers)
        for table, rows in (
            ("queue_tickets", self._tickets(code, label, dossiers, rate, generator)),
            ("ratings", self._ratings(code, label, dossiers, generator)),
            ("petitions", self._petitions(code, label, dossiers, generator)),
        ):
            yield Chunk(table, code, label, rows)

    @staticmethod
    def _tickets(
        code: str,
        label: str,
        dossiers: pa.Table,
        rate: _ProvinceRates,
        generator: np.random.Generator,
    ) -> pa.Table:
        direct = dossiers.filter(_numbers(_values(dossiers["channel"]) != 2, pa.bool_()))
        count = direct.num_rows
        issued = _values(direct["received_at"]) - 1200
        wait = generator.integers(60, 1800, size=count)
        service = (
            generator.gamma(4.0, rate.counter_minutes * 60 / 4.0, size=count)
            .round()
            .astype(np.int64)
        )
        called = issued + wait
        columns = {
            "ticket_id": _labels(f"T{code}-{label}-", np.arange(count), 0),
            "agency_id": direct["agency_id"],
            "province_code": _constant(code, count),
            "issued_at": issued,
            "called_at": called,
            "served_at": called + 30,
            "finished_at": called + service,
        }
        return _table("queue_tickets", columns, count)

    def _ratings(
        self, code: str, label: str, dossiers: pa.Table, generator: np.random.Generator
    ) -> pa.Table:
        rated = dossiers.filter(
            _numbers(
                generator.uniform(size=dossiers.num_rows) < self.settings.rating_rate, pa.bool_()
            )
        )
        count = rated.num_rows
        levels = generator.choice([5, 4, 3, 2, 1], size=count, p=[0.7, 0.2, 0.06, 0.03, 0.01])
        columns = {
            "rating_id": _labels(f"R{code}-{label}-", np.arange(count), 0),
            "dossier_code": rated["dossier_code"],
            "agency_id": rated["agency_id"],
            "province_code": _constant(code, count),
            "procedure_code": rated["procedure_code"],
            "rated_at": _values(rated["received_at"]) + 86400,
            "channel": _choices(("kiosk", "qr", "web"), generator.choice(3, size=count)),
            "level": levels,
            "criteria": _labels('{"c1": ', levels, 0, suffix="}"),
            "entered_by_officer": np.zeros(count, dtype=bool),
        }
        return _table("ratings", columns, count)

    def _petitions(
        self, code: str, label: str, dossiers: pa.Table, generator: np.random.Generator
    ) -> pa.Table:
        chosen = dossiers.filter(
            _numbers(
                generator.uniform(size=dossiers.num_rows) < self.settings.petition_rate, pa.bool_()
            )
        )
        count = chosen.num_rows
        received = _values(chosen["received_at"]) + 2 * 86400
        handled_late = generator.uniform(size=count) < 0.1
        columns = {
            "petition_id": _labels(f"K{code}-{label}-", np.arange(count), 0),
            "agency_id": chosen["agency_id"],
            "province_code": _constant(code, count),
            "dossier_code": chosen["dossier_code"],
            "category": _constant("procedure", count),
            "received_at": received,
            "due_at": received + 21 * 86400,
            "handled_at": received + np.where(handled_late, 25, 7) * 86400,
            "likes": generator.integers(0, 3, size=count),
            "dislikes": generator.integers(0, 2, size=count),
            "recomplained": generator.uniform(size=count) < 0.02,
        }
        return _table("petitions", columns, count)


#: Arrow type of each record dtype the synthetic tables use.
_ARROW_TYPES: dict[pl.DataType | type[pl.DataType], pa.DataType] = {
    pl.String: pa.string(),
    pl.Boolean: pa.bool_(),
    pl.Int8: pa.int8(),
    pl.Int16: pa.int16(),
    pl.Int32: pa.int32(),
    pl.Int64: pa.int64(),
    pl.Float64: pa.float64(),
}


def _table(
    name: str, columns: dict[str, pa.Array | pa.ChunkedArray | np.ndarray], count: int
) -> pa.Table:
    """The columns of record table ``name`` in its order and types; absent ones all null.

    Examples
    --------
    >>> table = _table("queue_tickets", {"issued_at": np.array([5, 6])}, 2)
    >>> table.column_names[:4], table["issued_at"].to_pylist(), table["ticket_id"].null_count
    (['ticket_id', 'agency_id', 'province_code', 'issued_at'], [5, 6], 2)
    """
    arrays = []
    fields = []
    for column, dtype in TABLES[name].schema.items():
        kind = _ARROW_TYPES[dtype]
        value = columns.get(column)
        if value is None:
            arrays.append(pa.nulls(count, kind))
        elif isinstance(value, np.ndarray):
            arrays.append(_numbers(value, kind))
        else:
            arrays.append(value if value.type == kind else value.cast(kind))
        fields.append(pa.field(column, kind))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _constant(value: str, count: int) -> pa.Array:
    """``value`` repeated ``count`` times."""
    return pa.repeat(_text(value), count)


def _labels(prefix: str, numbers: np.ndarray, width: int, suffix: str = "") -> pa.Array:
    """``prefix`` followed by each number, zero-padded to ``width`` digits, then ``suffix``.

    Examples
    --------
    >>> _labels("22.S", np.array([3, 12]), 2).to_pylist()
    ['22.S03', '22.S12']
    """
    digits = _numbers(numbers, pa.int64()).cast(pa.string())
    if width:
        digits = compute.utf8_lpad(digits, width, padding="0")
    return compute.binary_join_element_wise(_text(prefix), digits, _text(suffix), _text(""))


def _masked(values: np.ndarray, keep: np.ndarray) -> pa.Array:
    """``values`` where ``keep``, null elsewhere.

    Examples
    --------
    >>> _masked(np.array([1, 2, 3]), np.array([True, False, True])).to_pylist()
    [1, None, 3]
    """
    return _numbers(values, pa.from_numpy_dtype(values.dtype), valid=keep)


def _numbers(values: np.ndarray, kind: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    """A numpy array of numbers or booleans as an Arrow array of ``kind``, null where not
    ``valid``.

    Built from the array's buffers: ``pyarrow.array`` on a numpy array imports pandas (about
    half a second) to ask whether the array is categorical, which these never are.

    Examples
    --------
    >>> _numbers(np.array([1, 2, 3]), pa.int16(), np.array([True, False, True])).to_pylist()
    [1, None, 3]
    >>> _numbers(np.array([True, False]), pa.bool_()).to_pylist()
    [True, False]
    """
    count = len(values)
    validity = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    if pa.types.is_boolean(kind):
        data = pa.py_buffer(np.packbits(values.astype(bool), bitorder="little"))
    else:
        data = pa.py_buffer(np.ascontiguousarray(values, dtype=_numpy_type(kind)))
    nulls = -1 if valid is not None else 0
    return pa.Array.from_buffers(kind, count, [validity, data], null_count=nulls)


def _choices(labels: tuple[str, ...], chosen: np.ndarray) -> pa.Array:
    """The label of each chosen position (built without ``pyarrow.array``; see :func:`_numbers`).

    Examples
    --------
    >>> _choices(("a", "b"), np.array([1, 0, 1])).to_pylist()
    ['b', 'a', 'b']
    """
    options = pa.concat_arrays([pa.repeat(_text(label), 1) for label in labels])
    return options.take(_numbers(chosen, pa.int64()))


def _text(value: str) -> pa.Scalar:
    """``value`` as an Arrow string scalar (built without ``pyarrow.scalar``; see
    :func:`_numbers`).

    Examples
    --------
    >>> _text("Hạ Long").as_py()
    'Hạ Long'
    """
    data = value.encode("utf-8")
    offsets = np.array([0, len(data)], dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)])[
        0
    ]


def _values(column: pa.ChunkedArray) -> np.ndarray:
    """The numbers of a column without nulls, as a read-only numpy view (``to_numpy``
    imports pandas; see :func:`_numbers`).

    Examples
    --------
    >>> table = pa.Table.from_arrays([_numbers(np.array([4, 5, 6]), pa.int16())], ["n"])
    >>> _values(table["n"].slice(1)).tolist()
    [5, 6]
    """
    dtype = _numpy_type(column.type)
    if column.num_chunks == 0:
        return np.empty(0, dtype=dtype)
    # One chunk (the usual case) is read as it is; combining would copy it.
    array = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    values = np.frombuffer(array.buffers()[1], dtype=dtype)
    return values[array.offset : array.offset + len(array)]


def _numpy_type(kind: pa.DataType) -> np.dtype:
    """The numpy type of an Arrow number type (``DataType.to_pandas_dtype`` may import
    pandas).

    Examples
    --------
    >>> _numpy_type(pa.int16()), _numpy_type(pa.float64())
    (dtype('int16'), dtype('float64'))
    """
    if pa.types.is_floating(kind):
        return np.dtype(f"float{kind.bit_width}")
    if pa.types.is_unsigned_integer(kind):
        return np.dtype(f"uint{kind.bit_width}")
    return np.dtype(f"int{kind.bit_width}")
