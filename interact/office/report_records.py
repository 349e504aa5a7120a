"""The records behind each figure of the annual report: a filtered staff list per figure.

Each source selects with the feature's own condition — the one the figure is counted
with — so a list always has exactly as many rows as its figure says (for the department
breakdown, with the department's filter added).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

import sqlalchemy as sa

from interact.core import periods
from interact.core.errors import NotFound
from interact.departments.models import Department
from interact.extensions import db
from interact.faq import services as faq_services
from interact.faq.models import AskLog, FaqEntry
from interact.interviews import services as interview_services
from interact.interviews.models import Interview
from interact.letters import stats
from interact.letters.models import Letter
from interact.surveys import services as survey_services
from interact.surveys.models import Collection

#: ``department`` argument selecting the letters no department holds (未转办).
UNROUTED = "none"


@dataclass(frozen=True)
class Source:
    title: str
    model: Any
    #: ``(year) -> [conditions]``
    where: Callable[[int], list]
    order_by: Callable[[], list]
    #: Column filtered by the department breakdown (``None``: not by department).
    department_column: Any = None


def _letters(*extra: Callable[[], Any]) -> Callable[[int], list]:
    return lambda year: [stats.submitted_between(*periods.year_range(year)), *(condition() for condition in extra)]


def _year_dates(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _letter_order():
    return [Letter.submitted_at, Letter.id]


def _collection_order():
    return [Collection.starts_at, Collection.id]


SOURCES: dict[str, Source] = {
    "letters_received": Source("收到的留言", Letter, _letters(), _letter_order, Letter.department_id),
    "letters_closed": Source("已办结的留言", Letter, _letters(stats.answered_condition), _letter_order,
                             Letter.department_id),
    "letters_published": Source("公开答复的留言", Letter, _letters(stats.published_condition), _letter_order,
                                Letter.department_id),
    "collections": Source("开展的征集调查", Collection,
                          lambda year: [survey_services.run_condition(*_year_dates(year))], _collection_order,
                          Collection.department_id),
    "results_published": Source("已公布结果的征集调查", Collection,
                                lambda year: [survey_services.run_condition(*_year_dates(year)),
                                              survey_services.results_published_condition()],
                                _collection_order, Collection.department_id),
    "results_on_time": Source("一个月内公布结果的征集调查", Collection,
                              lambda year: [survey_services.run_condition(*_year_dates(year)),
                                            survey_services.results_on_time_condition()],
                              _collection_order, Collection.department_id),
    "interviews": Source("开展的在线访谈", Interview,
                         lambda year: [interview_services.held_condition(*_year_dates(year))],
                         lambda: [Interview.scheduled_start, Interview.id], Interview.department_id),
    "faq_entries": Source("知识库已发布条目", FaqEntry,
                          lambda year: [faq_services.published_by_condition(periods.year_range(year)[1])],
                          lambda: [FaqEntry.id]),
    "faq_asked": Source("智能问答提问", AskLog, lambda year: [faq_services.asked_condition(*periods.year_range(year))],
                        lambda: [AskLog.asked_at, AskLog.id]),
}


@dataclass
class Line:
    """One record as the list shows it."""

    number: str
    title: str
    department: str
    when: datetime | None
    when_label: str
    #: Figures of the record that add up to the report's figure (意见 3 条 …).
    detail: str
    endpoint: tuple[str, dict[str, Any]] | None


def source(kind: str) -> Source:
    if kind not in SOURCES:
        raise NotFound("没有这一项统计。")
    return SOURCES[kind]


def records_query(kind: str, year: int, department: str | None = None):
    """The select behind a figure, optionally for one department of the breakdown."""
    spec = source(kind)
    stmt = sa.select(spec.model).where(*spec.where(year))
    if department:
        if spec.department_column is None:
            raise NotFound("该项统计不分部门。")
        if department == UNROUTED:
            stmt = stmt.where(spec.department_column.is_(None))
        elif department.isdecimal():
            stmt = stmt.where(spec.department_column == int(department))
        else:
            raise NotFound("没有这个部门。")
    return stmt.order_by(*spec.order_by())


def _department_name(obj) -> str:
    department = getattr(obj, "department", None)
    return department.name if department is not None else ""


def lines(items: list[Any]) -> list[Line]:
    """Describe a page of records (of one model)."""
    if not items:
        return []
    first = items[0]
    if isinstance(first, Letter):
        return [Line(letter.number, letter.title, _department_name(letter) or stats.UNROUTED_LABEL,
                     letter.submitted_at, "来信时间", f"{letter.channel_label} · {letter.status_label}"
                     + (" · 已公开" if letter.published else ""),
                     ("letters.staff_detail", {"letter_id": letter.id})) for letter in items]
    if isinstance(first, Collection):
        counts = survey_services.participation_counts([c.id for c in items])
        result = []
        for collection in items:
            opinions, responses = counts[collection.id]
            feedback = ("结果已公布" + ("（按期）" if collection.feedback_on_time else "（逾期）")
                        if collection.feedback_published_at else collection.phase_label)
            result.append(Line("", collection.title, _department_name(collection), collection.starts_at, "开始时间",
                               f"意见 {opinions} 条 · 答卷 {responses} 份 · {feedback}",
                               ("surveys.staff_detail", {"collection_id": collection.id})))
        return result
    if isinstance(first, Interview):
        result = []
        for interview in items:
            counts = interview_services.question_counts(interview)
            result.append(Line("", interview.topic, _department_name(interview), interview.scheduled_start,
                               "访谈时间", f"{interview.status_label} · 网民提问 {counts.received} 条 · "
                               f"已答复 {counts.answered} 条",
                               ("interviews.manage", {"interview_id": interview.id})))
        return result
    if isinstance(first, FaqEntry):
        return [Line(str(entry.id), entry.question, _department_name(entry), entry.published_at, "发布时间",
                     f"点击 {entry.hits} 次", ("faq.staff_entry", {"entry_id": entry.id})) for entry in items]
    return [Line("", log.text, "", log.asked_at, "提问时间", "已给出答案" if log.answered else "未命中", None)
            for log in items]


def department_label(department: str) -> str:
    """Name of the breakdown's ``department`` argument.

    :raises NotFound: no such department.
    """
    if department == UNROUTED:
        return stats.UNROUTED_LABEL
    found = db.session.get(Department, int(department)) if department.isdecimal() else None
    if found is None:
        raise NotFound("没有这个部门。")
    return found.name
