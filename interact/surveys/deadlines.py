"""The one-month rule: result feedback is due one calendar month after a collection ends.

Counted on Beijing dates. The month is a calendar month, clamped to the end of a shorter
month (31 January → 28 or 29 February; 31 March → 30 April), and the feedback is on time
until the end (23:59:59 Beijing time) of that day.
"""
from __future__ import annotations

from datetime import date, datetime

from interact.core import clock, periods

#: The feedback is "due soon" (reminder, amber tag, the dashboard's list) this many days before.
DUE_SOON_DAYS = 7


def add_one_month(day: date) -> date:
    """The same day of the next month, or that month's last day when it is shorter."""
    return periods.add_months(day, 1)


def feedback_deadline(ends_at: datetime) -> date:
    """The Beijing date by the end of which the feedback must be published."""
    return add_one_month(clock.to_local(ends_at).date())
