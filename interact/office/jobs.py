"""Scheduled work of the office: the daily digest of what each staff member has due."""
from __future__ import annotations

from typing import Any

from flask import current_app

from interact.accounts.models import Role
from interact.accounts.services import users_with_role
from interact.core import clock, notify, workdays
from interact.core.jobs import Job


def digest_items(user) -> list[dict[str, Any]]:
    """The workspace cards with something in them for ``user`` (needs a request context)."""
    from interact.office.views import workspace_cards

    items = []
    for contribute in workspace_cards:
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


JOBS = [
    Job("office.daily_digest", daily_digest, {"trigger": "cron", "hour": 8, "minute": 0},
        "每个工作日早8点向办公室人员发送全平台待办摘要",
        {"users": "收件人", "sent": "已发送", "skipped_non_workday": "非工作日跳过"}),
]
