"""The monthly inspection report (政府网站普查/监测) of the interaction column.

For a month, the items an inspector checks, each with pass/fail and the evidence (the
records that make it fail, or what it was checked on):

* ``veto`` — letters unanswered for over three months (一票否决), ``last_reply`` — the
  latest answer of the consultation column, ``feedback_overdue`` — collections whose result
  feedback is past its one-month deadline: the compliance dashboard's own checks
  (:func:`interact.office.services.compliance_dashboard`), as they stand when computed;
* ``announced`` — the month's interviews announced (访谈预告) before they started;
* ``forwarded`` — forwarded letters (主席信箱 …) due upstream in the month, closed by the
  upstream deadline;
* ``sensitive`` — contributions of the month the sensitive-word list held for review, and
  whether any still waits.

The report is stored (:class:`InspectionReport`) when drafted — by the job on the first
working day of the next month, or by the office — and shows the state at that moment; the
office may refresh it. Services flush, never commit; ``actor=None`` is the scheduler.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from interact.core import atomic, audit, clock, periods
from interact.core.errors import InvalidInput, NotFound
from interact.core.permissions import ensure_role
from interact.core.spreadsheets import Sheet, xlsx_bytes
from interact.extensions import db
from interact.interviews import services as interview_services
from interact.letters import services as letter_services
from interact.office import services
from interact.office.models import InspectionReport
from interact.surveys import services as survey_services

audit.register_actions({"inspection.drafted": "生成月度监测报告", "inspection.refreshed": "重新统计月度监测报告"},
                       targets={"inspection_report": "月度监测报告"})

#: Most records listed as the evidence of one item (the rest are counted).
EVIDENCE_LIMIT = 50

DEFINITIONS = {
    "veto": "统计时仍未答复、提交已满三个月的留言（不含不予受理和已办结的）。有一件即为不通过，属一票否决项。"
            "与合规看板同一口径。",
    "last_reply": "在线咨询栏目最近一次办结答复的日期；超过两个月没有答复视为栏目不更新，为不通过。"
                  "与合规看板同一口径。",
    "feedback_overdue": "统计时已结束超过一个月（截止日24时）仍未公布结果反馈的征集调查。有一期即为不通过。"
                        "与合规看板同一口径。",
    "announced": "本月安排并已公开的在线访谈中，访谈预告发布时间晚于访谈开始时间的。有一期即为不通过。",
    "forwarded": "上级规定期限在本月的上级转办件（如主席信箱）中，期限已过而未在期限前办结（办公室审核通过答复）的。"
                 "有一件即为不通过；期限未到的不计。",
    "sensitive": "本月提交的留言、征集意见和访谈提问中命中敏感词、被拦截待审的条数，以及统计时仍未审核的条数。"
                 "仍有未审核的为需关注。",
}


def month_dates(month: str) -> tuple[date, date]:
    """First and last Beijing date of ``YYYY-MM``."""
    return periods.first_day(month), periods.first_day(periods.shift_month(month, 1)) - timedelta(days=1)


def _evidence(objects: list[Any], text) -> tuple[list[dict[str, Any]], int]:
    """Stored evidence lines (text and the staff page of each record), and how many more."""
    lines = []
    for obj in objects[:EVIDENCE_LIMIT]:
        page = services.STAFF_PAGES.get(type(obj).__name__)
        lines.append({"text": text(obj), "endpoint": page[0] if page else None,
                      "args": {page[1]: obj.id} if page else {}})
    return lines, max(len(objects) - EVIDENCE_LIMIT, 0)


def _item(key: str, label: str, status: str, value: Any, note: str = "", evidence=((), 0),
          veto: bool = False) -> dict[str, Any]:
    lines, more = evidence
    return {"key": key, "label": label, "status": status, "value": value, "note": note,
            "definition": DEFINITIONS[key], "veto": veto, "evidence": list(lines), "more": more}


def _local(moment) -> str:
    return clock.to_local(moment).strftime("%Y-%m-%d") if moment else ""


def compute_items(month: str) -> list[dict[str, Any]]:
    """Every check of ``month`` as it stands now (JSON-ready)."""
    month = periods.parse_month(month)
    first, last = month_dates(month)
    start, end = periods.month_bounds(month)
    board = services.compliance_dashboard()
    items = []

    veto = board.get("veto")
    items.append(_item("veto", "超过三个月未答复的留言（一票否决）", veto.status, veto.value, veto.note,
                       _evidence(veto.rows, lambda letter: f"{letter.number} {letter.title}（提交于 "
                                 f"{_local(letter.submitted_at)}）"), veto=True))
    reply = board.get("last_reply")
    items.append(_item("last_reply", "在线咨询栏目最近一次答复日期", reply.status, reply.value, reply.note))
    overdue = board.get("feedback_overdue")
    items.append(_item("feedback_overdue", "逾期未公布结果反馈的征集调查", overdue.status, overdue.value,
                       overdue.note, _evidence(overdue.rows, lambda c: f"{c.title}（反馈期限 {c.feedback_due_date}）")))

    held = sum(counts.interviews for counts in interview_services.interview_counts(first, last).values())
    late = interview_services.announced_late(first, last)
    items.append(_item("announced", "在线访谈提前发布预告", "fail" if late else "ok",
                       f"{held - len(late)}/{held}",
                       (f"本月访谈 {held} 期，{len(late)} 期未提前发布预告" if late
                        else f"本月访谈 {held} 期，均已提前发布预告" if held else "本月没有在线访谈"),
                       _evidence(late, lambda i: f"{i.topic}（访谈 {_local(i.scheduled_start)}，预告 "
                                 f"{_local(i.announced_at) or '未发布'}）")))

    now = clock.now()
    forwarded = letter_services.forwarded_due_between(start, end)
    due = [(letter, met) for letter, met in forwarded if met or letter.upstream_due_at <= now]
    missed = [letter for letter, met in due if not met]
    met_count = len(due) - len(missed)
    items.append(_item("forwarded", "上级转办件（主席信箱）按期办结", "fail" if missed else "ok",
                       f"{met_count}/{len(due)}",
                       (f"本月到期 {len(due)} 件，按期办结 {met_count} 件" if due else "本月没有到期的上级转办件") + (
                           f"，另有 {len(forwarded) - len(due)} 件期限未到" if len(forwarded) > len(due) else ""),
                       _evidence(missed, lambda letter: f"{letter.number} {letter.upstream_source or ''}"
                                 f"{letter.upstream_number or ''}（上级期限 {_local(letter.upstream_due_at)}）")))

    parts = {"留言": letter_services.held_letters(start, end), "征集意见": survey_services.held_opinions(start, end),
             "访谈提问": interview_services.held_questions(start, end)}
    total = sum(count for count, _ in parts.values())
    pending = sum(waiting for _, waiting in parts.values())
    detail = "，".join(f"{name} {count} 条（待审 {waiting}）" for name, (count, waiting) in parts.items())
    items.append(_item("sensitive", "敏感内容拦截待审", "warn" if pending else "ok", f"{total}（待审 {pending}）",
                       detail))
    return items


# --- stored reports ---------------------------------------------------------------------------


def report_for_month(month: str) -> InspectionReport | None:
    return db.session.scalar(sa.select(InspectionReport).where(InspectionReport.month == month))


def recent_reports(limit: int = 24) -> list[InspectionReport]:
    return list(db.session.scalars(sa.select(InspectionReport).order_by(InspectionReport.month.desc()).limit(limit)))


def _ensure_office(actor) -> None:
    if actor is not None:
        ensure_role(actor, "office", "admin")


def _check_month(month: str) -> str:
    month = periods.parse_month(month)
    if month > periods.current_month():
        raise InvalidInput("不能为尚未开始的月份生成监测报告。", fields={"month": "月份不能晚于本月"})
    return month


def draft_report(month: str, *, actor) -> tuple[InspectionReport, bool]:
    """The month's report, computed now if there is none yet: ``(report, created)``.

    Idempotent: the job calls it every day from the first working day of the month on.

    :raises InvalidInput: malformed month, or one that has not started.
    :raises PermissionDenied: ``actor`` is neither office nor admin.
    """
    _ensure_office(actor)
    month = _check_month(month)
    # 按当前数据统计 clicked twice at once (or with the daily job): the copies look for the
    # month's report one after the other, so the later one finds it instead of a 500 from
    # the unique month.
    atomic.serialize(f"inspection_report:{month}")
    existing = report_for_month(month)
    if existing is not None:
        return existing, False
    report = InspectionReport(month=month, items=compute_items(month), computed_at=clock.now(),
                              computed_by_id=audit.actor_id(actor))
    db.session.add(report)
    db.session.flush()
    audit.record("inspection.drafted", "inspection_report", report.id, actor=actor, note=f"{month} 生成监测报告")
    return report, True


def refresh_report(month: str, *, actor) -> InspectionReport:
    """Compute the month's checks again now (drafting the report if it has none).

    :raises InvalidInput: malformed month, or one that has not started.
    """
    _ensure_office(actor)
    report, created = draft_report(month, actor=actor)
    if not created:
        report.items = compute_items(report.month)
        report.computed_at = clock.now()
        report.computed_by_id = audit.actor_id(actor)
        db.session.flush()
        audit.record("inspection.refreshed", "inspection_report", report.id, actor=actor,
                     note=f"{report.month} 重新统计")
    return report


def get_report(month: str) -> InspectionReport:
    report = report_for_month(month)
    if report is None:
        raise NotFound("该月的监测报告尚未生成。")
    return report


def to_xlsx(report: InspectionReport) -> bytes:
    rows: list[list[Any]] = [[f"{periods.month_label(report.month)} 政府网站监测报告 · 互动交流"],
                             ["检查项", "结果", "数据", "说明", "统计口径", "证据"]]
    for item in report.checks:
        evidence = "；".join(line["text"] for line in item["evidence"])
        if item["more"]:
            evidence += f"；另有 {item['more']} 条"
        rows.append([item["label"] + ("（一票否决）" if item["veto"] and "否决" not in item["label"] else ""),
                     item["status_label"], item["value"], item["note"],
                     item["definition"], evidence])
    rows.append([])
    rows.append(["统计时间", clock.to_local(report.computed_at).strftime("%Y-%m-%d %H:%M")])
    return xlsx_bytes([Sheet("监测报告", rows, freeze="A3", widths={1: 30, 2: 8, 3: 14, 4: 36, 5: 60, 6: 80},
                             bold_rows=(1, 2))], title=f"{periods.month_label(report.month)}政府网站监测报告")
