"""The annual website report's 互动交流 section (政府网站工作年度报表) and its department
breakdown for the yearly assessment (考核).

No figure is counted here: each comes from the counting code of its feature, the same code
behind the public statistics, the compliance dashboard and department performance —
letters from :mod:`interact.letters.stats` (``StatsRow`` and ``ReportCounts``), collections
from ``surveys.services.collection_counts`` (the rule of ``collections_count``), interviews
from ``interviews.services.interview_counts`` (the rule of ``interviews_count``), the
knowledge base from ``faq.services``. Every figure carries its definition (统计口径, shown
on the page, in the exports and in ``docs/reports.md``) and the key of the records behind
it (:mod:`interact.office.report_records`).

Periods are Beijing calendar years; letters are counted in the year they were submitted,
collections in the year they start, interviews in the year they are scheduled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from interact.core import clock, periods
from interact.core.errors import InvalidInput
from interact.core.spreadsheets import Sheet, xlsx_bytes
from interact.departments.models import Department
from interact.extensions import db
from interact.faq import services as faq_services
from interact.interviews.services import InterviewCounts, interview_counts
from interact.letters import stats
from interact.surveys.services import CollectionCounts, collection_counts

#: Earliest and latest year the report accepts.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class FigureSpec:
    """What a figure is: its line on the official form and its definition."""

    key: str
    #: Block of the form (留言办理, 征集调查 …).
    section: str
    #: Wording of the form.
    label: str
    unit: str
    #: 统计口径, in Chinese.
    definition: str
    #: Kind of records behind it (``report_records.SOURCES``), ``None`` for yes/no lines.
    records: str | None = None


SPECS: tuple[FigureSpec, ...] = (
    FigureSpec("platform", "统一平台", "是否使用统一平台", "",
               "留言办理（在线咨询、领导信箱、上级转办）、征集调查、在线访谈和智能问答均在本平台"
               "统一受理、办理和公开，为“是”。"),
    FigureSpec("letters_received", "留言办理", "收到留言数量", "条",
               "统计年度内（北京时间1月1日0时至12月31日24时）提交的全部留言：在线咨询、领导信箱和"
               "办公室录入的上级转办件，含不予受理的。与“来信统计”的“收到来信”同一口径。",
               "letters_received"),
    FigureSpec("letters_closed", "留言办理", "办结留言数量", "条",
               "上述留言中，部门已答复且经办公室审核办结的件数（按统计时的状态，重新办理中的不计）。"
               "与“来信统计”的“已答复”同一口径。", "letters_closed"),
    FigureSpec("letters_avg_days", "留言办理", "平均办理时间", "天",
               "已办结留言从提交到办结（办公室审核通过答复）所用自然日数的平均值，保留一位小数。",
               "letters_closed"),
    FigureSpec("letters_avg_workdays", "留言办理", "平均答复用时（工作日）", "个工作日",
               "已办结留言从转办到部门（未转办的从受理）到部门作出答复所用工作日数的平均值，按法定节假日"
               "和调休计算，保留一位小数。与“来信统计”的“平均答复用时”同一口径。", "letters_closed"),
    FigureSpec("letters_published", "留言办理", "公开答复数量", "条",
               "已办结留言中，来信人同意公开、经办公室发布并仍在“来信选登”公开的件数。",
               "letters_published"),
    FigureSpec("collections", "征集调查", "征集调查期数", "期",
               "统计年度内开始的、已发布的民意征集和问卷调查期数（草稿、待审核和已撤回的不计）。"
               "与合规看板“本年度民意征集”同一口径。", "collections"),
    FigureSpec("opinions", "征集调查", "收到意见数量", "条",
               "上述征集收到的意见条数（含未通过审核的）与问卷答卷份数之和。", "collections"),
    FigureSpec("results_published", "征集调查", "公布调查结果期数", "期",
               "上述征集中，已公布结果反馈的期数。", "results_published"),
    FigureSpec("results_on_time", "征集调查", "其中：征集结束后一个月内公布", "期",
               "已公布结果反馈的征集中，在征集结束后一个月内（截止日24时前）公布的期数。",
               "results_on_time"),
    FigureSpec("interviews", "在线访谈", "访谈期数", "期",
               "统计年度内安排的、已发布预告的在线访谈期数（预告、直播中、已结束和回顾）。"
               "与合规看板“本年度在线访谈”同一口径。", "interviews"),
    FigureSpec("interview_questions", "在线访谈", "网民留言数量", "条",
               "上述访谈收到的网民提问条数（含待审核、未通过和被合并的重复提问）。", "interviews"),
    FigureSpec("interview_answered", "在线访谈", "答复网民提问数量", "条",
               "上述提问中审核通过并在访谈中或会后作出答复的条数。", "interviews"),
    FigureSpec("faq_provided", "智能问答", "是否提供智能问答", "",
               "统计年度结束时知识库有已发布条目、公众可在“智能问答”提问的，为“是”。"),
    FigureSpec("faq_size", "智能问答", "知识库条目数", "条",
               "统计年度结束前发布、目前仍为已发布状态的知识库条目数（最近一次发布时间早于年度结束）。",
               "faq_entries"),
    FigureSpec("faq_asked", "智能问答", "智能问答提问数", "次",
               "统计年度内公众在“智能问答”（网页和接口）提出问题的次数。", "faq_asked"),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}
SECTIONS = ("统一平台", "留言办理", "征集调查", "在线访谈", "智能问答")


@dataclass(frozen=True)
class Figure:
    spec: FigureSpec
    #: ``int``, ``float`` (averages), ``bool`` (yes/no lines) or ``None`` (no data to average).
    value: Any

    @property
    def display(self) -> str:
        return display(self.value)


def display(value: Any) -> str:
    """A figure as the form shows it: 是/否, one decimal for averages, — when there is none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _average(total: float, count: int) -> float | None:
    return round(total / count, 1) if count else None


@dataclass
class Counts:
    """The counts of one department (or of everything) for a year, as the features give them."""

    letters: stats.StatsRow
    letter_extra: stats.ReportCounts
    collections: CollectionCounts = field(default_factory=CollectionCounts)
    interviews: InterviewCounts = field(default_factory=InterviewCounts)

    def values(self) -> dict[str, Any]:
        """The numeric figures (every key of :data:`SPECS` except the yes/no lines)."""
        letters, extra = self.letters, self.letter_extra
        return {
            "letters_received": letters.received,
            "letters_closed": letters.answered,
            "letters_avg_days": _average(extra.close_days_total, letters.answered),
            "letters_avg_workdays": _average(letters.workdays_total, letters.answered),
            "letters_published": extra.published,
            "collections": self.collections.collections,
            "opinions": self.collections.opinions + self.collections.responses,
            "results_published": self.collections.results_published,
            "results_on_time": self.collections.results_on_time,
            "interviews": self.interviews.interviews,
            "interview_questions": self.interviews.questions,
            "interview_answered": self.interviews.answered,
        }


def check_year(year: Any) -> int:
    """:raises InvalidInput: not a year between 2000 and 2100."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise InvalidInput("年份应为四位数字，例如 2026。", fields={"year": "格式不正确"}) from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise InvalidInput(f"年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间。", fields={"year": "超出范围"})
    return value


@dataclass
class DepartmentLine:
    """One line of the department breakdown (``department_id`` None: letters no department holds)."""

    department_id: int | None
    name: str
    values: dict[str, Any]


@dataclass
class AnnualReport:
    year: int
    computed_at: datetime
    figures: dict[str, Figure]
    departments: list[DepartmentLine]

    def section(self, name: str) -> list[Figure]:
        return [figure for figure in self.figures.values() if figure.spec.section == name]

    @property
    def sections(self) -> list[tuple[str, list[Figure]]]:
        return [(name, self.section(name)) for name in SECTIONS]

    @property
    def form_rows(self) -> list[tuple[Figure, int]]:
        """Lines of the printed form: each figure with the row span of its block cell (the
        first numeric line of a block spans the block's numeric lines; 0 for the others and
        for yes/no lines, which span the block and item columns)."""
        rows = []
        for _name, figures in self.sections:
            numeric = [figure for figure in figures if not isinstance(figure.value, bool)]
            for figure in figures:
                rows.append((figure, len(numeric) if numeric and figure is numeric[0] else 0))
        return rows


def annual_report(year: int) -> AnnualReport:
    """The year's 互动交流 figures and their breakdown by department."""
    year = check_year(year)
    start, end = periods.year_range(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    letter_rows = stats.department_rows(start, end)
    extras = stats.report_counts(start, end)
    collections = collection_counts(first, last)
    interviews = interview_counts(first, last)

    per_department: dict[int | None, Counts] = {
        row.department_id: Counts(row, extras.get(row.department_id) or stats.ReportCounts(row.department_id))
        for row in letter_rows
    }
    total = Counts(stats.total_of(letter_rows), stats.ReportCounts(None))
    for counts in per_department.values():
        total.letter_extra.add(counts.letter_extra)
    for department_id in set(collections) | set(interviews):
        per_department.setdefault(department_id, Counts(stats.StatsRow(key=str(department_id), label=""),
                                                        stats.ReportCounts(department_id)))
    for department_id, counts in collections.items():
        per_department[department_id].collections = counts
        total.collections.add(counts)
    for department_id, counts in interviews.items():
        per_department[department_id].interviews = counts
        total.interviews.add(counts)

    kb_size = faq_services.knowledge_base_size(end)
    values = total.values() | {
        "platform": True,
        "faq_provided": kb_size > 0,
        "faq_size": kb_size,
        "faq_asked": faq_services.asked_count(start, end),
    }
    figures = {spec.key: Figure(spec, values[spec.key]) for spec in SPECS}
    return AnnualReport(year, clock.now(), figures, _department_lines(per_department))


def _department_lines(per_department: dict[int | None, "Counts"]) -> list[DepartmentLine]:
    departments = db.session.scalars(db.select(Department).order_by(Department.sort_order, Department.id)).all()
    lines = []
    for department in departments:
        counts = per_department.get(department.id)
        if counts is None and not department.active:
            continue
        if counts is None:
            counts = Counts(stats.StatsRow(key=str(department.id), label=department.name),
                            stats.ReportCounts(department.id))
        lines.append(DepartmentLine(department.id, department.name, counts.values()))
    if None in per_department:
        lines.append(DepartmentLine(None, stats.UNROUTED_LABEL, per_department[None].values()))
    return lines


#: Columns of the department breakdown (考核): the per-department figures.
BREAKDOWN_KEYS = ("letters_received", "letters_closed", "letters_avg_days", "letters_avg_workdays",
                  "letters_published", "collections", "opinions", "results_published", "results_on_time",
                  "interviews", "interview_questions", "interview_answered")


def _cell(value: Any) -> Any:
    """A figure in a spreadsheet cell: numbers stay numbers."""
    return display(value) if value is None or isinstance(value, bool) else value


def breakdown_rows(report: AnnualReport) -> list[list[Any]]:
    """The department breakdown as rows: title, header, one line per department, the total."""
    rows: list[list[Any]] = [[f"{report.year}年度 互动交流 部门考核"],
                             ["部门"] + [SPEC_BY_KEY[key].label for key in BREAKDOWN_KEYS]]
    for line in report.departments:
        rows.append([line.name] + [_cell(line.values[key]) for key in BREAKDOWN_KEYS])
    rows.append(["合计"] + [_cell(report.figures[key].value) for key in BREAKDOWN_KEYS])
    return rows


def to_xlsx(report: AnnualReport) -> bytes:
    """Two sheets: the form (栏目/项目/数据/单位/统计口径) and the department breakdown."""
    form = [[f"政府网站工作年度报表（{report.year}年度）· 互动交流"], ["栏目", "项目", "数据", "单位", "统计口径"]]
    for section, figures in report.sections:
        for figure in figures:
            form.append([section, figure.spec.label, _cell(figure.value), figure.spec.unit, figure.spec.definition])
    form.append([])
    form.append(["统计时间", clock.to_local(report.computed_at).strftime("%Y-%m-%d %H:%M")])
    return xlsx_bytes([
        Sheet("互动交流", form, freeze="A3", widths={1: 12, 2: 28, 3: 10, 4: 10, 5: 90}, bold_rows=(1, 2)),
        Sheet("部门考核", breakdown_rows(report), freeze="B3", widths={1: 28}, bold_rows=(1, 2)),
    ], title=f"{report.year}年度政府网站工作年度报表（互动交流）")


def breakdown_xlsx(report: AnnualReport) -> bytes:
    """The department breakdown alone (考核), with the definitions below the table."""
    rows = breakdown_rows(report) + [[], ["统计口径"]]
    rows.extend([SPEC_BY_KEY[key].label, SPEC_BY_KEY[key].definition] for key in BREAKDOWN_KEYS)
    return xlsx_bytes([Sheet("部门考核", rows, freeze="B3", widths={1: 28}, bold_rows=(1, 2))],
                      title=f"{report.year}年度互动交流部门考核")
