"""Scheduled work on letters. Every job selects by state and deadline and is idempotent:
``…_sent_at`` / ``veto_flagged_at`` columns and notification dedup keys make a second run
change nothing."""
from __future__ import annotations

import sqlalchemy as sa

from interact.accounts.models import Role
from interact.accounts.services import handlers_of, users_with_role
from interact.core import clock, notify, workdays
from interact.core.jobs import Job
from interact.extensions import db
from interact.letters import services
from interact.letters.models import DEPARTMENT_STATUSES, Letter

#: Letters handled per run and kind of notice (the next run continues).
BATCH = 500


def _url(letter: Letter) -> str:
    return f"/staff/letters/{letter.id}"


def _holders(letter: Letter) -> list:
    """Who owes the next step: the department's handlers, or the office."""
    if letter.department_id is not None and letter.status in DEPARTMENT_STATUSES:
        return handlers_of(letter.department_id)
    return users_with_role(Role.OFFICE)


def deadline_sweep() -> dict[str, int]:
    """Yellow card one working day before the deadline, red card after it (escalated to the
    office), and the three-month veto flag."""
    now = clock.now()
    office = users_with_role(Role.OFFICE)
    counts = {"warnings": 0, "overdue": 0, "veto": 0}

    warned = db.session.scalars(
        sa.select(Letter).where(Letter.warning, Letter.warning_sent_at.is_(None)).order_by(Letter.due_at).limit(BATCH)
    ).all()
    for letter in warned:
        notify.notify(_holders(letter), kind="letter.warning",
                      title=f"来信即将到期（黄牌）：{letter.number}，期限 {clock.to_local(letter.due_at):%m-%d}",
                      body=letter.title, url=_url(letter),
                      dedup_key=f"letter:{letter.id}:warning:{letter.due_at:%Y%m%d}")
        letter.warning_sent_at = now
        counts["warnings"] += 1

    overdue = db.session.scalars(
        sa.select(Letter).where(Letter.overdue, Letter.overdue_sent_at.is_(None)).order_by(Letter.due_at).limit(BATCH)
    ).all()
    for letter in overdue:
        key = f"letter:{letter.id}:overdue:{letter.due_at:%Y%m%d}"
        title = f"来信已逾期（红牌）：{letter.number}"
        notify.notify(_holders(letter), kind="letter.overdue", title=title, body=letter.title,
                      url=_url(letter), dedup_key=key)
        # Escalation: the office sees every overdue letter, whoever holds it.
        notify.notify(office, kind="letter.overdue", title=f"{title}（{letter.department.name if letter.department else '办公室'}）",
                      body=letter.title, url=_url(letter), dedup_key=key)
        letter.overdue_sent_at = now
        counts["overdue"] += 1

    vetoed = db.session.scalars(
        sa.select(Letter).where(services.veto_condition(), Letter.veto_flagged_at.is_(None)).limit(BATCH)
    ).all()
    for letter in vetoed:
        letter.veto_flagged_at = now
        notify.notify(office, kind="letter.veto", title=f"来信超过三个月未答复（一票否决项）：{letter.number}",
                      body=letter.title, url=_url(letter), dedup_key=f"letter:{letter.id}:veto")
        counts["veto"] += 1
    db.session.flush()
    return counts


def daily_digest() -> dict[str, int]:
    """On working days, each handler gets one notice of their department's open letters."""
    today = clock.today()
    if not workdays.is_workday(today):
        return {"digests": 0}
    rows = db.session.execute(
        sa.select(
            Letter.department_id,
            sa.func.count(Letter.id),
            sa.func.sum(sa.case((Letter.warning, 1), else_=0)),
            sa.func.sum(sa.case((Letter.overdue, 1), else_=0)),
        )
        .where(Letter.status.in_(DEPARTMENT_STATUSES), Letter.department_id.is_not(None))
        .group_by(Letter.department_id)
    ).all()
    sent = 0
    for department_id, total, warning, overdue in rows:
        sent += notify.notify(
            handlers_of(department_id), kind="letter.digest",
            title=f"今日来信待办：{total} 封（即将到期 {int(warning or 0)}，已逾期 {int(overdue or 0)}）",
            url="/staff/letters/mine", dedup_key=f"letters:digest:{department_id}:{today.isoformat()}",
        )
    return {"digests": sent}


JOBS = [
    Job("letters.deadline_sweep", deadline_sweep, {"trigger": "interval", "minutes": 30},
        "来信期限巡检：到期前一个工作日黄牌提醒、逾期红牌提醒并报办公室、超三个月未答复标记",
        {"warnings": "黄牌提醒", "overdue": "逾期提醒", "veto": "超三个月标记"}),
    Job("letters.daily_digest", daily_digest, {"trigger": "cron", "hour": 8, "minute": 30},
        "每个工作日早上向各部门办理人发送来信待办汇总", {"digests": "发送汇总"}),
]
