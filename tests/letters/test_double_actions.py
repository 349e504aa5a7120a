"""A double or triple click on a letter's staff forms (the same form posted at the same
instant): the step happens once, the other copies get a 409 that says the letter was
just handled, and nothing else is written for them — no event, no notice, no change of
the statistics' running totals (attack N3, N6–N9, N12). Sequential refusals name the
step asked for (N4); answering or returning a letter ends its pending extension (N8).
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.accounts.models import Role, User
from interact.core.models import Notification
from interact.departments.models import Department, DepartmentKind
from interact.extensions import db as _db
from interact.faq.models import FaqEntry
from interact.letters import monthcounts, services, workflow
from interact.letters.models import (
    ExtensionStatus,
    Letter,
    LetterChannel,
    LetterEvent,
    LetterExtension,
    LetterKind,
    LetterMonthCount,
    LetterStatus,
)
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import count, hold_together, post_copies

STALE = "该来信刚刚已被处理"


class Setup:
    office_id: int
    handler_id: int
    gjj_id: int
    rsj_id: int
    letter_id: int


def _setup(app, *, until: str = "submitted") -> Setup:
    def build():
        gjj = Department(name="市住房公积金管理中心", code="GJJ", kind=DepartmentKind.DEPARTMENT)
        rsj = Department(name="市人力资源社会保障局", code="RSJ", kind=DepartmentKind.DEPARTMENT)
        _db.session.add_all([gjj, rsj])
        office = User(username="office", display_name="办公室", is_staff=True, password_hash="x")
        office.set_roles({Role.OFFICE})
        handler = User(username="gjj", display_name="公积金", is_staff=True, password_hash="x", department=gjj)
        handler.set_roles({Role.HANDLER})
        colleague = User(username="rsj", display_name="人社", is_staff=True, password_hash="x", department=rsj)
        colleague.set_roles({Role.HANDLER})
        _db.session.add_all([office, handler, colleague])
        _db.session.flush()
        letter = services.submit_letter(services.LetterInput(
            channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION, title="公积金提取需要什么材料",
            body="我想提取住房公积金支付房租，请问需要哪些材料？", name="张三", phone="13812345678",
            email=None, publish_consent=False)).letter
        if until in ("assigned", "closed"):
            services.assign_letter(letter, gjj.id, actor=office)
        if until == "closed":
            services.answer_letter(letter, actor=handler, answer_html="<p>请携带身份证和租房合同办理。</p>")
            services.approve_answer(letter, actor=office, publish=False)
        _db.session.commit()
        found = Setup()
        found.office_id, found.handler_id, found.gjj_id, found.rsj_id, found.letter_id = (
            office.id, handler.id, gjj.id, rsj.id, letter.id)
        return found

    return in_app(app, build)


def _events(app, letter_id: int, action: str) -> int:
    return count(app, sa.select(LetterEvent.id).where(LetterEvent.letter_id == letter_id,
                                                       LetterEvent.action == action))


def _letter(app, letter_id: int) -> Letter:
    def read():
        letter = _db.session.get(Letter, letter_id)
        _db.session.expunge(letter)
        return letter

    return in_app(app, read)


def test_four_routings_at_once_route_once(racing_app, monkeypatch):
    s = _setup(racing_app)
    hold_together(monkeypatch, services, "assign_letter", 4)
    targets = [s.gjj_id, s.rsj_id, s.gjj_id, s.rsj_id]
    texts: list[str] = []
    statuses = post_copies(racing_app, s.office_id, f"/staff/letters/{s.letter_id}/assign",
                           lambda n: {"department_id": str(targets[n])}, 4, texts)
    assert sorted(statuses) == [302, 409, 409, 409], statuses
    refused = [text for status, text in zip(statuses, texts) if status == 409]
    assert all(STALE in text for text in refused)
    assert _events(racing_app, s.letter_id, "assign") == 1
    winner = targets[statuses.index(302)]
    assert _letter(racing_app, s.letter_id).department_id == winner  # what the office was told
    notices = count(racing_app, sa.select(Notification.id).where(Notification.kind == "letter.assigned"))
    assert notices == 1


def test_answers_sent_at_once_are_stored_once(racing_app, monkeypatch):
    s = _setup(racing_app, until="assigned")
    hold_together(monkeypatch, services, "answer_letter", 3)
    statuses = post_copies(racing_app, s.handler_id, f"/staff/letters/{s.letter_id}/answer",
                           lambda n: {"answer_html": f"<p>第{n}稿：请携带身份证办理。</p>"}, 3)
    assert sorted(statuses) == [302, 409, 409], statuses
    assert _events(racing_app, s.letter_id, "answer") == 1
    letter = _letter(racing_app, s.letter_id)
    assert letter.status is LetterStatus.ANSWERED
    assert f"第{statuses.index(302)}稿" in letter.answer_html  # the answer the office will review


def _month_counts(app) -> dict:
    def read():
        rows = _db.session.execute(sa.select(LetterMonthCount)).scalars()
        return {(r.month, r.department_id): tuple(getattr(r, c) for c in monthcounts.KEPT) for r in rows
                if any(getattr(r, c) for c in monthcounts.KEPT)}

    return in_app(app, read)


def test_returns_sent_at_once_leave_the_running_totals_right(racing_app, monkeypatch):
    s = _setup(racing_app, until="assigned")
    hold_together(monkeypatch, services, "return_letter", 3)
    statuses = post_copies(racing_app, s.handler_id, f"/staff/letters/{s.letter_id}/return",
                           {"reason": "不属于本部门职责"}, 3)
    assert sorted(statuses) == [302, 409, 409], statuses
    assert _events(racing_app, s.letter_id, "return") == 1
    kept = _month_counts(racing_app)

    def recount():
        monthcounts.rebuild(_db.session.connection())
        _db.session.commit()

    in_app(racing_app, recount)
    assert kept == _month_counts(racing_app)  # the statistics' totals are what the letters say


def test_extension_requests_sent_at_once_make_one(racing_app, monkeypatch):
    s = _setup(racing_app, until="assigned")
    hold_together(monkeypatch, services, "request_extension", 4)
    texts: list[str] = []
    statuses = post_copies(racing_app, s.handler_id, f"/staff/letters/{s.letter_id}/extension",
                           {"extra_workdays": "5", "reason": "需要现场核实"}, 4, texts)
    assert sorted(statuses) == [302, 409, 409, 409], statuses
    assert all("已有一项延期申请等待审批" in t for st, t in zip(statuses, texts) if st == 409)
    assert count(racing_app, sa.select(LetterExtension.id)) == 1
    assert _events(racing_app, s.letter_id, "extension_requested") == 1


def test_an_extension_approved_twice_at_once_extends_once(racing_app, monkeypatch):
    s = _setup(racing_app, until="assigned")

    def ask():
        letter = _db.session.get(Letter, s.letter_id)
        extension = services.request_extension(letter, actor=_db.session.get(User, s.handler_id),
                                               extra_workdays=5, reason="需要现场核实")
        _db.session.commit()
        return extension.id, letter.due_at

    extension_id, due_before = in_app(racing_app, ask)
    hold_together(monkeypatch, services, "decide_extension", 2)
    statuses = post_copies(racing_app, s.office_id, f"/staff/letters/extensions/{extension_id}",
                           {"decision": "approve"}, 2)
    assert sorted(statuses) == [302, 409], statuses
    assert _events(racing_app, s.letter_id, "extension_approved") == 1
    letter = _letter(racing_app, s.letter_id)
    # 5 working days later, not 10 (the deadline is kept as the end of a Beijing day)
    assert letter.due_at > due_before
    assert workflow.workdays.workdays_between(workflow.local_date(due_before), workflow.local_date(letter.due_at)) == 5


def test_to_faq_clicked_four_times_at_once_makes_one_draft(racing_app, monkeypatch):
    s = _setup(racing_app, until="closed")
    hold_together(monkeypatch, services, "to_faq", 4)
    statuses = post_copies(racing_app, s.handler_id, f"/staff/letters/{s.letter_id}/faq", {}, 4)
    assert statuses == [302] * 4  # as a second click from a stale page: the draft made first
    assert count(racing_app, sa.select(FaqEntry.id).where(FaqEntry.source_letter_id == s.letter_id)) == 1
    assert _events(racing_app, s.letter_id, "to_faq") == 1


# --- one request at a time ----------------------------------------------------------------


@pytest.mark.parametrize(("step", "message"), [
    (lambda letter, r: services.accept_letter(letter, actor=r.office), "来信当前状态为“办理中”，不能受理。"),
    (lambda letter, r: services.answer_letter(letter, actor=r.office, answer_html="<p>答复</p>"),
     "来信当前状态为“已答复待审核”，不能答复。"),
    (lambda letter, r: services.approve_answer(letter, actor=r.office, publish=False),
     "来信当前状态为“已办结”，不能审核办结。"),
])
def test_a_refused_step_is_named_by_what_was_asked(roles, assigned, step, message):
    letter, _code = assigned()
    if "办理中" not in message:
        services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>答复</p>")
    if "已办结" in message:
        services.approve_answer(letter, actor=roles.office, publish=False)
    with pytest.raises(workflow.InvalidTransition) as refused:
        step(letter, roles)
    assert refused.value.message == message


@pytest.mark.parametrize("step", ["return", "answer"])
def test_answering_or_returning_ends_a_pending_extension(roles, assigned, step):
    letter, _code = assigned()
    extension = services.request_extension(letter, actor=roles.handler_a, extra_workdays=5, reason="需要核实")
    assert services.pending_extensions() == [extension]
    if step == "return":
        services.return_letter(letter, actor=roles.handler_a, reason="不属于本部门职责")
    else:
        services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>答复</p>")
    assert extension.status is ExtensionStatus.CLOSED
    assert services.pending_extensions() == [] and services.pending_extension_count() == 0
    assert "decide_extension" not in workflow.actions(letter, roles.office)
    with pytest.raises(workflow.InvalidTransition):
        services.decide_extension(extension, actor=roles.office, approve=True)
