"""Month and period arithmetic, written once (Beijing calendar).

Every feature counts months the same way: a month is ``YYYY-MM`` of the Beijing calendar;
"N months before/after a day" keeps the day and clamps it to the end of a shorter month
(31 May − 3 months = 28 February); a period of the performance report is a month, a
quarter, a year or a custom range of Beijing dates; and the inspection's veto rule —
"no letter may stay unanswered for three months" — has its 3 here and nowhere else.

UTC bounds are half-open ``[start, end)``, ready for ``column >= start, column < end``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from interact.core import clock, datetext
from interact.core.errors import InvalidInput

#: A letter unanswered this many calendar months is a veto item of a portal inspection.
VETO_MONTHS = 3
#: Kinds of performance period and their Chinese names.
PERIOD_KINDS = {"month": "月度", "quarter": "季度", "year": "年度", "custom": "自定义"}
#: The longest custom period accepted (days), to keep queries bounded.
MAX_CUSTOM_DAYS = 3 * 366

_MONTH = re.compile(r"(\d{4})-(\d{2})")
D = TypeVar("D", date, datetime)


# --- months ("YYYY-MM") ---------------------------------------------------------------------


def valid_month(value: str | None) -> str | None:
    """``value`` when it is a ``YYYY-MM`` between 2000 and 2100, else ``None``."""
    match = _MONTH.fullmatch((value or "").strip())
    if not match or not (2000 <= int(match.group(1)) <= 2100 and 1 <= int(match.group(2)) <= 12):
        return None
    return match.group(0)


def parse_month(value: str | None, *, default: str | None = None) -> str:
    """A validated ``YYYY-MM``; ``default`` (or the current month) when ``value`` is empty.

    :raises InvalidInput: malformed or outside 2000–2100.
    """
    if not (value or "").strip():
        return default or current_month()
    month = valid_month(value)
    if month is None:
        raise InvalidInput("月份格式应为 YYYY-MM，例如 2026-01。", fields={"month": "格式应为 YYYY-MM"})
    return month


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def current_month() -> str:
    return month_of(clock.today())


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def shift_month(month: str, delta: int) -> str:
    return month_of(add_months(first_day(month), delta))


def previous_month(month: str | None = None) -> str:
    return shift_month(month or current_month(), -1)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of a Beijing calendar month.

    Any well-formed month: the 2000–2100 range is a rule for what people ask for
    (:func:`parse_month`), not for months derived from it (a trend reaching back a year).

    :raises InvalidInput: a malformed month.
    """
    match = _MONTH.fullmatch(month or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput("月份格式应为 YYYY-MM，例如 2026-01。", fields={"month": "格式应为 YYYY-MM"})
    start = first_day(month)
    return local_range(start, add_months(start, 1) - timedelta(days=1))


def month_label(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:7])}月"


def months_ending(month: str, count: int) -> list[str]:
    """``count`` months up to and including ``month``, oldest first."""
    return [shift_month(month, -i) for i in range(count - 1, -1, -1)]


def month_is_over(month: str) -> bool:
    """Whether the Beijing calendar month has ended (its figures are final)."""
    return clock.now() >= month_bounds(month)[1]


# --- days and months ------------------------------------------------------------------------


def add_months(value: D, months: int) -> D:
    """The same day (and wall-clock time) ``months`` calendar months later (earlier when
    negative), clamped to the end of a shorter month. An aware datetime is counted on the
    Beijing calendar and returned in its own time zone."""
    if isinstance(value, datetime):
        local = clock.to_local(value)
        moved = datetime.combine(add_months(local.date(), months), local.timetz())
        return moved.astimezone(value.tzinfo)
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


def months_before(value: D, months: int) -> D:
    return add_months(value, -months)


def local_range(start: date, end_inclusive: date) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of the Beijing dates ``start`` … ``end_inclusive``."""
    return clock.local_datetime(start), clock.local_datetime(end_inclusive + timedelta(days=1))


def year_range(year: int) -> tuple[datetime, datetime]:
    return local_range(date(year, 1, 1), date(year, 12, 31))


def veto_cutoff(moment: datetime | None = None) -> datetime:
    """Letters submitted at or before this moment and still unanswered are veto items
    (:data:`VETO_MONTHS` calendar months before ``moment``, default now)."""
    return months_before(moment or clock.now(), VETO_MONTHS)


# --- performance periods --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive
    label: str

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """UTC ``[start, end)`` of the period."""
        return local_range(self.start, self.end)

    def query_args(self) -> dict[str, Any]:
        """URL arguments that select this period again (for links and exports)."""
        args: dict[str, Any] = {"period": self.kind, "year": self.start.year}
        if self.kind == "month":
            args["month"] = self.start.month
        elif self.kind == "quarter":
            args["quarter"] = (self.start.month - 1) // 3 + 1
        elif self.kind == "custom":
            args = {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}
        return args


def _parse_date(text: str | None, label: str) -> date:
    if not (text or "").strip():
        raise InvalidInput(f"请填写{label}（{datetext.DATE_EXAMPLE}）。")
    try:
        return datetext.parse_day(text)
    except ValueError as error:
        raise InvalidInput(f"{label}：{error}") from None


def make_period(kind: str | None = None, *, year: int | None = None, month: int | None = None,
                quarter: int | None = None, start: str | None = None, end: str | None = None) -> Period:
    """Resolve a period selector (defaults: this month).

    :raises InvalidInput: unknown kind, numbers out of range, or a bad custom range.
    """
    today = clock.today()
    kind = kind or "month"
    if kind not in PERIOD_KINDS:
        raise InvalidInput("统计周期不正确。")
    year = year or today.year
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份超出范围。")
    if kind == "month":
        month = month or today.month
        if not 1 <= month <= 12:
            raise InvalidInput("月份应在 1 到 12 之间。")
        first = date(year, month, 1)
        return Period(kind, first, add_months(first, 1) - timedelta(days=1), f"{year}年{month}月")
    if kind == "quarter":
        quarter = quarter or (today.month - 1) // 3 + 1
        if not 1 <= quarter <= 4:
            raise InvalidInput("季度应在 1 到 4 之间。")
        first = date(year, 3 * quarter - 2, 1)
        return Period(kind, first, add_months(first, 3) - timedelta(days=1), f"{year}年第{quarter}季度")
    if kind == "year":
        return Period(kind, date(year, 1, 1), date(year, 12, 31), f"{year}年")
    first, last = _parse_date(start, "开始日期"), _parse_date(end, "结束日期")
    if last < first:
        raise InvalidInput("结束日期不能早于开始日期。")
    if (last - first).days > MAX_CUSTOM_DAYS:
        raise InvalidInput("自定义周期不能超过三年。")
    return Period(kind, first, last, f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}")
