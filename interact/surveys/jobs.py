"""Scheduled work on collections. Every job selects by state and date and sets a ``…_sent_at``
column (and uses notification dedup keys), so a second run changes nothing.

Closing needs no job: open/closed is derived from the end time. The job only sends the
"collection ended — record adoption and publish the feedback" notice once.
"""
from __future__ import annotations

import sqlalchemy as sa

from interact.accounts.models import Role
from interact.accounts.services import handlers_of, users_with_role
from interact.core import clock, notify
from interact.core.jobs import Job
from interact.extensions import db
from interact.surveys import services, workflow
from interact.surveys.deadlines import DUE_SOON_DAYS
from interact.surveys.models import Collection

BATCH = 500


def _feedback_url(collection: Collection) -> str:
    return f"/staff/surveys/{collection.id}/feedback"


def _owner_or_office(collection: Collection) -> list:
    """Who owes the next step: the office once the feedback waits for its review."""
    if workflow.feedback_in_review(collection):
        return users_with_role(Role.OFFICE)
    return handlers_of(collection.department_id)


def ended_notices() -> dict[str, int]:
    """Tell the owner department once that a collection has ended."""
    now = clock.now()
    collections = db.session.scalars(
        sa.select(Collection)
        .where(Collection.awaiting_feedback, Collection.ended_notice_sent_at.is_(None))
        .order_by(Collection.ends_at).limit(BATCH)
    ).all()
    for collection in collections:
        notify.notify(
            handlers_of(collection.department_id), kind="survey.ended",
            title=f"民意征集已结束：{collection.title}",
            body=(f"请审核全部意见、逐条登记采纳情况，并于 {collection.feedback_due_date:%Y年%m月%d日} 前"
                  "完成结果反馈（提交办公室审核发布）。"),
            url=_feedback_url(collection), dedup_key=f"collection:{collection.id}:ended",
        )
        collection.ended_notice_sent_at = now
    db.session.flush()
    return {"ended": len(collections)}


def feedback_reminders() -> dict[str, int]:
    """Reminders 7 days and 1 day before the feedback deadline; overdue notice after it
    (to the owner department and to the office)."""
    now = clock.now()
    counts = {"reminder_7d": 0, "reminder_1d": 0, "overdue": 0}

    overdue = db.session.scalars(
        sa.select(Collection)
        .where(Collection.feedback_overdue, Collection.overdue_notice_sent_at.is_(None))
        .order_by(Collection.feedback_due_at).limit(BATCH)
    ).all()
    office = users_with_role(Role.OFFICE)
    for collection in overdue:
        notify.notify(
            [*handlers_of(collection.department_id), *office], kind="survey.feedback_overdue",
            title=f"结果反馈已逾期：{collection.title}",
            body=f"反馈期限为 {collection.feedback_due_date:%Y年%m月%d日}（征集结束后一个月），请尽快发布结果反馈。",
            url=_feedback_url(collection), dedup_key=f"collection:{collection.id}:feedback_overdue",
        )
        collection.overdue_notice_sent_at = now
        collection.reminder_1d_sent_at = collection.reminder_1d_sent_at or now
        collection.reminder_7d_sent_at = collection.reminder_7d_sent_at or now
        counts["overdue"] += 1

    for days, column, key in ((1, Collection.reminder_1d_sent_at, "reminder_1d"),
                              (DUE_SOON_DAYS, Collection.reminder_7d_sent_at, "reminder_7d")):
        due = db.session.scalars(
            sa.select(Collection)
            .where(services.feedback_due_within(days), column.is_(None))
            .order_by(Collection.feedback_due_at).limit(BATCH)
        ).all()
        for collection in due:
            left = collection.feedback_days_left
            when = "今天" if left == 0 else f"{left}天后"
            notify.notify(
                _owner_or_office(collection), kind="survey.feedback_due",
                title=f"结果反馈{when}到期：{collection.title}",
                body=f"请于 {collection.feedback_due_date:%Y年%m月%d日} 24时前发布结果反馈。",
                url=_feedback_url(collection), dedup_key=f"collection:{collection.id}:{key}",
            )
            collection.reminder_7d_sent_at = collection.reminder_7d_sent_at or now
            if days == 1:
                collection.reminder_1d_sent_at = now
            counts[key] += 1
    db.session.flush()
    return counts


JOBS = [
    Job(id="surveys.ended_notices", func=ended_notices, trigger={"trigger": "interval", "minutes": 10},
        description="民意征集结束提醒：通知主办部门登记采纳情况、撰写结果反馈（每次征集只发一次）",
        count_labels={"ended": "已结束的征集"}),
    Job(id="surveys.feedback_reminders", func=feedback_reminders,
        trigger={"trigger": "cron", "hour": "8-20", "minute": 5},
        description="结果反馈期限提醒：到期前7天、1天提醒主办部门，逾期后通知主办部门和办公室",
        count_labels={"reminder_7d": "7天提醒", "reminder_1d": "1天提醒", "overdue": "逾期通知"}),
]
