"""The state table, deadlines in working days and the role/scope checks of each step."""
from __future__ import annotations

from datetime import date

import pytest

from interact.core import clock
from interact.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from interact.extensions import db
from interact.letters import services, workflow
from interact.core.models import AuditEvent
from interact.letters.models import (
    ExtensionStatus,
    Letter,
    LetterEvent,
    LetterKind,
    LetterRating,
    LetterStatus,
    RejectReason,
)

S = LetterStatus


def _local_day(moment):
    return clock.to_local(moment).date()


def test_submit_sets_acceptance_deadline_and_public_event(submit, frozen):
    frozen(2026, 3, 6, 10)  # Friday
    letter, code = submit()
    assert letter.status is S.SUBMITTED
    assert letter.number.startswith("XJ20260306-")
    assert len(code) == 8 and letter.query_code_hash != code
    # Accepted by the end of the next working day: Monday 9 March.
    assert _local_day(letter.due_at) == date(2026, 3, 9)
    assert [e.action for e in letter.public_events] == ["submit"]


def test_numbers_are_sequential_per_day(submit, frozen):
    frozen(2026, 3, 6, 10)
    first, _ = submit()
    second, _ = submit()
    assert first.number == "XJ20260306-0001" and second.number == "XJ20260306-0002"


def test_answer_deadline_spans_national_day_with_makeup_days(assigned, frozen):
    # 2026 National Day: 1–7 October off; Saturday 10 October is a make-up working day.
    frozen(2026, 9, 29, 10)  # Tuesday
    letter, _ = assigned(kind=LetterKind.CONSULTATION)
    # 5 working days after 29 Sept: 30 Sept, 8 Oct, 9 Oct, 10 Oct (Saturday, make-up), 12 Oct.
    assert _local_day(letter.due_at) == date(2026, 10, 12)
    # The yellow card starts on the working day before: Saturday 10 Oct (a make-up working day).
    assert _local_day(letter.warn_at) == date(2026, 10, 10)


def test_suggestion_and_complaint_get_ten_days(assigned, frozen):
    frozen(2026, 3, 2, 9)  # Monday
    letter, _ = assigned(kind=LetterKind.COMPLAINT)
    assert _local_day(letter.due_at) == date(2026, 3, 16)


def test_admin_reply_limits_change_new_deadlines(assigned, roles, frozen):
    frozen(2026, 3, 2, 9)
    services.set_reply_limits({LetterKind.CONSULTATION: 3}, actor=roles.admin)
    letter, _ = assigned()
    assert _local_day(letter.due_at) == date(2026, 3, 5)
    with pytest.raises(PermissionDenied):
        services.set_reply_limits({LetterKind.CONSULTATION: 3}, actor=roles.office)
    with pytest.raises(InvalidInput):
        services.set_reply_limits({LetterKind.CONSULTATION: 0}, actor=roles.admin)


def test_overdue_and_warning_hybrids_match_in_python_and_sql(assigned, frozen):
    frozen(2026, 3, 2, 9)  # due Monday 9 March end of day
    letter, _ = assigned()
    assert letter.deadline_state == "normal"
    frozen(2026, 3, 6, 12)  # Friday: last working day before the due date
    assert letter.warning and not letter.overdue and letter.deadline_state == "warning"
    assert db.session.scalar(db.select(db.func.count()).where(Letter.warning)) == 1
    frozen(2026, 3, 9, 23)
    assert not letter.overdue
    frozen(2026, 3, 10, 0, 1)
    assert letter.overdue and letter.deadline_state == "overdue"
    assert db.session.scalar(db.select(db.func.count()).where(Letter.overdue)) == 1


def test_answered_letter_is_not_overdue(assigned, roles, frozen):
    frozen(2026, 3, 2, 9)
    letter, _ = assigned()
    frozen(2026, 3, 11, 9)
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>答复</p>")
    assert not letter.overdue
    assert letter.answered_on_time is False
    assert letter.answered_workdays == 7


def test_full_happy_path_records_events_and_audit(closed, roles):
    letter, _ = closed()
    actions = [e.action for e in letter.events]
    assert actions == ["submit", "assign", "answer", "close", "published"]
    assert letter.status is S.CLOSED and letter.published
    assert letter.answered_on_time is True
    audit_actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.target_type == "letter")))
    assert {"letter.assign", "letter.answer", "letter.close", "letter.published"} <= audit_actions
    # Internal steps stay out of the citizen's timeline.
    assert "answer" not in [e.action for e in letter.public_events]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.SUBMITTED, S.ANSWERED),
        (S.SUBMITTED, S.CLOSED),
        (S.SUBMITTED, S.RETURNED),
        (S.ASSIGNED, S.CLOSED),
        (S.ASSIGNED, S.ACCEPTED),
        (S.ANSWERED, S.ASSIGNED),
        (S.CLOSED, S.ANSWERED),
        (S.REJECTED, S.ACCEPTED),
        (S.REJECTED, S.ASSIGNED),
    ],
)
def test_steps_outside_the_table_are_refused(submit, roles, start, target):
    letter, _ = submit()
    letter.status = start
    letter.department_id = roles.department_a.id
    db.session.flush()
    with pytest.raises(InvalidTransition):
        workflow.transition(letter, target, roles.admin, "x", department_id=roles.department_a.id,
                            answer_html="<p>x</p>", reason=RejectReason.DUPLICATE)
    assert letter.status is start


def test_every_table_entry_is_reachable_by_its_actor(submit, roles):
    for (start, target), step in workflow.TRANSITIONS.items():
        letter, _ = submit()
        letter.status = start
        letter.department_id = roles.department_a.id
        letter.answered_at = clock.now() if start in (S.ANSWERED, S.CLOSED) else None
        letter.answer_html = "<p>a</p>"
        if target is S.REOPENED:
            letter.rating = LetterRating.UNSATISFIED
        db.session.flush()
        actor = roles.office if step.who == "office" else roles.handler_a
        department = roles.department_b.id if step.action == "transfer" else roles.department_a.id
        workflow.transition(letter, target, actor, "理由说明", department_id=department,
                            answer_html="<p>答复</p>", reason=RejectReason.OUT_OF_SCOPE)
        assert letter.status is target
        assert letter.events[-1].action == step.action


def test_office_steps_refused_to_handlers(submit, roles):
    letter, _ = submit()
    with pytest.raises(PermissionDenied):
        services.accept_letter(letter, actor=roles.handler_a)
    with pytest.raises(PermissionDenied):
        services.assign_letter(letter, roles.department_a.id, actor=roles.handler_a)
    with pytest.raises(PermissionDenied):
        services.reject_letter(letter, actor=roles.curator, reason=RejectReason.DUPLICATE)
    assert letter.status is S.SUBMITTED


def test_handler_of_another_department_cannot_answer_return_or_extend(assigned, roles):
    letter, _ = assigned()
    with pytest.raises(PermissionDenied):
        services.answer_letter(letter, actor=roles.handler_b, answer_html="<p>x</p>")
    with pytest.raises(PermissionDenied):
        services.return_letter(letter, actor=roles.handler_b, reason="不是我们的")
    with pytest.raises(PermissionDenied):
        services.request_extension(letter, actor=roles.handler_b, extra_workdays=3, reason="材料多")
    assert letter.status is S.ASSIGNED


def test_reject_needs_reason_and_shows_it(submit, roles):
    letter, _ = submit()
    with pytest.raises(InvalidInput):
        services.reject_letter(letter, actor=roles.office, reason=None)
    services.reject_letter(letter, actor=roles.office, reason=RejectReason.COURT)
    assert letter.status is S.REJECTED and "法院" in letter.rejection_note
    assert letter.due_at is None and not letter.overdue
    assert "法院" in letter.public_events[-1].public_note


def test_accept_then_assign(submit, roles):
    letter, _ = submit()
    services.accept_letter(letter, actor=roles.office)
    assert letter.status is S.ACCEPTED and letter.accepted_at is not None
    services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    assert letter.status is S.ASSIGNED and letter.department_id == roles.department_a.id


def test_assign_needs_an_active_department(submit, roles, make_department):
    letter, _ = submit()
    with pytest.raises(InvalidInput):
        services.assign_letter(letter, None, actor=roles.office)
    inactive = make_department(active=False)
    with pytest.raises(InvalidInput):
        services.assign_letter(letter, inactive.id, actor=roles.office)


def test_return_and_reroute(assigned, roles):
    letter, _ = assigned()
    with pytest.raises(InvalidInput):
        services.return_letter(letter, actor=roles.handler_a, reason="  ")
    services.return_letter(letter, actor=roles.handler_a, reason="属于公积金中心职责")
    assert letter.status is S.RETURNED and letter.department_id is None
    services.assign_letter(letter, roles.department_b.id, actor=roles.office)
    assert letter.status is S.ASSIGNED and letter.department_id == roles.department_b.id


def test_transfer_between_departments(assigned, roles):
    letter, _ = assigned()
    with pytest.raises(InvalidInput):
        services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    services.assign_letter(letter, roles.department_b.id, actor=roles.office)
    assert letter.events[-1].action == "transfer" and letter.department_id == roles.department_b.id


def test_send_back_and_answer_again(assigned, roles, frozen):
    frozen(2026, 3, 2, 9)
    letter, _ = assigned()
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>初稿</p>")
    with pytest.raises(InvalidInput):
        services.send_back(letter, actor=roles.office, note="")
    with pytest.raises(PermissionDenied):
        services.send_back(letter, actor=roles.handler_a, note="自己退回")
    services.send_back(letter, actor=roles.office, note="请补充办理地点")
    assert letter.status is S.SENT_BACK and letter.answered_at is None
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>修改稿：市民中心三楼</p>")
    assert letter.status is S.ANSWERED


def test_answer_is_sanitised(assigned, roles):
    letter, _ = assigned()
    services.answer_letter(letter, actor=roles.handler_a,
                           answer_html='<p onclick="x()">好</p><script>alert(1)</script><a href="javascript:alert(1)">链接</a>')
    assert "<script" not in letter.answer_html and "onclick" not in letter.answer_html
    assert "javascript:" not in letter.answer_html
    empty, _ = assigned()
    with pytest.raises(InvalidInput):
        services.answer_letter(empty, actor=roles.handler_a, answer_html="<p> </p><br>")
    assert empty.status is S.ASSIGNED


def test_extension_request_and_approval_moves_due_date(assigned, roles, frozen):
    # Thursday 24 Sept; Friday 25 Sept is Mid-Autumn, 1–7 Oct National Day:
    # 28, 29, 30 Sept, 8, 9 Oct → due Friday 9 October.
    frozen(2026, 9, 24, 10)
    letter, _ = assigned()
    assert _local_day(letter.due_at) == date(2026, 10, 9)
    extension = services.request_extension(letter, actor=roles.handler_a, extra_workdays=3, reason="需要实地核查")
    with pytest.raises(InvalidTransition):
        services.request_extension(letter, actor=roles.handler_a, extra_workdays=3, reason="再来一次")
    with pytest.raises(PermissionDenied):
        services.decide_extension(extension, actor=roles.handler_a, approve=True)
    services.decide_extension(extension, actor=roles.office, approve=True, note="同意")
    assert extension.status is ExtensionStatus.APPROVED
    # 3 working days after 9 Oct: 10 (Saturday make-up day), 12, 13.
    assert _local_day(letter.due_at) == date(2026, 10, 13)
    assert letter.public_events[-1].action == "extension_approved"
    with pytest.raises(InvalidTransition):
        services.decide_extension(extension, actor=roles.office, approve=False)


def test_extension_rejected_keeps_due_date(assigned, roles):
    letter, _ = assigned()
    due = letter.due_at
    extension = services.request_extension(letter, actor=roles.handler_a, extra_workdays=2, reason="人手不足")
    services.decide_extension(extension, actor=roles.office, approve=False)
    assert letter.due_at == due and extension.status is ExtensionStatus.REJECTED


def test_extension_limits(assigned, roles):
    letter, _ = assigned()
    with pytest.raises(InvalidInput):
        services.request_extension(letter, actor=roles.handler_a, extra_workdays=30, reason="太久")
    with pytest.raises(InvalidInput):
        services.request_extension(letter, actor=roles.handler_a, extra_workdays=3, reason="")


def test_rating_and_reopen_once(closed, roles):
    letter, _ = closed()
    with pytest.raises(InvalidInput):
        services.reopen_letter(letter, actor=roles.office)  # not rated unsatisfied
    services.rate_letter(letter, LetterRating.UNSATISFIED, "没有说清楚地址")
    with pytest.raises(InvalidTransition):
        services.rate_letter(letter, LetterRating.SATISFIED)
    with pytest.raises(PermissionDenied):
        services.reopen_letter(letter, actor=roles.handler_a)
    services.reopen_letter(letter, actor=roles.office, note="请补充地址")
    assert letter.status is S.REOPENED and letter.reopen_count == 1 and letter.rating is None
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>地址：人民路200号</p>")
    services.approve_answer(letter, actor=roles.office, publish=False)
    services.rate_letter(letter, LetterRating.UNSATISFIED, "还是不满意")
    with pytest.raises(InvalidInput):
        services.reopen_letter(letter, actor=roles.office)


def test_rating_needs_a_closed_letter(assigned):
    letter, _ = assigned()
    with pytest.raises(InvalidTransition):
        services.rate_letter(letter, LetterRating.SATISFIED)


def test_publish_needs_consent_and_withdraw(closed, roles):
    letter, _ = closed(publish_consent=False)
    assert not letter.published
    with pytest.raises(InvalidTransition):
        services.publish_letter(letter, actor=roles.office)
    other, _ = closed()
    with pytest.raises(PermissionDenied):
        services.withdraw_letter(other, actor=roles.handler_a)
    services.withdraw_letter(other, actor=roles.office, note="含个人信息")
    assert not other.published and other.withdrawn_at is not None
    with pytest.raises(InvalidTransition):
        services.withdraw_letter(other, actor=roles.office)


def test_approve_with_publish_but_without_consent_is_refused(assigned, roles):
    letter, _ = assigned(publish_consent=False)
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>答复</p>")
    with pytest.raises(InvalidInput):
        services.approve_answer(letter, actor=roles.office, publish=True)


def test_events_are_rows(closed):
    letter, _ = closed()
    count = db.session.scalar(db.select(db.func.count()).select_from(LetterEvent).where(LetterEvent.letter_id == letter.id))
    assert count == len(letter.events) == 5
