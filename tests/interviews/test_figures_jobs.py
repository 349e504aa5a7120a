"""Figures for the office dashboard and the scheduled reminders."""
from __future__ import annotations

from datetime import date, timedelta

from interact.core import clock
from interact.core.models import Notification
from interact.interviews import jobs, services, workflow
from interact.interviews.models import InterviewStatus

S = InterviewStatus


def local(y, m, d, h=10):
    return clock.local_datetime(date(y, m, d), h)


def test_yearly_count_and_per_department(db, roles, make_interview, frozen):
    frozen(2026, 1, 5, 9)
    make_interview(S.ARCHIVED, start=local(2026, 1, 1, 0))  # 00:00 Beijing on New Year's Day counts for 2026
    make_interview(S.ANNOUNCED, start=local(2026, 12, 31, 23))
    make_interview(S.LIVE, start=local(2026, 3, 1), department=roles.department_b)
    make_interview(S.DRAFT, start=local(2026, 4, 1))  # not announced: not counted
    make_interview(S.ARCHIVED, start=local(2025, 12, 31, 23))  # previous year in Beijing time
    assert services.interviews_count(2026) == 3
    assert services.interviews_count(2025) == 1
    assert services.department_interviews(date(2026, 1, 1), date(2026, 12, 31)) == {
        roles.department_a.id: 2, roles.department_b.id: 1,
    }
    assert services.department_interviews(date(2026, 2, 1), date(2026, 3, 1)) == {roles.department_b.id: 1}


def test_unannounced_upcoming(db, roles, make_interview, frozen):
    frozen(2026, 5, 4, 9)
    soon = make_interview(S.DRAFT, start=clock.now() + timedelta(days=2))
    make_interview(S.DRAFT, start=clock.now() + timedelta(days=10))
    make_interview(S.ANNOUNCED, start=clock.now() + timedelta(days=1))
    make_interview(S.DRAFT, start=clock.now() - timedelta(days=1))
    assert services.unannounced_upcoming() == [soon]
    assert len(services.unannounced_upcoming(days=30)) == 2


def test_announcement_reminder_is_sent_once(db, roles, make_interview, frozen):
    frozen(2026, 5, 4, 9)
    interview = make_interview(S.DRAFT, start=clock.now() + timedelta(days=2))
    assert jobs.announcement_reminders() == {"reminded": 1}
    db.session.commit()
    assert interview.announce_reminder_sent_at is not None
    assert jobs.announcement_reminders() == {"reminded": 0}
    recipients = set(db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == "interview.announcement_due")))
    assert recipients == {roles.office.id, roles.handler_a.id}


def test_live_reminder_at_start_time(db, roles, make_interview, frozen):
    frozen(2026, 5, 4, 9)
    interview = make_interview(S.ANNOUNCED, start=clock.now() + timedelta(minutes=30))
    assert jobs.live_reminders() == {"reminded": 0}
    clock.advance(timedelta(minutes=31))
    assert jobs.live_reminders() == {"reminded": 1}
    assert jobs.live_reminders() == {"reminded": 0}
    db.session.commit()
    notices = db.session.scalars(db.select(Notification).where(Notification.kind == "interview.starting")).all()
    assert [n.user_id for n in notices] == [roles.handler_a.id]
    assert notices[0].url == f"/staff/interviews/{interview.id}/console"


def test_live_reminder_skips_interviews_already_live(db, roles, make_interview, frozen):
    frozen(2026, 5, 4, 9)
    interview = make_interview(S.ANNOUNCED, start=clock.now() + timedelta(minutes=5))
    workflow.transition(interview, S.LIVE, roles.handler_a)
    clock.advance(timedelta(minutes=10))
    assert jobs.live_reminders() == {"reminded": 0}


def test_rescheduling_rearms_the_reminders(db, roles, make_interview, frozen):
    frozen(2026, 5, 4, 9)
    interview = make_interview(S.DRAFT, start=clock.now() + timedelta(days=2))
    jobs.announcement_reminders()
    data = services.InterviewData(topic=interview.topic, department_id=interview.department_id, host=interview.host,
                                  scheduled_start=clock.now() + timedelta(days=2, hours=3), duration_minutes=60)
    services.update_interview(interview, data, actor=roles.handler_a)
    assert interview.announce_reminder_sent_at is None
    assert jobs.announcement_reminders() == {"reminded": 1}


def test_jobs_are_listed():
    assert {job.id for job in jobs.JOBS} == {"interviews.announcement_reminders", "interviews.live_reminders"}
