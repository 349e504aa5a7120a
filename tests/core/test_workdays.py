from datetime import date

from interact.core import workdays
from interact.core.models import CalendarDay, CalendarDayKind
from interact.core.workdays import WorkCalendar


def test_national_day_2026_holiday_and_makeup_days():
    cal = WorkCalendar()
    # 2026-10-01..07 are holidays; Saturday 2026-10-10 is a make-up working day (调休).
    assert not cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 10, 7))
    assert cal.is_workday(date(2026, 10, 10))  # Saturday, make-up working day
    assert not cal.is_workday(date(2026, 10, 11))
    # Received on Wednesday 30 Sep with a 5-working-day limit: Oct 8, 9, 10 (Sat), 12, 13.
    due = cal.add_workdays(date(2026, 9, 30), 5)
    assert due == date(2026, 10, 13)
    assert cal.workdays_between(date(2026, 9, 30), due) == 5


def test_add_workdays_skips_weekend():
    cal = WorkCalendar()
    friday = date(2026, 11, 20)
    assert cal.add_workdays(friday, 1) == date(2026, 11, 23)
    assert cal.add_workdays(friday, 0) == friday
    assert cal.workdays_between(friday, date(2026, 11, 23)) == 1
    assert cal.workdays_between(date(2026, 11, 23), friday) == -1


def test_uncovered_year_falls_back_to_weekdays_and_overrides_win():
    plain = WorkCalendar()
    assert not plain.is_year_configured(2099)
    assert plain.is_workday(date(2099, 1, 1))  # a Thursday: unknown holiday
    configured = WorkCalendar({date(2099, 1, 1): False, date(2099, 1, 3): True})
    assert configured.is_year_configured(2099)
    assert not configured.is_workday(date(2099, 1, 1))
    assert configured.is_workday(date(2099, 1, 3))  # Saturday make-up day
    assert configured.add_workdays(date(2098, 12, 31), 1) == date(2099, 1, 2)


def test_database_overrides_are_loaded(app, db):
    db.session.add(CalendarDay(day=date(2099, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦"))
    db.session.commit()
    workdays.invalidate()
    assert not workdays.is_workday(date(2099, 1, 1))
    assert workdays.add_workdays(date(2098, 12, 31), 1) == date(2099, 1, 2)
