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
from interact.departments.models import Department
from interact.letters import services
from interact.letters.models import Letter, staff_path

#: Letters handled per committed batch: a run goes through every batch (any backlog is
#: cleared in one run) and each batch is its own short write transaction — one
#: ``UPDATE … RETURNING`` of the letters' flags and one insert of their notices — so
#: citizens' submissions never wait long behind the sweep (SQLite has one writer at a time).
BATCH = 200


class _Recipients:
    """Handlers per department, the office and the departments' names, loaded once per
    run instead of per letter."""

    def __init__(self):
        self.office = self._kept(users_with_role(Role.OFFICE))
        self._handlers: dict[int, list] = {}
        self.department_names = dict(db.session.execute(sa.select(Department.id, Department.name)).all())

    @staticmethod
    def _kept(users: list) -> list:
        """The users as loaded, detached from the session: every batch's commit would
        otherwise expire them and the next batch reload each one."""
        for user in users:
            db.session.expunge(user)
        return users

    def holders(self, letter) -> list:
        """Who owes the next step: the department's handlers, or the office."""
        if letter.department_id is not None and letter.held_by_department:
            if letter.department_id not in self._handlers:
                self._handlers[letter.department_id] = self._kept(handlers_of(letter.department_id))
            return self._handlers[letter.department_id]
        return self.office


def _each_batch(condition, flag, now, notices_of) -> int:
    """Set ``flag`` to ``now`` on every letter matching ``condition`` and write the notices
    ``notices_of(letter)`` gives for each, :data:`BATCH` letters per committed transaction.

    The matching ids are read once (one scan of the index); each batch then flags its
    letters with ``UPDATE … WHERE id IN (…) AND condition RETURNING …`` — a letter answered
    since the scan no longer matches and is skipped — and inserts the notices of the
    letters it flagged, set-based (``notify.notify_all``)."""
    # Sorted here, not in SQL: ORDER BY id made SQLite walk the whole table in id order
    # instead of reading the letters due a notice from ix_letters_status_due.
    ids = sorted(db.session.scalars(sa.select(Letter.id).where(condition)))
    db.session.commit()  # end the read: each batch below is a short write transaction of its own
    done = 0
    for start in range(0, len(ids), BATCH):
        letters = db.session.execute(
            sa.update(Letter)
            .where(Letter.id.in_(ids[start:start + BATCH]), condition)
            .values({flag: now})
            .returning(Letter.id, Letter.number, Letter.title, Letter.due_at, Letter.department_id,
                       Letter.held_by_department.label("held_by_department"))
            .execution_options(synchronize_session=False)
        ).all()
        notify.notify_all(notice for letter in sorted(letters) for notice in notices_of(letter))
        db.session.commit()
        done += len(letters)
    return done


def deadline_sweep() -> dict[str, int]:
    """Yellow card one working day before the deadline, red card after it (escalated to the
    office), and the three-month veto flag; every due letter in one run, in small batches."""
    now = clock.now()
    recipients = _Recipients()

    def warn(letter) -> list[notify.Notice]:
        return [notify.Notice(recipients.holders(letter), kind="letter.warning",
                              title=f"来信即将到期（黄牌）：{letter.number}，期限 {clock.to_local(letter.due_at):%m-%d}",
                              body=letter.title, url=staff_path(letter.id),
                              dedup_key=f"letter:{letter.id}:warning:{letter.due_at:%Y%m%d}")]

    def overdue(letter) -> list[notify.Notice]:
        key = f"letter:{letter.id}:overdue:{letter.due_at:%Y%m%d}"
        title = f"来信已逾期（红牌）：{letter.number}"
        department = recipients.department_names.get(letter.department_id) if letter.department_id else None
        return [
            notify.Notice(recipients.holders(letter), kind="letter.overdue", title=title, body=letter.title,
                          url=staff_path(letter.id), dedup_key=key),
            # Escalation: the office sees every overdue letter, whoever holds it.
            notify.Notice(recipients.office, kind="letter.overdue", title=f"{title}（{department or '办公室'}）",
                          body=letter.title, url=staff_path(letter.id), dedup_key=key),
        ]

    def veto(letter) -> list[notify.Notice]:
        return [notify.Notice(recipients.office, kind="letter.veto",
                              title=f"来信超过三个月未答复（一票否决项）：{letter.number}",
                              body=letter.title, url=staff_path(letter.id), dedup_key=f"letter:{letter.id}:veto")]

    return {
        "warnings": _each_batch(sa.and_(Letter.warning, Letter.warning_sent_at.is_(None)),
                                Letter.warning_sent_at, now, warn),
        "overdue": _each_batch(sa.and_(Letter.overdue, Letter.overdue_sent_at.is_(None)),
                               Letter.overdue_sent_at, now, overdue),
        "veto": _each_batch(sa.and_(services.veto_condition(), Letter.veto_flagged_at.is_(None)),
                            Letter.veto_flagged_at, now, veto),
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
