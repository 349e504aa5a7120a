"""Scheduled work of the office: the daily digest of what each staff member has due."""
from __future__ import annotations

from typing import Any

from flask import current_app

from interact.accounts.models import Role
from interact.accounts.services import users_with_role
from interact.core import clock, contributions, notify, periods, workdays
from interact.core.jobs import Job
from interact.letters.report_jobs import first_workday_of_month
from interact.office import inspection


def digest_items(user) -> list[dict[str, Any]]:
    """The workspace cards with something in them for ``user`` (needs a request context)."""
    items = []
    for contribute in contributions.workspace_cards:
        for card in contribute(user):
            if card.get("count"):
                items.append(card)
    return items


def daily_digest() -> dict[str, int]:
    """On working days, send each office member one digest of their workspace to-dos
    (every module's cards: letters to route and review, feedback due, interviews …).

    Handlers get their department's digest from ``letters.daily_digest``; the dedup key
    carries the date, so running the job twice on a day sends one digest.
    """
    today = clock.today()
    if not workdays.is_workday(today):
        return {"skipped_non_workday": 1}
    staff = users_with_role(Role.OFFICE)
    counts = {"users": 0, "sent": 0}
    base_url = current_app.config.get("PUBLIC_BASE_URL") or "http://localhost"
    # Cards build their links with url_for, which needs a request context outside a request.
    with current_app.test_request_context("/", base_url=base_url):
        for user in staff:
            items = digest_items(user)
            if not items:
                continue
            counts["users"] += 1
            total = sum(int(card["count"]) for card in items)
            body = "\n".join(f"· {card['title']}：{card['count']}" + (f"（{card['hint']}）" if card.get("hint") else "")
                             for card in items)
            counts["sent"] += notify.notify(
                [user], kind="office.daily_digest", title=f"{today:%m月%d日}待办提醒：共 {total} 项",
                body=body, url="/staff/", dedup_key=f"digest:{today.isoformat()}",
            )
    return counts


def draft_monthly_inspection() -> dict[str, Any]:
    """From the first working day of a month on, draft last month's inspection report if it
    has none yet, and tell the office (once: the dedup key carries the month)."""
    today = clock.today()
    if today < first_workday_of_month(today):
        return {"skipped_before_first_workday": 1}
    month = periods.previous_month(today.strftime("%Y-%m"))
    report, created = inspection.draft_report(month, actor=None)
    failed = len(report.failed)
    verdict = f"{failed} 项不通过" if failed else "各项均通过"
    sent = notify.notify(
        users_with_role(Role.OFFICE), kind="office.inspection_drafted",
        title=f"{periods.month_label(month)}政府网站监测报告已生成：{verdict}",
        body="请核对互动交流栏目的检查项和证据，必要时重新统计后导出上报。",
        url=f"/staff/reports/monthly/{month}", dedup_key=f"inspection:{month}",
    )
    return {"month": month, "drafted": int(created), "failed": failed, "notified": sent}


JOBS = [
    Job("office.daily_digest", daily_digest, {"trigger": "cron", "hour": 8, "minute": 0},
        "每个工作日早8点向办公室人员发送全平台待办摘要",
        {"users": "收件人", "sent": "已发送", "skipped_non_workday": "非工作日跳过"}),
    Job("office.monthly_inspection_draft", draft_monthly_inspection, {"trigger": "cron", "hour": 7, "minute": 20},
        "每月第一个工作日起生成上月政府网站监测报告（互动交流）并通知办公室（已生成则跳过）",
        {"month": "月份", "drafted": "新生成", "failed": "不通过项", "notified": "通知人数",
         "skipped_before_first_workday": "未到首个工作日"}),
]
