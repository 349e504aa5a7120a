"""Scheduled reminders of online interviews. Both are idempotent: they select by state and
time, skip rows whose ``…_sent_at`` is set, set it, and notify with a dedup key."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from interact.accounts.models import Role
from interact.accounts.services import handlers_of, users_with_role
from interact.core import clock, notify
from interact.core.jobs import Job
from interact.extensions import db
from interact.interviews import services, workflow
from interact.interviews.models import Interview

#: An announcement must be published this many days before the interview.
ANNOUNCE_DAYS = 3
#: The "start time reached" reminder is not sent for interviews that started longer ago.
LIVE_REMINDER_WINDOW = timedelta(hours=12)


def _staff_url(interview: Interview) -> str:
    return f"/staff/interviews/{interview.id}"


def announcement_reminders() -> dict[str, int]:
    """Interviews starting within three days whose announcement is unpublished: remind the
    office (who publishes it) and the host department."""
    sent = 0
    for interview in services.unannounced_upcoming(ANNOUNCE_DAYS):
        if interview.announce_reminder_sent_at is not None:
            continue
        start = clock.to_local(interview.scheduled_start)
        recipients = users_with_role(Role.OFFICE) + handlers_of(interview.department_id)
        notify.notify(
            recipients,
            kind="interview.announcement_due",
            title=f"访谈预告尚未发布：{interview.topic}",
            body=f"{interview.department.name}的在线访谈定于 {start:%Y-%m-%d %H:%M} 举行，"
                 f"访谈预告应至少提前 {ANNOUNCE_DAYS} 天发布，请尽快审核发布。",
            url=_staff_url(interview),
            dedup_key=f"interview:{interview.id}:announce:{interview.scheduled_start:%Y%m%d%H%M}",
        )
        interview.announce_reminder_sent_at = clock.now()
        sent += 1
    db.session.flush()
    return {"reminded": sent}


def live_reminders() -> dict[str, int]:
    """Announced interviews whose start time has come: tell the host department to go live."""
    now = clock.now()
    due = db.session.scalars(
        sa.select(Interview).where(
            workflow.awaiting("start"),
            Interview.live_reminder_sent_at.is_(None),
            Interview.scheduled_start <= now,
            Interview.scheduled_start > now - LIVE_REMINDER_WINDOW,
        )
    ).all()
    for interview in due:
        notify.notify(
            handlers_of(interview.department_id),
            kind="interview.starting",
            title=f"在线访谈开始时间已到：{interview.topic}",
            body="请在直播控制台中点击“开始直播”，并发布主持人开场白。",
            url=f"{_staff_url(interview)}/console",
            dedup_key=f"interview:{interview.id}:live:{interview.scheduled_start:%Y%m%d%H%M}",
        )
        interview.live_reminder_sent_at = now
    db.session.flush()
    return {"reminded": len(due)}


JOBS = [
    Job(
        id="interviews.announcement_reminders",
        func=announcement_reminders,
        trigger={"trigger": "cron", "hour": "8-20", "minute": 0},
        description="访谈开始前 3 天仍未发布预告的，提醒办公室和主办部门",
        count_labels={"reminded": "已提醒"},
    ),
    Job(
        id="interviews.live_reminders",
        func=live_reminders,
        trigger={"trigger": "interval", "minutes": 5},
        description="访谈开始时间已到，提醒主办部门开始直播",
        count_labels={"reminded": "已提醒"},
    ),
]
