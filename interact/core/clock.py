"""The one source of "now".

Every deadline, timestamp and scheduled job asks this module, so tests can pin time with
:func:`freeze` and the demo can run "in the future" with the ``CLOCK_OFFSET_DAYS`` setting
(``INTERACT_CLOCK_OFFSET_DAYS`` in the environment), which web and scheduler processes
read alike.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

#: Business time zone: deadlines and working days are counted in Beijing time.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_fixed: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    if _fixed is not None:
        return _fixed
    return datetime.now(timezone.utc) + _offset


def local_now() -> datetime:
    return now().astimezone(LOCAL_TZ)


def today() -> date:
    """Today's date in Beijing time."""
    return local_now().date()


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ)


def local_datetime(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Beijing wall-clock time on ``day``, returned as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LOCAL_TZ).astimezone(
        timezone.utc
    )


def end_of_local_day(day: date) -> datetime:
    """23:59:59 Beijing time on ``day`` as aware UTC: a due date is met until then."""
    return local_datetime(day, 23, 59, 59)


def set_offset(offset: timedelta) -> None:
    """Shift the clock for the whole process (demo: "run as if it were N days later")."""
    global _offset
    _offset = offset


def set_fixed(moment: datetime | None) -> None:
    global _fixed
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze the clock with an aware datetime")
    _fixed = moment.astimezone(timezone.utc) if moment is not None else None


@contextmanager
def freeze(moment: datetime) -> Iterator[None]:
    """Pin ``now()`` to ``moment`` inside the block (tests)."""
    previous = _fixed
    set_fixed(moment)
    try:
        yield
    finally:
        set_fixed(previous)


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward."""
    if _fixed is None:
        raise RuntimeError("advance() needs a frozen clock")
    set_fixed(_fixed + delta)
