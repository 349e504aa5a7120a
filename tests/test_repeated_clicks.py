"""A click repeated — again later, or several copies at the same instant (a double click on a
slow server) — on a step that is already done changes nothing and records nothing: the
audit log and the history pages list what happened, not how often a button was pressed
(attack H8: 撤回汇总 ×3 → 3 events; 停用/启用/解锁/重置密码 ×3 → 3 events each; FAQ 编辑
×3 with the same text → 2 extra revisions). The person clicking is told the state it is in."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from interact.accounts import services as accounts
from interact.core import clock
from interact.core.models import AuditEvent
from interact.departments import services as departments
from interact.extensions import db as _db
from interact.faq.models import FaqRevision
from interact.interviews import services as interviews
from interact.letters import summary
from interact.surveys import services as surveys
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import count, gjj_office_and_handler, make_staff, post_copies


def _events(action: str) -> int:
    return _db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_account_steps_clicked_again_record_one_event(db, roles):
    user = roles.handler_a
    assert accounts.set_user_active(user, False, actor=roles.admin) is True
    assert accounts.set_user_active(user, False, actor=roles.admin) is False
    assert accounts.set_user_active(user, True, actor=roles.admin) is True
    assert accounts.set_user_active(user, True, actor=roles.admin) is False
    assert accounts.reset_password(user, "xinmima2026", actor=roles.admin) is True
    assert accounts.reset_password(user, "xinmima2026", actor=roles.admin) is False
    user.locked_until, user.failed_logins = clock.now() + timedelta(minutes=30), 5
    db.session.flush()
    assert accounts.unlock_user(user, actor=roles.admin) is True
    assert accounts.unlock_user(user, actor=roles.admin) is False
    data = accounts.StaffData(username=user.username, display_name=user.display_name, roles=set(user.roles),
                              department_id=user.department_id, email=user.email, phone=user.phone)
    accounts.update_staff_user(user, data, actor=roles.admin)
    assert {action: _events(action) for action in ("user.deactivated", "user.activated", "user.password_reset",
                                                    "user.unlocked", "user.updated")} == {
        "user.deactivated": 1, "user.activated": 1, "user.password_reset": 1, "user.unlocked": 1, "user.updated": 0}


def test_edits_saved_again_unchanged_record_nothing(db, roles):
    department = roles.department_a
    data = departments.DepartmentData(name=department.name, code=department.code, kind=department.kind,
                                      parent_id=department.parent_id, phone=department.phone, email=department.email,
                                      address=department.address, office_hours=department.office_hours,
                                      description=department.description, sort_order=department.sort_order)
    departments.update_department(department, data, actor=roles.admin)
    departments.set_department_active(department, True, actor=roles.admin)
    edit = interviews.InterviewData(topic="就业创业政策解读", department_id=department.id, host="主持人",
                                    scheduled_start=clock.now().replace(microsecond=0) + timedelta(days=5),
                                    duration_minutes=60, introduction="<p>介绍</p>")
    interview = interviews.create_interview(edit, actor=roles.office)
    interviews.update_interview(interview, edit, actor=roles.office)
    assert _events("department.updated") == _events("department.activated") == _events("interview.updated") == 0
    interviews.update_interview(interview, interviews.InterviewData(**{**edit.__dict__, "topic": "新的主题"}),
                                actor=roles.office)
    assert _events("interview.updated") == 1 and interview.topic == "新的主题"


def _published_summary(app, frozen) -> tuple[int, int]:
    def build():
        _department, office, _handler = gjj_office_and_handler()
        item, _ = summary.draft_summary("2026-10", actor=office)
        item.body_html = "<p>10月共收到来信若干件，均已按期办理。</p>"
        summary.publish_summary(item, actor=office)
        _db.session.commit()
        return office.id, item.id

    frozen(2026, 11, 3, 9)
    return in_app(app, build)


def test_withdraw_clicked_three_times_at_once_withdraws_once(racing_app, frozen):
    office_id, summary_id = _published_summary(racing_app, frozen)
    texts: list[str] = []
    statuses = post_copies(racing_app, office_id, f"/staff/letters/summaries/{summary_id}/withdraw", {}, 3, texts)
    assert sorted(statuses) == [302, 409, 409], statuses
    assert all("该汇总当前未公开，无需撤回。" in text for status, text in zip(statuses, texts) if status == 409)
    assert count(racing_app, sa.select(AuditEvent.id).where(AuditEvent.action == "letter_summary.withdrawn")) == 1


def test_deactivate_clicked_three_times_at_once_records_once(racing_app):
    admin_id = make_staff(racing_app, "admin", "admin")
    clerk_id = make_staff(racing_app, "clerk", "office")
    statuses = post_copies(racing_app, admin_id, f"/staff/users/{clerk_id}/active", {"active": "0"}, 3)
    assert statuses == [302] * 3, statuses
    assert count(racing_app, sa.select(AuditEvent.id).where(AuditEvent.action == "user.deactivated")) == 1


def test_an_edit_saved_three_times_at_once_records_once(racing_app):
    def build():
        department, office, handler = gjj_office_and_handler()
        collection = surveys.create_collection(surveys.CollectionData(
            title="关于公共自行车运营时间的意见征集", summary="摘要", body="", kind=surveys.CollectionKind.OPINIONS,
            starts_at=clock.now() + timedelta(days=1), ends_at=clock.now() + timedelta(days=20),
            department_id=department.id), actor=office)
        _db.session.commit()
        return handler.id, collection.id, department.id

    handler_id, collection_id, department_id = in_app(racing_app, build)
    start = clock.to_local(clock.now() + timedelta(days=1))
    form = {"title": "关于公共自行车运营时间调整的意见征集", "kind": "opinions", "summary": "摘要", "body": "",
            "starts_at": f"{start:%Y-%m-%d %H:%M}", "ends_at": f"{start + timedelta(days=19):%Y-%m-%d %H:%M}",
            "department_id": str(department_id), "show_opinions": "y"}
    statuses = post_copies(racing_app, handler_id, f"/staff/surveys/{collection_id}/edit", form, 3)
    assert statuses == [302] * 3, statuses
    assert count(racing_app, sa.select(AuditEvent.id).where(AuditEvent.action == "collection.updated")) == 1


def test_faq_edit_saved_three_times_at_once_makes_one_revision(racing_app):
    from interact.faq import services as faq

    def build():
        department, office, _handler = gjj_office_and_handler()
        office.set_roles({*office.roles, accounts.Role.CURATOR})
        entry = faq.create_entry(faq.EntryData(question="住房公积金怎么提取", answer_html="<p>携带身份证办理。</p>"),
                                 actor=office)
        _db.session.commit()
        return office.id, entry.id

    office_id, entry_id = in_app(racing_app, build)
    form = {"question": "住房公积金怎么提取", "answer_html": "<p>携带身份证和银行卡办理。</p>", "phrasings": "",
            "category_id": "", "department_id": "", "keywords": "", "review_by": ""}
    statuses = post_copies(racing_app, office_id, f"/staff/faq/{entry_id}/edit", form, 3)
    assert statuses == [302] * 3, statuses
    assert count(racing_app, sa.select(FaqRevision.id).where(FaqRevision.entry_id == entry_id,
                                                             FaqRevision.action == "updated")) == 1


def test_refit_clicked_three_times_at_once_queues_one(racing_app, monkeypatch):
    from interact.faq.models import FaqRefitJob
    from tests.staff_races import meet

    curator_id = make_staff(racing_app, "curator", "curator")
    meet(monkeypatch, FaqRefitJob, "__init__", 3)  # copies that all saw no refit waiting would insert here
    statuses = post_copies(racing_app, curator_id, "/staff/faq/model/refit", {}, 3)
    assert statuses == [302] * 3, statuses
    assert count(racing_app, sa.select(FaqRefitJob.id)) == 1
