"""Viet Nam's working-day calendar for one-stop deadlines.

Public holidays come from the ``holidays`` package (Labour Code 2019 Art. 112: New Year, the
lunar Tết block, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and its adjacent day) together with the
government's announced swaps: the substituted days off are holidays and the make-up Saturdays
are working days. A per-year override mapping (date → working or not) is applied last, so an
office can record a local decision. 24/11 "Vietnam Cultural Day" is left out unless
``cultural_day=True``: the policy behind it is not yet confirmed.

Limits in working days count the days after the day of reception (the reception day itself
is not counted); a dossier received after the cut-off time or on a non-working day is taken
as received when the next working day opens. Due times fall at closing time. Hour limits are
working hours through the morning and afternoon sessions unless ``hours_are_working=False``.

Examples
--------
>>> import datetime as dt
>>> calendar = WorkingCalendar.for_years(range(2024, 2027))
>>> calendar.due_at(dt.datetime(2025, 1, 24, 9, 0), 5, "working_day")
datetime.datetime(2025, 2, 7, 17, 0)
>>> calendar.is_working_day(dt.date(2025, 4, 26))  # make-up Saturday
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import holidays
import numpy as np
import numpy.typing as npt

from govindex.errors import SpecError

__all__ = ["CalendarPolicy", "WorkingCalendar"]

_CULTURAL_DAY = (11, 24)


@dataclass(frozen=True)
class CalendarPolicy:
    """The explicit choices of deadline arithmetic, recorded with every result."""

    morning: tuple[dt.time, dt.time] = (dt.time(7, 30), dt.time(11, 30))
    afternoon: tuple[dt.time, dt.time] = (dt.time(13, 0), dt.time(17, 0))
    cut_off: dt.time = dt.time(17, 0)
    hours_are_working: bool = True
    cultural_day: bool = False

    def describe(self) -> dict[str, str]:
        """The policy as strings, for a result's parameters.

        Examples
        --------
        >>> CalendarPolicy().describe()["cut_off"]
        '17:00'
        """
        return {
            "morning": f"{self.morning[0]:%H:%M}-{self.morning[1]:%H:%M}",
            "afternoon": f"{self.afternoon[0]:%H:%M}-{self.afternoon[1]:%H:%M}",
            "cut_off": f"{self.cut_off:%H:%M}",
            "hours_are_working": str(self.hours_are_working).lower(),
            "cultural_day": str(self.cultural_day).lower(),
        }


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days of Viet Nam's civil service for a range of years."""

    years: tuple[int, ...]
    days_off: frozenset[dt.date]
    extra_working_days: frozenset[dt.date]
    policy: CalendarPolicy = field(default_factory=CalendarPolicy)

    @classmethod
    def for_years(
        cls,
        years: Iterable[int],
        *,
        overrides: Mapping[dt.date, bool] | None = None,
        policy: CalendarPolicy | None = None,
    ) -> WorkingCalendar:
        """Build the calendar from ``holidays`` and an override mapping (True = working).

        Examples
        --------
        >>> import datetime as dt
        >>> calendar = WorkingCalendar.for_years([2026], overrides={dt.date(2026, 3, 2): False})
        >>> calendar.is_working_day(dt.date(2026, 3, 2))
        False
        """
        policy = policy or CalendarPolicy()
        year_list = tuple(sorted(set(years)))
        if not year_list:
            msg = "a working calendar needs at least one year"
            raise SpecError(msg, where="calendar.years")
        official = holidays.country_holidays("VN", years=year_list)
        days_off = {
            day for day in official if policy.cultural_day or (day.month, day.day) != _CULTURAL_DAY
        }
        extra = {day for day in official.weekend_workdays if day.year in year_list}
        for day, working in (overrides or {}).items():
            if working:
                days_off.discard(day)
                if day.weekday() >= 5:
                    extra.add(day)
            else:
                days_off.add(day)
                extra.discard(day)
        return cls(year_list, frozenset(days_off), frozenset(extra), policy)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether civil servants work on ``day``.

        Examples
        --------
        >>> import datetime as dt
        >>> WorkingCalendar.for_years([2025]).is_working_day(dt.date(2025, 1, 29))  # Tết
        False
        """
        if day.year not in self.years:
            msg = f"the working calendar covers {self.years[0]}–{self.years[-1]}, not {day}"
            raise SpecError(msg, where="calendar", found=day.isoformat())
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def shift_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (before it when ``count`` is negative);
        ``day`` itself is never counted.

        Examples
        --------
        >>> import datetime as dt
        >>> calendar = WorkingCalendar.for_years([2025])
        >>> calendar.shift_working_days(dt.date(2025, 2, 7), -5)  # back over Tết
        datetime.date(2025, 1, 24)
        >>> calendar.shift_working_days(dt.date(2025, 1, 24), 5)
        datetime.date(2025, 2, 7)
        """
        step = dt.timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def _clock_start(self, moment: dt.datetime) -> dt.datetime:
        """When counting starts: ``moment``, or the next opening if it is after hours."""
        opening = self.policy.morning[0]
        if self.is_working_day(moment.date()) and moment.time() < self.policy.cut_off:
            return max(moment, dt.datetime.combine(moment.date(), opening))
        return dt.datetime.combine(self.next_working_day(moment.date()), opening)

    def due_at(self, received: dt.datetime, value: float, unit: str) -> dt.datetime:
        """The appointment time for a legal limit of ``value`` ``unit`` from ``received``.

        Examples
        --------
        >>> import datetime as dt
        >>> calendar = WorkingCalendar.for_years([2025])
        >>> calendar.due_at(dt.datetime(2025, 4, 24, 10, 0), 3, "working_day")  # Sat 26/4 works
        datetime.datetime(2025, 4, 28, 17, 0)
        >>> calendar.due_at(dt.datetime(2025, 3, 7, 15, 30), 8, "hour")
        datetime.datetime(2025, 3, 10, 15, 30)
        """
        closing = self.policy.afternoon[1]
        if unit == "working_day":
            start = self._clock_start(received).date()
            day = start
            for _ in range(round(value)):
                day = self.next_working_day(day)
            return dt.datetime.combine(day, closing)
        if unit == "day":
            return dt.datetime.combine(received.date() + dt.timedelta(days=round(value)), closing)
        if unit == "month":
            months = received.month - 1 + round(value)
            year, month = received.year + months // 12, months % 12 + 1
            day_of_month = min(received.day, _days_in_month(year, month))
            return dt.datetime.combine(dt.date(year, month, day_of_month), closing)
        if unit in ("hour", "working_hour"):
            if unit == "hour" and not self.policy.hours_are_working:
                return received + dt.timedelta(hours=value)
            return self._add_working_hours(self._clock_start(received), value)
        msg = f"unknown time-limit unit `{unit}`"
        raise SpecError(
            msg, where="legal_limit_unit", found=unit, expected="working_day, day, hour, month"
        )

    def _add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        remaining = dt.timedelta(hours=hours)
        moment = start
        while True:
            for opening, closing in (self.policy.morning, self.policy.afternoon):
                session_start = dt.datetime.combine(moment.date(), opening)
                session_end = dt.datetime.combine(moment.date(), closing)
                begin = max(moment, session_start)
                if begin >= session_end:
                    continue
                if begin + remaining <= session_end:
                    return begin + remaining
                remaining -= session_end - begin
                moment = session_end
            moment = dt.datetime.combine(
                self.next_working_day(moment.date()), self.policy.morning[0]
            )

    def working_days_between(
        self, start_days: npt.NDArray[np.int64], end_days: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """Working days in ``(start, end]`` for arrays of day numbers (days since 1970-01-01).

        Vectorised with numpy's business-day counter, then adjusted for make-up Saturdays.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> calendar = WorkingCalendar.for_years([2025])
        >>> start = np.array([(dt.date(2025, 1, 24) - dt.date(1970, 1, 1)).days])
        >>> calendar.working_days_between(start, start + 14).tolist()
        [5]
        """
        holidays_array = np.array(sorted(self.days_off), dtype="datetime64[D]")
        extra = np.array(sorted(self.extra_working_days), dtype="datetime64[D]").astype(np.int64)
        first = (start_days + 1).astype("datetime64[D]")
        last = (end_days + 1).astype("datetime64[D]")
        counts = np.busday_count(first, np.maximum(first, last), holidays=holidays_array)
        bonus = np.searchsorted(extra, end_days, side="right") - np.searchsorted(
            extra, start_days, side="right"
        )
        total: npt.NDArray[np.int64] = (counts + np.maximum(bonus, 0)).astype(np.int64)
        return total


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day
