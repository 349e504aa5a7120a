"""Reply statistics (咨询回复统计): per month and per department.

Every figure is one SQL aggregation (``GROUP BY``) over the facts stored on each letter
when it was handled — ``answered_workdays``, ``answered_on_time``, ``rating`` — and the one
overdue rule (:attr:`Letter.overdue`); no Python loop over letters.

Definitions (letters are counted in the month they were **submitted**, Beijing time):

* received 收到 — every letter submitted in the period;
* rejected 不予受理 — of those, not accepted;
* answered 已答复 — answered and approved by the office (办结): the citizen has the answer;
* on time 按期答复 — answered letters whose answer met its deadline;
* on-time rate — on time / answered;
* average working days — mean ``answered_workdays`` of the answered letters;
* overdue 逾期未办 — still open and past the deadline now;
* satisfaction — (满意 + 基本满意) / rated letters.

A department's row counts the letters it currently holds (``department_id``); letters not
routed yet (or rejected) are in the office's row 未转办.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable, TypeVar

import sqlalchemy as sa
from flask import current_app
from interact.core import clock
from interact.core.periods import (  # noqa: F401 (the month helpers callers use as stats.*)
    current_month,
    month_bounds,
    month_label,
    months_ending,
    parse_month,
    previous_month,
    shift_month,
)
from interact.core.enums import LabeledEnum
from interact.core.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from interact.departments.models import Department
from interact.extensions import db
from interact.letters import monthcounts
from interact.letters.models import (
    Letter,
    LetterChannel,
    LetterKind,
    LetterMonthCount,
    LetterRating,
    LetterStatus,
)

#: Label of the row of letters that no department holds.
UNROUTED_LABEL = "未转办（含不予受理）"
#: How many months the trend covers (ending with the chosen month).
TREND_MONTHS = 12
#: Seconds the public figures are reused per process (config ``LETTER_STATS_CACHE_SECONDS``;
#: 0 computes every request). The trend reads a year of letters, which at 100,000 letters
#: costs more than a page may take; five minutes old statistics are fine for the public.
DEFAULT_CACHE_SECONDS = 300
_CACHE_MAX_ENTRIES = 512
T = TypeVar("T")


# --- rows -------------------------------------------------------------------------------


#: The counts of a :class:`StatsRow`, in the order the aggregation returns them.
COUNTS = ("received", "rejected", "answered", "on_time", "overdue", "workdays_total", "rated", "satisfied")


@dataclass
class StatsRow:
    """One line of the statistics (a department, a month, a kind, or the total).

    This is the one statistics row every page and export reports from: it holds **counts**
    only (they add up for any grouping — months into a quarter, departments into a total);
    every rate is a property computed from the counts where it is shown, never averaged
    again. Sum rows with ``a + b`` or :meth:`sum`.
    """

    key: str = "total"
    label: str = "合计"
    #: Letters submitted in the period.
    received: int = 0
    #: Of those, not accepted (不予受理).
    rejected: int = 0
    #: Answered and approved by the office (办结).
    answered: int = 0
    #: Answered letters whose answer met the deadline.
    on_time: int = 0
    #: Still open and past the deadline now (逾期未办).
    overdue: int = 0
    #: Sum of the answered letters' working days (for the average).
    workdays_total: int = 0
    #: Letters the citizen rated.
    rated: int = 0
    #: Rated 满意 or 基本满意.
    satisfied: int = 0
    department_id: int | None = None

    @property
    def answered_late(self) -> int:
        """Answered after the deadline (逾期答复)."""
        return self.answered - self.on_time

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None

    @property
    def avg_workdays(self) -> float | None:
        return self.workdays_total / self.answered if self.answered else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    def add(self, other: "StatsRow") -> None:
        """Add ``other``'s counts to this row (in place)."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __add__(self, other: "StatsRow") -> "StatsRow":
        """A 合计 row with the counts of both."""
        return StatsRow.sum((self, other))

    @property
    def counts(self) -> dict[str, int]:
        """The counts alone (what two rows for the same letters must agree on)."""
        return {name: getattr(self, name) for name in COUNTS}

    @classmethod
    def sum(cls, rows: Iterable["StatsRow"], *, key: str = "total", label: str = "合计",
            department_id: int | None = None) -> "StatsRow":
        """One row with the summed counts of ``rows`` (an empty row for none)."""
        total = cls(key=key, label=label, department_id=department_id)
        for row in rows:
            total.add(row)
        return total

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "workdays_total"}
        data["on_time_rate"] = _round(self.on_time_rate, 4)
        data["avg_workdays"] = _round(self.avg_workdays, 1)
        data["satisfaction_rate"] = _round(self.satisfaction_rate, 4)
        return data


def _round(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


@dataclass
class StatsReport:
    """Statistics of one month: per department, the total, and the trend of the months
    before it (for the same department filter)."""

    month: str
    department_id: int | None
    departments: list[StatsRow]
    total: StatsRow
    trend: list[StatsRow] = field(default_factory=list)

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "department_id": self.department_id,
            "total": self.total.as_dict(),
            "departments": [row.as_dict() for row in self.departments],
            "trend": [row.as_dict() for row in self.trend],
        }


def answered_condition():
    """答复/办结: answered and approved by the office (the citizen has the answer).

    The one rule of "answered" for the statistics, the annual report and their lists.
    """
    return Letter.has_final_answer


def submitted_between(start: datetime, end: datetime):
    """Letters submitted in ``[start, end)``: the period a letter is counted in."""
    return sa.and_(Letter.submitted_at >= start, Letter.submitted_at < end)


def _flags():
    """Per-letter 0/1 expressions and the answered working days, for aggregation."""
    answered = answered_condition()
    return {
        "rejected": sa.case((Letter.not_accepted, 1), else_=0),
        "answered": sa.case((answered, 1), else_=0),
        "on_time": sa.case((sa.and_(answered, Letter.answered_on_time.is_(True)), 1), else_=0),
        "overdue": sa.case((Letter.overdue, 1), else_=0),
        "workdays": sa.case((answered, sa.func.coalesce(Letter.answered_workdays, 0)), else_=0),
        "rated": sa.case((Letter.rating.is_not(None), 1), else_=0),
        "satisfied": sa.case((Letter.rating.in_((LetterRating.SATISFIED, LetterRating.BASIC)), 1), else_=0),
    }


def counted_flags(status, answered_at, answered_on_time, answered_workdays, rating) -> tuple[int, ...]:
    """:func:`_flags` of one letter in Python (without the clock-dependent overdue), in
    ``monthcounts.COLUMNS`` order: received, rejected, answered, on_time, workdays, rated,
    satisfied. The running totals (``letters/monthcounts.py``) add these up; a test keeps
    them equal to the SQL aggregation."""
    answered = status == LetterStatus.CLOSED and answered_at is not None
    return (
        1,
        int(status == LetterStatus.REJECTED),
        int(answered),
        int(answered and answered_on_time is True),
        (answered_workdays or 0) if answered else 0,
        int(rating is not None),
        int(rating in (LetterRating.SATISFIED, LetterRating.BASIC)),
    )


#: The summed flags, in the order :func:`_row` reads them after the count.
_SUMMED = ("rejected", "answered", "on_time", "overdue", "workdays", "rated", "satisfied")


def _aggregates(source) -> list:
    """``count, sum(flag)…`` over a selectable that has the :func:`_flags` columns."""
    return [sa.func.count()] + [sa.func.coalesce(sa.func.sum(source.c[name]), 0) for name in _SUMMED]


def _row(key: str, label: str, values, department_id: int | None = None) -> StatsRow:
    counts = dict(zip(COUNTS, (int(v or 0) for v in values), strict=True))
    return StatsRow(key=key, label=label, department_id=department_id, **counts)


def _grouped(group_expr, start: datetime, end: datetime, *, where=(), also=None) -> list[tuple]:
    """``(group value, count, sums…)`` rows for letters submitted in ``[start, end)``;
    with ``also`` a second column, ``(group value, also's value, count, sums…)``."""
    groups = [group_expr.label("grp")] + ([also.label("grp2")] if also is not None else [])
    inner = (
        sa.select(*groups, *(expr.label(name) for name, expr in _flags().items()))
        .where(submitted_between(start, end), *where)
        .subquery("flags")
    )
    keys = [inner.c.grp] + ([inner.c.grp2] if also is not None else [])
    stmt = sa.select(*keys, *_aggregates(inner)).group_by(*keys)
    return [tuple(row) for row in db.session.execute(stmt)]


def _department_names() -> dict[int, tuple[int, str]]:
    rows = db.session.execute(sa.select(Department.id, Department.name, Department.sort_order))
    return {row.id: (row.sort_order, row.name) for row in rows}


def whole_months(start: datetime, end: datetime) -> list[str] | None:
    """The Beijing months that make up ``[start, end)`` exactly, None if it is not whole months."""
    month = clock.to_local(start).strftime("%Y-%m")
    if month_bounds(month)[0] != start:
        return None
    months = []
    while len(months) < 1200:
        months.append(month)
        month_end = month_bounds(month)[1]
        if month_end >= end:
            return months if month_end == end else None
        month = shift_month(month, 1)
    return None


def _counted(months: list[str], department_id: int | None) -> list[tuple]:
    """``(month, department, received, rejected, answered, on_time, overdue, workdays, rated,
    satisfied)`` from the running totals, with overdue counted live (open letters past their
    deadline: few, found through ``ix_letters_status_due``)."""
    table = LetterMonthCount
    where = [table.month.in_(months)]
    if department_id:
        where.append(table.department_id == department_id)
    found = db.session.execute(
        sa.select(table.month, table.department_id, *(getattr(table, c) for c in monthcounts.COLUMNS))
        .where(*where)
    ).all()
    # All overdue letters, whatever their month: a range on submitted_at would lead the
    # planner to the statistics index (a year of letters) instead of ix_letters_status_due.
    month = monthcounts.month_sql(Letter.submitted_at, db.engine.dialect.name)
    department = sa.func.coalesce(Letter.department_id, 0)
    overdue_where = [Letter.overdue]
    if department_id:
        overdue_where.append(Letter.department_id == department_id)
    overdue = {(m, d): n for m, d, n in db.session.execute(
        sa.select(month, department, sa.func.count()).where(*overdue_where).group_by(month, department))}
    rows = []
    for m, d, received, rejected, answered, on_time, workdays, rated, satisfied in found:
        if received:
            rows.append((m, d, received, rejected, answered, on_time, overdue.get((m, d), 0), workdays, rated,
                         satisfied))
    return rows


def _by_department(counted: list[tuple]) -> list[tuple]:
    """``(department, counts…)`` summed over the months of :func:`_counted`'s rows."""
    per_department: dict[int | None, list[int]] = {}
    for _month, dept, *values in counted:
        key = dept or None
        if key in per_department:
            per_department[key] = [a + b for a, b in zip(per_department[key], values)]
        else:
            per_department[key] = list(values)
    return [(dept, *values) for dept, values in per_department.items()]


def department_rows(start: datetime, end: datetime, *, department_id: int | None = None) -> list[StatsRow]:
    """Per department (plus the 未转办 row) for letters submitted in ``[start, end)``
    (from the running totals when the period is whole months)."""
    months = whole_months(start, end)
    if months is not None:
        return _department_rows(_by_department(_counted(months, department_id)))
    where = (Letter.department_id == department_id,) if department_id else ()
    return _department_rows(_grouped(Letter.department_id, start, end, where=where))


def _department_rows(grouped: list[tuple]) -> list[StatsRow]:
    names = _department_names()
    rows = []
    for values in grouped:
        dept_id = values[0]
        label = names.get(dept_id, (0, f"部门{dept_id}"))[1] if dept_id is not None else UNROUTED_LABEL
        rows.append(_row(str(dept_id or ""), label, values[1:], dept_id))
    rows.sort(key=lambda r: (r.department_id is None, names.get(r.department_id, (0, ""))[0], r.department_id or 0))
    return rows


def month_rows(months: list[str], *, department_id: int | None = None) -> list[StatsRow]:
    """One row per month of ``months`` (zero rows included), from the running totals
    (``letter_month_counts``: a year is a few hundred rows, not a year of letters)."""
    if not months:
        return []
    return _month_rows(months, _counted(sorted(months), department_id))


def _month_rows(months: list[str], counted: list[tuple]) -> list[StatsRow]:
    found: dict[str, list[int]] = {}
    for month, _dept, *values in counted:
        found[month] = [a + b for a, b in zip(found[month], values)] if month in found else list(values)
    return [_row(m, month_label(m), found.get(m, (0,) * len(COUNTS))) for m in months]


def _member_rows(members: type[LabeledEnum], found: dict) -> list[StatsRow]:
    rows = []
    for member in members:
        values = found.get(member, found.get(member.value, (0,) * len(COUNTS)))
        rows.append(_row(member.value, member.label, values))
    return rows


def kind_and_channel_rows(month: str) -> tuple[list[StatsRow], list[StatsRow]]:
    """Rows by ``Letter.kind`` and by ``Letter.channel`` (every label, zero rows included) of
    the letters submitted in ``month``, from one pass over them grouped by both."""
    by_kind: dict = {}
    by_channel: dict = {}
    for kind, channel, *values in _grouped(Letter.kind, *month_bounds(month), also=Letter.channel):
        for found, key in ((by_kind, kind), (by_channel, channel)):
            found[key] = [a + b for a, b in zip(found[key], values)] if key in found else list(values)
    return _member_rows(LetterKind, by_kind), _member_rows(LetterChannel, by_channel)


def total_of(rows: list[StatsRow], label: str = "合计") -> StatsRow:
    return StatsRow.sum(rows, label=label)


def department_counts(start: datetime, end: datetime) -> dict[int, StatsRow]:
    """``{department_id: row}`` for letters submitted in ``[start, end)`` that a department
    holds (the 未转办 row is left out)."""
    return {row.department_id: row for row in department_rows(start, end) if row.department_id is not None}


def monthly_report(month: str | None = None, *, department_id: int | None = None,
                   trend_months: int = TREND_MONTHS, counted: list[tuple] | None = None) -> StatsReport:
    """The statistics page: the month's table by department, its total, and the trend.
    ``counted``: :func:`_counted`'s rows of the month and its trend for every department,
    when already read (:func:`cached_monthly_report`)."""
    month = parse_month(month)
    # One read of the running totals (and of the overdue letters) for the month and its trend.
    months = months_ending(month, trend_months) if trend_months else [month]
    if counted is None:
        counted = _counted(months, department_id)
    elif department_id:
        counted = [row for row in counted if row[1] == department_id]
    departments = _department_rows(_by_department([row for row in counted if row[0] == month]))
    trend = _month_rows(months, counted) if trend_months else []
    return StatsReport(month=month, department_id=department_id, departments=departments,
                       total=total_of(departments), trend=trend)


def cache_seconds() -> int:
    return int(current_app.config.get("LETTER_STATS_CACHE_SECONDS", DEFAULT_CACHE_SECONDS) or 0)


def cached(key: tuple, build: Callable[[], T]) -> T:
    """``build()`` reused for :func:`cache_seconds` in this application (per process).

    The key includes today's date, so a cached value never crosses midnight.
    """
    seconds = cache_seconds()
    if seconds <= 0:
        return build()
    cache: dict = current_app.extensions.setdefault("letter_stats_cache", {})
    full_key = key + (clock.today(),)
    hit = cache.get(full_key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    value = build()
    if len(cache) >= _CACHE_MAX_ENTRIES:
        cache.clear()
    cache[full_key] = (now, value)
    return value


def cached_monthly_report(month: str | None = None, *, department_id: int | None = None) -> StatsReport:
    """:func:`monthly_report` for the public page and the API (see :func:`cached`). The
    running totals of a month and its trend are read once for every department, and each
    department's report is made from them: a month's page for each of the departments
    (a crawler follows every one; attack N6: 14–31 pages/s) reads the database once, not
    once per department."""
    month = parse_month(month)

    def build() -> StatsReport:
        months = months_ending(month, TREND_MONTHS)
        counted = cached(("counted", month), lambda: _counted(months, None))
        return monthly_report(month, department_id=department_id, counted=counted)

    return cached(("report", month, department_id), build)


# --- exports ----------------------------------------------------------------------------

EXPORT_HEADER = ["项目", "收到来信", "不予受理", "已答复", "按期答复", "按期答复率", "平均答复用时（工作日）",
                 "逾期未办", "已评价", "满意及基本满意", "满意率"]
def _percent(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def export_rows(rows: list[StatsRow]) -> list[list]:
    return [
        [row.label, row.received, row.rejected, row.answered, row.on_time, _percent(row.on_time_rate),
         round(row.avg_workdays, 1) if row.avg_workdays is not None else "—", row.overdue, row.rated,
         row.satisfied, _percent(row.satisfaction_rate)]
        for row in rows
    ]


def to_csv(report: StatsReport, *, by: str = "department") -> bytes:
    rows = report.trend if by == "month" else report.departments + [report.total]
    first = "月份" if by == "month" else "部门"
    return csv_bytes([[first] + EXPORT_HEADER[1:], *export_rows(rows)])


def to_xlsx(report: StatsReport) -> bytes:
    """Two sheets: the month by department, and the monthly trend."""
    sheets = []
    for title, first, rows in (("按部门", "部门", report.departments + [report.total]),
                               ("按月份", "月份", report.trend)):
        header = [first] + EXPORT_HEADER[1:]
        widths = {index: 28 if index == 1 else max(10, len(name) * 2) for index, name in enumerate(header, start=1)}
        sheets.append(Sheet(title, [header, *export_rows(rows)], freeze="B2", widths=widths))
    return xlsx_bytes(sheets, title=f"{report.month_label}来信办理统计")



# --- counts of the office's annual report (政府网站工作年度报表) ----------------------------


def published_condition():
    """公开答复: answered letters shown in 来信选登 (the citizen agreed, the office published)."""
    return sa.and_(answered_condition(), Letter.published.is_(True))


def _days_to_close():
    """Natural days from submission to 办结 of one letter, in SQL (SQLite or PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.extract("epoch", Letter.closed_at - Letter.submitted_at) / 86400.0
    return sa.func.julianday(Letter.closed_at) - sa.func.julianday(Letter.submitted_at)


@dataclass
class ReportCounts:
    """What the annual report needs beyond :class:`StatsRow`, for the same letters (submitted
    in the period, grouped by the department holding them)."""

    department_id: int | None
    #: Answered letters published with their answer (:func:`published_condition`).
    published: int = 0
    #: Sum over the answered letters of the natural days from submission to 办结; divided
    #: by ``StatsRow.answered`` it is the average handling time in days.
    close_days_total: float = 0.0

    def add(self, other: "ReportCounts") -> None:
        self.published += other.published
        self.close_days_total += other.close_days_total


def report_counts(start: datetime, end: datetime) -> dict[int | None, ReportCounts]:
    """``{department_id: ReportCounts}`` for letters submitted in ``[start, end)``."""
    answered = answered_condition()
    stmt = (
        sa.select(
            Letter.department_id,
            sa.func.coalesce(sa.func.sum(sa.case((published_condition(), 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((answered, _days_to_close()), else_=0)), 0),
        )
        .where(submitted_between(start, end))
        .group_by(Letter.department_id)
    )
    return {dept_id: ReportCounts(dept_id, int(published or 0), float(days or 0))
            for dept_id, published, days in db.session.execute(stmt)}
