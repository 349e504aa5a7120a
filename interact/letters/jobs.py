"""Scheduled work on letters. Every job selects by state and deadline and is idempotent:
``…_sent_at`` / ``veto_flagged_at`` columns and notification dedup keys make a second run
change nothing."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from interact.accounts.models import Role
from interact.accounts.services import handlers_of, users_with_role
from interact.core import clock, notify, workdays
from interact.core.jobs import Job
from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter

#: Letters handled per committed batch: a run goes through every batch (any backlog is
#: cleared in one run) and each batch is its own short write transaction, so citizens'
#: submissions never wait long behind the sweep (SQLite has one writer at a time).
BATCH = 200


def _url(letter: Letter) -> str:
    return f"/staff/letters/{letter.id}"


class _Recipients:
    """Handlers per department and the office, loaded once per run instead of per letter."""

    def __init__(self):
        self.office = users_with_role(Role.OFFICE)
        self._handlers: dict[int, list] = {}

    def holders(self, letter: Letter) -> list:
        """Who owes the next step: the department's handlers, or the office."""
        if letter.department_id is not None and letter.held_by_department:
            if letter.department_id not in self._handlers:
                self._handlers[letter.department_id] = handlers_of(letter.department_id)
            return self._handlers[letter.department_id]
        return self.office


def _each_batch(condition, handle) -> int:
    """Call ``handle(letter)`` for every letter matching ``condition`` in id order, committing
    after each batch of :data:`BATCH` (``handle`` sets the flag that ends the match)."""
    done = 0
    last_id = 0
    while True:
        letters = db.session.scalars(
            sa.select(Letter).where(condition, Letter.id > last_id).order_by(Letter.id).limit(BATCH)
            .options(selectinload(Letter.department))
        ).all()
        for letter in letters:
            handle(letter)
        db.session.commit()
        done += len(letters)
        if len(letters) < BATCH:
            return done
        last_id = letters[-1].id


def deadline_sweep() -> dict[str, int]:
    """Yellow card one working day before the deadline, red card after it (escalated to the
    office), and the three-month veto flag; every due letter in one run, in small batches."""
    now = clock.now()
    recipients = _Recipients()

    def warn(letter: Letter) -> None:
        notify.notify(recipients.holders(letter), kind="letter.warning",
                      title=f"来信即将到期（黄牌）：{letter.number}，期限 {clock.to_local(letter.due_at):%m-%d}",
                      body=letter.title, url=_url(letter),
                      dedup_key=f"letter:{letter.id}:warning:{letter.due_at:%Y%m%d}")
        letter.warning_sent_at = now

    def overdue(letter: Letter) -> None:
        key = f"letter:{letter.id}:overdue:{letter.due_at:%Y%m%d}"
        title = f"来信已逾期（红牌）：{letter.number}"
        notify.notify(recipients.holders(letter), kind="letter.overdue", title=title, body=letter.title,
                      url=_url(letter), dedup_key=key)
        # Escalation: the office sees every overdue letter, whoever holds it.
        notify.notify(recipients.office, kind="letter.overdue",
                      title=f"{title}（{letter.department.name if letter.department else '办公室'}）",
                      body=letter.title, url=_url(letter), dedup_key=key)
        letter.overdue_sent_at = now

    def veto(letter: Letter) -> None:
        letter.veto_flagged_at = now
        notify.notify(recipients.office, kind="letter.veto", title=f"来信超过三个月未答复（一票否决项）：{letter.number}",
                      body=letter.title, url=_url(letter), dedup_key=f"letter:{letter.id}:veto")

    return {
        "warnings": _each_batch(sa.and_(Letter.warning, Letter.warning_sent_at.is_(None)), warn),
        "overdue": _each_batch(sa.and_(Letter.overdue, Letter.overdue_sent_at.is_(None)), overdue),
        "veto": _each_batch(sa.and_(services.veto_condition(), Letter.veto_flagged_at.is_(None)), veto),
    }


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
        .where(Letter.held_by_department, Letter.department_id.is_not(None))
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
