"""Working-day arithmetic on the Chinese calendar (statutory holidays and 调休 make-up days).

Two sources, in this order of precedence:

1. ``calendar_days`` rows maintained by the admin (节假日/调休设置) — for the years the
   installed chinese-calendar release does not know yet, or to correct it;
2. the ``chinese_calendar`` package for the years it covers;
3. otherwise Monday–Friday are working days (and the dashboard warns that the year is not
   configured).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

_CC_YEARS = sorted({d.year for d in chinese_calendar.constants.holidays})
#: First and last year the installed chinese-calendar release knows.
CC_FIRST_YEAR, CC_LAST_YEAR = _CC_YEARS[0], _CC_YEARS[-1]

#: How long a process trusts its cached copy of the admin table (seconds).
CACHE_SECONDS = 30


@dataclass
class WorkCalendar:
    """A working-day calendar: chinese-calendar plus admin overrides (``True`` = workday)."""

    overrides: dict[date, bool] = field(default_factory=dict)
    _memo: dict[date, bool] = field(default_factory=dict, repr=False)

    def is_workday(self, day: date) -> bool:
        cached = self._memo.get(day)
        if cached is not None:
            return cached
        if day in self.overrides:
            result = self.overrides[day]
        elif CC_FIRST_YEAR <= day.year <= CC_LAST_YEAR:
            result = chinese_calendar.is_workday(day)
        else:
            result = day.weekday() < 5
        self._memo[day] = result
        return result

    def is_year_configured(self, year: int) -> bool:
        """Whether the holidays of ``year`` are known (package or admin table)."""
        if CC_FIRST_YEAR <= year <= CC_LAST_YEAR:
            return True
        return any(d.year == year and not workday for d, workday in self.overrides.items())

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``n`` ≥ 0; 0 returns ``start``).

        A letter received on Friday with a 1-day limit is due on the next working day,
        so ``start`` itself never counts.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Working days ``d`` with ``a < d ≤ b`` (negative when ``b`` is before ``a``)."""
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        day = a
        while day < b:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def next_workday(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day


_lock = threading.Lock()
_cached: tuple[float, WorkCalendar] | None = None


def load_calendar() -> WorkCalendar:
    """Build a calendar from the admin table (needs an app context)."""
    from interact.core.models import CalendarDay, CalendarDayKind
    from interact.extensions import db

    rows = db.session.execute(db.select(CalendarDay.day, CalendarDay.kind)).all()
    return WorkCalendar({day: kind is CalendarDayKind.WORKDAY for day, kind in rows})


def get_calendar() -> WorkCalendar:
    """The process-wide calendar, reloaded at most every ``CACHE_SECONDS``."""
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > CACHE_SECONDS:
            _cached = (time.monotonic(), load_calendar())
        return _cached[1]


def invalidate() -> None:
    global _cached
    with _lock:
        _cached = None


def is_workday(day: date) -> bool:
    return get_calendar().is_workday(day)


def add_workdays(start: date, n: int) -> date:
    return get_calendar().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    return get_calendar().workdays_between(a, b)
