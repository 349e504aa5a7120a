"""Jobs: ended notice once, reminders 7 days and 1 day before the deadline, overdue to the office."""
from __future__ import annotations

from interact.core.models import Notification
from interact.surveys import jobs, services
from interact.surveys.models import Adoption


def _notices(db, user=None):
    stmt = db.select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    return db.session.scalars(stmt).all()


def test_ended_notice_is_sent_once(make_collection, frozen, roles, db):
    collection = make_collection()
    frozen(2026, 3, 20)
    assert jobs.ended_notices() == {"ended": 0}
    frozen(2026, 3, 31, 18, 5)
    assert jobs.ended_notices() == {"ended": 1}
    assert jobs.ended_notices() == {"ended": 0}
    notices = _notices(db)
    assert [n.user_id for n in notices] == [roles.handler_a.id]
    assert "已结束" in notices[0].title and notices[0].url == f"/staff/surveys/{collection.id}/feedback"
    assert collection.ended_notice_sent_at is not None


def test_feedback_reminders_and_overdue(make_collection, frozen, roles, db):
    collection = make_collection()  # ends 31 March 18:00 → due 30 April
    frozen(2026, 4, 10)
    assert jobs.feedback_reminders() == {"reminder_7d": 0, "reminder_1d": 0, "overdue": 0}
    frozen(2026, 4, 23, 9)
    assert jobs.feedback_reminders()["reminder_7d"] == 1
    assert jobs.feedback_reminders()["reminder_7d"] == 0  # idempotent
    assert "7天后到期" in _notices(db, roles.handler_a)[-1].title
    frozen(2026, 4, 29, 9)
    assert jobs.feedback_reminders() == {"reminder_7d": 0, "reminder_1d": 1, "overdue": 0}
    assert jobs.feedback_reminders() == {"reminder_7d": 0, "reminder_1d": 0, "overdue": 0}
    frozen(2026, 5, 1, 9)
    assert jobs.feedback_reminders()["overdue"] == 1
    assert jobs.feedback_reminders()["overdue"] == 0
    assert "逾期" in _notices(db, roles.office)[-1].title
    assert "逾期" in _notices(db, roles.handler_a)[-1].title
    assert _notices(db, roles.handler_b) == []
    assert collection.overdue_notice_sent_at is not None


def test_no_reminders_after_publication_and_office_reminded_when_reviewing(make_collection, frozen, roles, db):
    published = make_collection(title="已反馈")
    reviewing = make_collection(title="审核中")
    frozen(2026, 3, 10)
    for collection in (published, reviewing):
        opinion = services.submit_opinion(collection, services.OpinionData(content="意见"))
        services.moderate_opinion(opinion, True, actor=roles.office)
    frozen(2026, 4, 2)
    for collection in (published, reviewing):
        services.record_adoption(collection_opinion(db, collection), Adoption.ADOPTED, actor=roles.handler_a)
        services.save_feedback(collection, "<p>综述</p>", "", actor=roles.handler_a)
        services.submit_feedback(collection, actor=roles.handler_a)
    services.publish_feedback(published, actor=roles.office)
    frozen(2026, 4, 24)
    assert jobs.feedback_reminders()["reminder_7d"] == 1
    notice = _notices(db)[-1]
    assert notice.user_id == roles.office.id and "审核中" in notice.title


def collection_opinion(db, collection):
    return db.session.scalar(db.select(services.Opinion).where(services.Opinion.collection_id == collection.id))


def test_jobs_are_listed():
    assert {job.id for job in jobs.JOBS} == {"surveys.ended_notices", "surveys.feedback_reminders"}
