"""Dates and times as Chinese staff type them, read once for every form and filter.

A browser's own date picker (``<input type="date">``) shows the browser's language — an
English-language browser shows ``mm/dd/yyyy`` on a Chinese page — so staff forms take dates
as text instead and show them as ``2026-12-01``. Accepted: ``2026-12-01``, ``2026-12-1``,
``2026/12/1``, ``2026.12.1``, ``2026年12月1日`` (also 号, spaces, full-width digits) and
``20261201``; a time after the date: ``09:30``, ``9：30``, ``9点30分``, ``9点半``,
``下午3点``, or ``T09:30`` (what a date-time picker sends). Anything else is refused with
a message in Chinese that shows the writing expected (``ValueError``; forms show it beside
the field, filters above the list).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from markupsafe import Markup

#: The writings a date field asks for (its hint and its error message).
DATE_EXAMPLE = "2026-12-01 或 2026年12月1日"
DATETIME_EXAMPLE = "2026-12-01 09:30 或 2026年12月1日 9:30"


def example_html(example: str) -> Markup:
    """A field's hint ``写法：…`` with each writing of ``example`` in ``<time>``, so a phone
    never breaks ``2026-12-01 09:30`` across two lines (site.css keeps a time whole)."""
    writings = (Markup("<time>{}</time>").format(part) for part in example.split(" 或 "))
    return Markup("写法：") + Markup(" 或 ").join(writings)

#: Display formats (what a field shows for a stored value).
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
#: Years a form accepts (a typo such as 226 or 20266 is refused, not stored).
YEARS = range(1990, 2101)

_DATE = (r"(?:(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<mo>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*[日号]?"
         r"|(?P<cy>\d{4})(?P<cmo>\d{2})(?P<cd>\d{2}))")
_TIME = (r"(?P<part>凌晨|早上|上午|中午|下午|晚上)?\s*(?P<h>\d{1,2})\s*"
         r"(?::\s*(?P<m>\d{1,2})(?::\d{1,2})?|[点时]\s*(?:(?P<m2>\d{1,2})\s*分?|(?P<half>半))?)")
_DATE_RE = re.compile(_DATE)
_DATETIME_RE = re.compile(rf"{_DATE}(?:\s*[T,，]\s*|\s+|(?<=[日号]))(?:{_TIME})")


def _clean(text: str | None) -> str:
    # NFKC: full-width digits and ：／－． become ASCII; format characters go.
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def _day(match: re.Match) -> date:
    year, month, day = (match.group("y", "mo", "d") if match.group("y") else match.group("cy", "cmo", "cd"))
    year, month, day = int(year), int(month), int(day)
    if year not in YEARS:
        raise ValueError(f"年份 {year} 不对，请检查日期（如 {DATE_EXAMPLE}）。")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"没有 {year}年{month}月{day}日 这一天，请检查日期。") from None


def parse_day(text: str | None) -> date:
    """A date typed by a person. :raises ValueError: with the Chinese message to show."""
    match = _DATE_RE.fullmatch(_clean(text))
    if match is None:
        raise ValueError(f"日期写法不对，请写成 {DATE_EXAMPLE}。")
    return _day(match)


def parse_moment(text: str | None) -> datetime:
    """A date with a time of day (naive, as typed: the caller knows it is Beijing time).
    :raises ValueError: with the Chinese message to show."""
    cleaned = _clean(text)
    match = _DATETIME_RE.fullmatch(cleaned)
    if match is None:
        if _DATE_RE.fullmatch(cleaned):
            raise ValueError(f"请在日期后写上时间，如 {DATETIME_EXAMPLE}。")
        raise ValueError(f"日期时间写法不对，请写成 {DATETIME_EXAMPLE}。")
    day = _day(match)
    hour = int(match.group("h"))
    minute = 30 if match.group("half") else int(match.group("m") or match.group("m2") or 0)
    part = match.group("part")
    if (part in ("下午", "晚上") and 1 <= hour < 12) or (part == "中午" and 1 <= hour < 11):
        hour += 12
    if hour > 23 or minute > 59:
        raise ValueError("时间不对：小时应为 0–23，分钟应为 0–59。")
    return datetime.combine(day, time(hour, minute))
