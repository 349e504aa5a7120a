"""The collection lifecycle (surveys/workflow.py): the state table, the event row, and
``actions()`` as the one answer the pages use."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from interact.extensions import db
from interact.surveys import workflow
from interact.surveys.models import CollectionEvent, CollectionStatus


def test_every_step_writes_an_event_row(make_collection, roles):
    collection = make_collection()
    workflow.transition(collection, CollectionStatus.WITHDRAWN, actor=roles.office, note="内容需调整")
    workflow.transition(collection, CollectionStatus.DRAFT, actor=roles.office)
    db.session.commit()
    events = db.session.scalars(sa.select(CollectionEvent).where(CollectionEvent.collection_id == collection.id)
                                .order_by(CollectionEvent.id)).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        (CollectionStatus.DRAFT, CollectionStatus.PUBLISHED),
        (CollectionStatus.PUBLISHED, CollectionStatus.WITHDRAWN),
        (CollectionStatus.WITHDRAWN, CollectionStatus.DRAFT)]
    assert events[1].note == "内容需调整" and events[1].actor_id == roles.office.id


def test_refusals(make_collection, roles):
    collection = make_collection(publish=False)
    with pytest.raises(PermissionDenied):
        workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.handler_a)
    with pytest.raises(PermissionDenied):
        workflow.transition(collection, CollectionStatus.SUBMITTED, actor=roles.handler_b)
    with pytest.raises(InvalidTransition):
        workflow.transition(collection, CollectionStatus.WITHDRAWN, actor=roles.office)
    workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
    with pytest.raises(InvalidInput):
        workflow.transition(collection, CollectionStatus.WITHDRAWN, actor=roles.office)


def test_actions_per_user_and_state(make_collection, roles, frozen):
    draft = make_collection(publish=False)
    assert {"edit", "submit", "publish"} <= workflow.actions(draft, roles.office)
    assert "publish" not in workflow.actions(draft, roles.handler_a) and "submit" in workflow.actions(draft, roles.handler_a)
    assert workflow.actions(draft, roles.handler_b) == set()
    published = make_collection()
    frozen(2026, 4, 2)  # after its end
    assert "edit" not in workflow.actions(published, roles.office)
    assert {"view_feedback", "write_feedback", "record_adoption"} <= workflow.actions(published, roles.handler_a)


def test_a_draft_whose_end_has_passed_can_be_edited_from_the_page(make_collection, roles, frozen, client, auth):
    """The defect: the page hid 修改征集信息 while publishing said 请先修改征集时间."""
    draft = make_collection(publish=False)
    frozen(2026, 4, 2)
    auth.login(roles.handler_a)
    html = client.get(f"/staff/surveys/{draft.id}").get_data(as_text=True)
    assert "修改征集信息" in html and f"/staff/surveys/{draft.id}/edit" in html
    assert client.get(f"/staff/surveys/{draft.id}/edit").status_code == 200
    assert "上传" in html  # documents are editable too


def test_an_overdue_collection_does_not_promise_a_past_date(make_collection, frozen, client):
    collection = make_collection()  # ends 31 March; feedback due 30 April
    frozen(2026, 6, 13)  # 44 days after the deadline
    html = client.get(f"/surveys/{collection.id}").get_data(as_text=True)
    assert "已逾期" in html and "将于" not in html
    frozen(2026, 4, 10)
    html = client.get(f"/surveys/{collection.id}").get_data(as_text=True)
    assert "结果反馈将于 2026年04月30日 前公布" in html
