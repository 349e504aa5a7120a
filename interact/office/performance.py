"""Department performance (部门考核): figures per department and period, chart and exports."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interact.core import periods
from interact.core.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from interact.extensions import db
from interact.letters import stats
from interact.letters.stats import StatsRow
from interact.core import contributions

# The period selector is core's (month, quarter, year, custom), shared by every report.
Period = periods.Period
PERIOD_KINDS = periods.PERIOD_KINDS
make_period = periods.make_period


@dataclass
class Row:
    """One department's counts for the period (the total row sums them).

    ``letters`` is the statistics row of :mod:`interact.letters.stats` (counts; its rates
    are computed from the counts), so this page shows the same figures as the public
    statistics for the same letters."""

    department_id: int | None
    name: str
    letters: StatsRow = field(default_factory=StatsRow)
    collections_run: int = 0
    feedback_published: int = 0
    feedback_on_time: int = 0
    interviews: int = 0

    @property
    def feedback_on_time_rate(self) -> float | None:
        return self.feedback_on_time / self.feedback_published if self.feedback_published else None


#: The counts of a :class:`Row` besides its letters row (summed for the total).
_OTHER_COUNTS = ("collections_run", "feedback_published", "feedback_on_time", "interviews")


def total_row(rows: list[Row]) -> Row:
    """The 合计 row: every count summed (rates follow from the summed counts)."""
    total = Row(None, "合计", StatsRow.sum(row.letters for row in rows))
    for name in _OTHER_COUNTS:
        setattr(total, name, sum(getattr(row, name) for row in rows))
    return total


@dataclass
class Report:
    period: Period
    rows: list[Row]
    total: Row
    #: Parts whose figures are missing because the module is not installed.
    missing: list[str] = field(default_factory=list)


def department_report(period: Period, *, department_id: int | None = None) -> Report:
    """Combine the modules' per-department counts for ``period``.

    :param department_id: restrict to one department (a handler's own report).
    """
    from interact.departments.models import Department

    missing = []
    letters_fn = contributions.office.department_performance
    collections_fn = contributions.office.department_collections
    interviews_fn = contributions.office.department_interviews
    letters = letters_fn(period.start, period.end) if letters_fn else {}
    collections = collections_fn(period.start, period.end) if collections_fn else {}
    interviews = interviews_fn(period.start, period.end) if interviews_fn else {}
    if letters_fn is None:
        missing.append("来信办理")
    if collections_fn is None:
        missing.append("民意征集")
    if interviews_fn is None:
        missing.append("在线访谈")

    departments = db.session.scalars(db.select(Department).order_by(Department.sort_order, Department.id)).all()
    active_ids = set(letters) | set(collections) | set(interviews)
    rows = []
    for department in departments:
        if department_id is not None and department.id != department_id:
            continue
        if not department.active and department.id not in active_ids:
            continue
        survey = collections.get(department.id) or {}
        rows.append(Row(
            department.id, department.name,
            letters=letters.get(department.id) or StatsRow(key=str(department.id), label=department.name,
                                                           department_id=department.id),
            collections_run=int(survey.get("run", 0)), feedback_published=int(survey.get("feedback_published", 0)),
            feedback_on_time=int(survey.get("feedback_on_time", 0)),
            interviews=int(interviews.get(department.id, 0)),
        ))
    unrouted = letters.get(None)
    if department_id is None and unrouted is not None and unrouted.received:
        # Letters no department holds (未转办, including those not accepted): without this
        # row the 合计 would count fewer letters than the statistics pages and reports.
        rows.append(Row(None, unrouted.label, letters=unrouted))
    return Report(period, rows, total_row(rows), missing)


# --- chart -----------------------------------------------------------------------------------

SERIES = (("received", "收到来信", "#8a9199"), ("answered", "已答复", "#1f5fa8"), ("overdue", "逾期未办", "#b3261e"))


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    value: int
    label: str


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    labels: list[tuple[float, str]]
    legend: list[tuple[float, str, str]]
    ticks: list[tuple[float, int]]
    plot_top: int
    plot_bottom: int


def letters_chart(rows: list[Row], *, width: int = 720) -> Chart:
    """Grouped horizontal bars per department (received, answered, overdue), as geometry for
    an inline SVG drawn with presentation attributes only."""
    shown = [row for row in rows if row.letters.received or row.letters.answered or row.letters.overdue]
    label_width, right, bar_h, gap, top = 170, 40, 13, 14, 34
    group_h = bar_h * len(SERIES) + gap
    height = top + max(len(shown), 1) * group_h + 28
    plot_w = width - label_width - right
    maximum = max([getattr(row.letters, key) for row in shown for key, _, _ in SERIES] + [1])
    scale = plot_w / maximum
    bars, labels = [], []
    for i, row in enumerate(shown):
        y0 = top + i * group_h
        labels.append((y0 + bar_h * len(SERIES) / 2, row.name))
        for j, (key, series_label, colour) in enumerate(SERIES):
            value = getattr(row.letters, key)
            bars.append(Bar(label_width, y0 + j * bar_h, round(value * scale, 1), bar_h - 1, colour, value,
                            f"{row.name} {series_label} {value}"))
    step = max(1, -(-maximum // 5))
    ticks = [(label_width + v * scale, v) for v in range(0, maximum + 1, step)]
    legend = [(label_width + k * 110, name, colour) for k, (_, name, colour) in enumerate(SERIES)]
    return Chart(width, height, label_width, bars, labels, legend, ticks, top, height - 24)


# --- exports ---------------------------------------------------------------------------------

#: The letters' columns are those of the public statistics export (same figures, same format).
HEADERS = ["部门", *stats.EXPORT_HEADER[1:], "开展征集", "公布反馈", "按期反馈", "开展访谈"]


def table(report: Report) -> list[list[Any]]:
    """Rows of the export (header first, total last)."""
    lines: list[list[Any]] = [HEADERS]
    for row in [*report.rows, report.total]:
        letters = stats.export_rows([row.letters])[0][1:]
        lines.append([row.name, *letters, row.collections_run, row.feedback_published, row.feedback_on_time,
                      row.interviews])
    return lines


def to_csv(report: Report) -> bytes:
    return csv_bytes([[f"部门考核 {report.period.label}"], *table(report)])


def to_xlsx(report: Report) -> bytes:
    rows = [[f"部门考核 {report.period.label}"], *table(report)]
    return xlsx_bytes([Sheet("部门考核", rows, freeze="B3", widths={1: 28}, bold_rows=(1, 2))])
