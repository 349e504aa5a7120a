"""The interview lifecycle: table, roles and department scope, events and audit."""
from __future__ import annotations

import pytest

from interact.core import audit
from interact.core.errors import Conflict, InvalidTransition, PermissionDenied
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus

S = InterviewStatus


def test_full_lifecycle_records_events_and_audit(db, roles, make_interview, frozen):
    frozen(2026, 3, 2, 9)
    interview = make_interview(S.DRAFT)
    assert interview.status is S.DRAFT and not interview.is_public
    workflow.transition(interview, S.ANNOUNCED, roles.office)
    assert interview.announced_at is not None
    workflow.transition(interview, S.LIVE, roles.handler_a)
    workflow.transition(interview, S.ENDED, roles.handler_a)
    workflow.transition(interview, S.ARCHIVED, roles.handler_a, note="回顾已整理")
    db.session.commit()
    assert interview.started_at and interview.ended_at and interview.archived_at
    steps = [(e.from_status, e.to_status) for e in services.events_of(interview)]
    assert steps == [(None, S.DRAFT), (S.DRAFT, S.ANNOUNCED), (S.ANNOUNCED, S.LIVE), (S.LIVE, S.ENDED),
                     (S.ENDED, S.ARCHIVED)]
    actions = [e.action for e in audit.history("interview", interview.id)]
    assert "interview.archived" in actions and "interview.live" in actions


def test_only_the_office_publishes_the_announcement(db, roles, make_interview):
    interview = make_interview(S.DRAFT)
    with pytest.raises(PermissionDenied):
        workflow.transition(interview, S.ANNOUNCED, roles.handler_a)
    assert interview.status is S.DRAFT
    workflow.transition(interview, S.ANNOUNCED, roles.admin)
    assert interview.status is S.ANNOUNCED


def test_handler_runs_only_own_department(db, roles, make_interview):
    interview = make_interview(S.ANNOUNCED)  # department A
    with pytest.raises(PermissionDenied):
        workflow.transition(interview, S.LIVE, roles.handler_b)
    with pytest.raises(PermissionDenied):
        workflow.transition(interview, S.LIVE, roles.curator)
    workflow.transition(interview, S.LIVE, roles.handler_a)
    assert interview.status is S.LIVE


@pytest.mark.parametrize("start, target", [
    (S.DRAFT, S.LIVE), (S.ANNOUNCED, S.ENDED), (S.LIVE, S.ARCHIVED), (S.ARCHIVED, S.LIVE), (S.ENDED, S.LIVE),
])
def test_steps_outside_the_table_are_refused(db, roles, make_interview, start, target):
    interview = make_interview(start)
    with pytest.raises(InvalidTransition):
        workflow.transition(interview, target, roles.office)
    assert interview.status is start


def test_withdrawing_an_announcement_clears_it(db, roles, make_interview):
    interview = make_interview(S.ANNOUNCED)
    workflow.transition(interview, S.DRAFT, roles.office, note="时间调整")
    assert interview.status is S.DRAFT and interview.announced_at is None


def test_available_steps_depend_on_role(db, roles, make_interview):
    draft = make_interview(S.DRAFT)
    assert workflow.available_steps(draft, roles.handler_a) == []
    assert [to for to, _ in workflow.available_steps(draft, roles.office)] == [S.ANNOUNCED]
    announced = make_interview(S.ANNOUNCED)
    assert [to for to, _ in workflow.available_steps(announced, roles.handler_a)] == [S.LIVE]
    assert workflow.available_steps(announced, roles.handler_b) == []


def test_guests_cannot_change_once_the_archive_is_published(db, roles, make_interview, client, auth):
    interview = make_interview(InterviewStatus.ARCHIVED)
    guest = interview.guests[0]
    with pytest.raises(Conflict):
        services.add_guest(interview, name="新嘉宾", title="处长", actor=roles.office)
    with pytest.raises(Conflict):
        services.remove_guest(interview, guest.id, actor=roles.office)
    auth.login(roles.office)
    html = client.get(f"/staff/interviews/{interview.id}").get_data(as_text=True)
    assert "添加嘉宾" not in html and f"/guests/{guest.id}/" not in html
