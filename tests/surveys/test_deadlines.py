"""The one-month rule across month ends and leap years, in Beijing dates."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from interact.core import clock
from interact.surveys.deadlines import add_one_month, feedback_deadline
from interact.surveys.models import Collection

from .conftest import local


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2028, 1, 29), date(2028, 2, 29)),
        (date(2026, 1, 28), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 8, 31), date(2026, 9, 30)),
    ],
)
def test_add_one_month_clamps_to_month_end(day, expected):
    assert add_one_month(day) == expected


def test_deadline_uses_the_beijing_date_of_the_end():
    # 31 Jan 20:00 UTC is already 1 Feb 04:00 in Beijing → due 1 March.
    assert feedback_deadline(datetime(2026, 1, 31, 20, 0, tzinfo=timezone.utc)) == date(2026, 3, 1)
    # 31 Jan 15:00 UTC is 31 Jan 23:00 in Beijing → due 28 February.
    assert feedback_deadline(datetime(2026, 1, 31, 15, 0, tzinfo=timezone.utc)) == date(2026, 2, 28)


def test_collection_due_at_is_end_of_the_local_day(app):
    collection = Collection(title="t", department_id=1, starts_at=local(2028, 1, 1), ends_at=local(2028, 1, 31, 17))
    assert collection.feedback_due_date == date(2028, 2, 29)
    assert clock.to_local(collection.feedback_due_at).strftime("%H:%M:%S") == "23:59:59"
    collection.ends_at = local(2028, 3, 31, 17)
    assert collection.feedback_due_date == date(2028, 4, 30)


def test_countdown_and_overdue_switch_at_local_midnight(make_collection, frozen):
    collection = make_collection(start=(2026, 1, 5), end=(2026, 1, 31, 18), created=(2026, 1, 1))
    assert collection.feedback_due_date == date(2026, 2, 28)
    frozen(2026, 2, 21, 10)
    assert collection.feedback_days_left == 7
    frozen(2026, 2, 28, 23, 59)
    assert collection.feedback_days_left == 0 and not collection.feedback_overdue
    frozen(2026, 3, 1, 0, 0)
    assert collection.feedback_days_left == -1 and collection.feedback_overdue
