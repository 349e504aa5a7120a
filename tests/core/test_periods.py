"""Month and period arithmetic (core.periods): the one implementation every feature uses."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from interact.core import clock, periods
from interact.core.errors import InvalidInput


@pytest.mark.parametrize("day,months,expected", [
    (date(2026, 3, 2), -2, date(2026, 1, 2)),
    (date(2026, 4, 30), -2, date(2026, 2, 28)),
    (date(2026, 1, 15), -3, date(2025, 10, 15)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 12, 31), 1, date(2027, 1, 31)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert periods.add_months(day, months) == expected


def test_months_before_a_moment_counts_on_the_beijing_calendar():
    moment = clock.local_datetime(date(2026, 5, 31), 12)
    earlier = periods.months_before(moment, 3)
    assert earlier.tzinfo == moment.tzinfo
    assert clock.to_local(earlier).replace(tzinfo=None) == datetime(2026, 2, 28, 12)
    # 1 June 01:00 Beijing is 31 May UTC: the Beijing date decides.
    early = datetime(2026, 5, 31, 17, tzinfo=timezone.utc)
    assert clock.to_local(periods.months_before(early, 3)).date() == date(2026, 3, 1)


def test_veto_cutoff_uses_the_one_constant(frozen):
    frozen(2026, 6, 15, 10)
    assert periods.VETO_MONTHS == 3
    assert clock.to_local(periods.veto_cutoff()).replace(tzinfo=None) == datetime(2026, 3, 15, 10)


def test_months_and_bounds(frozen):
    frozen(2026, 1, 10)
    assert periods.current_month() == "2026-01" and periods.previous_month() == "2025-12"
    assert periods.shift_month("2026-11", 3) == "2027-02"
    assert periods.months_ending("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    start, end = periods.month_bounds("2026-03")
    assert (clock.to_local(start).replace(tzinfo=None), clock.to_local(end).replace(tzinfo=None)) == (
        datetime(2026, 3, 1), datetime(2026, 4, 1))
    assert periods.month_label("2026-03") == "2026年3月"


@pytest.mark.parametrize("value", ["2026-13", "26-01", "1999-12", "2026-1", "x"])
def test_bad_months(value):
    assert periods.valid_month(value) is None
    with pytest.raises(InvalidInput):
        periods.parse_month(value)


def test_a_month_is_over_only_after_its_last_day_in_beijing(frozen):
    frozen(2026, 11, 30, 23, 59)
    assert not periods.month_is_over("2026-11")
    frozen(2026, 12, 1, 0, 0)
    assert periods.month_is_over("2026-11") and not periods.month_is_over("2026-12")


def test_period_bounds_cover_the_last_day():
    period = periods.make_period("quarter", year=2026, quarter=1)
    start, end = period.bounds
    assert clock.to_local(start).date() == date(2026, 1, 1) and clock.to_local(end).date() == date(2026, 4, 1)
